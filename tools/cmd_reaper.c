/*
 * `changegate reaper`: the root daemon that ends every ticketed login when its ticket ends.
 * A loop with explicit state: the login records and the revocation list are the input, the
 * lease rules (shared/lease.c) the decisions, reaper_*.c the hands. It sleeps until the
 * earliest due action, a change of a watched file, a signal, or the rescan bound.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "reaper.h"

#define CMD "reaper"

struct reaper {
	struct cg_config cfg;
	const char *run_dir;
	struct cg_lease_policy policy;
	int procfd;
	struct rp_watch watch;
	struct rp_logins logins;
	struct rp_sudos sudos;
	bool revocation_fault;          /* the list was unusable at the last look (logged) */
	bool dir_fault;                 /* the record directory was unusable (logged) */
};

static void usage(void)
{
	printf("Usage: changegate reaper [--config FILE] [--run-dir DIR]\n"
	       "\n"
	       "Runs in the foreground (for systemd) as root and ends every ticketed login when\n"
	       "its ticket ends: at exp + leeway, or within 5 seconds of a revocation. session_warn\n"
	       "before the end it writes a line to the login's terminals; at the end it sends\n"
	       "SIGHUP and SIGTERM to every process of the login (its audit session id), and\n"
	       "SIGKILL to what is left session_grace later; where systemd-logind manages the\n"
	       "login, it also asks logind to terminate its session (logind=...). One\n"
	       "session_end line per ended login goes to syslog and the audit log. Ends on\n"
	       "SIGTERM.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE   configuration file (default:\n"
	       "                      %s)\n"
	       "  -r, --run-dir DIR   the login record directory, as the PAM module's rundir=\n"
	       "                      (default: %s)\n"
	       "  -h, --help          show this help and exit\n"
	       "\n"
	       "Exit status: 0 stopped by SIGTERM; 1 failure (another reaper runs, /proc cannot\n"
	       "be read); 2 usage error or a configuration that cannot be used.\n",
	       cg_default_config_path(), CG_RUNDIR);
}

static void complain(unsigned sid, const char *why)
{
	syslog(LOG_AUTHPRIV | LOG_ERR, "login record %u cannot be used, not followed: %s", sid,
	       why);
}

/* Whether jti or chg is revoked now by the plain list or the signed one (issue 13); *fault
 * set when a list cannot be used (unreadable, badly signed, stale, rolled back). */
static bool revoked(struct reaper *r, const char *jti, const char *chg, bool *fault)
{
	char detail[CG_DETAIL_MAX];
	cg_reason plain = cg_revocation_check(r->cfg.revocation_file, jti, chg, r->cfg.state_dir);
	cg_reason list = cg_revlist_check(&r->cfg, jti, chg, time(NULL), detail, sizeof(detail));
	if ((plain != CG_OK && plain != CG_REVOKED) || (list != CG_OK && list != CG_REVOKED))
		*fault = true;
	return plain == CG_REVOKED || list == CG_REVOKED;
}

/* The revocation state of every lease not yet ended. An unusable list ends nobody (a list
 * being fixed must not close every login on the host) but is logged once per fault: the
 * expiry still holds, and logins and sudo are refused meanwhile (config_error). */
static void check_revocations(struct reaper *r)
{
	bool fault = false;
	for (size_t i = 0; i < r->logins.count; i++) {
		struct rp_login *l = &r->logins.items[i];
		if (l->lease.ended_at == 0 && l->lease.stop == CG_LEASE_LIVE &&
		    revoked(r, l->jti, l->chg, &fault))
			l->lease.stop = CG_LEASE_REVOKED;
	}
	for (size_t i = 0; i < r->sudos.count; i++) {
		struct rp_sudo *s = &r->sudos.items[i];
		if (s->lease.ended_at == 0 && s->lease.stop == CG_LEASE_LIVE &&
		    revoked(r, s->reg.jti, s->reg.chg, &fault))
			s->lease.stop = CG_LEASE_REVOKED;
	}
	if (fault && !r->revocation_fault)
		syslog(LOG_AUTHPRIV | LOG_ERR, "a revocation list (%s, %s) cannot be used; sessions "
		       "still end at expiry", r->cfg.revocation_file ? r->cfg.revocation_file : "-",
		       r->cfg.revocation_list ? r->cfg.revocation_list : "-");
	r->revocation_fault = fault;
}

