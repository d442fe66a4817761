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
 *
 * An ASCII name, the usual one, takes these steps without libunistring: no ASCII code point
 * is default-ignorable, the White_Space ones are the six below, NFKC leaves ASCII as it is,
 * and case folding maps A-Z to a-z and nothing else. libunistring (1.8 MB, 1,200
 * relocations) is opened only for a name that is not ASCII, by the soname the build linked
 * against (configure.ac), from the system's library path as a DT_NEEDED entry would be: a
 * sudo call verifying an ASCII ticket no longer loads it (docs/performance.md).
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "changegate.h"
#include "token_internal.h"

/* The four functions and the one table of libunistring these steps use, typed from its
 * headers; all set, or none (uni_ok false). */
static struct {
	__typeof__(u8_check) *check;
	__typeof__(uc_is_property_default_ignorable_code_point) *ignorable;
	__typeof__(uc_is_property_white_space) *white_space;
	__typeof__(u8_casefold) *casefold;
	uninorm_t nfkc;
} uni;
static bool uni_ok;
static pthread_once_t uni_once = PTHREAD_ONCE_INIT;

static void uni_open(void)
{
	void *h = dlopen(CG_UNISTRING_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		return;
	/* dlsym returns object pointers; the cast through memcpy is POSIX's own advice */
	void *sym[5] = {
		dlsym(h, "u8_check"),
		dlsym(h, "uc_is_property_default_ignorable_code_point"),
		dlsym(h, "uc_is_property_white_space"),
		dlsym(h, "u8_casefold"),
		dlsym(h, "uninorm_nfkc"),
	};
	for (size_t i = 0; i < sizeof(sym) / sizeof(sym[0]); i++) {
		if (sym[i] == NULL) {
			dlclose(h);
			return;
		}
	}
	memcpy(&uni.check, &sym[0], sizeof(sym[0]));
	memcpy(&uni.ignorable, &sym[1], sizeof(sym[1]));
	memcpy(&uni.white_space, &sym[2], sizeof(sym[2]));
	memcpy(&uni.casefold, &sym[3], sizeof(sym[3]));
	uni.nfkc = (uninorm_t)sym[4];
	uni_ok = true; /* h stays open: the process may fold again */
}

/* The code point at s[0..n) of valid UTF-8 (u8_check or libunistring's own output said so)
 * and its length in bytes. */
static size_t utf8_next(const uint8_t *s, size_t n, ucs4_t *c)
{
	size_t len = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		len = n; /* cannot happen on valid input; never read past it */
	*c = len == 1 ? s[0] : (ucs4_t)(s[0] & (0x7f >> len));
	for (size_t i = 1; i < len; i++)
		*c = (*c << 6) | (s[i] & 0x3f);
	return len;
}

/* Removes default-ignorable and White_Space code points from valid UTF-8 s[0..n) in place;
 * the new length. */
static size_t drop_invisible(uint8_t *s, size_t n)
{
	size_t in = 0, out = 0;
	while (in < n) {
		ucs4_t c;
		size_t len = utf8_next(s + in, n - in, &c);
		if (!uni.ignorable(c) && !uni.white_space(c)) {
			memmove(s + out, s + in, len);
			out += len;
		}
		in += len;
	}
	return out;
}

/* Steps 1 to 3 for a name that is not ASCII: a malloc'd form of length *flen, or NULL with
 * errno (EILSEQ not UTF-8, ELIBACC libunistring could not be opened). */
static uint8_t *fold_unicode(const char *name, size_t n, size_t *flen)
{
	if (pthread_once(&uni_once, uni_open) != 0 || !uni_ok) {
		errno = ELIBACC;
		return NULL;
	}
	if (uni.check((const uint8_t *)name, n) != NULL) {
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
		*flen = 0;
		return plain;
	}
	uint8_t *folded = uni.casefold(plain, n, NULL, uni.nfkc, NULL, flen);
	free(plain);
	if (folded == NULL)
		return NULL;
	*flen = drop_invisible(folded, *flen);
	return folded;
}

/* The same steps for an ASCII name: White_Space (tab, newline, vertical tab, form feed,
 * carriage return, space) dropped, A-Z folded to a-z. */
static uint8_t *fold_ascii(const char *name, size_t n, size_t *flen)
{
	uint8_t *out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch == ' ' || (ch >= '\t' && ch <= '\r'))
			continue;
		out[o++] = (uint8_t)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
	}
	*flen = o;
	return out;
}

static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80)
			return false;
	}
	return true;
}

char *cg_identity_fold_with(const char *name, bool ascii_path)
{
	if (name == NULL) {
		errno = EINVAL;
		return NULL;
	}
	size_t n = strlen(name), flen = 0;
	uint8_t *folded = ascii_path && is_ascii(name, n) ? fold_ascii(name, n, &flen)
							  : fold_unicode(name, n, &flen);
	if (folded == NULL)
		return NULL;
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

char *cg_identity_fold(const char *name)
{
	return cg_identity_fold_with(name, true);
}
