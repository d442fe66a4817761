/* Step 4, the claims: presence, strict types, lengths, issuer, audience, user, the validity
 * window to the second, lifetime, ticket pattern, four eyes, break-glass. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_token.h"

#define LEEWAY 60
#define MAX_LIFETIME (4 * 3600)

static cg_reason verify_payload(const char *payload)
{
	char *t = tfx_sign("ES256", "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}",
			   payload);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	cg_reason r = tfx_verify(t, &req);
	free(t);
	return r;
}

/* The default claims with one member removed or replaced by raw JSON. */
static cg_reason verify_edit(const char *name, const char *raw)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = tfx_payload_edit(&c, name, raw);
	cg_reason r = verify_payload(p);
	free(p);
	return r;
}

static void test_missing_claims(void)
{
	static const char *const required[] = {"iss", "aud", "sub", "jti", "chg", "approved_by",
					       "iat", "nbf", "exp", "scope"};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		ASSERT_REASON(verify_edit(required[i], NULL), CG_MISSING_CLAIM);
	/* optional ones */
	ASSERT_REASON(verify_edit("reason", NULL), CG_OK);
	ASSERT_REASON(verify_edit("hosts", NULL), CG_OK);
	ASSERT_REASON(verify_edit("emergency", NULL), CG_OK);
}

static void test_date_types(void)
{
	static const char *const names[] = {"exp", "nbf", "iat"};
	static const char *const bad[] = {
		"\"4102444800\"", "4102444800.0", "4102444800.5", "-1", "true", "null",
		"[4102444800]", "253402300800", "4611686018427387904",
	};
	for (size_t n = 0; n < 3; n++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			ASSERT_REASON(verify_edit(names[n], bad[i]), CG_BAD_CLAIM);
	}
}

/* Numbers the JSON parser itself cannot hold make the whole payload unreadable. */
static void test_date_overflow(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = cg_test_payload_json(&c);
	char exp[40];
	snprintf(exp, sizeof(exp), "\"exp\":%lld", c.exp);
	static const char *const huge[] = {"1e309", "9223372036854775808", "-9223372036854775809",
					   "18446744073709551616"};
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		char *at = strstr(p, exp);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		char *edited = NULL;
		CU_ASSERT_FATAL(asprintf(&edited, "%.*s\"exp\":%s%s", (int)(at - p), p, huge[i],
					 at + strlen(exp)) > 0);
		ASSERT_REASON(verify_payload(edited), CG_MALFORMED);
		free(edited);
	}
	free(p);
}

static void test_string_claim_types(void)
{
	static const char *const names[] = {"iss", "sub", "jti", "chg", "approved_by", "reason"};
	static const char *const bad[] = {"123", "true", "null", "[\"x\"]", "{}", "\"\"",
					  "\"a\\u0007b\"", "\"a\\nb\""};
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			/* a reason may span lines only in spirit: control bytes are refused too */
			ASSERT_REASON(verify_edit(names[n], bad[i]), CG_BAD_CLAIM);
		}
	}
}

