/*
 * Login records on disk: one file per login, run_dir/<audit session id>, written by the PAM
 * module (root) at session open and read by sudo, the reaper and `changegate sessions`.
 * Root-only files in a root-only directory, named by a number only, written under a
 * temporary name and renamed, so a reader sees a whole record or none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "run_dir.h"
#include "state_file.h"

/* A login that closed while a reaper ran keeps its record under this prefix until no
 * process of its session is left: what it left behind still ends with its ticket, even
 * after the reaper restarts. sudo never reads it (the login is over). */
#define CLOSED_PREFIX "closed-"

int cg_login_record_write(const char *run_dir, const struct cg_login_record *r)
{
	char *body = NULL;
	size_t n = 0;
	if (cg_login_record_format(r, &body, &n) != 0)
		return -1;
	int dirfd = cg_run_dir_open(run_dir, true);
	if (dirfd < 0) {
		int e = errno;
		cg_wipe_free(body, n);
		errno = e;
		return -1;
	}
	char name[16], tmp[CG_STATE_TEMP_NAME_MAX] = "";
	snprintf(name, sizeof(name), "%u", r->sessionid);
	int rc = -1;
	/* 0600 whatever the umask: the token is a credential */
	int fd = cg_state_temp_create(dirfd, 0600, tmp);
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
out:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp[0] != '\0')
		unlinkat(dirfd, tmp, 0);
	cg_wipe_free(body, n);
	close(dirfd);
	errno = e;
	return rc;
}

/* Reads run_dir/name, the record of sessionid (cg_login_record_read's rules). */
static int read_named(const char *run_dir, const char *name, unsigned sessionid,
		      const char *user, struct cg_login_record *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	int dirfd = cg_run_dir_open(run_dir, false);
	if (dirfd < 0) {
		int e = errno;
		cg_set_err(err, errlen, "%s: %s", run_dir != NULL ? run_dir : "(null)",
			   e == ENOENT ? "missing" : "cannot be trusted");
		errno = e;
		return -1;
	}
	close(dirfd);
	char path[4096];
	int pn = snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	if (pn < 0 || (size_t)pn >= sizeof(path)) {
		cg_set_err(err, errlen, "run dir path too long");
		errno = ENAMETOOLONG;
		return -1;
	}
	char *buf = NULL;
	size_t blen = 0;
	if (cg_read_trusted_file(path, CG_LOGIN_RECORD_MAX, &buf, &blen, err, errlen) != 0)
		return -1;
	char why[160];
	int rc = cg_login_record_parse(buf, blen, r, why, sizeof(why));
	cg_wipe_free(buf, blen + 1);
	if (rc != 0) {
		cg_set_err(err, errlen, "%s: %s", path, why);
	} else if (r->sessionid != sessionid) {
		cg_set_err(err, errlen, "%s: written for session %u", path, r->sessionid);
		rc = -1;
	} else if (user != NULL && strcmp(r->user, user) != 0) {
		cg_set_err(err, errlen, "%s: another user's", path);
		rc = -1;
	}
	if (rc != 0) {
		cg_login_record_free(r);
		errno = EPERM;
	}
	return rc;
}

/* The file name of sessionid's record, open or closed. */
static void record_file_name(unsigned sessionid, bool closed, char name[32])
{
	snprintf(name, 32, "%s%u", closed ? CLOSED_PREFIX : "", sessionid);
}

int cg_login_record_read(const char *run_dir, unsigned sessionid, const char *user,
			 struct cg_login_record *r, char *err, size_t errlen)
{
	char name[32];
	record_file_name(sessionid, false, name);
	return read_named(run_dir, name, sessionid, user, r, err, errlen);
}

int cg_login_record_read_closed(const char *run_dir, unsigned sessionid,
				struct cg_login_record *r, char *err, size_t errlen)
{
	char name[32];
	record_file_name(sessionid, true, name);
	return read_named(run_dir, name, sessionid, NULL, r, err, errlen);
}

int cg_login_record_retire(const char *run_dir, unsigned sessionid)
{
	int dirfd = cg_run_dir_open(run_dir, false);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	char from[32], to[32];
	record_file_name(sessionid, false, from);
	record_file_name(sessionid, true, to);
	int rc = renameat(dirfd, from, dirfd, to);
	if (rc != 0 && errno == ENOENT)
		rc = 0;
	close(dirfd);
	return rc;
}

int cg_login_record_remove(const char *run_dir, unsigned sessionid)
{
	char name[32];
	record_file_name(sessionid, false, name);
	return cg_run_dir_remove(run_dir, name);
}

int cg_login_record_remove_closed(const char *run_dir, unsigned sessionid)
{
	char name[32];
	record_file_name(sessionid, true, name);
	return cg_run_dir_remove(run_dir, name);
}

struct id_list {
	unsigned *ids;
	size_t max, count;
};

static void add_id(unsigned long long n, void *arg)
{
	struct id_list *l = arg;
	if (l->count < l->max)
		l->ids[l->count] = (unsigned)n;
	l->count++;
}

static int list_named(const char *run_dir, const char *prefix, unsigned *ids, size_t max,
		      size_t *count)
{
	struct id_list l = {ids, max, 0};
	/* named by the audit session id; 4294967295 is "no session" and never written */
	int rc = cg_run_dir_scan(run_dir, prefix, 0, 4294967294ULL, add_id, &l);
	*count = l.count;
	return rc;
}

int cg_login_record_list(const char *run_dir, unsigned *ids, size_t max, size_t *count)
{
	return list_named(run_dir, "", ids, max, count);
}

int cg_login_record_list_closed(const char *run_dir, unsigned *ids, size_t max, size_t *count)
{
	return list_named(run_dir, CLOSED_PREFIX, ids, max, count);
}
