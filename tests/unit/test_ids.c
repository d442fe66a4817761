/* The two ways the core tells names apart: the id alphabet of chg and jti
 * (shared/ticket_id.c), and the comparison form of people for four eyes
 * (shared/identity_fold.c), each as a table. */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"
#include "token_internal.h"

static void test_id_alphabet(void)
{
	static const char *const good[] = {
		"CHG0012345", "9b1f6c1e-5d0a-4c55-9d43-1f0e1c7d2a10", "urn:uuid:9b1f6c1e",
		"OPS-1234", "a", "0", "a._:-z", "Z9",
	};
	static const struct {
		const char *id, *why;
	} bad[] = {
		{"", "is empty"},
		{"#x", "does not start with a letter or digit"},
		{"#", "does not start with a letter or digit"},
		{"-x", "does not start with a letter or digit"},
		{".x", "does not start with a letter or digit"},
		{":x", "does not start with a letter or digit"},
		{"_x", "does not start with a letter or digit"},
		{" x", "does not start with a letter or digit"},
		{"a b", "holds a character other than letters, digits and ._:-"},
		{"a\tb", "holds a character other than"},
		{"a\nb", "holds a character other than"},
		{"a#b", "holds a character other than"},
		{"a,b", "holds a character other than"},
		{"a/b", "holds a character other than"},
		{"a@b", "holds a character other than"},
		{"a+b", "holds a character other than"},
		{"caf\xc3\xa9", "holds a character other than"},
		{"\xef\xbc\xa3HG1", "does not start with a letter or digit"}, /* full-width C */
		{"a\x7f", "holds a character other than"},
	};
	char why[80];
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_TRUE(cg_id_valid(good[i], strlen(good[i]), CG_JTI_MAX, why, sizeof(why)));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		CU_ASSERT_FALSE(cg_id_valid(bad[i].id, strlen(bad[i].id), CG_JTI_MAX, why,
					    sizeof(why)));
		CU_ASSERT_PTR_NOT_NULL(strstr(why, bad[i].why));
	}
	/* the length is the caller's, so an embedded NUL is a character like any other */
	CU_ASSERT_FALSE(cg_id_valid("a\0b", 3, CG_JTI_MAX, NULL, 0));
	CU_ASSERT_FALSE(cg_id_valid(NULL, 0, CG_JTI_MAX, NULL, 0));
}

