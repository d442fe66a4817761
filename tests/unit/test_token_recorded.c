/* Judging recorded, verified claims (shared/token_recorded.c): it allows exactly where the full
 * verification allows, with the same words, and on anything that changed since the claims were
 * verified (the key file, the config, the clock, the revocation list) or any request they do
 * not cover, it does not allow, so that the caller verifies in full. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_token.h"

#define ARGV(...) ((const char *const[]){__VA_ARGS__})

/* Writes text to path (replacing it) with mode; 0 or -1. */
static int put_file(const char *path, mode_t mode, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	size_t n = strlen(text);
	int rc = fwrite(text, 1, n, f) == n ? 0 : -1;
	if (fclose(f) != 0 || chmod(path, mode) != 0)
		rc = -1;
	return rc;
}

/* A login verified in full, as the PAM module does before it writes the record. */
static char *login(struct cg_decision *d)
{
	struct cg_test_claims c;
	struct cg_request req;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, d), CG_OK);
	CU_ASSERT_TRUE(d->have_key);
	CU_ASSERT(d->key.ino != 0);
	return t;
}

static void sudo_request(struct cg_request *req)
{
	tfx_request(req, CG_SCOPE_SUDO);
	req->replay = CG_REPLAY_SKIP;   /* as sudo does with a login's ticket */
}

/* Fast path and full verification, side by side: the same answer and the same detail. */
static void test_same_as_full(void)
{
	struct cg_decision rec, full, fast;
	struct cg_request req;
	char why[CG_DETAIL_MAX];
	char *t = login(&rec);

	sudo_request(&req);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &full), CG_OK);
	CU_ASSERT_TRUE_FATAL(cg_recorded_allows(&tfx.cfg, &rec.ticket, &rec.key, &req, &fast, why,
						sizeof(why)));
	ASSERT_REASON(fast.reason, CG_OK);
	CU_ASSERT_STRING_EQUAL(fast.detail, full.detail);
	CU_ASSERT_EQUAL(fast.unrestricted, full.unrestricted);
	CU_ASSERT_TRUE(fast.verified && fast.have_claims);
	CU_ASSERT_STRING_EQUAL(fast.ticket.chg, rec.ticket.chg);
	CU_ASSERT_EQUAL(fast.ticket.cmds.count, rec.ticket.cmds.count);
	cg_decision_free(&fast);
	cg_decision_free(&full);
	/* a login scope request in the same process (PAM session after account) */
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.replay = CG_REPLAY_SKIP;
	CU_ASSERT_TRUE(cg_recorded_allows(&tfx.cfg, &rec.ticket, &rec.key, &req, &fast, why,
					  sizeof(why)));
	cg_decision_free(&fast);
	cg_decision_free(&rec);
	free(t);
}

/* Each change, and the reason the full verification gives for it (CG_OK: it still allows). */
static void expect_fallback(const struct cg_decision *rec, const char *t,
			    const struct cg_request *req, const struct cg_file_id *key,
			    cg_reason full_reason, const char *why_has)
{
	struct cg_decision fast, full;
	char why[CG_DETAIL_MAX] = "";
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, &rec->ticket, key, req, &fast, why,
					   sizeof(why)));
	CU_ASSERT_NOT_EQUAL(fast.reason, CG_OK);
	CU_ASSERT_FALSE(fast.have_claims);
	if (strstr(why, why_has) == NULL)
		fprintf(stderr, "why: %s (wanted %s)\n", why, why_has);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, why_has));
	cg_decision_free(&fast);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), req, &full), full_reason);
	cg_decision_free(&full);
}