static char *json_string_of(char ch, size_t n)
{
	char *s = malloc(n + 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	s[0] = '"';
	memset(s + 1, ch, n);
	s[n + 1] = '"';
	s[n + 2] = '\0';
	return s;
}

/* Checks c at login: the reason, and that the detail holds words. */
static void check_detail(const struct cg_test_claims *c, cg_reason want, const char *words)
{
	struct cg_decision d;
	ASSERT_REASON(tfx_check_d(c, CG_SCOPE_LOGIN, &d), want);
	if (strstr(d.detail, words) == NULL)
		CU_FAIL(words);
	cg_decision_free(&d);
}

/* jti and chg keep to the id alphabet that the revocation list can hold: a letter or digit,
 * then letters, digits and ._:- (anything else could be accepted and never revoked). */
static void test_id_claims(void)
{
	static const char *const good[] = {
		"CHG0012345", "9b1f6c1e-5d0a-4c55-9d43-1f0e1c7d2a10",
		"0f3c9a7e5d2b41c8a6e4f2d0b8c6a4e2", "urn:uuid:9b1f6c1e", "OPS-1234", "a-b_c.d:e",
		"x", "7",
	};
	static const struct {
		const char *id, *why;
	} bad[] = {
		{"#abc", "does not start with a letter or digit"},
		{"-abc", "does not start with a letter or digit"},
		{".abc", "does not start with a letter or digit"},
		{"a b", "holds a character other than"},
		{"caf\xc3\xa9", "holds a character other than"},
		{"\xef\xbc\xa3HG1", "does not start with a letter or digit"}, /* full-width C */
		{"a#b", "holds a character other than"},
		{"a,b", "holds a character other than"},
		{"a/b", "holds a character other than"},
		{"a@b", "holds a character other than"},
		{"", "is empty"},
	};
	char jti_over[CG_JTI_MAX + 2], chg_over[CG_CLAIM_MAX + 2];
	memset(jti_over, 'j', sizeof(jti_over) - 1);
	jti_over[sizeof(jti_over) - 1] = '\0';
	memset(chg_over, 'c', sizeof(chg_over) - 1);
	chg_over[sizeof(chg_over) - 1] = '\0';
	struct cg_test_claims c;
	for (int claim = 0; claim < 2; claim++) {
		const char **field = claim == 0 ? &c.jti : &c.chg;
		const char *name = claim == 0 ? "jti claim" : "chg claim";
		tfx_claims(&c);
		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			*field = good[i];
			ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
		}
		/* the detail says which claim and why */
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			*field = bad[i].id;
			check_detail(&c, CG_BAD_CLAIM, name);
			check_detail(&c, CG_BAD_CLAIM, bad[i].why);
		}
		/* one byte over the cap names the cap */
		*field = claim == 0 ? jti_over : chg_over;
		check_detail(&c, CG_BAD_CLAIM, claim == 0 ? "longer than 128 bytes" :
			     "longer than 255 bytes");
	}
}

static void test_claim_lengths(void)
{
	static const struct {
		const char *name;
		size_t max;
	} caps[] = {
		{"iss", CG_CLAIM_MAX}, {"sub", CG_CLAIM_MAX}, {"jti", CG_JTI_MAX},
		{"chg", CG_CLAIM_MAX}, {"approved_by", CG_CLAIM_MAX}, {"reason", CG_TEXT_MAX},
	};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *at = json_string_of('x', caps[i].max);
		char *over = json_string_of('x', caps[i].max + 1);
		cg_reason r = verify_edit(caps[i].name, at);
		/* at the cap the claim is read; it may still be the wrong issuer or user */
		CU_ASSERT(r != CG_BAD_CLAIM && r != CG_MISSING_CLAIM && r != CG_MALFORMED);
		ASSERT_REASON(verify_edit(caps[i].name, over), CG_BAD_CLAIM);
		free(at);
		free(over);
	}
}

static void test_issuer_audience_user(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	c.iss = "https://change.example.test/";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_ISSUER);
	tfx_claims(&c);
	c.aud = "prod-other";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_AUDIENCE);
	c.aud = "PROD-TEST";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_AUDIENCE);
	ASSERT_REASON(verify_edit("aud", "[\"staging\",\"prod-test\"]"), CG_OK);
	ASSERT_REASON(verify_edit("aud", "[\"staging\"]"), CG_BAD_AUDIENCE);
	ASSERT_REASON(verify_edit("aud", "[]"), CG_BAD_CLAIM);
	ASSERT_REASON(verify_edit("aud", "[\"prod-test\",7]"), CG_BAD_CLAIM);
	ASSERT_REASON(verify_edit("aud", "7"), CG_BAD_CLAIM);

	struct cg_decision d;
	tfx_claims(&c);
	c.sub = "bob";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_WRONG_USER);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "issued to bob, not alice"));
	cg_decision_free(&d);
	/* user names are compared exactly */
	c.sub = "Alice";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_WRONG_USER);
}