static void warn(struct reaper *r, const struct rp_login *l, const char *what, time_t now)
{
	char chg[CG_CLAIM_MAX + 1], left[64], at[64], line[512];
	long long end = cg_lease_end_time(&l->lease, &r->policy);
	cg_sanitize(chg, sizeof(chg), l->chg);
	cli_format_relative(end, now, left, sizeof(left));
	cli_format_time(end, at, sizeof(at));
	snprintf(line, sizeof(line), "changegate: ticket %s ends %s (%s); %s then.", chg, left,
		 at, what);
	int told = rp_tell_session(r->procfd, l->sid, line);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "session %u: warned %d terminal(s) that ticket %s ends "
	       "%s", l->sid, told, chg, left);
}

/* The logins due to end in this pass (indexes into r->logins, with why), ended together:
 * every one is told and signalled before logind is asked about any, so that many logins
 * revoked at once all end within the revocation's 5 s, however slowly logind answers. */
struct ending {
	size_t count;
	size_t idx[RP_LOGINS_MAX];
	enum cg_lease_why why[RP_LOGINS_MAX];
};

static void end_all(struct reaper *r, const struct ending *e)
{
	bool told = false;
	char line[512];
	for (size_t k = 0; k < e->count; k++) {
		struct rp_login *l = &r->logins.items[e->idx[k]];
		rp_end_line(l, e->why[k], RP_LOGIN_ENDS, line, sizeof(line));
		told |= rp_tell_session(r->procfd, l->sid, line) > 0;
	}
	if (told) {
		/* the line sits in the terminal until sshd forwards it: signalled at once,
		 * sshd would drop the connection first and the user never learn why */
		struct timespec ts = {0, 300 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	for (size_t k = 0; k < e->count; k++) {
		struct rp_login *l = &r->logins.items[e->idx[k]];
		l->signalled = rp_session_signal(r->procfd, l->sid, false);
	}
	/* after our own signals, never instead: each logind answer is bounded (about 2 s) */
	for (size_t k = 0; k < e->count; k++) {
		struct rp_login *l = &r->logins.items[e->idx[k]];
		enum rp_logind lg = rp_logind_terminate(l->sid, l->user);
		rp_audit_end(&r->cfg, l, "session_end", e->why[k], l->signalled,
			     rp_logind_word(lg));
	}
}

/* Ended logins: SIGKILL again for anything started since the kill. A login with no process
 * left is over: its record goes (the session id is never given again before a reboot),
 * then the login. So does a closed login (record closed or gone) with nothing left behind. */
static void sweep(struct reaper *r)
{
	for (size_t i = r->logins.count; i-- > 0;) {
		struct rp_login *l = &r->logins.items[i];
		if (l->lease.ended_at == 0 && l->seen && !l->closed)
			continue;
		long left = rp_session_count(r->procfd, l->sid, NULL);
		if (left > 0 && l->lease.killed)
			rp_session_signal(r->procfd, l->sid, true);
		if (left != 0)
			continue;
		int rc = !l->seen  ? 0
			 : l->closed ? cg_login_record_remove_closed(r->run_dir, l->sid)
				     : cg_login_record_remove(r->run_dir, l->sid);
		if (rc != 0)
			syslog(LOG_AUTHPRIV | LOG_ERR, "Error removing login record %u: %m", l->sid);
		rp_logins_drop(&r->logins, i);
	}
}

static void sudo_complain(long long pid)
{
	syslog(LOG_AUTHPRIV | LOG_ERR, "sudo lease of pid %lld cannot be used, not followed",
	       pid);
}

/* A sudo command under a token of its own: the same warning and end as a login's, for its
 * process tree only (the sudo process, which passes SIGHUP and SIGTERM on, and what it
 * runs); the login it runs in goes on. */
static void act_sudo(struct reaper *r, struct rp_sudo *s, enum cg_lease_action a, time_t now)
{
	struct rp_login view;
	rp_sudo_as_login(s, &view);
	if (a == CG_LEASE_WARN) {
		warn(r, &view, "the sudo command it allowed will be ended", now);
	} else if (a == CG_LEASE_END) {
		enum cg_lease_why why = cg_lease_why_at(&s->lease, &r->policy, now);
		char line[512];
		rp_end_line(&view, why, RP_SUDO_ENDS, line, sizeof(line));
		rp_tell_session(r->procfd, view.sid, line);
		long n = rp_tree_signal(r->procfd, (pid_t)s->reg.pid, s->reg.start,
					s->reg.sessionid, false);
		rp_audit_end(&r->cfg, &view, "sudo_end", why, n, NULL);
	} else if (a == CG_LEASE_KILL) {
		rp_tree_signal(r->procfd, (pid_t)s->reg.pid, s->reg.start, s->reg.sessionid, true);
	}
}

/* Sudo leases whose process is gone (the command finished, or was ended) are removed. */
static void sweep_sudos(struct reaper *r)
{
	for (size_t i = r->sudos.count; i-- > 0;) {
		struct rp_sudo *s = &r->sudos.items[i];
		if (rp_sudo_alive(r->procfd, s)) {
			if (s->lease.killed)
				rp_tree_signal(r->procfd, (pid_t)s->reg.pid, s->reg.start,
					       s->reg.sessionid, true);
			continue;
		}
		if (cg_sudo_lease_remove(r->run_dir, s->reg.pid) != 0)
			syslog(LOG_AUTHPRIV | LOG_ERR, "Error removing sudo lease %lld: %m",
			       s->reg.pid);
		rp_sudos_drop(&r->sudos, i);
	}
}

/* One pass: re-read, judge, act. Returns when to wake next. */
static long long pass(struct reaper *r)
{
	time_t now = time(NULL);
	if (rp_logins_refresh(&r->logins, r->run_dir, complain) != 0) {
		if (!r->dir_fault)
			syslog(LOG_AUTHPRIV | LOG_ERR, "Error reading the login records in %s: %m",
			       r->run_dir);
		r->dir_fault = true;
	} else {
		r->dir_fault = false;
	}
	if (rp_sudos_refresh(&r->sudos, r->run_dir, sudo_complain) != 0)
		r->dir_fault = true;
	check_revocations(r);
	long long next = (long long)now + CG_LEASE_RESCAN;
	for (size_t i = 0; i < r->sudos.count; i++) {
		struct rp_sudo *s = &r->sudos.items[i];
		enum cg_lease_action a = cg_lease_due(&s->lease, &r->policy, now);
		act_sudo(r, s, a, now);
		cg_lease_done(&s->lease, a, now);
		long long t = cg_lease_wakeup(&s->lease, 1, &r->policy, now);
		if (t < next)
			next = t;
	}
	static struct ending ending;
	ending.count = 0;
	for (size_t i = 0; i < r->logins.count; i++) {
		struct rp_login *l = &r->logins.items[i];
		enum cg_lease_action a = cg_lease_due(&l->lease, &r->policy, now);
		if (a == CG_LEASE_WARN) {
			warn(r, l, "this login will be closed", now);
		} else if (a == CG_LEASE_END) {
			/* room for all: the table follows at most RP_LOGINS_MAX logins */
			ending.idx[ending.count] = i;
			ending.why[ending.count++] = cg_lease_why_at(&l->lease, &r->policy, now);
		} else if (a == CG_LEASE_KILL) {
			rp_session_signal(r->procfd, l->sid, true);
		}
		cg_lease_done(&l->lease, a, now);
		long long t = cg_lease_wakeup(&l->lease, 1, &r->policy, now);
		if (t < next)
			next = t;
	}
	end_all(r, &ending);
	sweep(r);
	sweep_sudos(r);
	return next;
}

/* Sleeps until next (at most CG_LEASE_RESCAN), a watched change or a signal: false on
 * SIGTERM or SIGINT (SIGHUP only wakes). */
static bool sleep_until(struct reaper *r, int sfd, long long next)
{
	long long wait = next - (long long)time(NULL);
	if (wait < 0)
		wait = 0;
	if (wait > CG_LEASE_RESCAN)
		wait = CG_LEASE_RESCAN;
	struct pollfd fds[2] = {{.fd = sfd, .events = POLLIN},
				{.fd = r->watch.fd, .events = POLLIN}};
	/* a deadline at second t is due once time() reads t: wake just past it */
	int n = poll(fds, r->watch.fd >= 0 ? 2 : 1, (int)(wait * 1000 + 50));
	if (n > 0 && (fds[0].revents & POLLIN)) {
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si) && si.ssi_signo != SIGHUP) {
			syslog(LOG_AUTHPRIV | LOG_INFO, "reaper stopping on signal %u",
			       si.ssi_signo);
			return false;
		}
	}
	rp_watch_drain(&r->watch);
	return true;
}

