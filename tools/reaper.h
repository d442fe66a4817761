/*
 * `changegate reaper`, `sessions` and `end-session`: the OS side of session leases. The
 * rules (when to warn, end, kill) are pure and live in shared/lease.c; these files only
 * look at processes, signal them, write to terminals and watch files. Private to tools/.
 */
#ifndef CG_REAPER_H
#define CG_REAPER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "changegate.h"
#include "lease.h"

/* ---- reaper_proc.c: what /proc says about one process ------------------------------------- */

struct rp_proc {
	pid_t pid;
	pid_t ppid;                     /* its parent, for a sudo command's process tree */
	unsigned sid;                   /* audit session id */
	unsigned long long start;       /* start time, clock ticks since boot: with the pid, one
					   process and never a later one that reuses the pid */
	dev_t tty;                      /* controlling terminal (0: none) */
	uid_t uid;                      /* real uid, for the log */
};

/* The facts of pid read through procfd (an fd of /proc): 0, or -1 when the process is gone
 * (a zombie counts as gone), is a kernel thread or has no audit session id. */
int rp_proc_read(int procfd, pid_t pid, struct rp_proc *out);
/* Calls fn for every process with an audit session id; fn returns false to stop. The number
 * of processes seen, or -1 when /proc cannot be read. */
typedef bool (*rp_proc_fn)(const struct rp_proc *p, void *arg);
long rp_proc_scan(int procfd, rp_proc_fn fn, void *arg);

/* ---- reaper_signal.c ------------------------------------------------------------------------ */

/* Sends sig to the process p names only if it is still that process (same start time) and
 * still in session sid, checked after pinning it with a pidfd so that no pid reuse can slip
 * in between; never pid 1 or this process. 1 signalled, 0 left alone (gone, reused, another
 * session, excluded), -1 the signal failed (errno). */
int rp_signal(int procfd, const struct rp_proc *p, unsigned sid, int sig);

/* The distinct terminals of a session's processes. */
#define RP_TTYS_MAX 16
struct rp_ttys {
	size_t count;
	dev_t dev[RP_TTYS_MAX];
};
/* Every process of session sid now (one snapshot, then each pinned and checked by
 * rp_signal): SIGHUP+SIGTERM (kill false) or SIGKILL (kill true). The number of processes
 * the session had (those that exited meanwhile included), or -1 when /proc cannot be read. */
long rp_session_signal(int procfd, unsigned sid, bool kill);
/* How many processes session sid has now, and their distinct terminals (ttys may be NULL;
 * at most RP_TTYS_MAX); -1 when /proc cannot be read. */
long rp_session_count(int procfd, unsigned sid, struct rp_ttys *ttys);
/* The process root (pid and start time, in session sid) and every process below it in the
 * same session: SIGHUP+SIGTERM (kill false) or SIGKILL. How many that is, 0 when root is
 * gone or was replaced (its start time differs), -1 when /proc cannot be read. */
long rp_tree_signal(int procfd, pid_t root, unsigned long long start, unsigned sid, bool kill);

/* ---- reaper_tty.c ----------------------------------------------------------------------------- */

/* Writes line (one line, no newline; the caller made it printable) to the terminal dev:
 * only a /dev/pts/N or /dev/ttyN that is that character device, opened without becoming
 * anyone's controlling terminal and without blocking. 0, or -1. */
int rp_tty_write(dev_t dev, const char *line);

/* ---- reaper_watch.c: inotify on the record directory and the revocation list(s) ---------- */

#define RP_WATCH_MAX 4
struct rp_watch {
	int fd;                         /* the inotify fd, -1 when inotify failed: rescan only */
	size_t count;
	int wd[RP_WATCH_MAX];
};

/* Watches the directories holding each of paths[0..n) (so a list replaced by rename, or a
 * file created later, is seen) and run_dir itself. Never fails: what cannot be watched is
 * left to the periodic rescan (logged by the caller from the return: the number of paths
 * that could not be watched). */
int rp_watch_open(struct rp_watch *w, const char *run_dir, const char *const *paths, size_t n);
/* Reads and discards every pending event; true when there was any. */
bool rp_watch_drain(struct rp_watch *w);
void rp_watch_close(struct rp_watch *w);


/* ---- reaper_logins.c: the live gated logins, from the login records ---------------------- */

#define RP_LOGINS_MAX 4096              /* records followed at once; more are logged */

struct rp_login {
	unsigned sid;
	char user[CG_CLAIM_MAX + 1];
	char chg[CG_CLAIM_MAX + 1];
	char jti[CG_JTI_MAX + 1];
	char approver[CG_CLAIM_MAX + 1];
	char tty[256];
	char rhost[256];
	long long leader_pid;
	long long opened;
	struct cg_lease lease;
	long signalled;                 /* processes that got SIGHUP+SIGTERM at the end */
	bool seen;                      /* its record was found in this pass; false: the login
					   closed (or was ended), processes may still be left */
	bool closed;                    /* its record is a closed login's (closed-<sid>) */
};

