/* The token pipeline's unit tests: the fixture and the runner. The cases live in
 * test_token_{input,header,claims,grant,lists}.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <jansson.h>

#include "test_token.h"

struct tfx tfx;

void tfx_saw(cg_reason r)
{
	if ((unsigned)r < CG_REASON_COUNT)
		tfx.seen |= 1u << r;
}

int tfx_config(const char *extra)
{
	if (tfx.cfg_loaded) {
		cg_config_free(&tfx.cfg);
		tfx.cfg_loaded = false;
	}
	tfx.cfg_changed = extra != NULL;
	if (cg_test_write_config(&tfx.env, extra) != 0 || cg_test_load_config(&tfx.env, &tfx.cfg) != 0)
		return -1;
	tfx.cfg_loaded = true;
	return 0;
}

int tfx_config_algorithms(const char *value)
{
	/* testlib's config already sets algorithms, and the parser refuses a key set twice */
	if (tfx_config(NULL) != 0)
		return -1;
	FILE *f = fopen(tfx.env.config_path, "r");
	if (f == NULL)
		return -1;
	char text[4096];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char *line = strstr(text, "\nalgorithms = ");
	if (line == NULL)
		return -1;
	char *end = strchr(line + 1, '\n');
	if (end == NULL)
		return -1;
	f = fopen(tfx.env.config_path, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "%.*s\nalgorithms = %s%s", (int)(line - text), text, value, end);
	if (fclose(f) != 0)
		return -1;
	cg_config_free(&tfx.cfg);
	tfx.cfg_loaded = false;
	tfx.cfg_changed = true;
	if (cg_test_load_config(&tfx.env, &tfx.cfg) != 0)
		return -1;
	tfx.cfg_loaded = true;
	return 0;
}

void tfx_reset(void)
{
	if (tfx.cfg_changed && tfx_config(NULL) != 0)
		fprintf(stderr, "test_token: cannot restore the default config\n");
}

void tfx_noop(void)
{
}

void tfx_claims(struct cg_test_claims *c)
{
	cg_test_claims_default(c, "alice", tfx.now);
	/* a sudo ticket covers only what it names: the default request, and id */
	c->cmds_json = "[\"/usr/bin/systemctl restart postgresql\",\"/usr/bin/id\"]";
}

EVP_PKEY *tfx_key(const char *alg)
{
	if (strcmp(alg, "ES256") == 0)
		return tfx.es256;
	if (strcmp(alg, "ES384") == 0)
		return tfx.es384;
	if (strcmp(alg, "ES512") == 0)
		return tfx.es512;
	return tfx.rsa;
}

const char *tfx_kid(const char *alg)
{
	if (strcmp(alg, "ES256") == 0)
		return "es256-a";
	if (strcmp(alg, "ES384") == 0)
		return "es384";
	if (strcmp(alg, "ES512") == 0)
		return "es512";
	return "rsa";
}

char *tfx_mint(const char *alg, const struct cg_test_claims *c)
{
	char *t = cg_test_mint(tfx_key(alg), alg, tfx_kid(alg), c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

char *tfx_sign(const char *alg, const char *header, const char *payload)
{
	char *t = cg_test_sign(tfx_key(alg), alg, header, payload);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

char *tfx_payload_edit(const struct cg_test_claims *c, const char *name, const char *set_raw)
{
	char *text = cg_test_payload_json(c);
	json_t *j = text != NULL ? json_loads(text, 0, NULL) : NULL;
	free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	if (set_raw == NULL) {
		json_object_del(j, name);
	} else {
		json_t *v = json_loads(set_raw, JSON_DECODE_ANY, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(v);
		json_object_set_new(j, name, v);
	}
	char *out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	return out;
}

static const char *const sudo_argv[] = {"/usr/bin/systemctl", "restart", "postgresql"};

void tfx_request(struct cg_request *req, cg_scope scope)
{
	memset(req, 0, sizeof(*req));
	req->scope = scope;
	req->user = "alice";
	req->now = tfx.now;
	req->replay = CG_REPLAY_REDEEM;
	if (scope == CG_SCOPE_SUDO) {
		req->argv = sudo_argv;
		req->argc = 3;
		req->runas_user = "root";
		req->runas_uid = 0;
		req->cwd = "/"; /* relative words name files root controls, or nothing */
	}
}

cg_reason tfx_verify(const char *token, const struct cg_request *req)
{
	struct cg_decision d;
	cg_reason r = cg_verify_token(&tfx.cfg, token, token != NULL ? strlen(token) : 0, req, &d);
	CU_ASSERT_EQUAL(r, d.reason);
	tfx_saw(r);
	/* every decision explains itself */
	CU_ASSERT(d.detail[0] != '\0');
	cg_decision_free(&d);
	return r;
}

cg_reason tfx_check_d(const struct cg_test_claims *c, cg_scope scope, struct cg_decision *d)
{
	char *t = tfx_mint("ES256", c);
	struct cg_request req;
	tfx_request(&req, scope);
	cg_reason r = cg_verify_token(&tfx.cfg, t, strlen(t), &req, d);
	tfx_saw(r);
	free(t);
	return r;
}

cg_reason tfx_check(const struct cg_test_claims *c, cg_scope scope)
{
	struct cg_decision d;
	cg_reason r = tfx_check_d(c, scope, &d);
	cg_decision_free(&d);
	return r;
}

static int setup(void)
{
	tfx.now = time(NULL);
	if (cg_test_env_init(&tfx.env) != 0)
		return -1;
	tfx.es256 = cg_test_keygen(&tfx.env, "ES256", "es256-a");
	tfx.es256c = cg_test_keygen(&tfx.env, "ES256", "es256-c");
	tfx.es384 = cg_test_keygen(&tfx.env, "ES384", "es384");
	tfx.es512 = cg_test_keygen(&tfx.env, "ES512", "es512");
	/* one RSA key serves RS256, RS384 and RS512: RSA generation is slow under valgrind */
	tfx.rsa = cg_test_keygen(&tfx.env, "RS256", "rsa");
	if (tfx.es256 == NULL || tfx.es256c == NULL || tfx.es384 == NULL || tfx.es512 == NULL ||
	    tfx.rsa == NULL)
		return -1;
	return tfx_config(NULL);
}

static void teardown(void)
{
	if (tfx.cfg_loaded)
		cg_config_free(&tfx.cfg);
	EVP_PKEY_free(tfx.es256);
	EVP_PKEY_free(tfx.es256c);
	EVP_PKEY_free(tfx.es384);
	EVP_PKEY_free(tfx.es512);
	EVP_PKEY_free(tfx.rsa);
	cg_test_env_cleanup(&tfx.env);
}

int main(void)
{
	if (setup() != 0) {
		fprintf(stderr, "test_token: cannot set up the test tree and keys\n");
		teardown();
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	int rc = 1;
	if (test_token_input_register() == 0 && test_token_header_register() == 0 &&
	    test_token_claims_register() == 0 && test_token_grant_register() == 0 &&
	    test_token_revlist_register() == 0 && test_token_lists_register() == 0 &&
	    test_token_recorded_register() == 0) {
		CU_basic_set_mode(CU_BRM_VERBOSE);
		if (CU_basic_run_tests() == CUE_SUCCESS && CU_get_number_of_failures() == 0 &&
		    CU_get_number_of_tests_failed() == 0 && CU_get_number_of_suites_failed() == 0)
			rc = 0;
	}
	CU_cleanup_registry();
	teardown();
	return rc;
}
