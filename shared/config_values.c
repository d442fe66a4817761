/* The values of changegate.conf, each checked strictly: a typo must fail loudly, not widen
 * who gets in. */
#include <regex.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "config_values.h"

#define DURATION_MAX (30L * 24 * 3600)

bool cg_parse_duration(const char *s, long *out)
{
	if (s == NULL || *s < '0' || *s > '9')
		return false;
	long v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		/* anything past the cap is refused, so overflow cannot happen */
		v = v * 10 + (*p - '0');
		if (v > DURATION_MAX)
			return false;
	}
	long unit = 1;
	if (*p == 's')
		p++;
	else if (*p == 'm')
		unit = 60, p++;
	else if (*p == 'h')
		unit = 3600, p++;
	if (*p != '\0' || v > DURATION_MAX / unit)
		return false;
	*out = v * unit;
	return true;
}

const char *cg_cv_text(const char *v)
{
	size_t n = strlen(v);
	if (n == 0)
		return "empty value";
	if (n > CG_CLAIM_MAX)
		return "value longer than 255 bytes";
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "control character in value";
	}
	return NULL;
}

const char *cg_cv_path(const char *v)
{
	if (v[0] != '/')
		return "not an absolute path";
	if (strlen(v) > CG_CONFIG_PATH_MAX)
		return "path longer than 1024 bytes";
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= 0x20 || *p == 0x7f)
			return "space or control character in path";
	}
	/* "." and ".." components would make the trust checks reason about another path */
	for (const char *c = v; c != NULL; c = strchr(c + 1, '/')) {
		const char *s = c + 1;
		size_t n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return "path contains a '.' or '..' component";
	}
	return NULL;
}

const char *cg_cv_hostname(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > 253)
		return "host name must be 1 to 253 bytes";
	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != n)
		return "host name may hold only letters, digits, '.', '-' and '_'";
	return NULL;
}

const char *cg_cv_kid(const char *v)
{
	static const char alnum[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strlen(v);
	if (n == 0 || n > CG_KID_MAX)
		return "key id must be 1 to 64 bytes";
	if (strchr(alnum, v[0]) == NULL)
		return "key id must start with a letter or digit";
	if (strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return "key id may hold only letters, digits, '.', '_' and '-'";
	return NULL;
}

const char *cg_cv_account_name(const char *v)
{
	size_t n = strlen(v);
	if (n == 0 || n > CG_CLAIM_MAX)
		return "name must be 1 to 255 bytes";
	for (const unsigned char *p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == ',' || *p == '#')
			return "name holds a character that no account name has";
	}
	return NULL;
}

const char *cg_cv_algorithms(const char *v, unsigned *out)
{
	struct cg_strlist names = {0};
	if (cg_strlist_split(&names, v, " \t") != 0)
		return "too many algorithm names";
	const char *msg = NULL;
	unsigned set = 0;
	for (size_t i = 0; i < names.count; i++) {
		cg_alg a;
		if (!cg_alg_from_name(names.items[i], &a)) {
			msg = "unknown algorithm (ES256 ES384 ES512 RS256 RS384 RS512, exact case)";
			break;
		}
		set |= (unsigned)a;
	}
	if (msg == NULL && set == 0)
		msg = "no algorithm named";
	cg_strlist_free(&names);
	if (msg == NULL)
		*out = set;
	return msg;
}

const char *cg_cv_yes_no(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0)
		*out = false;
	else
		return "must be yes or no";
	return NULL;
}

const char *cg_cv_single_use(const char *v, cg_single_use *out)
{
	if (strcmp(v, "no") == 0)
		*out = CG_SINGLE_USE_NO;
	else if (strcmp(v, "login") == 0)
		*out = CG_SINGLE_USE_LOGIN;
	else if (strcmp(v, "always") == 0)
		*out = CG_SINGLE_USE_ALWAYS;
	else
		return "must be no, login or always";
	return NULL;
}