static void test_fallbacks(void)
{
	struct cg_decision rec;
	struct cg_request req;
	struct cg_file_id key;
	char *t = login(&rec);
	char path[600], *saved;

	/* requests the ticket does not cover */
	sudo_request(&req);
	req.argv = ARGV("/usr/bin/whoami");
	req.argc = 1;
	expect_fallback(&rec, t, &req, &rec.key, CG_COMMAND_DENIED, "(command_denied)");
	sudo_request(&req);
	req.user = "bob";
	expect_fallback(&rec, t, &req, &rec.key, CG_WRONG_USER, "(wrong_user)");
	sudo_request(&req);
	req.runas_user = "postgres";
	req.runas_uid = 999;
	expect_fallback(&rec, t, &req, &rec.key, CG_RUNAS_DENIED, "(runas_denied)");
	/* the clock: past exp and the leeway */
	sudo_request(&req);
	req.now = (time_t)(rec.ticket.exp + tfx.cfg.leeway);
	expect_fallback(&rec, t, &req, &rec.key, CG_EXPIRED, "(expired)");

	/* the key file: another identity, as a rewrite or a replacement gives */
	sudo_request(&req);
	key = rec.key;
	key.ctime_nsec = (key.ctime_nsec + 1) % 1000000000L;
	expect_fallback(&rec, t, &req, &key, CG_OK, "replaced or changed");
	key = rec.key;
	key.ino++;
	expect_fallback(&rec, t, &req, &key, CG_OK, "replaced or changed");
	/* ... and really replaced on disk, with the same bytes */
	snprintf(path, sizeof(path), "%s/%s.pem", tfx.env.keys_dir, rec.ticket.kid);
	char moved[640];
	snprintf(moved, sizeof(moved), "%s.moved", path);
	CU_ASSERT_FATAL(rename(path, moved) == 0);
	expect_fallback(&rec, t, &req, &rec.key, CG_UNKNOWN_KEY, "key file is gone");
	char *pem = NULL;
	size_t pemlen = 0;
	CU_ASSERT_FATAL(cg_read_trusted_file(moved, CG_KEY_FILE_MAX, &pem, &pemlen, NULL, 0) == 0);
	CU_ASSERT_FATAL(put_file(path, 0644, pem) == 0);
	expect_fallback(&rec, t, &req, &rec.key, CG_OK, "replaced or changed");
	cg_wipe_free(pem, pemlen + 1);
	/* even the file it was verified with, put back: a rename changes its ctime, and a key
	 * file touched in any way is verified against in full */
	CU_ASSERT_FATAL(rename(moved, path) == 0);
	expect_fallback(&rec, t, &req, &rec.key, CG_OK, "replaced or changed");
	/* a login verified now, with the file as it is */
	cg_decision_free(&rec);
	free(t);
	t = login(&rec);
	struct cg_decision again;
	CU_ASSERT_TRUE(cg_recorded_allows(&tfx.cfg, &rec.ticket, &rec.key, &req, &again, NULL, 0));
	cg_decision_free(&again);

	/* the config: the algorithm no longer allowed, another audience or issuer */
	unsigned algs = tfx.cfg.algorithms;
	tfx.cfg.algorithms = CG_ALG_RS256;
	expect_fallback(&rec, t, &req, &rec.key, CG_BAD_ALG, "algorithm");
	tfx.cfg.algorithms = algs;
	saved = tfx.cfg.audience;
	tfx.cfg.audience = (char *)"other-fleet";
	expect_fallback(&rec, t, &req, &rec.key, CG_BAD_AUDIENCE, "(bad_audience)");
	tfx.cfg.audience = saved;
	saved = tfx.cfg.issuer;
	tfx.cfg.issuer = (char *)"https://elsewhere.example";
	expect_fallback(&rec, t, &req, &rec.key, CG_BAD_ISSUER, "(bad_issuer)");
	tfx.cfg.issuer = saved;
	long life = tfx.cfg.max_lifetime;
	tfx.cfg.max_lifetime = 60;
	expect_fallback(&rec, t, &req, &rec.key, CG_LIFETIME_TOO_LONG, "(lifetime_too_long)");
	tfx.cfg.max_lifetime = life;

	/* single use that would redeem needs the verifier's state */
	tfx.cfg.single_use = CG_SINGLE_USE_ALWAYS;
	req.replay = CG_REPLAY_REDEEM;
	struct cg_decision fast;
	char why[CG_DETAIL_MAX];
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, &rec.ticket, &rec.key, &req, &fast, why,
					   sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "single_use"));
	cg_decision_free(&fast);
	tfx.cfg.single_use = CG_SINGLE_USE_NO;

	/* revoked after the login, by ticket and by token id */
	char line[400];
	snprintf(line, sizeof(line), "%s\n", rec.ticket.chg);
	CU_ASSERT_FATAL(put_file(tfx.env.revocation_path, 0600, line) == 0);
	sudo_request(&req);
	expect_fallback(&rec, t, &req, &rec.key, CG_REVOKED, "(revoked)");
	snprintf(line, sizeof(line), "# comment\n%s\n", rec.ticket.jti);
	CU_ASSERT_FATAL(put_file(tfx.env.revocation_path, 0600, line) == 0);
	expect_fallback(&rec, t, &req, &rec.key, CG_REVOKED, "(revoked)");
	/* an unusable list */
	CU_ASSERT_FATAL(chmod(tfx.env.revocation_path, 0666) == 0);
	expect_fallback(&rec, t, &req, &rec.key, CG_CONFIG_ERROR, "(config_error)");
	CU_ASSERT_FATAL(chmod(tfx.env.revocation_path, 0600) == 0);
	CU_ASSERT_FATAL(put_file(tfx.env.revocation_path, 0600, "") == 0);
	cg_decision_free(&rec);
	free(t);
}

