/*
 * The reaper's hands on real processes (tools/reaper_proc.c, reaper_signal.c, reaper_tty.c):
 * a session of our own (a child that sets its loginuid gets a fresh audit session id) with
 * two more processes in it, one of them detached with setsid. What must hold: the session's
 * processes are found by their audit session id; a process whose start time differs (a pid
 * reused by another program), one that is gone, one of another session, pid 1 and the
 * caller itself are never signalled; the whole session is; one line reaches a terminal.
 * Needs root (loginuid) and kernel audit session ids; skipped (77) otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "core_fixture.h"
#include "reaper.h"

static int procfd = -1;
static pid_t holder = -1;          /* in the session of its own: holder and two children */
static unsigned sid;

static void pause_forever(void)
{
	for (;;)
		pause();
}

/* holder: sets its loginuid (a new audit session), starts a plain and a setsid child, and
 * writes one byte to ready once both run. */
static void run_holder(int ready)
{
	int fd = open("/proc/self/loginuid", O_WRONLY);
	if (fd < 0 || write(fd, "4242", 4) != 4)
		_exit(3);
	close(fd);
	/* its children that die are reaped at once: a zombie still counts in its session */
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 2; i++) {
		pid_t c = fork();
		if (c == 0) {
			if (i == 1)
				setsid();
			pause_forever();
		}
		if (c < 0)
			_exit(4);
	}
	if (write(ready, "x", 1) != 1)
		_exit(5);
	pause_forever();
}

static void nap(void)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	nanosleep(&ts, NULL);
}

/* As a subreaper, reaps whatever of ours died (the holder's orphans come to us). */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static long count_within(long want, int tries)
{
	long n = -1;
	for (int i = 0; i < tries; i++) {
		reap();
		n = rp_session_count(procfd, sid, NULL);
		if (n == want)
			break;
		nap();
	}
	return n;
}

static void test_found_by_session(void)
{
	struct rp_proc p;
	CU_ASSERT_EQUAL_FATAL(rp_proc_read(procfd, holder, &p), 0);
	CU_ASSERT_EQUAL(p.pid, holder);
	CU_ASSERT_EQUAL(p.sid, sid);
	CU_ASSERT_TRUE(p.start > 0);
	CU_ASSERT_EQUAL(p.uid, 0);
	/* the holder and both children, the setsid one too */
	CU_ASSERT_EQUAL(count_within(3, 50), 3);
	/* no such process */
	CU_ASSERT_EQUAL(rp_proc_read(procfd, 0x7ffffff0, &p), -1);
}

static void test_never_signalled(void)
{
	struct rp_proc p;
	CU_ASSERT_EQUAL_FATAL(rp_proc_read(procfd, holder, &p), 0);

	/* the pid now holds another program: another start time */
	struct rp_proc reused = p;
	reused.start = p.start + 1;
	CU_ASSERT_EQUAL(rp_signal(procfd, &reused, sid, SIGTERM), 0);
	/* what was seen in this session, asked for another one */
	CU_ASSERT_EQUAL(rp_signal(procfd, &p, sid + 1, SIGTERM), 0);
	/* pid 1 and ourselves, whatever session they are said to be in */
	struct rp_proc init = {.pid = 1, .sid = sid};
	CU_ASSERT_EQUAL(rp_signal(procfd, &init, sid, SIGTERM), 0);
	struct rp_proc self = {.pid = getpid(), .sid = sid};
	CU_ASSERT_EQUAL(rp_signal(procfd, &self, sid, SIGTERM), 0);
	CU_ASSERT_EQUAL(kill(holder, 0), 0);

	/* a process that is gone (exited and reaped) */
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	CU_ASSERT_FATAL(gone > 0);
	struct rp_proc g = {.pid = gone, .sid = sid, .start = p.start};
	waitpid(gone, NULL, 0);
	CU_ASSERT_EQUAL(rp_signal(procfd, &g, sid, SIGKILL), 0);

	/* a process of another session: one of ours, in the test's own session */
	pid_t other = fork();
	if (other == 0)
		pause_forever();
	CU_ASSERT_FATAL(other > 0);
	struct rp_proc o;
	if (rp_proc_read(procfd, other, &o) == 0) {
		/* named with the holder's session: its own session id differs */
		struct rp_proc claimed = o;
		claimed.sid = sid;
		CU_ASSERT_EQUAL(rp_signal(procfd, &claimed, sid, SIGKILL), 0);
	}
	CU_ASSERT_EQUAL(kill(other, 0), 0);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);

	/* the three are all still there */
	CU_ASSERT_EQUAL(count_within(3, 5), 3);
}

