/*
 * Sudo leases: the approval plugin cannot give a command a timeout, so a command it allows
 * under a token that is not the login's (CHANGEGATE_TOKEN, a token file, the prompt) is
 * registered here, and the reaper ends it at that token's end. One small root-only file per
 * sudo process, run_dir/sudo-<pid>, in one fixed text: a version line, then key=value lines
 * in a fixed order, numbers in plain decimal, values from a small alphabet, so the parser
 * accepts the writer's output and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "run_dir.h"
#include "state_file.h"

#define MAGIC "changegate-sudo-lease 1\n"
#define PREFIX "sudo-"

/* user, jti, chg: the id alphabet, and '@' for user names of some name services */
static bool value_ok(const char *v, size_t max)
{
	size_t n = strnlen(v, max + 1);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      strchr("._:@-", c) != NULL))
			return false;
	}
	return true;
}

int cg_sudo_lease_format(const struct cg_sudo_lease *l, char *buf, size_t buflen)
{
	if (l->pid <= 1 || l->exp <= 0 || l->sessionid == 4294967295U ||
	    !value_ok(l->user, CG_CLAIM_MAX) || !value_ok(l->jti, CG_JTI_MAX) ||
	    !value_ok(l->chg, CG_CLAIM_MAX)) {
		errno = EINVAL;
		return -1;
	}
	int n = snprintf(buf, buflen, MAGIC "pid=%lld\nstart=%llu\nsession=%u\nexp=%lld\n"
			 "user=%s\njti=%s\nchg=%s\n", l->pid, l->start, l->sessionid, l->exp,
			 l->user, l->jti, l->chg);
	if (n < 0 || (size_t)n >= buflen || n > CG_SUDO_LEASE_MAX) {
		errno = ENOSPC;
		return -1;
	}
	return n;
}

/* "key=" then a canonical decimal (no sign, no leading zero) up to '\n'; advances *p. */
static bool take_number(const char **p, const char *end, const char *key,
			unsigned long long max, unsigned long long *out)
{
	size_t k = strlen(key);
	const char *s = *p;
	if ((size_t)(end - s) < k + 2 || memcmp(s, key, k) != 0 || s[k] != '=')
		return false;
	s += k + 1;
	const char *d = s;
	unsigned long long v = 0;
	while (s < end && *s >= '0' && *s <= '9') {
		unsigned digit = (unsigned)(*s - '0');
		if (v > (max - digit) / 10)
			return false;
		v = v * 10 + digit;
		s++;
	}
	if (s == d || (s - d > 1 && *d == '0') || s >= end || *s != '\n')
		return false;
	*p = s + 1;
	*out = v;
	return true;
}

static bool take_value(const char **p, const char *end, const char *key, char *out,
		       size_t max)
{
	size_t k = strlen(key);
	const char *s = *p;
	if ((size_t)(end - s) < k + 2 || memcmp(s, key, k) != 0 || s[k] != '=')
		return false;
	s += k + 1;
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	if (nl == NULL || (size_t)(nl - s) > max)
		return false;
	/* a NUL inside the value would end it early: the text would not be the writer's */
	if (memchr(s, '\0', (size_t)(nl - s)) != NULL)
		return false;
	memcpy(out, s, (size_t)(nl - s));
	out[nl - s] = '\0';
	if (!value_ok(out, max))
		return false;
	*p = nl + 1;
	return true;
}

int cg_sudo_lease_parse(const char *buf, size_t len, struct cg_sudo_lease *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = buf, *end = buf + len;
	unsigned long long pid, start, sid, exp;
	size_t m = strlen(MAGIC);
	bool ok = len <= CG_SUDO_LEASE_MAX && len >= m && memcmp(p, MAGIC, m) == 0;
	if (ok) {
		p += m;
		ok = take_number(&p, end, "pid", 0x7fffffffULL, &pid) && pid > 1 &&
		     take_number(&p, end, "start", ~0ULL, &start) &&
		     take_number(&p, end, "session", 4294967294ULL, &sid) &&
		     take_number(&p, end, "exp", 0x7fffffffffffffffULL, &exp) && exp > 0 &&
		     take_value(&p, end, "user", out->user, CG_CLAIM_MAX) &&
		     take_value(&p, end, "jti", out->jti, CG_JTI_MAX) &&
		     take_value(&p, end, "chg", out->chg, CG_CLAIM_MAX) && p == end;
	}
	if (!ok) {
		memset(out, 0, sizeof(*out));
		errno = EINVAL;
		return -1;
	}
	out->pid = (long long)pid;
	out->start = start;
	out->sessionid = (unsigned)sid;
	out->exp = (long long)exp;
	return 0;
}

int cg_sudo_lease_write(const char *run_dir, const struct cg_sudo_lease *l)
{
	char body[CG_SUDO_LEASE_MAX + 1], name[32], tmp[CG_STATE_TEMP_NAME_MAX] = "";
	int n = cg_sudo_lease_format(l, body, sizeof(body));
	if (n < 0)
		return -1;
	int dirfd = cg_run_dir_open(run_dir, true);
	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), PREFIX "%lld", l->pid);
	int rc = -1, fd = cg_state_temp_create(dirfd, 0600, tmp);
	if (fd >= 0 && cg_write_all(fd, body, (size_t)n) == 0 && close(fd) == 0) {
		fd = -1;
		rc = renameat(dirfd, tmp, dirfd, name);
	}
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp[0] != '\0')
		unlinkat(dirfd, tmp, 0);
	close(dirfd);
	errno = saved;
	return rc;
}

int cg_sudo_lease_read(const char *run_dir, long long pid, struct cg_sudo_lease *out)
{
	char name[32], buf[CG_SUDO_LEASE_MAX + 1];
	memset(out, 0, sizeof(*out));
	int dirfd = cg_run_dir_open(run_dir, false);
	if (dirfd < 0)
		return -1;
	snprintf(name, sizeof(name), PREFIX "%lld", pid);
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int saved = errno;
	close(dirfd);
	if (fd < 0) {
		errno = saved;
		return -1;
	}
	int rc = -1;
	ssize_t n = -1;
	if (cg_check_trusted_fd(fd, name, false, NULL, 0) == 0)
		n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n >= 0 && (size_t)n <= CG_SUDO_LEASE_MAX &&
	    cg_sudo_lease_parse(buf, (size_t)n, out) == 0 && out->pid == pid)
		rc = 0;
	if (rc != 0) {
		memset(out, 0, sizeof(*out));
		errno = EPERM;
	}
	return rc;
}

int cg_sudo_lease_remove(const char *run_dir, long long pid)
{
	char name[32];
	snprintf(name, sizeof(name), PREFIX "%lld", pid);
	return cg_run_dir_remove(run_dir, name);
}

struct pid_list {
	long long *pids;
	size_t max, count;
};

static void add_pid(unsigned long long n, void *arg)
{
	struct pid_list *l = arg;
	if (l->count < l->max)
		l->pids[l->count] = (long long)n;
	l->count++;
}

int cg_sudo_lease_list(const char *run_dir, long long *pids, size_t max, size_t *count)
{
	struct pid_list l = {pids, max, 0};
	/* pids above 1 (never init's), as the writer and the parser demand */
	int rc = cg_run_dir_scan(run_dir, PREFIX, 2, 0x7fffffffULL, add_pid, &l);
	*count = l.count;
	return rc;
}
