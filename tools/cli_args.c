/* Checks on command-line values. `issue` refuses anything the verifier would refuse, so that
 * a change system's automation learns about a bad ticket when it mints it, not when an
 * engineer is locked out at 3 a.m. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "changegate %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *cmd)
{
	fprintf(stderr, "Try 'changegate %s --help' for more information.\n", cmd);
	return CLI_EXIT_USAGE;
}

bool cli_parse_epoch(const char *s, long long *out)
{
	/* 2^53: far beyond any real date, and still exact in a JSON double for other tools. */
	const long long max = 9007199254740992LL;
	long long v = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 16)
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (*p - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool kid_char(char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-');
}

bool cli_valid_kid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > CG_KID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!kid_char(s[i], i == 0))
			return false;
	return true;
}

bool cli_valid_text(const char *s, size_t max, bool allow_space)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || (c == ' ' && !allow_space))
			return false;
	}
	return true;
}

bool cli_parse_scopes(const char *s, unsigned *out)
{
	unsigned set = 0;
	const char *p = s;
	if (s == NULL || *s == '\0')
		return false;
	for (;;) {
		size_t n = strcspn(p, ",");
		unsigned bit;
		if (n == 5 && strncmp(p, "login", 5) == 0)
			bit = CG_SCOPE_LOGIN;
		else if (n == 4 && strncmp(p, "sudo", 4) == 0)
			bit = CG_SCOPE_SUDO;
		else
			return false;
		if (set & bit)
			return false;
		set |= bit;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*out = set;
	return true;
}
