/*
 * What the kernel says about a login's processes: the audit session id that pam_loginuid
 * gives a login (it survives setsid and sudo), and a process's start time, which tells a
 * process from a later one that reuses its pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"

#define SESSIONID_UNSET 4294967295UL
#define STAT_MAX 4096

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

int cg_proc_start_time(pid_t pid, unsigned long long *out)
{
	char path[64], buf[STAT_MAX];
	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* field 2, the command name, may hold blanks and ')': the fields after it start
	 * after its last ')' */
	char *p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	p++;
	/* p now starts field 3; field 22 is 19 fields on */
	for (int field = 3; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (p == NULL)
			return -1;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p + 1, &end, 10);
	if (errno != 0 || end == p + 1 || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	*out = v;
	return 0;
}
