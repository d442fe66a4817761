/*
 * Signalling a session's processes without ever hitting one outside it. A pid alone names
 * whatever process holds it now, so each target is pinned first (pidfd_open), then checked
 * (its session id and start time, read again), then signalled through the pidfd: the
 * process checked is the process signalled, even if the pid is reused in between.
 */
#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "reaper.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal_(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int rp_signal(int procfd, const struct rp_proc *p, unsigned sid, int sig)
{
	/* never init, never ourselves: a reaper started by hand inside a gated login carries
	 * that login's session id */
	if (p->pid <= 1 || p->pid == getpid() || p->sid != sid)
		return 0;
	int pidfd = pidfd_open_(p->pid);
	if (pidfd < 0)
		return errno == ESRCH ? 0 : -1;
	struct rp_proc now;
	int rc = 0;
	/* the pid now pinned must still be the process that was seen, in the same session */
	if (rp_proc_read(procfd, p->pid, &now) == 0 && now.sid == sid && now.start == p->start) {
		if (pidfd_signal_(pidfd, sig) == 0)
			rc = 1;
		else if (errno != ESRCH)
			rc = -1;
	}
	int saved = errno;
	close(pidfd);
	errno = saved;
	return rc;
}

#define SESSION_MAX 4096        /* processes of one session signalled in one pass */

/* One session's processes, seen in one scan: every signal goes to this snapshot, so a
 * process that exits because another was signalled (a shell whose sshd went) still counts
 * as one the login had when it ended. */
struct snapshot {
	unsigned sid;
	size_t count;
	struct rp_proc procs[SESSION_MAX];
};

static bool collect(const struct rp_proc *p, void *arg)
{
	struct snapshot *w = arg;
	if (p->sid == w->sid && p->pid > 1 && p->pid != getpid() && w->count < SESSION_MAX)
		w->procs[w->count++] = *p;
	return true;
}

static int take_snapshot(int procfd, unsigned sid, struct snapshot *w)
{
	w->sid = sid;
	w->count = 0;
	return rp_proc_scan(procfd, collect, w) < 0 ? -1 : 0;
}

/* SIGHUP as a hang-up would (shells save history, editors their buffers) and SIGTERM for
 * what ignores SIGHUP (nohup); or SIGKILL. */
static void end_one(int procfd, const struct rp_proc *p, unsigned sid, bool kill)
{
	if (kill) {
		rp_signal(procfd, p, sid, SIGKILL);
	} else {
		rp_signal(procfd, p, sid, SIGHUP);
		rp_signal(procfd, p, sid, SIGTERM);
	}
}

static void note_tty(struct rp_ttys *t, dev_t dev)
{
	if (t == NULL || dev == 0)
		return;
	for (size_t i = 0; i < t->count; i++) {
		if (t->dev[i] == dev)
			return;
	}
	if (t->count < RP_TTYS_MAX)
		t->dev[t->count++] = dev;
}

long rp_session_signal(int procfd, unsigned sid, bool kill)
{
	static struct snapshot w;
	if (take_snapshot(procfd, sid, &w) != 0)
		return -1;
	for (size_t i = 0; i < w.count; i++)
		end_one(procfd, &w.procs[i], sid, kill);
	return (long)w.count;
}

long rp_session_count(int procfd, unsigned sid, struct rp_ttys *ttys)
{
	static struct snapshot w;
	if (ttys != NULL)
		ttys->count = 0;
	if (take_snapshot(procfd, sid, &w) != 0)
		return -1;
	for (size_t i = 0; i < w.count; i++)
		note_tty(ttys, w.procs[i].tty);
	return (long)w.count;
}

long rp_tree_signal(int procfd, pid_t root, unsigned long long start, unsigned sid, bool kill)
{
	static struct snapshot w;
	static bool in_tree[SESSION_MAX];
	if (take_snapshot(procfd, sid, &w) != 0)
		return -1;
	bool any = false;
	for (size_t i = 0; i < w.count; i++) {
		in_tree[i] = w.procs[i].pid == root && w.procs[i].start == start;
		any |= in_tree[i];
	}
	if (!any)
		return 0;  /* the registered process is gone: its pid names someone else now */
	/* below it: whatever has a parent in the tree, until nothing more joins */
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < w.count; i++) {
			for (size_t j = 0; !in_tree[i] && j < w.count; j++) {
				if (in_tree[j] && w.procs[i].ppid == w.procs[j].pid) {
					in_tree[i] = true;
					grew = true;
				}
			}
		}
	}
	long n = 0;
	for (size_t i = 0; i < w.count; i++) {
		if (in_tree[i]) {
			end_one(procfd, &w.procs[i], sid, kill);
			n++;
		}
	}
	return n;
}
