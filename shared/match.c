/*
 * The token's `hosts` and `cmds` claims against what is being asked for. Both match exactly
 * or not at all: an unusual input (NULL, empty, relative path) never matches.
 */
#include <fnmatch.h>
#include <string.h>

#include "changegate.h"

bool cg_host_matches(const struct cg_strlist *patterns, const char *host)
{
	if (patterns == NULL || host == NULL || host[0] == '\0')
		return false;
	for (size_t i = 0; i < patterns->count; i++) {
		const char *p = patterns->items[i];
		/* host names are case-insensitive (RFC 4343) */
		if (p != NULL && p[0] != '\0' && fnmatch(p, host, FNM_CASEFOLD) == 0)
			return true;
	}
	return false;
}

/* Moves *p past blanks and returns the length of the word that starts there. */
static size_t next_word(const char **p)
{
	*p += strspn(*p, " \t");
	return strcspn(*p, " \t");
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

bool cg_command_matches(const char *pattern, const char *const *argv, size_t argc)
{
	size_t nliteral;

	return cg_command_match_words(pattern, argv, argc, &nliteral);
}

bool cg_command_match_words(const char *pattern, const char *const *argv, size_t argc,
			    size_t *nliteral)
{
	*nliteral = 0;
	if (pattern == NULL || argv == NULL || argc == 0)
		return false;
	if (strnlen(pattern, CG_CMD_MAX + 1) > CG_CMD_MAX)
		return false;
	for (size_t i = 0; i < argc; i++) {
		if (argv[i] == NULL)
			return false;
	}
	const char *p = pattern;
	size_t n = next_word(&p);
	if (n == 0 || p[0] != '/' || !word_is(p, n, argv[0]))
		return false;
	p += n;
	if (next_word(&p) == 0)
		return true; /* a path alone: any arguments */

	size_t i = 1;
	for (;;) {
		n = next_word(&p);
		if (n == 0)
			return i == argc; /* exactly these arguments, no more */
		const char *w = p;
		p += n;
		if (n == 1 && w[0] == '*' && next_word(&p) == 0)
			return true; /* a trailing "*": any rest, including none */
		if (i >= argc || !word_is(w, n, argv[i]))
			return false;
		*nliteral = i++;
	}
}
