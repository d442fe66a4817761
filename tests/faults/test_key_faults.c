/*
 * Fault cases of issue 5 at the core: a key of the wrong curve or type for the token's alg,
 * hostile claims and user names, an invoking user's environment (TZ, CHANGEGATE_CONFIG,
 * http_proxy) that must not change which config, keys or clock are used, and a clock moved
 * back after a single-use redemption.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"
#include "testlib.h"

static struct cg_test_env env;
static struct cg_config cfg;
static EVP_PKEY *ec256, *ec384, *rsa;
static time_t now;

static int setup(void)
{
	now = time(NULL);
	if (cg_test_env_init(&env) != 0)
		return -1;
	ec256 = cg_test_keygen(&env, "ES256", "ec256");
	ec384 = cg_test_keygen(&env, "ES384", "ec384");
	rsa = cg_test_keygen(&env, "RS256", "rsa");
	if (ec256 == NULL || ec384 == NULL || rsa == NULL)
		return -1;
	if (cg_test_write_config(&env, NULL) != 0 || cg_test_load_config(&env, &cfg) != 0)
		return -1;
	return 0;
}

static cg_reason verify_as(const char *token, const char *user, struct cg_decision *d)
{
	struct cg_request req = {.scope = CG_SCOPE_LOGIN, .user = user, .now = now,
				 .replay = CG_REPLAY_PEEK};
	return cg_verify_token(&cfg, token, strlen(token), &req, d);
}

static cg_reason verify(const char *token)
{
	struct cg_decision d;
	cg_reason r = verify_as(token, "alice", &d);
	cg_decision_free(&d);
	return r;
}

/* key signs under alg, the header names kid: the key file there is of another kind */
static cg_reason mint_verify(EVP_PKEY *key, const char *alg, const char *kid)
{
	struct cg_test_claims c;
	cg_test_claims_default(&c, "alice", now);
	char *tok = cg_test_mint(key, alg, kid, &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	cg_reason r = verify(tok);
	cg_wipe_free_str(tok);
	return r;
}

/* A key of the wrong kind is refused when it is loaded for the alg (unknown_key), or at the
 * latest by the signature check: either way before any claim is believed. */
static bool refused_key(cg_reason r)
{
	return r == CG_UNKNOWN_KEY || r == CG_BAD_SIGNATURE;
}

static void test_wrong_curve_or_type(void)
{
	/* controls: each key verifies its own alg, so a denial below is the mismatch's doing */
	CU_ASSERT_EQUAL(mint_verify(ec256, "ES256", "ec256"), CG_OK);
	CU_ASSERT_EQUAL(mint_verify(ec384, "ES384", "ec384"), CG_OK);
	CU_ASSERT_EQUAL(mint_verify(rsa, "RS256", "rsa"), CG_OK);
	/* ES256 token whose kid names a P-384 key, and the reverse */
	CU_ASSERT_TRUE(refused_key(mint_verify(ec256, "ES256", "ec384")));
	CU_ASSERT_TRUE(refused_key(mint_verify(ec384, "ES384", "ec256")));
	/* RSA token against an EC key file, EC token against an RSA key file */
	CU_ASSERT_TRUE(refused_key(mint_verify(rsa, "RS256", "ec256")));
	CU_ASSERT_TRUE(refused_key(mint_verify(ec256, "ES256", "rsa")));
	CU_ASSERT_TRUE(refused_key(mint_verify(ec256, "ES384", "ec384")));
}

static bool line_is_clean(const char *line)
{
	for (const unsigned char *p = (const unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p > 0x7e)
			return false;
	}
	return true;
}

/* the syslog line of a decision about user: one printable line */
static void check_log_line(const char *user, const struct cg_decision *d, const char *expect)
{
	char line[2048];
	struct cg_audit_event ev = {.front = "pam", .event = "auth", .user = user,
				    .decision = d};
	cg_audit_format(&ev, line, sizeof(line));
	CU_ASSERT_TRUE(line_is_clean(line));
	if (expect != NULL)
		CU_ASSERT_PTR_NOT_NULL(strstr(line, expect));
}

static void test_hostile_strings(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	char *tok;

	/* format directives: allowed by the rules alone (sub == user), and the log shows them
	 * as inert text; a chg holding them is no id (bad_claim), and is logged inertly too */
	static const char fmt_user[] = "al%s%n%x%99999999d";
	cg_test_claims_default(&c, "alice", now);
	c.chg = "CHG%n%s";
	tok = cg_test_mint(ec256, "ES256", "ec256", &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(verify_as(tok, "alice", &d), CG_BAD_CLAIM);
	check_log_line("alice", &d, NULL);
	cg_decision_free(&d);
	cg_wipe_free_str(tok);
	cg_test_claims_default(&c, "alice", now);
	c.sub = fmt_user;
	c.approved_by = "b%sob";
	tok = cg_test_mint(ec256, "ES256", "ec256", &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(verify_as(tok, fmt_user, &d), CG_OK);
	CU_ASSERT_STRING_EQUAL(d.ticket.sub, fmt_user);
	check_log_line(fmt_user, &d, "%n");
	cg_decision_free(&d);
	/* the same token for anybody else: wrong_user */
	CU_ASSERT_EQUAL(verify_as(tok, "alice", &d), CG_WRONG_USER);
	check_log_line("alice", &d, NULL);
	cg_decision_free(&d);
	cg_wipe_free_str(tok);

	/* a newline, an escape and DEL in claims (testlib JSON-escapes them, so the JSON is
	 * valid): jti, chg and approved_by refuse them; sub only has to equal the user; either
	 * way the log line stays one clean line */
	static const char ctl[] = "al\nice=\x1b[31m\x7f";
	const char **ctl_fields[] = {&c.approved_by, &c.chg, &c.jti, &c.sub};
	for (size_t i = 0; i < sizeof(ctl_fields) / sizeof(*ctl_fields); i++) {
		cg_test_claims_default(&c, "alice", now);
		*ctl_fields[i] = ctl;
		tok = cg_test_mint(ec256, "ES256", "ec256", &c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		bool is_sub = ctl_fields[i] == &c.sub;
		cg_reason r = verify_as(tok, is_sub ? ctl : "alice", &d);
		if (!is_sub)
			CU_ASSERT_EQUAL(r, CG_BAD_CLAIM);
		check_log_line(ctl, &d, NULL);
		cg_decision_free(&d);
		r = verify_as(tok, "alice", &d);
		CU_ASSERT_TRUE(is_sub ? r != CG_OK : r == CG_BAD_CLAIM);
		cg_decision_free(&d);
		cg_wipe_free_str(tok);
	}

	/* raw non-UTF-8 bytes in the payload: refused before any claim is believed */
	cg_test_claims_default(&c, "alice", now);
	c.extra_json = "\"x\":\"\xff\xfe\"";
	tok = cg_test_mint(ec256, "ES256", "ec256", &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	CU_ASSERT_EQUAL(verify(tok), CG_MALFORMED);
	cg_wipe_free_str(tok);

	/* 4 KiB values in each bounded claim; a 4 KiB user name */
	char big[4097];
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	const char **fields[] = {&c.jti, &c.chg, &c.approved_by, &c.sub, &c.reason};
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		cg_test_claims_default(&c, "alice", now);
		*fields[i] = big;
		tok = cg_test_mint(ec256, "ES256", "ec256", &c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		cg_reason r = verify_as(tok, fields[i] == &c.sub ? big : "alice", &d);
		CU_ASSERT_NOT_EQUAL(r, CG_OK);
		check_log_line(fields[i] == &c.sub ? big : "alice", &d, NULL);
		cg_decision_free(&d);
		cg_wipe_free_str(tok);
	}
}

static void test_environment_has_no_effect(void)
{
	struct cg_test_claims c;
	cg_test_claims_default(&c, "alice", now);
	/* expires exactly at the leeway boundary: a clock read through TZ would shift it */
	c.exp = (long long)now - cfg.leeway + 1;
	c.iat = c.nbf = c.exp - 600;
	char *edge = cg_test_mint(ec256, "ES256", "ec256", &c);
	cg_test_claims_default(&c, "alice", now);
	char *ok = cg_test_mint(ec256, "ES256", "ec256", &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(edge);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
	const char *path_before = cg_default_config_path();
	char saved[512];
	cg_strlcpy(saved, path_before, sizeof(saved));
	cg_reason r_edge = verify(edge), r_ok = verify(ok);
	CU_ASSERT_EQUAL(r_edge, CG_OK);
	CU_ASSERT_EQUAL(r_ok, CG_OK);

	setenv("TZ", "XXX-14:59", 1);
	tzset();
	setenv("CHANGEGATE_CONFIG", env.config_path, 1);
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("https_proxy", "http://127.0.0.1:9", 1);
	CU_ASSERT_STRING_EQUAL(cg_default_config_path(), saved);
	CU_ASSERT_EQUAL(verify(edge), r_edge);
	CU_ASSERT_EQUAL(verify(ok), r_ok);
	unsetenv("TZ");
	unsetenv("CHANGEGATE_CONFIG");
	unsetenv("http_proxy");
	unsetenv("https_proxy");
	tzset();
	cg_wipe_free_str(edge);
	cg_wipe_free_str(ok);
}

/* Single use, then the clock moved back an hour: the jti stays refused while the token
 * could be valid, even after other redemptions (which prune) judged at the earlier time. */
static void test_clock_moved_back(void)
{
	long long keep = (long long)now + 3600 + cfg.leeway;
	CU_ASSERT_EQUAL(cg_replay_check(env.state_dir, "jti-clock", keep, now, CG_REPLAY_REDEEM),
			CG_OK);
	time_t back = now - 3600;
	CU_ASSERT_EQUAL(cg_replay_check(env.state_dir, "jti-clock", keep, back, CG_REPLAY_REDEEM),
			CG_REPLAYED);
	for (int i = 0; i < 100; i++) {
		char jti[32];
		snprintf(jti, sizeof(jti), "jti-other-%d", i);
		CU_ASSERT_EQUAL(cg_replay_check(env.state_dir, jti, (long long)back + 60, back,
						CG_REPLAY_REDEEM), CG_OK);
	}
	CU_ASSERT_EQUAL(cg_replay_check(env.state_dir, "jti-clock", keep, back, CG_REPLAY_PEEK),
			CG_REPLAYED);
	CU_ASSERT_EQUAL(cg_replay_check(env.state_dir, "jti-clock", keep, now, CG_REPLAY_REDEEM),
			CG_REPLAYED);
}

int main(void)
{
	if (setup() != 0) {
		fprintf(stderr, "test_key_faults: set-up failed\n");
		return 1;
	}
	static const struct cf_test tests[] = {
		{"key of the wrong curve or type denied", test_wrong_curve_or_type},
		{"hostile claims and user names", test_hostile_strings},
		{"TZ, CHANGEGATE_CONFIG, http_proxy have no effect", test_environment_has_no_effect},
		{"clock moved back after a redemption", test_clock_moved_back},
		{NULL, NULL},
	};
	int rc = cf_run("key_faults", tests);
	cg_config_free(&cfg);
	EVP_PKEY_free(ec256);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(rsa);
	cg_test_env_cleanup(&env);
	return rc;
}
