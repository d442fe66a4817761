/* Step 1 and the decoding half of step 2: size, shape, strict base64url, strict JSON. Also
 * the algorithm names, the base64url decoder itself, and `inspect`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "test_token.h"
#include "token_internal.h"

static cg_reason verify_login(const char *token)
{
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	return tfx_verify(token, &req);
}

static cg_reason verify_len(const char *token, size_t len)
{
	struct cg_request req;
	struct cg_decision d;
	tfx_request(&req, CG_SCOPE_LOGIN);
	cg_reason r = cg_verify_token(&tfx.cfg, token, len, &req, &d);
	tfx_saw(r);
	cg_decision_free(&d);
	return r;
}

static char *valid_token(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	return tfx_mint("ES256", &c);
}

static void test_valid_token_is_ok(void)
{
	char *t = valid_token();
	ASSERT_REASON(verify_login(t), CG_OK);
	free(t);
}

static void test_no_token(void)
{
	ASSERT_REASON(verify_len(NULL, 0), CG_NO_TOKEN);
	ASSERT_REASON(verify_len("", 0), CG_NO_TOKEN);
}

static void test_too_large(void)
{
	/* 64 KiB of a plausible-looking token, and one byte over the cap */
	size_t sizes[] = {65536, CG_TOKEN_MAX + 1};
	for (size_t i = 0; i < 2; i++) {
		char *big = malloc(sizes[i] + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(big);
		memset(big, 'A', sizes[i]);
		big[10] = '.';
		big[20] = '.';
		big[sizes[i]] = '\0';
		ASSERT_REASON(verify_login(big), CG_TOO_LARGE);
		free(big);
	}
	/* exactly at the cap is judged on its contents, not its size */
	char *cap = malloc(CG_TOKEN_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
	memset(cap, 'A', CG_TOKEN_MAX);
	cap[CG_TOKEN_MAX] = '\0';
	ASSERT_REASON(verify_login(cap), CG_MALFORMED);
	free(cap);
}

static void test_trailing_bytes(void)
{
	const char *tails[] = {"=", ".", "\n", " ", "==", "\r\n", "\t"};
	char *t = valid_token();
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char *bad = NULL;
		CU_ASSERT_FATAL(asprintf(&bad, "%s%s", t, tails[i]) > 0);
		ASSERT_REASON(verify_login(bad), CG_MALFORMED);
		free(bad);
		CU_ASSERT_FATAL(asprintf(&bad, "%s%s", tails[i], t) > 0);
		ASSERT_REASON(verify_login(bad), CG_MALFORMED);
		free(bad);
	}
	free(t);
}