static void test_list_caps(void)
{
	/* 64 audiences are fine, 65 are not */
	char list[65 * 8 + 16];
	for (int count = 64; count <= 65; count++) {
		size_t o = 0;
		list[o++] = '[';
		for (int i = 0; i < count; i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s\"a%d\"", i ? "," : "", i);
		snprintf(list + o, sizeof(list) - o, "]");
		cg_reason r = verify_edit("aud", list);
		ASSERT_REASON(r, count == 64 ? CG_BAD_AUDIENCE : CG_BAD_CLAIM);
		r = verify_edit("hosts", list);
		ASSERT_REASON(r, count == 64 ? CG_HOST_DENIED : CG_BAD_CLAIM);
	}
}

static void test_window_to_the_second(void)
{
	long long now = (long long)tfx.now;
	struct cg_test_claims c;
	struct cg_decision d;

	tfx_claims(&c);
	c.nbf = c.iat = now - 3600;
	c.exp = now - LEEWAY + 1; /* last second of grace */
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.exp = now - LEEWAY;
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_EXPIRED);
	cg_decision_free(&d);
	c.exp = now - 12 * 60;
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_EXPIRED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "ticket CHG0012345 expired 12 minutes ago"));
	cg_decision_free(&d);

	tfx_claims(&c);
	c.nbf = now + LEEWAY; /* first second of grace */
	c.iat = now;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.nbf = now + LEEWAY + 1;
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_NOT_YET_VALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "becomes valid in"));
	cg_decision_free(&d);

	tfx_claims(&c);
	c.iat = now + LEEWAY;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.iat = now + LEEWAY + 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_NOT_YET_VALID);
}

static void test_lifetime(void)
{
	long long now = (long long)tfx.now;
	struct cg_test_claims c;
	tfx_claims(&c);
	c.nbf = c.iat = now - 10;
	c.exp = c.nbf + MAX_LIFETIME;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.exp = c.nbf + MAX_LIFETIME + 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_LIFETIME_TOO_LONG);
	/* exp must come after nbf */
	c.exp = c.nbf;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	c.exp = c.nbf - 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	/* a shorter host maximum */
	CU_ASSERT_EQUAL_FATAL(tfx_config("max_lifetime = 15m\n"), 0);
	tfx_claims(&c);
	c.exp = c.nbf + 15 * 60;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.exp = c.nbf + 15 * 60 + 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_LIFETIME_TOO_LONG);
}

static void test_leeway_setting(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("leeway = 0\n"), 0);
	long long now = (long long)tfx.now;
	struct cg_test_claims c;
	tfx_claims(&c);
	c.exp = now + 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.exp = now;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_EXPIRED);
	tfx_claims(&c);
	c.nbf = now;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.nbf = now + 1;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_NOT_YET_VALID);
}

static void test_ticket_pattern(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("ticket_pattern = CHG[0-9]{7}\n"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	static const char *const bad[] = {"INC0012345", "CHG001234", "xCHG0012345",
					  "CHG0012345x", "CHG00123456"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.chg = bad[i];
		ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	}
}

static void test_four_eyes(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.approved_by = "alice";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_SELF_APPROVED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "CHG0012345"));
	cg_decision_free(&d);
	c.approved_by = "ALICE";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_SELF_APPROVED);
	c.approved_by = "alice2";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* other spellings of alice (shared/identity_fold.c has the whole table) */
	static const char *const same[] = {
		"\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83\xef\xbd\x85", /* full-width */
		"ali\xe2\x80\x8b" "ce", "al\xc2\xad" "ice", "alice@corp.example", "Alice@Corp",
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		c.approved_by = same[i];
		check_detail(&c, CG_SELF_APPROVED, "the person it is for");
	}
	/* an approver who names nobody is no approver */
	c.approved_by = "@corp";
	check_detail(&c, CG_BAD_CLAIM, "approved_by claim names nobody");
	c.approved_by = "al1ce";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
}

