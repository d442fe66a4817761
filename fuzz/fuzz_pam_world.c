/* The fixed clock, the captured syslog, the absent kernel audit and the token watch of the
 * PAM fuzz target (see fuzz_pam_world.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_input.h"
#include "fuzz_pam_world.h"

static const char *watched;
static size_t watched_len;

void cg_fuzz_watch(const char *secret, size_t len)
{
	watched = len > 0 ? secret : NULL;
	watched_len = watched != NULL ? len : 0;
}

void cg_fuzz_check_text(const char *where, const char *text, size_t len)
{
	if (watched == NULL || text == NULL)
		return;
	if (memmem(text, len, watched, watched_len) != NULL) {
		/* the token itself stays out of this message too: the fuzzer's output is a log */
		fprintf(stderr, "fuzz_pam: the token's signature appeared in %s\n", where);
		abort();
	}
}

void cg_fuzz_check_file(const char *where, const char *path)
{
	/* the target truncates the audit log before each input: it holds a few lines */
	static char buf[1 << 20];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return;
		abort();
	}
	size_t got = 0;
	while (got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			abort();
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	cg_fuzz_check_text(where, buf, got);
}

time_t __wrap_time(time_t *t)
{
	time_t now = (time_t)CG_FUZZ_NOW;
	if (t != NULL)
		*t = now;
	return now;
}

void __wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	(void)pamh;
	(void)priority;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	cg_fuzz_check_text("a syslog line", line, strnlen(line, sizeof(line)));
	/* CG_FUZZ_VERBOSE=1: show them (after the watch: a leaked token is never printed) */
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("CG_FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz_pam: syslog: %s\n", line);
}

CG_EXPORT int audit_open(void)
{
	errno = EPROTONOSUPPORT;
	return -1;
}
