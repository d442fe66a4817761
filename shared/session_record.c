/*
 * Login ticket records: the PAM module stores the token of a verified login under the
 * kernel's audit session id, so that sudo, later in the same login, can find the ticket
 * without asking again. Root-only files in a root-only directory, named by a number only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"

#define SESSIONID_UNSET 4294967295UL
#define RECORD_MAX (CG_CLAIM_MAX + 1 + CG_TOKEN_MAX + 1)

int cg_audit_session_id(unsigned *out)
{
	int fd = open("/proc/self/sessionid", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	errno = 0;
	unsigned long v = strtoul(buf, &end, 10);
	if (errno != 0 || end == buf || (*end != '\0' && *end != '\n') || buf[0] == '-' ||
	    v >= SESSIONID_UNSET)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static bool valid_user(const char *user)
{
	size_t n = strnlen(user, CG_CLAIM_MAX + 1);
	return n > 0 && n <= CG_CLAIM_MAX && strchr(user, '\n') == NULL;
}

/* The token alphabet is base64url and '.'; nothing else may reach the file. */
static bool valid_token(const char *token, size_t len)
{
	if (len == 0 || len > CG_TOKEN_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)token[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* run_dir, created 0700 when missing, opened and checked. */
static int open_run_dir(const char *run_dir, bool create)
{
	if (run_dir == NULL || run_dir[0] != '/')
		return -1;
	if (create && mkdir(run_dir, 0700) != 0 && errno != EEXIST)
		return -1;
	if (cg_check_trusted_dir(run_dir, NULL, 0) != 0)
		return -1;
	int fd = open(run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || (st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

int cg_session_record_write(const char *run_dir, unsigned sessionid, const char *user,
			    const char *token, size_t len)
{
	if (user == NULL || token == NULL || !valid_user(user) || !valid_token(token, len)) {
		errno = EINVAL;
		return -1;
	}
	int dirfd = open_run_dir(run_dir, true);
	if (dirfd < 0)
		return -1;
	char name[16], tmp[48];
	unsigned char rnd[8];
	snprintf(name, sizeof(name), "%u", sessionid);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		close(dirfd);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), ".%u.tmp-%02x%02x%02x%02x%02x%02x%02x%02x", sessionid, rnd[0],
		 rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);

	size_t ulen = strlen(user), n = ulen + 1 + len + 1;
	char *body = malloc(n);
	int fd = -1, rc = -1;
	if (body == NULL)
		goto out;
	memcpy(body, user, ulen);
	body[ulen] = '\n';
	memcpy(body + ulen + 1, token, len);
	body[n - 1] = '\n';
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	/* 0600 whatever the umask: the token is a credential */
	if (fchmod(fd, 0600) != 0 || cg_write_all(fd, body, n) != 0 || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (renameat(dirfd, tmp, dirfd, name) != 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlinkat(dirfd, tmp, 0);
	cg_wipe_free(body, n);
	close(dirfd);
	return rc;
}

int cg_session_record_read(const char *run_dir, unsigned sessionid, const char *user,
			   char **token, size_t *len)
{
	*token = NULL;
	*len = 0;
	if (user == NULL || !valid_user(user)) {
		errno = EINVAL;
		return -1;
	}
	int dirfd = open_run_dir(run_dir, false);
	if (dirfd < 0)
		return -1;
	close(dirfd);
	char path[4096];
	int pn = snprintf(path, sizeof(path), "%s/%u", run_dir, sessionid);
	if (pn < 0 || (size_t)pn >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	char *buf = NULL;
	size_t blen = 0;
	if (cg_read_trusted_file(path, RECORD_MAX, &buf, &blen, NULL, 0) != 0)
		return -1;

	int rc = -1;
	size_t ulen = strlen(user);
	const char *tok = buf + ulen + 1;
	/* "user\ntoken\n", exactly */
	if (blen > ulen + 2 && memcmp(buf, user, ulen) == 0 && buf[ulen] == '\n' &&
	    buf[blen - 1] == '\n') {
		size_t tlen = blen - ulen - 2;
		if (valid_token(tok, tlen)) {
			char *copy = malloc(tlen + 1);
			if (copy != NULL) {
				memcpy(copy, tok, tlen);
				copy[tlen] = '\0';
				*token = copy;
				*len = tlen;
				rc = 0;
			}
		}
	}
	if (rc != 0)
		errno = EPERM;
	cg_wipe_free(buf, blen + 1);
	return rc;
}

int cg_session_record_remove(const char *run_dir, unsigned sessionid)
{
	int dirfd = open_run_dir(run_dir, false);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	char name[16];
	snprintf(name, sizeof(name), "%u", sessionid);
	int rc = unlinkat(dirfd, name, 0);
	if (rc != 0 && errno == ENOENT)
		rc = 0;
	close(dirfd);
	return rc;
}