const char *cg_cv_list(const char *v, struct cg_strlist *out, const char *(*check)(const char *))
{
	struct cg_strlist l = {0};
	if (cg_strlist_split(&l, v, ", \t") != 0)
		return "more than 64 entries";
	if (l.count == 0)
		return "empty list";
	for (size_t i = 0; i < l.count; i++) {
		const char *msg = check(l.items[i]);
		if (msg != NULL) {
			cg_strlist_free(&l);
			return msg;
		}
	}
	*out = l;
	return NULL;
}

/* Skips a bracket expression starting at p ('['); returns its closing ']' or NULL. */
static const char *bracket_end(const char *p)
{
	const char *q = p + 1;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	while (*q != '\0' && *q != ']') {
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *e = q + 2;
			while (*e != '\0' && !(e[0] == q[1] && e[1] == ']'))
				e++;
			if (*e == '\0')
				return NULL;
			q = e + 2;
			continue;
		}
		q++;
	}
	return *q == ']' ? q : NULL;
}

/* Parses a {m}, {m,} or {m,n} bound at p; returns the byte after '}' or NULL if it is not
 * one or goes past CG_PATTERN_BOUND_MAX. */
static const char *bound_end(const char *p)
{
	const char *q = p + 1;
	for (int part = 0; part < 2; part++) {
		unsigned long val = 0;
		const char *digits = q;
		while (*q >= '0' && *q <= '9') {
			val = val * 10 + (unsigned long)(*q - '0');
			if (val > CG_PATTERN_BOUND_MAX)
				return NULL;
			q++;
		}
		if (q == digits && !(part == 1 && *q == '}'))
			return NULL;
		if (*q == '}')
			return q + 1;
		if (part == 1 || *q != ',')
			return NULL;
		q++;
	}
	return NULL;
}

/*
 * glibc's regcomp takes exponential time and memory on nested or stacked repetition with large
 * bounds (a 30-byte pattern ran for minutes under the fuzzer), and the pattern is compiled on
 * every login and every sudo call. So only a small subset is accepted: no groups (alternation
 * with | at the top level is fine), at most CG_PATTERN_REPS_MAX repetition operators, none
 * stacked on another, bounds up to CG_PATTERN_BOUND_MAX.
 */
static const char *pattern_subset(const char *v)
{
	unsigned reps = 0;
	bool after_rep = false;
	for (const char *p = v; *p != '\0'; p++) {
		bool rep = false;
		switch (*p) {
		case '\\':
			if (p[1] == '\0')
				return "pattern ends in a backslash";
			p++;
			break;
		case '[':
			p = bracket_end(p);
			if (p == NULL)
				return "unterminated bracket expression";
			break;
		case '(':
		case ')':
			return "groups are not allowed (use | between whole alternatives)";
		case '*':
		case '+':
		case '?':
			rep = true;
			break;
		case '{': {
			const char *e = bound_end(p);
			if (e == NULL)
				return "repetition bound is malformed or over 32";
			p = e - 1;
			rep = true;
			break;
		}
		default:
			break;
		}
		if (rep) {
			if (after_rep)
				return "repetition stacked on repetition";
			if (++reps > CG_PATTERN_REPS_MAX)
				return "more than 4 repetition operators";
		}
		after_rep = rep;
	}
	return NULL;
}

const char *cg_cv_ticket_pattern(const char *v, void **re_out)
{
	size_t n = strlen(v);
	if (n == 0)
		return "empty pattern";
	if (n > CG_CONFIG_PATTERN_MAX)
		return "pattern longer than 128 bytes";
	const char *why = pattern_subset(v);
	if (why != NULL)
		return why;
	/* wrapping in ^( )$ makes the pattern match the whole ticket id, never a part of it */
	char *anchored = malloc(n + 5);
	regex_t *re = malloc(sizeof(*re));
	if (anchored == NULL || re == NULL) {
		free(anchored);
		free(re);
		return "out of memory";
	}
	memcpy(anchored, "^(", 2);
	memcpy(anchored + 2, v, n);
	memcpy(anchored + 2 + n, ")$", 3);
	int rc = regcomp(re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc != 0) {
		free(re);
		return "not a valid POSIX extended regular expression";
	}
	*re_out = re;
	return NULL;
}

void cg_cv_regex_free(void *re)
{
	if (re == NULL)
		return;
	regfree(re);
	free(re);
}
