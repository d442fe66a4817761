/*
 * The single-use state directory on a filesystem that is full (a 64 KiB tmpfs) or mounted
 * read-only, in a private mount namespace: redeeming must deny (config_error), a record
 * already written must still say "replayed", nothing is truncated, and once there is room
 * again redemption works. Needs root for mount(2); skips (77) only when not root.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static char top[256], state[320];
static time_t now;

/* the sizes of every record, so a later check can tell one was not truncated */
static long long dir_bytes(const char *d, size_t *count)
{
	DIR *dh = opendir(d);
	if (dh == NULL)
		return -1;
	long long total = 0;
	*count = 0;
	struct dirent *e;
	struct stat st;
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "filler") == 0)
			continue;
		if (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			total += st.st_size;
			(*count)++;
		}
	}
	closedir(dh);
	return total;
}

static int fill(const char *d)
{
	char path[400], block[4096];
	memset(block, 'f', sizeof(block));
	snprintf(path, sizeof(path), "%s/filler", d);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (write(fd, block, sizeof(block)) > 0)
		;
	int full = errno == ENOSPC;
	/* small writes too, so not even one byte is left */
	while (write(fd, block, 1) > 0)
		;
	close(fd);
	return full ? 0 : -1;
}

/* Runs in a child inside its own mount namespace; returns the failed step, 0 when all held.
 * The kernel ignores the source and type of a propagation change or a remount, but valgrind
 * before 3.21 reads the type as a string whatever the flags (an error, exit 99, in the
 * child): "none" keeps the call the same and memcheck quiet. */
static int state_child(void)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return 1;
	if (mount("cgtest", state, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700") != 0)
		return 2;
	long long keep = (long long)now + 3600;
	if (cg_replay_check(state, "jti-a", keep, now, CG_REPLAY_REDEEM) != CG_OK)
		return 3;
	size_t n0;
	long long bytes0 = dir_bytes(state, &n0);

	/* full: the next redemption fails closed, the old record stands untouched */
	if (fill(state) != 0)
		return 4;
	if (cg_replay_check(state, "jti-b", keep, now, CG_REPLAY_REDEEM) != CG_CONFIG_ERROR)
		return 5;
	if (cg_replay_check(state, "jti-a", keep, now, CG_REPLAY_PEEK) != CG_REPLAYED)
		return 6;
	if (cg_replay_check(state, "jti-a", keep, now, CG_REPLAY_REDEEM) != CG_REPLAYED)
		return 7;
	size_t n1;
	if (dir_bytes(state, &n1) != bytes0 || n1 != n0)
		return 8; /* a half-written record or a truncated one */
	/* room again: the rest keeps working */
	char filler[400];
	snprintf(filler, sizeof(filler), "%s/filler", state);
	if (unlink(filler) != 0)
		return 9;
	if (cg_replay_check(state, "jti-b", keep, now, CG_REPLAY_REDEEM) != CG_OK)
		return 10;

	/* read-only: redeeming denies, peeking still answers from the records */
	if (mount("none", state, "none", MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
		return 11;
	if (cg_replay_check(state, "jti-c", keep, now, CG_REPLAY_REDEEM) != CG_CONFIG_ERROR)
		return 12;
	if (cg_replay_check(state, "jti-b", keep, now, CG_REPLAY_PEEK) != CG_REPLAYED)
		return 13;
	if (cg_replay_check(state, "jti-c", keep, now, CG_REPLAY_PEEK) != CG_OK)
		return 14;
	if (cg_replay_check(state, "jti-a", keep, now, CG_REPLAY_REDEEM) != CG_REPLAYED)
		return 15;
	return 0;
}

static void test_full_and_read_only(void)
{
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0)
		_exit(state_child());
	int status;
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fprintf(stderr, "test_state_faults: step %d failed\n", WEXITSTATUS(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
}

int main(void)
{
	if (!cf_is_root()) {
		fprintf(stderr, "test_state_faults: needs root (mount namespace); skipped\n");
		return 77;
	}
	now = time(NULL);
	if (cf_tmpdir(top, sizeof(top)) != 0)
		return 1;
	snprintf(state, sizeof(state), "%s/state", top);
	if (mkdir(state, 0700) != 0)
		return 1;
	static const struct cf_test tests[] = {
		{"state_dir full or read-only: denied, records intact", test_full_and_read_only},
		{NULL, NULL},
	};
	int rc = cf_run("state_faults", tests);
	cf_rmtree(top);
	return rc;
}