static void test_id_limits(void)
{
	char id[CG_CLAIM_MAX + 2], why[80];
	memset(id, 'a', sizeof(id));
	CU_ASSERT_TRUE(cg_id_valid(id, CG_JTI_MAX, CG_JTI_MAX, why, sizeof(why)));
	CU_ASSERT_FALSE(cg_id_valid(id, CG_JTI_MAX + 1, CG_JTI_MAX, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "is longer than 128 bytes");
	CU_ASSERT_TRUE(cg_id_valid(id, CG_CLAIM_MAX, CG_CLAIM_MAX, why, sizeof(why)));
	CU_ASSERT_FALSE(cg_id_valid(id, CG_CLAIM_MAX + 1, CG_CLAIM_MAX, why, sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "is longer than 255 bytes");
}

/* Whether a and b fold to the same person. */
static int same(const char *a, const char *b)
{
	char *x = cg_identity_fold(a), *y = cg_identity_fold(b);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	int r = strcmp(x, y) == 0;
	free(x);
	free(y);
	return r;
}

static void test_fold_same_person(void)
{
	static const struct {
		const char *sub, *approver, *what;
	} table[] = {
		{"dev1", "dev1", "the same bytes"},
		{"dev1", "\xef\xbd\x84\xef\xbd\x85\xef\xbd\x96\xef\xbc\x91", "full-width"},
		{"dev1", "dev\xe2\x80\x8b" "1", "zero-width space"},
		{"dev1", "de\xc2\xad" "v1", "soft hyphen"},
		{"dev1", "\xe2\x81\xa0" "dev1\xef\xbb\xbf", "word joiner, BOM"},
		{"dev1", "dev1\xef\xb8\x8f", "variation selector"},
		{"dev1", "dev1@corp", "a domain part"},
		{"dev1", "dev1@", "an empty domain part"},
		{"dev1", "dev1\xef\xbc\xa0" "corp", "a full-width @"},
		{"dev1", "DEV1", "case"},
		{"dev1", "Dev1@Corp.Example", "case and domain"},
		{"dev1@corp", "dev1", "a domain part on the user's side"},
		{"strasse", "STRA\xc3\x9f" "E", "sharp s folds to ss"},
		{"jos\xc3\xa9", "jose\xcc\x81", "composed and decomposed"},
		{"jos\xc3\xa9", "jose\xe2\x80\x8b\xcc\x81", "an invisible split of a letter and its accent"},
		{"\xef\xac\x81" "nn", "finn", "the fi ligature"},
		/* issue 14 item 6 (review): NFKC makes these an ASCII space */
		{"dev1", "dev1\xc2\xa0", "a trailing no-break space"},
		{"dev1", "\xe3\x80\x80" "dev1", "a leading ideographic space"},
		{"dev1", "dev1 ", "a trailing ASCII space"},
		{"dev1", "de\tv1\xe2\x80\xa8", "a tab and a line separator"},
		{"jos\xc3\xa9", "jose\xc2\xa0\xcc\x81", "a no-break space between a letter and its accent"},
		{"dev1", "corp\\dev1", "a DOMAIN\\user form"},
		{"dev1", "CORP\xef\xbc\xbc" "Dev1", "a full-width backslash"},
		{"dev1", "a\\b\\dev1@corp", "a backslash and an @ at once"},
		{"corp\\dev1", "dev1@corp", "both forms of one account"},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!same(table[i].sub, table[i].approver))
			CU_FAIL(table[i].what);
	}
}

static void test_fold_other_person(void)
{
	static const struct {
		const char *sub, *approver;
	} table[] = {
		{"dev1", "dev2"},
		{"dev1", "dev11"},
		{"dev1", "de-v1"},
		{"dev1", "dev1.corp"},
		{"dev1", "dev1\\corp"},
		{"dev1", "dev 2"},
		{"alice", "bob"},
		{"jos\xc3\xa9", "jose"},
		{"dev1", "d\xd0\xb5v1"}, /* Cyrillic e: a confusable, but another name */
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		CU_ASSERT_FALSE(same(table[i].sub, table[i].approver));
}

static void test_fold_form(void)
{
	char *f = cg_identity_fold("\xef\xbc\xa4" "ev\xe2\x80\x8b" "1@Corp");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f, "dev1");
	free(f);
	/* nothing but invisible characters and a domain, or nothing at all: the empty form */
	static const char *const nobody[] = {"\xe2\x80\x8b@corp", "\xe2\x80\x8b\xc2\xad", "", "@",
					     "\xc2\xa0", "\xe3\x80\x80@corp", "corp\\", " \\ "};
	for (size_t i = 0; i < sizeof(nobody) / sizeof(nobody[0]); i++) {
		f = cg_identity_fold(nobody[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_STRING_EQUAL(f, "");
		free(f);
	}
}

static void test_fold_invalid_utf8(void)
{
	static const char *const bad[] = {
		"dev\xff" "1", "dev1\xc3", "\xc0\xaf" "dev1", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CU_ASSERT_PTR_NULL(cg_identity_fold(bad[i]));
		CU_ASSERT_EQUAL(errno, EILSEQ);
	}
	CU_ASSERT_PTR_NULL(cg_identity_fold(NULL));
}

/* Whether this process has libunistring mapped (dlopen RTLD_NOLOAD opens nothing new). */
static bool unistring_loaded(void)
{
	void *h = dlopen(CG_UNISTRING_SONAME, RTLD_NOW | RTLD_NOLOAD);
	if (h != NULL)
		dlclose(h);
	return h != NULL;
}

/* Runs first: ASCII names, the usual ones, are folded without opening libunistring (a
 * sudo call verifying their ticket does not load it); the first name that is not ASCII
 * opens it (docs/performance.md). */
static void test_fold_ascii_no_unistring(void)
{
	CU_ASSERT_FALSE_FATAL(unistring_loaded());
	char *a = cg_identity_fold("Dev1@Corp"), *b = cg_identity_fold("CORP\\dev1 ");
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NOT_NULL(b);
	if (a != NULL && b != NULL)
		CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	CU_ASSERT_FALSE(unistring_loaded());
	a = cg_identity_fold("\xef\xbd\x84" "ev1"); /* a full-width d */
	CU_ASSERT_PTR_NOT_NULL(a);
	if (a != NULL)
		CU_ASSERT_STRING_EQUAL(a, "dev1");
	free(a);
	CU_ASSERT_TRUE(unistring_loaded());
}

/* The ASCII path gives every ASCII name the form libunistring gives it: each code point
 * alone, between letters, and next to the characters the form treats apart. */
static void test_fold_ascii_same_as_unicode(void)
{
	static const char *const names[] = {
		"dev1", "DEV1", "Dev1@Corp", "corp\\Dev1", "a b\tc\n", " \v\f\r", "@", "\\",
		"x@y\\z", "a\\b@c", "ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`{|}~", "\x1c\x1d\x1e\x1f\x7f",
	};
	char buf[8];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *fast = cg_identity_fold_with(names[i], true);
		char *slow = cg_identity_fold_with(names[i], false);
		CU_ASSERT_PTR_NOT_NULL(fast);
		CU_ASSERT_PTR_NOT_NULL(slow);
		if (fast != NULL && slow != NULL)
			CU_ASSERT_STRING_EQUAL(fast, slow);
		free(fast);
		free(slow);
	}
	for (int c = 1; c < 0x80; c++) {
		/* c alone, between lower-case letters, between upper-case ones */
		const char forms[][4] = {{(char)c}, {'a', (char)c, 'b'}, {'A', (char)c, 'B'}};
		for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
			memcpy(buf, forms[f], sizeof(forms[f]));
			char *fast = cg_identity_fold_with(buf, true);
			char *slow = cg_identity_fold_with(buf, false);
			CU_ASSERT_PTR_NOT_NULL(fast);
			CU_ASSERT_PTR_NOT_NULL(slow);
			if (fast != NULL && slow != NULL && strcmp(fast, slow) != 0) {
				fprintf(stderr, "code point %#x, form %zu: \"%s\" against \"%s\"\n", c,
					f, fast, slow);
				CU_FAIL("the ASCII path and libunistring disagree");
			}
			free(fast);
			free(slow);
		}
	}
}

int main(void)
{
	static const struct cf_test tests[] = {
		/* first: it must see libunistring not yet opened */
		{"four eyes: ASCII names need no libunistring", test_fold_ascii_no_unistring},
		{"four eyes: the ASCII path is libunistring's", test_fold_ascii_same_as_unicode},
		{"id alphabet", test_id_alphabet},
		{"id lengths at the limits", test_id_limits},
		{"four eyes: one person, many spellings", test_fold_same_person},
		{"four eyes: other people stay other", test_fold_other_person},
		{"four eyes: the comparison form", test_fold_form},
		{"four eyes: invalid UTF-8 has no form", test_fold_invalid_utf8},
		{NULL, NULL},
	};
	return cf_run("ids", tests);
}
