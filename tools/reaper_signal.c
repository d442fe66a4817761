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

struct session_walk {
	int procfd;
	unsigned sid;
	bool signal, kill;
	long count;
	struct rp_ttys *ttys;
};

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

static bool visit(const struct rp_proc *p, void *arg)
{
	struct session_walk *w = arg;
	if (p->sid != w->sid || p->pid <= 1 || p->pid == getpid())
		return true;
	if (!w->signal) {
		w->count++;
		note_tty(w->ttys, p->tty);
		return true;
	}
	if (w->kill) {
		w->count += rp_signal(w->procfd, p, w->sid, SIGKILL) == 1;
	} else {
		/* SIGHUP as a hang-up would (shells save history, editors their buffers), and
		 * SIGTERM for what ignores SIGHUP (nohup) */
		int hup = rp_signal(w->procfd, p, w->sid, SIGHUP);
		int term = rp_signal(w->procfd, p, w->sid, SIGTERM);
		w->count += hup == 1 || term == 1;
	}
	return true;
}

long rp_session_signal(int procfd, unsigned sid, bool kill)
{
	struct session_walk w = {.procfd = procfd, .sid = sid, .signal = true, .kill = kill};
	return rp_proc_scan(procfd, visit, &w) < 0 ? -1 : w.count;
}

long rp_session_count(int procfd, unsigned sid, struct rp_ttys *ttys)
{
	struct session_walk w = {.procfd = procfd, .sid = sid, .ttys = ttys};
	if (ttys != NULL)
		ttys->count = 0;
	return rp_proc_scan(procfd, visit, &w) < 0 ? -1 : w.count;
}

#define TREE_MAX 4096           /* processes of one session looked at for a sudo tree */

struct tree_walk {
	unsigned sid;
	size_t count;
	struct rp_proc procs[TREE_MAX];
};

static bool collect(const struct rp_proc *p, void *arg)
{
	struct tree_walk *w = arg;
	if (p->sid == w->sid && w->count < TREE_MAX)
		w->procs[w->count++] = *p;
	return true;
}

long rp_tree_signal(int procfd, pid_t root, unsigned long long start, unsigned sid, bool kill)
{
	static struct tree_walk w;
	static bool in_tree[TREE_MAX];
	w.sid = sid;
	w.count = 0;
	if (rp_proc_scan(procfd, collect, &w) < 0)
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
		if (!in_tree[i])
			continue;
		if (kill) {
			n += rp_signal(procfd, &w.procs[i], sid, SIGKILL) == 1;
		} else {
			int hup = rp_signal(procfd, &w.procs[i], sid, SIGHUP);
			int term = rp_signal(procfd, &w.procs[i], sid, SIGTERM);
			n += hup == 1 || term == 1;
		}
	}
	return n;
}
