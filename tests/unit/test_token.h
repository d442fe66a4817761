/*
 * Shared fixture of the token pipeline's unit tests: one private tree with keys for every
 * algorithm, a config loaded from it, and helpers to mint and verify at a fixed "now".
 */
#ifndef CG_TEST_TOKEN_H
#define CG_TEST_TOKEN_H

#include <CUnit/CUnit.h>

#include "testlib.h"

struct tfx {
	struct cg_test_env env;
	struct cg_config cfg;
	bool cfg_loaded;
	bool cfg_changed;
	EVP_PKEY *es256, *es256c, *es384, *es512, *rsa;
	time_t now;
	unsigned seen;             /* bit set of the reasons tfx_verify and tfx_check saw */
};
extern struct tfx tfx;

/* Reloads the config with these extra lines (NULL: the default one). 0 or -1. */
int tfx_config(const char *extra);
/* Reloads the default config with its algorithms line replaced by this one. 0 or -1. */
int tfx_config_algorithms(const char *value);
/* A CUnit per-test setup: puts the default config back after a test changed it. */
void tfx_reset(void);
void tfx_noop(void);
/* Default claims for alice at tfx.now; cmds covers the default sudo request and /usr/bin/id. */
void tfx_claims(struct cg_test_claims *c);
/* The key and kid the fixture uses for alg ("ES256" ... "RS512"). */
EVP_PKEY *tfx_key(const char *alg);
const char *tfx_kid(const char *alg);
/* Mints a token for c under alg with the fixture's key; never NULL (aborts the test). */
char *tfx_mint(const char *alg, const struct cg_test_claims *c);
/* Signs exactly header and payload text with the fixture key for alg. */
char *tfx_sign(const char *alg, const char *header, const char *payload);
/* The payload of c with member name removed (set_raw NULL) or set to the raw JSON text. */
char *tfx_payload_edit(const struct cg_test_claims *c, const char *name, const char *set_raw);
/* A login (or sudo: argv "/usr/bin/systemctl restart postgresql" as root) request for alice. */
void tfx_request(struct cg_request *req, cg_scope scope);
/* Notes that a test got reason r (see the last test of the lists suite). */
void tfx_saw(cg_reason r);
/* Verifies and frees the decision; returns the reason. */
cg_reason tfx_verify(const char *token, const struct cg_request *req);
/* Mints c with ES256, verifies a request of the given scope, frees everything. */
cg_reason tfx_check(const struct cg_test_claims *c, cg_scope scope);
/* Same, but leaves the decision in d (cg_decision_free it). */
cg_reason tfx_check_d(const struct cg_test_claims *c, cg_scope scope, struct cg_decision *d);

/* Asserts a reason by its code, so that a failure prints both codes. */
#define ASSERT_REASON(got, want) CU_ASSERT_STRING_EQUAL(cg_reason_code(got), cg_reason_code(want))

int test_token_input_register(void);
int test_token_header_register(void);
int test_token_claims_register(void);
int test_token_grant_register(void);
int test_token_revlist_register(void);
int test_token_lists_register(void);
int test_token_recorded_register(void);

#endif /* CG_TEST_TOKEN_H */
