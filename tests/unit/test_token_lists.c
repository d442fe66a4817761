/* The last steps: the revocation list and single use, as the verifier applies them. The list
 * and the records themselves are tested with the rest of the core. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_token.h"

static void write_revocations(const char *text)
{
	FILE *f = fopen(tfx.env.revocation_path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(chmod(tfx.env.revocation_path, 0600), 0);
}

static void test_revoked(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.jti = "jti-revoke-me";
	write_revocations("# revoked by the change board\njti-revoke-me\n");
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_REVOKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "CHG0012345"));
	CU_ASSERT(d.verified);
	cg_decision_free(&d);
	/* a whole ticket */
	tfx_claims(&c);
	write_revocations("CHG0012345\n");
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_REVOKED);
	c.chg = "CHG0012346";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* a commented-out entry revokes nothing */
	write_revocations("#CHG0012346\n");
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	write_revocations("");
}

/* A withdrawn ticket says "revoked" before any question of what it covers: the user is told
 * the ticket is gone, not sent to ask for a wider one (issue 14 item 5). */
static void test_revoked_before_grant(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = "[\"/usr/bin/id\"]";
	write_revocations("CHG0012345\n");
	/* the default sudo request (systemctl restart postgresql) is not in cmds */
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_SUDO, &d), CG_REVOKED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "has been revoked"));
	cg_decision_free(&d);
	c.cmds_json = NULL;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_REVOKED);
	c.scope_json = "[\"login\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_REVOKED);
	c.hosts_json = "[\"db-*\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOKED);
	/* an expired ticket says so before revocation and scope alike */
	c.exp = (long long)tfx.now - 3600;
	c.nbf = c.iat = (long long)tfx.now - 7200;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_EXPIRED);
	write_revocations("");
}

/* The single-use record is spent last: a command the ticket does not cover, or a ticket that
 * is revoked, never burns its jti. */
static void test_denial_keeps_single_use(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("single_use = always\n"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	c.cmds_json = "[\"/usr/bin/id\"]";
	char *t = tfx_mint("ES256", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_SUDO);
	req.replay = CG_REPLAY_REDEEM;
	ASSERT_REASON(tfx_verify(t, &req), CG_COMMAND_DENIED);
	write_revocations("CHG0012345\n");
	ASSERT_REASON(tfx_verify(t, &req), CG_REVOKED);
	write_revocations("");
	static const char *const id[] = {"/usr/bin/id"};
	req.argv = id;
	req.argc = 1;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	ASSERT_REASON(tfx_verify(t, &req), CG_REPLAYED);
	free(t);
}

static void test_revocation_list_unusable(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	/* a list others could write, or one that is gone, fails closed */
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.revocation_path, 0666), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.revocation_path, 0600), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	char moved[400];
	snprintf(moved, sizeof(moved), "%s.moved", tfx.env.revocation_path);
	CU_ASSERT_EQUAL_FATAL(rename(tfx.env.revocation_path, moved), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL_FATAL(rename(moved, tfx.env.revocation_path), 0);
}

/* Verifies one token twice with the given replay modes. */
static void twice(const char *token, cg_scope scope, cg_replay_mode first,
		  cg_replay_mode second, cg_reason want_first, cg_reason want_second)
{
	struct cg_request req;
	tfx_request(&req, scope);
	req.replay = first;
	ASSERT_REASON(tfx_verify(token, &req), want_first);
	req.replay = second;
	ASSERT_REASON(tfx_verify(token, &req), want_second);
}

static void test_single_use_always(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("single_use = always\n"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	/* peeking records nothing */
	twice(t, CG_SCOPE_LOGIN, CG_REPLAY_PEEK, CG_REPLAY_PEEK, CG_OK, CG_OK);
	twice(t, CG_SCOPE_LOGIN, CG_REPLAY_REDEEM, CG_REPLAY_REDEEM, CG_OK, CG_REPLAYED);
	twice(t, CG_SCOPE_SUDO, CG_REPLAY_PEEK, CG_REPLAY_REDEEM, CG_REPLAYED, CG_REPLAYED);
	free(t);
	/* a new token for the same ticket has its own jti */
	tfx_claims(&c);
	t = tfx_mint("ES256", &c);
	twice(t, CG_SCOPE_SUDO, CG_REPLAY_REDEEM, CG_REPLAY_REDEEM, CG_OK, CG_REPLAYED);
	free(t);
	/* replay keys on jti, not on the token's bytes: the same claims signed again (a new
	 * ECDSA signature) are the same token */
	t = tfx_mint("ES256", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_SUDO);
	ASSERT_REASON(tfx_verify(t, &req), CG_REPLAYED);
	free(t);
}

static void test_single_use_login(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("single_use = login\n"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	/* sudo may reuse the token that opened the login */
	twice(t, CG_SCOPE_SUDO, CG_REPLAY_REDEEM, CG_REPLAY_REDEEM, CG_OK, CG_OK);
	twice(t, CG_SCOPE_LOGIN, CG_REPLAY_REDEEM, CG_REPLAY_REDEEM, CG_OK, CG_REPLAYED);
	twice(t, CG_SCOPE_SUDO, CG_REPLAY_REDEEM, CG_REPLAY_SKIP, CG_OK, CG_OK);
	free(t);
}

static void test_single_use_off(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	twice(t, CG_SCOPE_LOGIN, CG_REPLAY_REDEEM, CG_REPLAY_REDEEM, CG_OK, CG_OK);
	free(t);
}

static void test_state_dir_unusable(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config("single_use = always\n"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.state_dir, 0777), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.state_dir, 0700), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
}

/* Runs last: every reason the verifier has was produced by some test above through the
 * fixture's helpers, so a reason nobody can reach (or nobody tests) shows up here. */
static void test_every_reason_reached(void)
{
	CU_ASSERT_EQUAL(CG_REASON_COUNT, 28);
	for (unsigned r = 0; r < CG_REASON_COUNT; r++) {
		/* a front's reason, not the verifier's: require_reaper with no reaper running
		 * (test_pam_module, tests/e2e/session_reaper.sh) */
		if (r == CG_REAPER_DOWN)
			continue;
		if ((tfx.seen & (1u << r)) == 0)
			fprintf(stderr, "no test produced reason %s\n", cg_reason_code((cg_reason)r));
		CU_ASSERT(tfx.seen & (1u << r));
	}
}

int test_token_lists_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("token revocation and single use", NULL,
							   NULL, tfx_reset, tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"revoked jti or ticket", test_revoked},
		{"revoked says so before the grant", test_revoked_before_grant},
		{"a denial spends no single-use jti", test_denial_keeps_single_use},
		{"revocation list unusable", test_revocation_list_unusable},
		{"single_use = always", test_single_use_always},
		{"single_use = login", test_single_use_login},
		{"single_use off", test_single_use_off},
		{"state_dir unusable", test_state_dir_unusable},
		{"every reason code was produced", test_every_reason_reached},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}
