/* Reading a token from stdin and writing untrusted text back out. The token never comes from
 * argv (every user can read every process's argv), and what a token claims never reaches the
 * terminal unescaped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Reads fd until end of file or cap bytes; false (message printed) on a read error. */
static bool read_upto(int fd, char *b, size_t cap, size_t *n)
{
	*n = 0;
	while (*n < cap) {
		ssize_t r = read(fd, b + *n, cap - *n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "changegate: reading input: %s\n", strerror(errno));
			return false;
		}
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return true;
}

int cli_read_all(int fd, size_t max, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	char *b = malloc(max + 2);
	size_t n = 0;
	if (b == NULL || !read_upto(fd, b, max + 1, &n)) {
		if (b == NULL)
			fprintf(stderr, "changegate: out of memory\n");
		free(b);
		return -1;
	}
	if (n > max) {
		free(b);
		return 1;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int cli_read_token(char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	/* One byte beyond the limit tells "too long" apart from "exactly at the limit". */
	char *b = calloc(1, CLI_TOKEN_BUF);
	if (b == NULL) {
		fprintf(stderr, "changegate: out of memory\n");
		return -1;
	}
	size_t n = 0;
	if (!read_upto(STDIN_FILENO, b, CLI_STDIN_MAX + 1, &n)) {
		cg_wipe_free(b, CLI_TOKEN_BUF);
		return -1;
	}
	if (n > CLI_STDIN_MAX) {
		cg_wipe_free(b, CLI_TOKEN_BUF);
		return 1;
	}
	/* Exactly one line ending, as `echo` or a here-string adds; any other byte is the
	 * verifier's to judge (a token with a trailing space must still be refused). */
	if (n > 0 && b[n - 1] == '\n') {
		n--;
		if (n > 0 && b[n - 1] == '\r')
			n--;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static void put_escaped(FILE *f, const char *s, bool json)
{
	if (s == NULL) {
		fputs("-", f);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 0x20 && *p < 0x7f && (json || *p != '\\')) || (json && *p == '\n'))
			fputc(*p, f);
		else
			fprintf(f, "\\x%02x", *p);
	}
}

void cli_put_safe(FILE *f, const char *s)
{
	put_escaped(f, s, false);
}

void cli_put_safe_json(FILE *f, const char *s)
{
	put_escaped(f, s, true);
}

char *cli_escape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * n + 1);
	if (out == NULL)
		return NULL;
	char *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			*o++ = (char)*p;
		else
			o += snprintf(o, 5, "\\x%02x", *p);
	}
	*o = '\0';
	return out;
}

void cli_format_time(long long t, char *buf, size_t buflen)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t == 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, buflen, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, buflen, "%s", t == 0 ? "-" : "(out of range)");
}

static int unit_text(char *buf, size_t buflen, long long v, const char *unit)
{
	return snprintf(buf, buflen, "%lld %s%s", v, unit, v == 1 ? "" : "s");
}

void cli_format_relative(long long t, time_t now, char *buf, size_t buflen)
{
	long long d = t - (long long)now;
	if (d == 0) {
		snprintf(buf, buflen, "now");
		return;
	}
	bool past = d < 0;
	unsigned long long a = past ? 0ULL - (unsigned long long)d : (unsigned long long)d;
	char num[64];
	if (a < 120)
		unit_text(num, sizeof(num), (long long)a, "second");
	else if (a < 2 * 3600)
		unit_text(num, sizeof(num), (long long)(a / 60), "minute");
	else if (a < 2 * 86400ULL)
		unit_text(num, sizeof(num), (long long)(a / 3600), "hour");
	else
		unit_text(num, sizeof(num), (long long)(a / 86400), "day");
	snprintf(buf, buflen, past ? "%s ago" : "in %s", num);
}
