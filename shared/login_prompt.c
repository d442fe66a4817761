/* The wording of the PAM module's token prompt, in one place: the module builds it and
 * changegate-askpass parses it, so the two cannot drift apart. The helper prints a token only
 * for a prompt that parses here, so the parser is strict: every fixed word, names without
 * spaces, an audience without parentheses, an offset in canonical decimal. */
#include <stdio.h>
#include <string.h>

#include "changegate.h"

#define HEAD "Change ticket token for "
#define TAIL_FIRST ": "
#define CONT_A ", continued from byte "
#define CONT_B " (the answer was cut after "
#define CONT_C " characters; paste the rest): "

int cg_login_prompt_format(char *buf, size_t buflen, const char *user, const char *host,
			   const char *audience, size_t offset)
{
	char u[CG_CLAIM_MAX + 1], h[CG_CLAIM_MAX + 1], a[CG_CLAIM_MAX + 1];
	int n;

	/* printable ASCII only: the names come from the config and the name service */
	cg_printable(u, sizeof(u), user);
	cg_printable(h, sizeof(h), host);
	cg_printable(a, sizeof(a), audience);
	if (offset == 0)
		n = snprintf(buf, buflen, HEAD "%s on %s (%s)" TAIL_FIRST, u, h, a);
	else
		n = snprintf(buf, buflen, HEAD "%s on %s (%s)" CONT_A "%zu" CONT_B "%zu" CONT_C,
			     u, h, a, offset, offset);
	return (n < 0 || (size_t)n >= buflen) ? -1 : 0;
}

/* Copies the run of bytes at *p up to (not including) stop into dst: 1..CG_CLAIM_MAX bytes,
 * none of them in bad. Advances *p past stop. */
static int take_until(const char **p, const char *stop, const char *bad, char *dst)
{
	const char *end = strstr(*p, stop);
	size_t n;

	if (end == NULL)
		return -1;
	n = (size_t)(end - *p);
	if (n == 0 || n > CG_CLAIM_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(*p)[i];
		if (c < 0x20 || c >= 0x7f || strchr(bad, c) != NULL)
			return -1;
	}
	memcpy(dst, *p, n);
	dst[n] = '\0';
	*p = end + strlen(stop);
	return 0;
}

/* A decimal offset 1..CG_TOKEN_MAX without leading zeros, followed by stop. */
static int take_offset(const char **p, const char *stop, size_t *out)
{
	const char *s = *p;
	size_t v = 0, digits = 0;

	if (*s == '0')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (++digits > 5)
			return -1;
		v = v * 10 + (size_t)(*s - '0');
	}
	if (digits == 0 || v > CG_TOKEN_MAX || strncmp(s, stop, strlen(stop)) != 0)
		return -1;
	*out = v;
	*p = s + strlen(stop);
	return 0;
}

int cg_login_prompt_parse(const char *prompt, struct cg_login_prompt *out)
{
	const char *p = prompt;
	size_t second = 0;

	memset(out, 0, sizeof(*out));
	if (prompt == NULL || strnlen(prompt, CG_LOGIN_PROMPT_MAX + 1) > CG_LOGIN_PROMPT_MAX)
		return -1;
	/* OpenSSH (since 8.4) shows keyboard-interactive prompts as "(user@host) prompt" */
	if (*p == '(') {
		const char *end = strstr(p, ") ");
		if (end == NULL || memchr(p + 1, '(', (size_t)(end - p - 1)) != NULL)
			return -1;
		p = end + 2;
	}
	if (strncmp(p, HEAD, strlen(HEAD)) != 0)
		return -1;
	p += strlen(HEAD);
	if (take_until(&p, " on ", " ()", out->user) != 0 ||
	    take_until(&p, " (", " ()", out->host) != 0 ||
	    take_until(&p, ")", "()", out->audience) != 0)
		return -1;
	if (strcmp(p, TAIL_FIRST) == 0)
		return 0;
	if (strncmp(p, CONT_A, strlen(CONT_A)) != 0)
		return -1;
	p += strlen(CONT_A);
	if (take_offset(&p, CONT_B, &out->offset) != 0 ||
	    take_offset(&p, CONT_C, &second) != 0 || second != out->offset || *p != '\0') {
		out->offset = 0;
		return -1;
	}
	return 0;
}