static int run(struct reaper *r)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	int sfd = -1;
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
	    (sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		cli_error(CMD, "signalfd: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	/* the plain list and the signed one (issue 13), each replaced by rename */
	const char *lists[] = {r->cfg.revocation_file, r->cfg.revocation_list};
	int missed = rp_watch_open(&r->watch, r->run_dir, lists, 2);
	if (missed > 0)
		syslog(LOG_AUTHPRIV | LOG_WARNING, "%d directories cannot be watched: changes "
		       "there are seen by the %d s rescan", missed, CG_LEASE_RESCAN);
	syslog(LOG_AUTHPRIV | LOG_INFO, "reaper started: records in %s, session_warn %lds, "
	       "session_grace %lds", r->run_dir, r->policy.warn, r->policy.grace);
	while (sleep_until(r, sfd, pass(r)))
		;
	close(sfd);
	return CLI_EXIT_OK;
}

int cmd_reaper(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	struct reaper r;
	memset(&r, 0, sizeof(r));
	r.run_dir = CG_RUNDIR;
	r.procfd = -1;
	r.watch.fd = -1;
	int c;
	while ((c = getopt_long(argc, argv, "c:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			r.run_dir = optarg;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (optind != argc)
		return cli_usage_error(CMD);
	if (r.run_dir[0] != '/') {
		cli_error(CMD, "--run-dir must be an absolute path");
		return CLI_EXIT_USAGE;
	}
	if (geteuid() != 0) {
		cli_error(CMD, "must run as root (it reads the login records and signals "
			  "their processes)");
		return CLI_EXIT_FAIL;
	}
	char err[512];
	if (cli_load_config(&r.cfg, config, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return CLI_EXIT_USAGE;
	}
	r.policy.leeway = r.cfg.leeway;
	r.policy.warn = r.cfg.session_warn;
	r.policy.grace = r.cfg.session_grace;
	int rc = CLI_EXIT_FAIL;
	int lock = cg_reaper_lock_take(r.run_dir, err, sizeof(err));
	if (lock < 0) {
		cli_error(CMD, "%s", err);
		goto out;
	}
	r.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r.procfd < 0) {
		cli_error(CMD, "Error opening /proc: %s", strerror(errno));
	} else {
		/* our own daemon: the syslog identity is ours to set (unlike in the module) */
		openlog("changegate-reaper", LOG_PID, LOG_AUTHPRIV);
		rc = run(&r);
		close(r.procfd);
	}
	rp_watch_close(&r.watch);
	rp_logins_free(&r.logins);
	rp_sudos_free(&r.sudos);
	close(lock);
out:
	cg_config_free(&r.cfg);
	return rc;
}