struct child_of {
	pid_t parent;
	struct rp_proc found;
};

static bool find_child(const struct rp_proc *p, void *arg)
{
	struct child_of *c = arg;
	if (p->ppid != c->parent)
		return true;
	c->found = *p;
	return false;
}

/* A sudo command's tree (a sudo lease): that process and what is below it, nothing else of
 * the session; never when the pid now names a process with another start time. */
static void test_tree(void)
{
	struct rp_proc h;
	struct child_of c = {.parent = holder};
	CU_ASSERT_EQUAL_FATAL(rp_proc_read(procfd, holder, &h), 0);
	CU_ASSERT_TRUE_FATAL(rp_proc_scan(procfd, find_child, &c) > 0);
	CU_ASSERT_EQUAL_FATAL(c.found.ppid, holder);
	CU_ASSERT_EQUAL(rp_tree_signal(procfd, c.found.pid, c.found.start + 1, sid, true), 0);
	CU_ASSERT_EQUAL(rp_tree_signal(procfd, c.found.pid, c.found.start, sid + 1, true), 0);
	CU_ASSERT_EQUAL(count_within(3, 5), 3);
	CU_ASSERT_EQUAL(rp_tree_signal(procfd, c.found.pid, c.found.start, sid, true), 1);
	/* the child is gone; its parent (the holder) and the other child are not */
	CU_ASSERT_EQUAL(count_within(2, 250), 2);
	CU_ASSERT_EQUAL(kill(holder, 0), 0);
	/* the holder's tree: the holder and its remaining child */
	CU_ASSERT_EQUAL(rp_tree_signal(procfd, holder, h.start + 1, sid, false), 0);
}

static void test_session_ends(void)
{
	/* SIGHUP and SIGTERM reach every process of the session, the detached one too */
	CU_ASSERT_EQUAL(rp_session_signal(procfd, sid, false), 2);
	CU_ASSERT_EQUAL(count_within(0, 250), 0);
	waitpid(holder, NULL, 0);
	reap();
	holder = -1;
	/* nothing left to signal */
	CU_ASSERT_EQUAL(rp_session_signal(procfd, sid, true), 0);
}

static void test_tty_line(void)
{
	int master, slave;
	CU_ASSERT_FATAL(openpty(&master, &slave, NULL, NULL, NULL) == 0);
	struct stat st;
	CU_ASSERT_FATAL(fstat(slave, &st) == 0);
	CU_ASSERT_EQUAL(rp_tty_write(st.st_rdev, "changegate: ticket X has expired"), 0);
	char buf[256] = "";
	ssize_t n = read(master, buf, sizeof(buf) - 1);
	CU_ASSERT_TRUE(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "changegate: ticket X has expired"));
	/* not a terminal device: /dev/null */
	struct stat dn;
	CU_ASSERT_FATAL(stat("/dev/null", &dn) == 0);
	CU_ASSERT_EQUAL(rp_tty_write(dn.st_rdev, "x"), -1);
	close(master);
	close(slave);
}

int main(void)
{
	if (!cf_is_root()) {
		fprintf(stderr, "SKIP: needs root (a loginuid of our own)\n");
		return 77;
	}
	/* a reaper that cannot signal leaves the test's sleepers alive: fail, never hang */
	alarm(300);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ready[2];
	if (procfd < 0 || pipe(ready) != 0)
		return 1;
	holder = fork();
	if (holder == 0) {
		close(ready[0]);
		run_holder(ready[1]);
	}
	close(ready[1]);
	char c;
	struct rp_proc p;
	if (holder < 0 || read(ready[0], &c, 1) != 1 || rp_proc_read(procfd, holder, &p) != 0) {
		fprintf(stderr, "SKIP: no audit session id for a child (kernel without audit?)\n");
		if (holder > 0) {
			kill(holder, SIGKILL);
			waitpid(holder, NULL, 0);
		}
		return 77;
	}
	sid = p.sid;
	static const struct cf_test tests[] = {
		{"a session's processes found by audit session id", test_found_by_session},
		{"reused pid, other session, gone, pid 1, self: never signalled",
		 test_never_signalled},
		{"a process tree: that process and below, only", test_tree},
		{"the whole session ends, detached process too", test_session_ends},
		{"one line to a terminal, nothing to a non-terminal", test_tty_line},
		{NULL, NULL},
	};
	int rc = cf_run("reaper_os", tests);
	if (holder > 0) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
	}
	rp_session_signal(procfd, sid, true);
	reap();
	return rc;
}
