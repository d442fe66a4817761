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
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "state_file.h"

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

/* run_dir, created 0700 (root:root) when missing, opened and checked. */
static int open_run_dir(const char *run_dir, bool create)
{
	if (run_dir == NULL || run_dir[0] != '/')
		return -1;
	bool made = create && mkdir(run_dir, 0700) == 0;
	if (create && !made && errno != EEXIST)
		return -1;
	int fd = cg_state_dir_open(run_dir);
	if (fd < 0) {
		if (errno != ENOENT)
			errno = EPERM;
		return -1;
	}
	if (made && cg_own_by_root(fd) != 0) {
		close(fd);
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
	char name[16], tmp[CG_STATE_TEMP_NAME_MAX] = "";
	snprintf(name, sizeof(name), "%u", sessionid);

	size_t ulen = strlen(user), n = ulen + 1 + len + 1;
	char *body = malloc(n);
	int fd = -1, rc = -1;
	if (body == NULL)
		goto out;
	memcpy(body, user, ulen);
	body[ulen] = '\n';
	memcpy(body + ulen + 1, token, len);
	body[n - 1] = '\n';
	/* 0600 whatever the umask: the token is a credential */
	fd = cg_state_temp_create(dirfd, 0600, tmp);
	if (fd < 0)
		goto out;
	if (cg_write_all(fd, body, n) != 0 || fsync(fd) != 0)
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
	if (rc != 0 && tmp[0] != '\0')
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
