/*
 * PAM-level load and syslog faults of issue 5, through pam_wrapper like tests/pam:
 * 200 logins with distinct single-use tokens, 20 at a time, are all allowed; 200 logins in one
 * process leave no file descriptor behind; with syslog unreachable the decisions do not
 * change and nothing crashes.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <libpamtest.h>

#include "pam_harness.h"

#define LOGINS 200
/* Logins started at once. pam_wrapper gives each process a private copy of its services
 * under /tmp/pam.[0-9a-zA-Z] (a few dozen names, shared with any other pam_wrapper test
 * running) and exits when none is free: 20 at a time keeps well clear of that. */
#define WAVE 20

static const struct pt_service services[] = {
	{"cg", "changegate.conf", NULL},
	{"cg-single", "single.conf", NULL},
	{NULL, NULL, NULL},
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	int n = 0;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

/* auth + account for alice with token on service; true when both succeed */
static bool login(const char *service, const char *token, int auth_rv)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = token};
	struct pam_testcase cases[] = {
		pam_test(PAMTEST_AUTHENTICATE, auth_rv),
		pam_test(PAMTEST_ACCOUNT, PAM_SUCCESS),
	};
	size_t n = auth_rv == PAM_SUCCESS ? 2 : 1;
	return _pamtest_conv(service, "alice", pt_conv_fn, &conv, cases, n, NULL) ==
	       PAMTEST_ERR_OK;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

/* pam_wrapper's private copies (/tmp/pam.X, with the owner's pid in X/pid) left by our
 * children: only those whose pid is one of pids, all of which have exited. */
static void remove_wrapper_dirs(const pid_t *pids, int n)
{
	static const char names[] =
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (const char *c = names; *c != '\0'; c++) {
		char dir[16], pidfile[32], buf[32];
		snprintf(dir, sizeof(dir), "/tmp/pam.%c", *c);
		snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
		int fd = open(pidfile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (got <= 0)
			continue;
		buf[got] = '\0';
		long owner = strtol(buf, NULL, 10);
		for (int i = 0; i < n; i++) {
			if (pids[i] > 0 && owner == (long)pids[i]) {
				nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
				break;
			}
		}
	}
}

/* Starts n logins at once (the children wait on a pipe the parent then closes); returns
 * how many were allowed. */
static int wave(char **tokens, int n)
{
	int go[2];
	if (pipe(go) != 0)
		return -1;
	pid_t pids[WAVE];
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(3);
			/* _exit: under ASan, exit() would run LeakSanitizer over pam_wrapper's
			 * own start-up allocations; the parent removes the child's copy */
			_exit(login("cg-single", tokens[i], PAM_SUCCESS) ? 0 : 1);
		}
	}
	close(go[0]);
	close(go[1]);
	int allowed = 0;
	for (int i = 0; i < n; i++) {
		int status;
		if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			allowed++;
	}
	remove_wrapper_dirs(pids, n);
	return allowed;
}

static void test_concurrent_distinct(void)
{
	char *tokens[LOGINS];
	for (int i = 0; i < LOGINS; i++) {
		tokens[i] = pt_token("alice", NULL); /* each with its own jti */
		CU_ASSERT_PTR_NOT_NULL_FATAL(tokens[i]);
	}
	/* one login here first: pam_wrapper sets up its private service dir on first use, under
	 * a name with one random letter; 200 children doing that at once would collide */
	char *warm = pt_token("alice", NULL);
	CU_ASSERT_TRUE_FATAL(login("cg-single", warm, PAM_SUCCESS));
	free(warm);
	size_t lines_before = pt_audit_lines();
	int allowed = 0;
	for (int w = 0; w < LOGINS; w += WAVE)
		allowed += wave(tokens + w, WAVE);
	CU_ASSERT_EQUAL(allowed, LOGINS);
	/* every decision logged: two per login (auth and account), none lost or torn */
	CU_ASSERT_EQUAL(pt_audit_lines() - lines_before, 2 * LOGINS);
	/* and each token is now redeemed */
	CU_ASSERT_FALSE(login("cg-single", tokens[0], PAM_SUCCESS));
	for (int i = 0; i < LOGINS; i++)
		free(tokens[i]);
}

static void test_no_fd_growth(void)
{
	/* a few logins first, so that anything opened once (the audit log, NSS) is open */
	for (int i = 0; i < 5; i++) {
		char *t = pt_token("alice", NULL);
		CU_ASSERT_TRUE(login("cg-single", t, PAM_SUCCESS));
		free(t);
	}
	int before = count_fds();
	for (int i = 0; i < LOGINS; i++) {
		char *t = pt_token("alice", NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		CU_ASSERT_TRUE(login("cg-single", t, PAM_SUCCESS));
		/* a refused one too: error paths must close what they opened */
		CU_ASSERT_TRUE(login("cg-single", t, PAM_AUTH_ERR));
		free(t);
	}
	CU_ASSERT_TRUE(before > 0);
	CU_ASSERT_EQUAL(count_fds(), before);
}

/* In a child: syslog made unreachable (/dev/log absent, or /dev/null bound over it in a
 * private mount namespace), then one allowed and one refused login. */
static int syslog_child(void)
{
	struct stat st;
	if (lstat("/dev/log", &st) == 0) {
		if (geteuid() != 0)
			return 77;
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount("/dev/null", "/dev/log", NULL, MS_BIND, NULL) != 0)
			return 2;
	}
	char *t = pt_token("alice", NULL);
	if (t == NULL)
		return 3;
	if (!login("cg", t, PAM_SUCCESS))
		return 4;
	if (!login("cg", "not.a-token", PAM_AUTH_ERR))
		return 5;
	free(t);
	return 0;
}

static void test_syslog_unavailable(void)
{
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(syslog_child());
	int status;
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	remove_wrapper_dirs(&pid, 1);
	CU_ASSERT_TRUE(WIFEXITED(status)); /* no crash */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		fprintf(stderr, "syslog case skipped: /dev/log present and not root\n");
	else
		CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

static int run_tests(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("pam_load", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "200 logins, 20 at once, distinct tokens", test_concurrent_distinct) == NULL ||
	    CU_add_test(s, "200 logins: no fd growth", test_no_fd_growth) == NULL ||
	    CU_add_test(s, "syslog unavailable: no crash, same decisions",
			test_syslog_unavailable) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	return pt_main(argc, argv, services, run_tests);
}