struct rp_logins {
	struct rp_login *items;
	size_t count;
	unsigned bad_sid[64];           /* records already reported unreadable, once each */
	size_t nbad;
};

/* Brings t up to date with the records in run_dir: new records are read and marked seen, a
 * login's state (warned, ended) is kept, a login whose record is gone is kept unseen (the
 * caller drops it when no process of it is left). A record that cannot be read or
 * parsed is reported once through complain and otherwise ignored: one bad file never stops
 * the others being followed. -1 when run_dir itself cannot be trusted or read. */
typedef void (*rp_complain_fn)(unsigned sid, const char *why);
int rp_logins_refresh(struct rp_logins *t, const char *run_dir, rp_complain_fn complain);
/* The login with this session id, or NULL. */
struct rp_login *rp_logins_find(struct rp_logins *t, unsigned sid);
/* Drops t->items[i] (the login is over). */
void rp_logins_drop(struct rp_logins *t, size_t i);
void rp_logins_free(struct rp_logins *t);

/* ---- reaper_logind*.c: systemd-logind's side of a login, where it manages the session ---- */

/* What came of asking logind to end a login's session; its word goes into the audit line
 * (logind=...). */
enum rp_logind {
	RP_LOGIND_TERMINATED,           /* logind accepted TerminateSession */
	RP_LOGIND_ABSENT,               /* no bus, no logind, or no session of that name: normal
					   on many hosts, and once our signals ended a session */
	RP_LOGIND_REFUSED,              /* logind has a session of that name, but not ours (its
					   Audit id or user differs): not asked to end it */
	RP_LOGIND_FAILED,               /* the bus or logind erred or did not answer in time */
};
const char *rp_logind_word(enum rp_logind r);
/* The rule (reaper_logind_rules.c, pure): logind's session "<sid>" may be terminated only
 * when its Audit property is sid and its Name is the recorded user. NULL when it may, else
 * why not (for the log). */
const char *rp_logind_mismatch(unsigned sid, const char *user, unsigned audit,
			       const char *name);
/* Whether a D-Bus error name (or, with name NULL, an errno from connecting) means "nothing
 * there" (RP_LOGIND_ABSENT) rather than a failure. */
bool rp_logind_error_is_absent(const char *name, int err);
/* Asks logind, over the system bus at /run/dbus/system_bus_socket, to terminate the session
 * named after audit session id sid, after checking it is user's login with that Audit id.
 * Bounded: at most about 2 s in all, and after a bus that did not answer, not asked again
 * for 30 s. Logs refusals and failures; absence once. Called after the login's processes
 * were signalled, never instead. */
enum rp_logind rp_logind_terminate(unsigned sid, const char *user);

/* ---- reaper_end.c: ending one login, for the reaper and for end-session ------------------ */

/* The one line a login's terminals get when it ends ("changegate: ticket CHG1 was revoked;
 * this login is being closed."), why naming the reason and what what is being ended. */
#define RP_LOGIN_ENDS "this login is being closed"
#define RP_SUDO_ENDS "the sudo command it allowed is being ended"
void rp_end_line(const struct rp_login *l, enum cg_lease_why why, const char *what, char *buf,
		 size_t len);
/* Writes line to every terminal of session sid: how many took it. */
int rp_tell_session(int procfd, unsigned sid, const char *line);
/* The decision line of an ended login (event "session_end" or "end_session"): syslog at
 * LOG_WARNING (LOG_AUTHPRIV) and the config's audit_log. logind: rp_logind_word() of what
 * logind was asked, or NULL when it was not (a sudo command's end). */
void rp_audit_end(const struct cg_config *cfg, const struct rp_login *l, const char *event,
		  enum cg_lease_why why, long processes, const char *logind);

/* ---- reaper_sudo.c: sudo commands registered under a token of their own ------------------ */

struct rp_sudo {
	struct cg_sudo_lease reg;       /* what the sudo plugin registered */
	struct cg_lease lease;
	bool seen;
};

struct rp_sudos {
	struct rp_sudo *items;
	size_t count;
	long long bad_pid[64];          /* leases already reported unreadable, once each */
	size_t nbad;
};

/* The sudo leases in run_dir, new ones read, gone ones dropped; complain (once a pid) gets
 * those that cannot be read. -1 when run_dir cannot be trusted or read. */
typedef void (*rp_sudo_complain_fn)(long long pid);
int rp_sudos_refresh(struct rp_sudos *t, const char *run_dir, rp_sudo_complain_fn complain);
/* Whether the registered sudo process still runs (same pid, start time and session). */
bool rp_sudo_alive(int procfd, const struct rp_sudo *s);
/* The login-shaped view of a sudo lease, for the end line and the audit line. */
void rp_sudo_as_login(const struct rp_sudo *s, struct rp_login *out);
void rp_sudos_drop(struct rp_sudos *t, size_t i);
void rp_sudos_free(struct rp_sudos *t);

#endif /* CG_REAPER_H */
