/*
 * "A reaper is running" is a lock, not a pid file: the kernel drops a flock the moment its
 * holder dies, however it dies, so a crashed reaper can never look alive and no stale file
 * needs cleaning. The fronts only probe it (shared, non-blocking); only the reaper holds it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "run_dir.h"
#include "state_file.h"

/* The lock file in the run dir, the dir checked as root's (made when create); -1 and errno. */
static int open_lock(const char *run_dir, int flags, bool create)
{
	int dirfd = cg_run_dir_open(run_dir, create);
	if (dirfd < 0)
		return -1;
	int fd = openat(dirfd, CG_REAPER_LOCK_NAME, flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
			0600);
	int saved = errno;
	close(dirfd);
	errno = saved;
	return fd;
}

int cg_reaper_running(const char *run_dir)
{
	int fd = open_lock(run_dir, O_RDONLY, false);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	int rc = -1;
	if (cg_check_trusted_fd(fd, CG_REAPER_LOCK_NAME, false, NULL, 0) == 0) {
		/* a shared lock is refused exactly while the reaper holds its exclusive one */
		if (flock(fd, LOCK_SH | LOCK_NB) == 0)
			rc = 0;
		else if (errno == EWOULDBLOCK)
			rc = 1;
	}
	close(fd);  /* drops our shared lock, if we got it */
	return rc;
}

int cg_reaper_lock_take(const char *run_dir, char *err, size_t errlen)
{
	if (run_dir == NULL || run_dir[0] != '/') {
		cg_set_err(err, errlen, "the run directory must be an absolute path");
		errno = EINVAL;
		return -1;
	}
	int fd = open_lock(run_dir, O_RDWR | O_CREAT, true);
	if (fd < 0) {
		cg_set_err(err, errlen, "Error opening %s/%s: %s (the directory must be root's, "
			   "mode 0700)", run_dir, CG_REAPER_LOCK_NAME, strerror(errno));
		return -1;
	}
	if (cg_own_by_root(fd) != 0 ||
	    cg_check_trusted_fd(fd, CG_REAPER_LOCK_NAME, false, err, errlen) != 0) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	/* a front probing with its shared lock holds it for microseconds: retry for a while
	 * before deciding another reaper owns it */
	for (int i = 0; i < 40; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK)
			break;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	int saved = errno;
	if (saved == EWOULDBLOCK)
		cg_set_err(err, errlen, "another reaper is running (it holds %s/%s)", run_dir,
			   CG_REAPER_LOCK_NAME);
	else
		cg_set_err(err, errlen, "Error locking %s/%s: %s", run_dir, CG_REAPER_LOCK_NAME,
			   strerror(saved));
	close(fd);
	errno = saved;
	return -1;
}