/* The same process verifying its token again (PAM auth, then account): the single-use step
 * runs as in the full verification, so a memo never spends a jti twice or skips spending it. */
static void test_again_single_use(void)
{
	struct cg_decision rec, d;
	struct cg_request req;
	struct cg_test_claims c;
	CU_ASSERT_FATAL(tfx_config("single_use = login\n") == 0);
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.replay = CG_REPLAY_PEEK;    /* as auth does */
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &rec), CG_OK);
	CU_ASSERT_TRUE(cg_verify_again(&tfx.cfg, &rec.ticket, &rec.key, &req, &d));
	ASSERT_REASON(d.reason, CG_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "allows this login"));
	cg_decision_free(&d);
	/* account redeems, once */
	req.replay = CG_REPLAY_REDEEM;
	CU_ASSERT_TRUE(cg_verify_again(&tfx.cfg, &rec.ticket, &rec.key, &req, &d));
	cg_decision_free(&d);
	CU_ASSERT_FALSE(cg_verify_again(&tfx.cfg, &rec.ticket, &rec.key, &req, &d));
	cg_decision_free(&d);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_REPLAYED);
	cg_decision_free(&d);
	/* the session of the same login skips */
	req.replay = CG_REPLAY_SKIP;
	CU_ASSERT_TRUE(cg_verify_again(&tfx.cfg, &rec.ticket, &rec.key, &req, &d));
	cg_decision_free(&d);
	/* and what falls back for a record falls back here too */
	struct cg_file_id other = rec.key;
	other.ino++;
	CU_ASSERT_FALSE(cg_verify_again(&tfx.cfg, &rec.ticket, &other, &req, &d));
	cg_decision_free(&d);
	CU_ASSERT_FALSE(cg_verify_again(NULL, &rec.ticket, &rec.key, &req, &d));
	cg_decision_free(&rec);
	free(t);
}

static void test_bad_arguments(void)
{
	struct cg_decision d;
	struct cg_request req;
	struct cg_ticket t;
	struct cg_file_id key;
	memset(&t, 0, sizeof(t));
	memset(&key, 0, sizeof(key));
	sudo_request(&req);
	CU_ASSERT_FALSE(cg_recorded_allows(NULL, &t, &key, &req, &d, NULL, 0));
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, NULL, &key, &req, &d, NULL, 0));
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, &t, NULL, &req, &d, NULL, 0));
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, &t, &key, NULL, &d, NULL, 0));
	/* claims that name a kid with a path in it never reach the file system */
	cg_strlcpy(t.alg, "ES256", sizeof(t.alg));
	cg_strlcpy(t.kid, "../keys/x", sizeof(t.kid));
	CU_ASSERT_FALSE(cg_recorded_allows(&tfx.cfg, &t, &key, &req, &d, NULL, 0));
	cg_decision_free(&d);
}

int test_token_recorded_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("recorded claims", NULL, NULL,
							   tfx_reset, tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"the same allow as the full verification", test_same_as_full},
		{"everything that changed falls back", test_fallbacks},
		{"verified again in one process: single use as in full", test_again_single_use},
		{"bad arguments", test_bad_arguments},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	return 0;
}
