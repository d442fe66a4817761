/*
 * The revocation list: one revoked jti or ticket id a line, '#' comment lines. It is read
 * under the same trust rules as the config; a list we cannot read denies (a missing list would
 * otherwise silently un-revoke everything). Every other line must be an id in the alphabet the
 * verifier accepts (cg_id_valid): a line that is not one can never match a token, so whoever
 * wrote it believes something is revoked that is not, and the list denies (config_error)
 * until it is fixed; `changegate check-config` names the line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "revocation_index.h"
#include "state_file.h"

/* A million 32-character ids and then some; the index keeps lookups flat at any size. */
#define CG_REVOCATION_FILE_MAX (64 * 1024 * 1024)

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool read_whole(int fd, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* One line of the list, blanks trimmed at both ends; NULL at the end of buf. */
struct list_line {
	const char *s;
	size_t n;
	size_t number;          /* 1-based */
};

static bool next_line(const char *buf, size_t len, size_t *off, struct list_line *l)
{
	if (*off >= len)
		return false;
	const char *s = buf + *off;
	const char *nl = memchr(s, '\n', len - *off);
	size_t n = nl != NULL ? (size_t)(nl - s) : len - *off;
	*off += n + (nl != NULL);
	while (n > 0 && is_blank(*s))
		s++, n--;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	l->s = s;
	l->n = n;
	l->number++;
	return true;
}

/* A line that holds a value (neither blank nor a comment): whether it is an id. */
static bool is_value(const struct list_line *l)
{
	return l->n > 0 && l->s[0] != '#';
}

int cg_revocation_list_valid(const char *buf, size_t len, char *err, size_t errlen)
{
	struct list_line l = {NULL, 0, 0};
	size_t off = 0;
	while (next_line(buf, len, &off, &l)) {
		char why[80];
		if (is_value(&l) && !cg_id_valid(l.s, l.n, CG_CLAIM_MAX, why, sizeof(why))) {
			cg_set_err(err, errlen, "line %zu is neither a comment nor a ticket or token "
				   "id: it %s", l.number, why);
			return -1;
		}
	}
	return 0;
}

/* The source of truth: every line, in full. Rebuilds the index on the way, unless a line is
 * not an id: then the list denies, and stays unindexed so that every check says so. */
static cg_reason scan(const char *state_dir, int lfd, const struct stat *list, const char *jti,
		      const char *chg)
{
	size_t len = (size_t)list->st_size;
	char *buf = malloc(len + 1);
	if (buf == NULL)
		return CG_CONFIG_ERROR;
	if (!read_whole(lfd, buf, len)) {
		cg_wipe_free(buf, len + 1);
		return CG_CONFIG_ERROR;
	}
	buf[len] = '\0';
	/* a value takes at least two bytes of the file (one and a newline, or the last byte) */
	size_t cap = len / 2 + 1, count = 0;
	struct cg_revidx_entry *e = calloc(cap, sizeof(*e));
	size_t jlen = jti != NULL ? strlen(jti) : 0, clen = chg != NULL ? strlen(chg) : 0;
	cg_reason r = CG_OK;
	bool bad = false;
	struct list_line l = {NULL, 0, 0};
	size_t off = 0;
	while (!bad && next_line(buf, len, &off, &l)) {
		if (!is_value(&l))
			continue;
		if (!cg_id_valid(l.s, l.n, CG_CLAIM_MAX, NULL, 0)) {
			bad = true;
			break;
		}
		if ((jlen == l.n && memcmp(l.s, jti, l.n) == 0) ||
		    (clen == l.n && memcmp(l.s, chg, l.n) == 0))
			r = CG_REVOKED;
		if (e != NULL && count < cap)
			e[count++] = (struct cg_revidx_entry){ cg_revidx_hash(l.s, l.n),
								(uint32_t)(l.s - buf), (uint32_t)l.n };
	}
	cg_wipe_free(buf, len + 1);
	if (e != NULL && !bad)
		cg_revidx_write(state_dir, lfd, list, e, count);
	free(e);
	return bad ? CG_CONFIG_ERROR : r;
}

cg_reason cg_revocation_check(const char *path, const char *jti, const char *chg,
			      const char *state_dir)
{
	if (path == NULL)
		return CG_OK;
	if (path[0] != '/')
		return CG_CONFIG_ERROR;
	int lfd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (lfd < 0)
		return CG_CONFIG_ERROR;
	struct stat list;
	if (fstat(lfd, &list) != 0 || !cg_revidx_trusted_stat(&list) ||
	    (unsigned long long)list.st_size > CG_REVOCATION_FILE_MAX) {
		close(lfd);
		return CG_CONFIG_ERROR;
	}
	cg_reason r;
	uint64_t count = 0;
	int ifd = cg_revidx_open(state_dir, &list, &count);
	if (ifd >= 0) {
		r = cg_revidx_lookup(ifd, count, lfd, &list, jti);
		if (r == CG_OK)
			r = cg_revidx_lookup(ifd, count, lfd, &list, chg);
		close(ifd);
	} else {
		r = scan(state_dir, lfd, &list, jti, chg);
	}
	close(lfd);
	return r;
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
	char line[CG_CLAIM_MAX + 3];
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
	/* the verifier's own rule, so that what is appended is what a token can carry */
	char why[80];
	if (value == NULL ||
	    !cg_id_valid(value, strnlen(value, CG_CLAIM_MAX + 1), CG_CLAIM_MAX, why, sizeof(why))) {
		cg_set_err(err, errlen, "the revoked value %s; a ticket or token id is a letter "
			   "or digit, then letters, digits and ._:-", value == NULL ? "is empty" :
			   why);
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
	/* a new list is world-readable like the config, whatever the caller's umask, and
	 * root:root whatever the caller's group */
	if (created && (fchmod(fd, 0644) != 0 || cg_own_by_root(fd) != 0)) {
		cg_set_err(err, errlen, "%s: fchmod/fchown: %s", path, strerror(errno));
		/* not removed: a concurrent revoke may have appended to it already */
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
