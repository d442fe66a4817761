/*
 * The revocation list: one revoked jti or ticket id a line, '#' comment lines. It is read
 * under the same trust rules as the config; a list we cannot read denies (a missing list would
 * otherwise silently un-revoke everything).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"

/* About 200 000 entries: far more than any team revokes, small enough to read per decision. */
#define CG_REVOCATION_FILE_MAX (4 * 1024 * 1024)
#define CG_REVOCATION_VALUE_MAX 128

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool line_is(const char *s, size_t n, const char *value)
{
	return value != NULL && value[0] != '\0' && strlen(value) == n && memcmp(s, value, n) == 0;
}

cg_reason cg_revocation_check(const char *path, const char *jti, const char *chg)
{
	if (path == NULL)
		return CG_OK;
	char *buf = NULL;
	size_t len = 0;
	if (cg_read_trusted_file(path, CG_REVOCATION_FILE_MAX, &buf, &len, NULL, 0) != 0)
		return CG_CONFIG_ERROR;
	cg_reason r = CG_OK;
	size_t off = 0;
	while (off < len && r == CG_OK) {
		const char *s = buf + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - off;
		off += n + (nl != NULL);
		while (n > 0 && is_blank(*s))
			s++, n--;
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		if (line_is(s, n, jti) || line_is(s, n, chg))
			r = CG_REVOKED;
	}
	cg_wipe_free(buf, len + 1);
	return r;
}

static bool valid_value(const char *v)
{
	size_t n = strnlen(v, CG_REVOCATION_VALUE_MAX + 1);
	if (n == 0 || n > CG_REVOCATION_VALUE_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '#')
			return false;
	}
	return true;
}

/* Whether the file's last byte is something other than a newline (a torn earlier line). */
static int needs_newline(int fd, const struct stat *st, bool *out)
{
	*out = false;
	if (st->st_size == 0)
		return 0;
	char last;
	if (pread(fd, &last, 1, st->st_size - 1) != 1)
		return -1;
	*out = last != '\n';
	return 0;
}

static int append_locked(int fd, const char *path, const char *value, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		cg_set_err(err, errlen, "%s: fstat: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		cg_set_err(err, errlen, "%s: not a regular file owned by root and writable only by it",
			path);
		return -1;
	}
	bool nl;
	if (needs_newline(fd, &st, &nl) != 0) {
		cg_set_err(err, errlen, "%s: read: %s", path, strerror(errno));
		return -1;
	}
	char line[CG_REVOCATION_VALUE_MAX + 3];
	int n = snprintf(line, sizeof(line), "%s%s\n", nl ? "\n" : "", value);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		cg_set_err(err, errlen, "%s: value too long", path);
		return -1;
	}
	/* one write with O_APPEND under the lock: readers see the whole line or none of it */
	ssize_t w = write(fd, line, (size_t)n);
	if (w != n) {
		cg_set_err(err, errlen, "%s: write: %s", path,
			w < 0 ? strerror(errno) : "short write");
		if (w > 0 && ftruncate(fd, st.st_size) != 0) {
			/* nothing more to do: the error above already denies the revoke */
		}
		return -1;
	}
	if (fsync(fd) != 0) {
		cg_set_err(err, errlen, "%s: fsync: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int cg_revocation_append(const char *path, const char *value, char *err, size_t errlen)
{
	if (path == NULL || path[0] != '/') {
		cg_set_err(err, errlen, "revocation file: not an absolute path");
		return -1;
	}
	if (value == NULL || !valid_value(value)) {
		cg_set_err(err, errlen,
			"a revoked value must be 1 to 128 printable characters, without spaces "
			"or '#'");
		return -1;
	}
	/* read as well as append: a torn last line must be seen before we add ours */
	const int flags = O_RDWR | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	bool created = true;
	int fd = open(path, flags | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST) {
		created = false;
		fd = open(path, flags);
	}
	if (fd < 0) {
		cg_set_err(err, errlen, "Error opening %s: %s", path, strerror(errno));
		return -1;
	}
	/* a new list is world-readable like the config, whatever the caller's umask */
	if (created && fchmod(fd, 0644) != 0) {
		cg_set_err(err, errlen, "%s: fchmod: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	int rc = -1;
	if (flock(fd, LOCK_EX) != 0) {
		cg_set_err(err, errlen, "%s: flock: %s", path, strerror(errno));
	} else {
		rc = append_locked(fd, path, value, err, errlen);
		flock(fd, LOCK_UN);
	}
	if (close(fd) != 0 && rc == 0) {
		cg_set_err(err, errlen, "%s: close: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}
