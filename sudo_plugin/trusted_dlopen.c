/*
 * Loading an object into sudo only when nobody but root could have written it. sudo checks
 * the plugin file it loads itself (root-owned, not writable by others); whatever that plugin
 * loads in turn gets no check from sudo, so it gets ours: a delegate or verifier that a user
 * could write would be that user's code running as root.
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "trusted_dlopen.h"

/* The checked file's fd, or -1 with err set. The directory first, then the file relative
 * to it: neither may be a symbolic link. */
static int open_checked(const char *dir, const char *name, const char *path, char *err,
			size_t errlen)
{
	int fd = -1;

	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(err, errlen, "%.300s: %s", dir,
			 errno == ENOTDIR || errno == ELOOP ? "not a directory (or a symbolic "
			 "link)" : strerror(errno));
		return -1;
	}
	if (cg_check_trusted_fd(dfd, dir, true, err, errlen) != 0)
		goto out;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%.300s: %s", path,
			 errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto out;
	}
	if (cg_check_trusted_fd(fd, path, false, err, errlen) != 0) {
		close(fd);
		fd = -1;
	}
out:
	close(dfd);
	return fd;
}

int cgs_loaded_is(void *h, int fd, const char *path, char *err, size_t errlen)
{
	struct link_map *lm = NULL;
	struct stat want, got;

	if (fstat(fd, &want) != 0 || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL ||
	    lm->l_name == NULL || stat(lm->l_name, &got) != 0) {
		snprintf(err, errlen, "%.300s: cannot tell which file was loaded", path);
		return -1;
	}
	if (got.st_dev != want.st_dev || got.st_ino != want.st_ino) {
		snprintf(err, errlen, "%.300s: the object loaded is not the file that was checked",
			 path);
		return -1;
	}
	return 0;
}

/* Without /proc: by the checked name, kept only if it is the checked file. Its constructors
 * have run by then; only root could have swapped it (the directory was checked), and the
 * refusal still keeps a swapped object from deciding anything. */
static void *load_by_path(int fd, const char *path, char *err, size_t errlen)
{
	if (path[0] != '/') {
		snprintf(err, errlen, "%.300s: not an absolute path", path);
		return NULL;
	}
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		const char *why = dlerror();
		snprintf(err, errlen, "%.250s: %.150s", path, why != NULL ? why : "cannot be loaded");
		return NULL;
	}
	if (cgs_loaded_is(h, fd, path, err, errlen) != 0) {
		dlclose(h);
		return NULL;
	}
	return h;
}

void *cgs_dlopen_trusted(const char *dir, const char *name, const char *path, int *fd,
			 char *err, size_t errlen)
{
	char byfd[64];
	struct stat st;
	void *h;

	*fd = open_checked(dir, name, path, err, errlen);
	if (*fd < 0)
		return NULL;
	snprintf(byfd, sizeof(byfd), "/proc/self/fd/%d", *fd);
	if (stat(byfd, &st) != 0 && errno == ENOENT) {
		h = load_by_path(*fd, path, err, errlen);
	} else {
		/* RTLD_LOCAL: its symbols must not satisfy later lookups of others */
		h = dlopen(byfd, RTLD_NOW | RTLD_LOCAL);
		if (h == NULL) {
			const char *why = dlerror();
			snprintf(err, errlen, "%.250s: %.150s", path,
				 why != NULL ? why : "cannot be loaded");
		}
	}
	if (h == NULL) {
		close(*fd);
		*fd = -1;
	}
	return h;
}
