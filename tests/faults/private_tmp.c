/* See private_tmp.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private_tmp.h"

#define KEEP_MAX 8

struct kept {
	char path[PATH_MAX];
	int fd;
};

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t n = strlen(text);
	int rc = write(fd, text, n) == (ssize_t)n ? 0 : -1;
	close(fd);
	return rc;
}

/* Root: a mount namespace. Anyone else: a user namespace that maps only our own ids onto
 * themselves (so the module's "owned by root or by us" checks see what they saw before). */
static int enter_namespace(void)
{
	if (geteuid() == 0)
		return unshare(CLONE_NEWNS);
	unsigned long uid = geteuid(), gid = getegid();
	char map[64];
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return -1;
	snprintf(map, sizeof(map), "%lu %lu 1\n", uid, uid);
	if (write_proc("/proc/self/uid_map", map) != 0 ||
	    write_proc("/proc/self/setgroups", "deny") != 0)
		return -1;
	snprintf(map, sizeof(map), "%lu %lu 1\n", gid, gid);
	return write_proc("/proc/self/gid_map", map);
}

/* mkdir -p inside the new tmpfs, for a bind mount point */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -1;
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

int lt_private_tmp(const char *const *keep)
{
	return lt_private_dir("/tmp", keep);
}

int lt_private_dir(const char *cover, const char *const *keep)
{
	struct kept kept[KEEP_MAX];
	char tmp[PATH_MAX], real[PATH_MAX];
	size_t n = 0;
	int step = 0;

	if (realpath(cover, tmp) == NULL)
		return 1;
	size_t tmplen = strlen(tmp);
	if (enter_namespace() != 0)
		return 2;
	/* "none": see test_state_faults.c (valgrind < 3.21 reads the type whatever the flags) */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return 3;
	/* Opened in the new namespace, before /tmp is covered: bind mounts take their source
	 * only from the caller's own namespace. */
	for (size_t i = 0; keep != NULL && keep[i] != NULL; i++) {
		if (realpath(keep[i], real) == NULL || n == KEEP_MAX) {
			step = 4;
			goto out;
		}
		if (strncmp(real, tmp, tmplen) != 0 || real[tmplen] != '/')
			continue; /* not under cover: stays visible anyway */
		snprintf(kept[n].path, sizeof(kept[n].path), "%s", real);
		kept[n].fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (kept[n].fd < 0) {
			step = 5;
			goto out;
		}
		n++;
	}
	if (mount("cg-load-tmp", tmp, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777") != 0) {
		step = 6;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char src[64];
		snprintf(src, sizeof(src), "/proc/self/fd/%d", kept[i].fd);
		if (make_dirs(kept[i].path) != 0 ||
		    mount(src, kept[i].path, "none", MS_BIND | MS_REC, NULL) != 0) {
			step = 7;
			goto out;
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		close(kept[i].fd);
	return step;
}
