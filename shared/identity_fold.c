/*
 * Four eyes compares people, not byte strings: "ｄｅｖ１" (full-width), "dev\u200b1" (a
 * zero-width space), "dev1\u00a0" (a no-break space), "DEV1", "dev1@corp" and "corp\dev1"
 * all name the account dev1 to a reader, and an approver spelled so must not count as someone
 * else. Each name is brought to one comparison form, and two names with the same form are one
 * person:
 *   1. invisible code points removed: default-ignorable ones (zero-width characters, soft
 *      hyphen, variation selectors...) and White_Space ones (no account name holds a space,
 *      and U+00A0 or U+3000 would otherwise become an ASCII space in step 2 that nothing
 *      removes); left in place they would also keep a letter from composing with its accent
 *      in step 2;
 *   2. Unicode compatibility normalisation with case folding (NFKC_Casefold), so that width
 *      variants, ligatures and case do not make a second person; case folding is deliberate,
 *      two spellings of one person must not approve each other;
 *   3. invisible code points removed again (step 2 can produce one);
 *   4. the domain parts cut off: from the first '@' on (user@domain), and up to the last
 *      backslash (DOMAIN\user, the Windows form): a domain says where an account lives, not
 *      who it is. Step 2 has already made full-width '@' and '\' ASCII.
 * Name that is not valid UTF-8 has no form (libunistring would quietly turn it into U+FFFD).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "changegate.h"

/* Removes default-ignorable and White_Space code points from valid UTF-8 s[0..n) in place;
 * the new length. */
static size_t drop_invisible(uint8_t *s, size_t n)
{
	size_t in = 0, out = 0;
	while (in < n) {
		ucs4_t c;
		int len = u8_mbtouc_unsafe(&c, s + in, n - in);
		if (!uc_is_property_default_ignorable_code_point(c) &&
		    !uc_is_property_white_space(c)) {
			memmove(s + out, s + in, (size_t)len);
			out += (size_t)len;
		}
		in += (size_t)len;
	}
	return out;
}

char *cg_identity_fold(const char *name)
{
	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	size_t n = strlen(name);
	if (u8_check((const uint8_t *)name, n) != NULL) {
		errno = EILSEQ;
		return NULL;
	}
	uint8_t *plain = malloc(n + 1);
	if (plain == NULL)
		return NULL;
	memcpy(plain, name, n);
	n = drop_invisible(plain, n);
	if (n == 0) {
		/* nothing visible: the empty form, without asking libunistring about nothing */
		plain[0] = '\0';
		return (char *)plain;
	}
	size_t flen = 0;
	uint8_t *folded = u8_casefold(plain, n, NULL, UNINORM_NFKC, NULL, &flen);
	free(plain);
	if (folded == NULL)
		return NULL;
	flen = drop_invisible(folded, flen);
	const uint8_t *at = memchr(folded, '@', flen);
	if (at != NULL)
		flen = (size_t)(at - folded);
	size_t start = 0;
	for (size_t i = 0; i < flen; i++) {
		if (folded[i] == '\\')
			start = i + 1;
	}
	char *out = malloc(flen - start + 1);
	if (out != NULL) {
		memcpy(out, folded + start, flen - start);
		out[flen - start] = '\0';
	}
	free(folded);
	return out;
}
