/*
 * What /proc says about a process: its audit session id (the unit of a login: pam_loginuid
 * sets it, and it survives setsid, nohup and sudo), its start time, its terminal. Read
 * relative to one /proc fd, each value bounded and parsed strictly: a process can rename
 * itself to anything, so the command name in stat is skipped, never parsed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reaper.h"

#define SESSIONID_UNSET 4294967295ULL

/* Reads a small file under procfd into buf (NUL-terminated); its length or -1. */
static ssize_t read_small(int procfd, const char *name, char *buf, size_t buflen)
{
	int fd = openat(procfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < buflen - 1) {
		ssize_t n = read(fd, buf + off, buflen - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
}

static bool parse_ull(const char *s, const char **end, unsigned long long *out)
{
	if (!isdigit((unsigned char)*s))
		return false;
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 10);
	if (errno != 0)
		return false;
	*end = e;
	*out = v;
	return true;
}

/* stat fields after the command name: 3 is the state, 4 the ppid, 7 tty_nr, 22 starttime. */
static int parse_stat(const char *buf, struct rp_proc *out)
{
	const char *p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ')
		return -1;
	p += 2;
	/* a zombie has ended: it runs nothing and no signal reaches it; its parent reaps it */
	if (*p == 'Z' || *p == 'X')
		return -1;
	for (int field = 3; field <= 22; field++) {
		const char *sp = strchr(p, ' ');
		if (field == 4 || field == 7 || field == 22) {
			long long v;
			char *e;
			errno = 0;
			v = strtoll(p, &e, 10);
			if (errno != 0 || e == p || (*e != ' ' && *e != '\n' && *e != '\0'))
				return -1;
			if (field == 4)
				out->ppid = (pid_t)(v < 0 ? 0 : v);
			else if (field == 7)
				out->tty = (dev_t)(v < 0 ? 0 : v);
			else if (v < 0)
				return -1;
			else
				out->start = (unsigned long long)v;
		}
		if (sp == NULL)
			return field == 22 ? 0 : -1;
		p = sp + 1;
	}
	return 0;
}

/* "Uid:\t<real>\t..." in status */
static uid_t parse_uid(const char *buf)
{
	const char *u = strstr(buf, "\nUid:\t");
	unsigned long long v;
	const char *end;
	if (u != NULL && parse_ull(u + 6, &end, &v))
		return (uid_t)v;
	return (uid_t)-1;
}

int rp_proc_read(int procfd, pid_t pid, struct rp_proc *out)
{
	char name[64], buf[1024];
	const char *end;
	unsigned long long sid;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	snprintf(name, sizeof(name), "%ld/sessionid", (long)pid);
	if (read_small(procfd, name, buf, sizeof(buf)) <= 0 || !parse_ull(buf, &end, &sid) ||
	    (*end != '\0' && *end != '\n') || sid >= SESSIONID_UNSET)
		return -1;
	out->sid = (unsigned)sid;
	snprintf(name, sizeof(name), "%ld/stat", (long)pid);
	if (read_small(procfd, name, buf, sizeof(buf)) <= 0 || parse_stat(buf, out) != 0)
		return -1;
	snprintf(name, sizeof(name), "%ld/status", (long)pid);
	out->uid = read_small(procfd, name, buf, sizeof(buf)) > 0 ? parse_uid(buf) : (uid_t)-1;
	return 0;
}

long rp_proc_scan(int procfd, rp_proc_fn fn, void *arg)
{
	int dfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	DIR *d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return -1;
	}
	long seen = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *end;
		unsigned long long pid;
		if (!parse_ull(e->d_name, &end, &pid) || *end != '\0' || pid == 0 ||
		    pid > (unsigned long long)INT32_MAX)
			continue;
		struct rp_proc p;
		if (rp_proc_read(procfd, (pid_t)pid, &p) != 0)
			continue;  /* gone meanwhile, a kernel thread, or no session */
		seen++;
		if (!fn(&p, arg))
			break;
	}
	closedir(d);
	return seen;
}
