/* Files that decide who gets in (config, keys, revocation list) are trusted only when nobody
 * but root could have written them. Modelled on the usual "open safely" rules: no symlinks,
 * no FIFOs (O_NONBLOCK so a FIFO cannot hang sshd), regular, root-owned, not group/other
 * writable, and a size cap. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "trusted_stat.h"

/* Root, or the process's own euid (a user checking a config of their own gains nothing). */
static bool trusted_owner(uid_t uid, bool root_only)
{
	return uid == 0 || (!root_only && uid == geteuid());
}

int cg_check_trusted_stat(const char *path, const struct stat *st, bool root_only, char *err,
			  size_t errlen)
{
	if (!trusted_owner(st->st_uid, root_only)) {
		cg_set_err(err, errlen, "%s: owned by uid %lu, not root", path,
			(unsigned long)st->st_uid);
		errno = EPERM;
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		cg_set_err(err, errlen, "%s: writable by group or others (mode %04o)", path,
			(unsigned)(st->st_mode & 07777));
		errno = EPERM;
		return -1;
	}
	return 0;
}

static int check_stat(const char *path, const struct stat *st, bool want_dir, char *err,
		      size_t errlen)
{
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		cg_set_err(err, errlen, "%s: not a %s", path, want_dir ? "directory" : "regular file");
		errno = want_dir ? ENOTDIR : EINVAL;
		return -1;
	}
	return cg_check_trusted_stat(path, st, false, err, errlen);
}

int cg_read_trusted_file(const char *path, size_t max, char **buf, size_t *len, char *err,
			 size_t errlen)
{
	return cg_read_trusted_file_id(path, max, buf, len, NULL, err, errlen);
}

int cg_read_trusted_file_id(const char *path, size_t max, char **buf, size_t *len,
			    struct cg_file_id *id, char *err, size_t errlen)
{
	*buf = NULL;
	*len = 0;
	if (path == NULL || path[0] != '/') {
		cg_set_err(err, errlen, "%s: not an absolute path", path ? path : "(null)");
		errno = EINVAL;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (e == ELOOP)
			cg_set_err(err, errlen, "%s: is a symbolic link", path);
		else
			cg_set_err(err, errlen, "Error opening %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		cg_set_err(err, errlen, "%s: fstat: %s", path, strerror(e));
		close(fd);
		errno = e;
		return -1;
	}
	if (check_stat(path, &st, false, err, errlen) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	int rc = cg_read_trusted_fd(fd, path, &st, max, buf, len, err, errlen);
	/* the identity after the read: a write meanwhile shows as another mtime next time */
	if (rc == 0 && id != NULL && cg_file_id_of_fd(fd, id) != 0) {
		int e = errno;
		cg_set_err(err, errlen, "%s: fstat: %s", path, strerror(e));
		cg_wipe_free(*buf, *len + 1);
		*buf = NULL;
		*len = 0;
		errno = e;
		rc = -1;
	}
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int cg_read_trusted_fd(int fd, const char *path, const struct stat *stp, size_t max, char **buf,
		       size_t *len, char *err, size_t errlen)
{
	*buf = NULL;
	*len = 0;
	if ((unsigned long long)stp->st_size > max) {
		cg_set_err(err, errlen, "%s: larger than %zu bytes", path, max);
		errno = EFBIG;
		return -1;
	}
	return cg_read_fd_all(fd, path, (size_t)stp->st_size, buf, len, err, errlen);
}

int cg_check_trusted_dir(const char *path, char *err, size_t errlen)
{
	if (path == NULL || path[0] != '/') {
		cg_set_err(err, errlen, "%s: not an absolute path", path ? path : "(null)");
		errno = EINVAL;
		return -1;
	}
	struct stat st;
	if (lstat(path, &st) != 0) {
		int e = errno;
		cg_set_err(err, errlen, "Error opening %s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		cg_set_err(err, errlen, "%s: is a symbolic link", path);
		errno = ELOOP;
		return -1;
	}
	return check_stat(path, &st, true, err, errlen);
}

int cg_check_trusted_fd(int fd, const char *name, bool want_dir, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		int e = errno;
		cg_set_err(err, errlen, "%s: fstat: %s", name, strerror(e));
		errno = e;
		return -1;
	}
	return check_stat(name, &st, want_dir, err, errlen);
}

int cg_read_fd_all(int fd, const char *name, size_t size, char **buf, size_t *len, char *err,
		   size_t errlen)
{
	size_t cap = size;
	*buf = NULL;
	*len = 0;
	char *data = malloc(cap + 1);
	if (data == NULL) {
		cg_set_err(err, errlen, "%s: out of memory", name);
		errno = ENOMEM;
		return -1;
	}
	size_t got = 0;
	/* read one byte past the size seen by fstat to notice a file that grew meanwhile */
	for (;;) {
		char extra;
		ssize_t n = got < cap ? read(fd, data + got, cap - got) : read(fd, &extra, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			cg_set_err(err, errlen, "%s: read: %s", name, strerror(e));
			cg_wipe_free(data, cap + 1);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		if (got >= cap) {
			cg_set_err(err, errlen, "%s: changed while being read", name);
			cg_wipe_free(data, cap + 1);
			errno = EAGAIN;
			return -1;
		}
		got += (size_t)n;
	}
	data[got] = '\0';
	*buf = data;
	*len = got;
	return 0;
}