static void test_emergency(void)
{
	struct cg_test_claims c;
	/* not an emergency key yet */
	tfx_claims(&c);
	c.emergency = 1;
	c.approved_by = NULL;
	c.reason = "database down, INC42";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);

	CU_ASSERT_EQUAL_FATAL(tfx_config("emergency_keys = es256-a\n"), 0);
	struct cg_decision d;
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_OK);
	CU_ASSERT(d.ticket.emergency);
	CU_ASSERT_STRING_EQUAL(d.ticket.reason, "database down, INC42");
	/* our own words are not escaped as if they were claims, and the line escapes nothing a
	 * second time (issue 14 item 14) */
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "break-glass ticket CHG0012345, approved by "
				      "nobody (break-glass), allows this login for "));
	struct cg_audit_event ev = {.front = "pam", .event = "auth", .user = "alice",
				    .decision = &d};
	char line[2048];
	cg_audit_format(&ev, line, sizeof(line));
	CU_ASSERT_PTR_NULL(strchr(line, '\\'));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " emergency=1 change_reason=\"database down, INC42\" "
				      "detail=\"break-glass ticket CHG0012345, approved by nobody "
				      "(break-glass), allows this login for "));
	cg_decision_free(&d);
	/* the same claims from a key that is not listed */
	char *t = tfx_mint("ES384", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(tfx_verify(t, &req), CG_BAD_CLAIM);
	free(t);
	/* a reason is required */
	c.reason = NULL;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_MISSING_CLAIM);
	/* an approver, when named, is still not the user */
	c.reason = "db down";
	c.approved_by = "alice";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_SELF_APPROVED);
	/* emergency false is an ordinary token, which needs its approver */
	c.emergency = 0;
	c.approved_by = NULL;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_MISSING_CLAIM);
	c.approved_by = "approver";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* strictly boolean */
	ASSERT_REASON(verify_edit("emergency", "1"), CG_BAD_CLAIM);
	ASSERT_REASON(verify_edit("emergency", "\"true\""), CG_BAD_CLAIM);
	ASSERT_REASON(verify_edit("emergency", "null"), CG_BAD_CLAIM);
}

static void test_claim_fault_waits_for_signature(void)
{
	/* a payload with a bad claim and a bad signature is "bad_signature": nothing unsigned
	 * is reported as if it were the issuer's mistake */
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = tfx_payload_edit(&c, "exp", "\"soon\"");
	char *t = tfx_sign("ES256", "{\"alg\":\"ES256\",\"kid\":\"es256-a\"}", p);
	char *sig = strrchr(t, '.') + 1;
	sig[3] = sig[3] == 'A' ? 'B' : 'A';
	struct cg_request req;
	struct cg_decision d;
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_BAD_SIGNATURE);
	CU_ASSERT_STRING_EQUAL(d.ticket.chg, "CHG0012345");
	cg_decision_free(&d);
	free(t);
	free(p);
}

static void test_detail_is_sanitised(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.sub = "bob\"x=1\\";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_WRONG_USER);
	CU_ASSERT_PTR_NULL(strchr(d.detail, '"'));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "bob\\x22x\\x3d1\\x5c"));
	cg_decision_free(&d);
	/* a chg that could forge a field never reaches a detail: it is not an id */
	c.sub = "alice";
	c.chg = "CHG\\1=2";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_BAD_CLAIM);
	CU_ASSERT_PTR_NULL(strstr(d.detail, "CHG"));
	cg_decision_free(&d);
}

int test_token_claims_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("token claims", NULL, NULL, tfx_reset,
							   tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"missing claims", test_missing_claims},
		{"NumericDate types: string float negative absurd", test_date_types},
		{"NumericDate 1e309 and 2^63", test_date_overflow},
		{"string claim types", test_string_claim_types},
		{"claim length caps", test_claim_lengths},
		{"issuer, audience, user", test_issuer_audience_user},
		{"list caps", test_list_caps},
		{"validity window to the second", test_window_to_the_second},
		{"lifetime", test_lifetime},
		{"leeway setting", test_leeway_setting},
		{"ticket_pattern", test_ticket_pattern},
		{"jti and chg are ids", test_id_claims},
		{"four eyes", test_four_eyes},
		{"emergency", test_emergency},
		{"claim faults wait for the signature", test_claim_fault_waits_for_signature},
		{"detail is sanitised", test_detail_is_sanitised},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}