static void test_embedded_nul(void)
{
	char *t = valid_token();
	size_t n = strlen(t);
	/* the length given counts a NUL and what follows: not the token any more */
	char *bad = malloc(n + 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	memcpy(bad, t, n);
	bad[n] = '\0';
	bad[n + 1] = 'A';
	ASSERT_REASON(verify_len(bad, n + 2), CG_MALFORMED);
	free(bad);
	free(t);
}

/* Re-encodes every segment with the standard alphabet, with and without '=' padding. */
static void test_standard_alphabet(void)
{
	int tested = 0;
	for (int attempt = 0; attempt < 64 && tested == 0; attempt++) {
		char *t = valid_token();
		if (strpbrk(t, "-_") != NULL) {
			char *std = strdup(t);
			CU_ASSERT_PTR_NOT_NULL_FATAL(std);
			for (char *p = std; *p != '\0'; p++)
				*p = *p == '-' ? '+' : *p == '_' ? '/' : *p;
			ASSERT_REASON(verify_login(std), CG_MALFORMED);
			free(std);
			tested = 1;
		}
		free(t);
	}
	CU_ASSERT_EQUAL(tested, 1);

	/* padded standard base64 of a header whose length is not a multiple of 3 */
	const char *header = "{\"alg\":\"ES256\",\"kid\":\"es256-a\"}";
	unsigned char enc[128];
	int n = EVP_EncodeBlock(enc, (const unsigned char *)header, (int)strlen(header));
	CU_ASSERT_FATAL(n > 0 && enc[n - 1] == '=');
	char *t = valid_token();
	char *bad = NULL;
	CU_ASSERT_FATAL(asprintf(&bad, "%s%s", (char *)enc, strchr(t, '.')) > 0);
	ASSERT_REASON(verify_login(bad), CG_MALFORMED);
	free(bad);
	free(t);
}

static void test_segment_count(void)
{
	char *t = valid_token();
	char *two = strdup(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(two);
	*strrchr(two, '.') = '\0';
	ASSERT_REASON(verify_login(two), CG_MALFORMED);
	char *four = NULL;
	CU_ASSERT_FATAL(asprintf(&four, "%s.%s", t, "AAAA") > 0);
	ASSERT_REASON(verify_login(four), CG_MALFORMED);
	ASSERT_REASON(verify_login("AAAA"), CG_MALFORMED);
	ASSERT_REASON(verify_login(".."), CG_MALFORMED);
	ASSERT_REASON(verify_login("AAAA..AAAA"), CG_MALFORMED);
	/* alg none in its usual spelling: an empty signature segment */
	char *none = strdup(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(none);
	strrchr(none, '.')[1] = '\0';
	ASSERT_REASON(verify_login(none), CG_MALFORMED);
	free(none);
	free(four);
	free(two);
	free(t);
}

/* The last character of the signature carries unused bits; setting one gives a second
 * spelling of the same bytes, which libjwt's lenient decoder would accept. */
static void test_noncanonical_trailing_bits(void)
{
	char *t = valid_token(); /* ES256: 64 signature bytes, 86 characters, 4 spare bits */
	char *last = t + strlen(t) - 1;
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	int v = (int)(strchr(alphabet, *last) - alphabet);
	CU_ASSERT_EQUAL_FATAL(v & 0x0f, 0);
	*last = alphabet[v | 1];
	ASSERT_REASON(verify_login(t), CG_MALFORMED);
	free(t);
}

static void test_b64url_decoder(void)
{
	static const struct {
		const char *in;
		const char *out; /* NULL: must be refused */
	} cases[] = {
		{"", ""},         {"QQ", "A"},     {"QUI", "AB"},    {"QUJD", "ABC"},
		{"QR", NULL},     {"QUJ", NULL},   {"Q", NULL},      {"QUJDR", NULL},
		{"QQ==", NULL},   {"QQ=", NULL},   {"+/8", NULL},    {"QU I", NULL},
		{"QU\nI", NULL},  {"-_8", "\xfb\xff"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned char *out = NULL;
		size_t outlen = 0;
		int rc = cg_b64url_decode(cases[i].in, strlen(cases[i].in), &out, &outlen);
		if (cases[i].out == NULL) {
			CU_ASSERT_EQUAL(rc, -1);
			CU_ASSERT_PTR_NULL(out);
		} else {
			CU_ASSERT_EQUAL_FATAL(rc, 0);
			CU_ASSERT_EQUAL(outlen, strlen(cases[i].out));
			CU_ASSERT(memcmp(out, cases[i].out, outlen) == 0);
		}
		free(out);
	}
}

/* Signs header and payload text as given with the ES256 key and expects reason. */
static void expect_signed(const char *header, const char *payload, cg_reason want)
{
	char *t = tfx_sign("ES256", header, payload);
	ASSERT_REASON(verify_login(t), want);
	free(t);
}

#define HDR "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}"

static void test_bad_json(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = cg_test_payload_json(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	expect_signed(HDR, p, CG_OK);
	expect_signed("{\"alg\":\"ES256\",", p, CG_MALFORMED);
	expect_signed("[\"ES256\"]", p, CG_MALFORMED);
	expect_signed(HDR, "[1]", CG_MALFORMED);
	expect_signed(HDR, "\"alice\"", CG_MALFORMED);
	expect_signed(HDR, "{\"sub\":\"alice\"} {}", CG_MALFORMED);
	expect_signed(HDR, "{\"sub\":\"al\xffice\"}", CG_MALFORMED);
	expect_signed(HDR, "{\"sub\":\"al\\u0000ice\"}", CG_MALFORMED);
	expect_signed("{\"alg\":\"ES256\",\"alg\":\"ES256\",\"kid\":\"es256-a\"}", p,
		      CG_MALFORMED);
	free(p);
}

/* The detail of a malformed input ends up in syslog and on the user's terminal; what was
 * typed may be a password. It says what is wrong in general words only: no byte of the input,
 * no offset, no count (no digit at all, except the cap itself for too_large). */
static void expect_quiet_detail(const char *input, size_t len, cg_reason want, const char *words)
{
	struct cg_request req;
	struct cg_decision d;
	tfx_request(&req, CG_SCOPE_LOGIN);
	cg_reason r = cg_verify_token(&tfx.cfg, input, len, &req, &d);
	tfx_saw(r);
	ASSERT_REASON(r, want);
	if (strstr(d.detail, words) == NULL)
		fprintf(stderr, "detail \"%s\" lacks \"%s\"\n", d.detail, words);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, words));
	/* the only numbers allowed: the cap, and the name of the encoding */
	char plain[CG_DETAIL_MAX];
	snprintf(plain, sizeof(plain), "%s", d.detail);
	for (char *b64 = strstr(plain, "base64"); b64 != NULL; b64 = strstr(b64, "base64"))
		memcpy(b64 + 4, "xx", 2);
	const char *digits = plain;
	if (want == CG_TOO_LARGE) {
		char cap[32];
		snprintf(cap, sizeof(cap), "%d", CG_TOKEN_MAX);
		CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(plain, cap));
		digits = strstr(plain, cap) + strlen(cap);
	}
	if (strpbrk(digits, "0123456789") != NULL)
		fprintf(stderr, "detail \"%s\" holds a number\n", d.detail);
	CU_ASSERT_PTR_NULL(strpbrk(digits, "0123456789"));
	/* no run of four input bytes appears in it */
	for (size_t i = 0; i + 4 <= len && i < 256; i++) {
		char run[5];
		memcpy(run, input + i, 4);
		run[4] = '\0';
		if (strlen(run) == 4 && strstr(d.detail, run) != NULL) {
			fprintf(stderr, "detail \"%s\" quotes \"%s\"\n", d.detail, run);
			CU_FAIL("the detail quotes the input");
			break;
		}
	}
	cg_decision_free(&d);
}

static void test_details_never_quote_input(void)
{
	static const char *const not_b64[] = {
		"hunter2!Spring", "Corr3ct h0rse b@t+ery", "pa$$w0rd.x.y", "tr0ub4dor&3",
	};
	for (size_t i = 0; i < sizeof(not_b64) / sizeof(not_b64[0]); i++)
		expect_quiet_detail(not_b64[i], strlen(not_b64[i]), CG_MALFORMED, "not base64url");
	static const char *const not_three[] = {
		"Winter2024", "hunter2", "aaaa.bbbb", "a.b.c.d.e", "..", "Qwerty.12345..x",
	};
	for (size_t i = 0; i < sizeof(not_three) / sizeof(not_three[0]); i++)
		expect_quiet_detail(not_three[i], strlen(not_three[i]), CG_MALFORMED,
				    "not three segments");
	/* three segments whose header is base64url of something that is not JSON */
	expect_quiet_detail("c2VjcmV0MTIz.eyJhIjoxfQ.c2ln", 28, CG_MALFORMED, "not strict JSON");
	char *big = malloc(CG_TOKEN_MAX + 100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'A', CG_TOKEN_MAX + 99);
	big[CG_TOKEN_MAX + 99] = '\0';
	expect_quiet_detail(big, CG_TOKEN_MAX + 99, CG_TOO_LARGE, "longer than");
	free(big);
}

static void test_raw_nul_in_payload(void)
{
	/* cg_test_sign signs C strings, so the NUL is placed by hand: sign the text, then
	 * splice a payload segment that decodes to the same text with a NUL appended */
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = cg_test_payload_json(&c);
	size_t n = strlen(p);
	char *withnul = malloc(n + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(withnul);
	memcpy(withnul, p, n);
	withnul[n] = '\0';
	withnul[n + 1] = ' ';
	char *seg = cg_test_b64url((unsigned char *)withnul, n + 2);
	char *t = tfx_sign("ES256", HDR, p);
	char *bad = NULL;
	char *dot1 = strchr(t, '.'), *dot2 = strrchr(t, '.');
	CU_ASSERT_FATAL(asprintf(&bad, "%.*s.%s%s", (int)(dot1 - t), t, seg, dot2) > 0);
	ASSERT_REASON(verify_login(bad), CG_MALFORMED);
	free(bad);
	free(t);
	free(seg);
	free(withnul);
	free(p);
}

static void test_duplicate_claims(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	c.extra_json = "\"sub\":\"alice\"";
	char *t = tfx_mint("ES256", &c);
	ASSERT_REASON(verify_login(t), CG_MALFORMED);
	free(t);
	char extra[64];
	snprintf(extra, sizeof(extra), "\"exp\":%lld", c.exp);
	c.extra_json = extra;
	t = tfx_mint("ES256", &c);
	ASSERT_REASON(verify_login(t), CG_MALFORMED);
	free(t);
}

/* A valid token with one character replaced by another base64url character, at every
 * position: no single change may still verify. */
static void test_every_character_changed(void)
{
	char *t = valid_token();
	size_t n = strlen(t);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.replay = CG_REPLAY_PEEK;
	int accepted = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '.')
			continue;
		char saved = t[i];
		t[i] = saved == 'A' ? 'B' : 'A';
		struct cg_decision d;
		if (cg_verify_token(&tfx.cfg, t, n, &req, &d) == CG_OK)
			accepted++;
		cg_decision_free(&d);
		t[i] = saved;
	}
	CU_ASSERT_EQUAL(accepted, 0);
	free(t);
}

/* Random damage (a byte changed, dropped, duplicated or inserted, the token cut short) at
 * random places, from a fixed seed: never accepted, never a crash (the sanitizer build and
 * valgrind watch the memory side). */
static void test_random_damage(void)
{
	char *t = valid_token();
	size_t n = strlen(t);
	char *buf = malloc(n + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	unsigned seed = 20261126;
	int accepted = 0;
	for (int i = 0; i < 1000; i++) {
		size_t at = (size_t)rand_r(&seed) % n, len = n;
		unsigned char byte = (unsigned char)rand_r(&seed);
		memcpy(buf, t, n + 1);
		switch (rand_r(&seed) % 5) {
		case 0: /* change */
			if (byte == (unsigned char)buf[at])
				byte ^= 0x20;
			buf[at] = (char)byte;
			break;
		case 1: /* drop */
			memmove(buf + at, buf + at + 1, n - at);
			len--;
			break;
		case 2: /* duplicate */
			memmove(buf + at + 1, buf + at, n - at + 1);
			len++;
			break;
		case 3: /* insert */
			memmove(buf + at + 1, buf + at, n - at + 1);
			buf[at] = (char)byte;
			len++;
			break;
		default: /* truncate */
			buf[at] = '\0';
			len = at;
			break;
		}
		struct cg_request req;
		struct cg_decision d;
		tfx_request(&req, CG_SCOPE_LOGIN);
		if (cg_verify_token(&tfx.cfg, buf, len, &req, &d) == CG_OK)
			accepted++;
		cg_decision_free(&d);
	}
	CU_ASSERT_EQUAL(accepted, 0);
	free(buf);
	free(t);
}

static void test_alg_names(void)
{
	static const char *const names[] = {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512"};
	for (size_t i = 0; i < 6; i++) {
		cg_alg a;
		CU_ASSERT_FATAL(cg_alg_from_name(names[i], &a));
		CU_ASSERT_STRING_EQUAL(cg_alg_name(a), names[i]);
	}
	static const char *const bad[] = {"none", "NONE", "es256", "HS256", "hs256", "ES256 ",
					  "PS256", "EdDSA", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cg_alg a;
		CU_ASSERT_FALSE(cg_alg_from_name(bad[i], &a));
	}
	cg_alg a;
	CU_ASSERT_FALSE(cg_alg_from_name(NULL, &a));
	CU_ASSERT_PTR_NULL(cg_alg_name((cg_alg)0));
	CU_ASSERT_PTR_NULL(cg_alg_name((cg_alg)(CG_ALG_ES256 | CG_ALG_RS256)));
}

static void test_inspect(void)
{
	char *t = valid_token();
	char *h = NULL, *p = NULL;
	ASSERT_REASON(cg_token_inspect(t, strlen(t), &h, &p), CG_OK);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "\"kid\": \"es256-a\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "\"chg\": \"CHG0012345\""));
	free(h);
	free(p);
	/* inspect trusts nothing, but decodes only what verification would decode */
	char *bad = NULL;
	CU_ASSERT_FATAL(asprintf(&bad, "%s=", t) > 0);
	ASSERT_REASON(cg_token_inspect(bad, strlen(bad), &h, &p), CG_MALFORMED);
	CU_ASSERT_PTR_NULL(h);
	CU_ASSERT_PTR_NULL(p);
	ASSERT_REASON(cg_token_inspect("", 0, &h, &p), CG_MALFORMED);
	char big[CG_TOKEN_MAX + 2];
	memset(big, 'A', sizeof(big));
	ASSERT_REASON(cg_token_inspect(big, sizeof(big), &h, &p), CG_TOO_LARGE);
	/* a hostile claim comes out as ASCII escapes, never raw bytes for a terminal */
	char *esc = tfx_sign("ES256", HDR, "{\"sub\":\"\\u001b[31m\xc3\xa9\"}");
	ASSERT_REASON(cg_token_inspect(esc, strlen(esc), &h, &p), CG_OK);
	CU_ASSERT_PTR_NOT_NULL(p != NULL ? strstr(p, "\\u001B[31m\\u00E9") : NULL);
	free(h);
	free(p);
	free(esc);
	free(bad);
	free(t);
}

int test_token_input_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("token input", NULL, NULL, tfx_reset,
							   tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"a valid ES256 token is ok", test_valid_token_is_ok},
		{"no token", test_no_token},
		{"too large, 64 KiB", test_too_large},
		{"trailing = . newline space", test_trailing_bytes},
		{"embedded NUL", test_embedded_nul},
		{"standard-alphabet base64", test_standard_alphabet},
		{"2 and 4 segments, empty ones", test_segment_count},
		{"non-canonical trailing bits", test_noncanonical_trailing_bits},
		{"strict base64url decoder", test_b64url_decoder},
		{"header/payload not strict JSON", test_bad_json},
		{"details never quote the input", test_details_never_quote_input},
		{"raw NUL in payload", test_raw_nul_in_payload},
		{"duplicate sub or exp", test_duplicate_claims},
		{"every character changed", test_every_character_changed},
		{"random damage", test_random_damage},
		{"algorithm names", test_alg_names},
		{"inspect", test_inspect},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}
