/* Key ring, config and seed tokens for fuzz_token (see fuzz_token_ring.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fuzz_input.h"
#include "fuzz_token_ring.h"
#include "testlib.h"

static struct cg_test_env ring_env;
static EVP_PKEY *key_es256, *key_es384, *key_rs256, *key_emerg, *key_stranger;

static struct cg_config *ring_cfg;

static void ring_cleanup(void)
{
	if (ring_cfg != NULL)
		cg_config_free(ring_cfg);
	EVP_PKEY_free(key_es256);
	EVP_PKEY_free(key_es384);
	EVP_PKEY_free(key_rs256);
	EVP_PKEY_free(key_emerg);
	EVP_PKEY_free(key_stranger);
	cg_test_env_cleanup(&ring_env);
}

void cg_fuzz_ring_setup(struct cg_config *cfg)
{
	if (cg_test_env_init(&ring_env) != 0)
		exit(1);
	atexit(ring_cleanup);
	key_es256 = cg_test_keygen(&ring_env, "ES256", "k-es256");
	key_es384 = cg_test_keygen(&ring_env, "ES384", "k-es384");
	key_rs256 = cg_test_keygen(&ring_env, "RS256", "k-rs256");
	key_emerg = cg_test_keygen(&ring_env, "ES256", "k-emerg");
	/* a key whose public half is removed: tokens it signs name an unknown kid */
	key_stranger = cg_test_keygen(&ring_env, "ES256", "k-gone");
	char gone[400];
	snprintf(gone, sizeof(gone), "%s/k-gone.pem", ring_env.keys_dir);
	if (key_es256 == NULL || key_es384 == NULL || key_rs256 == NULL || key_emerg == NULL ||
	    key_stranger == NULL || remove(gone) != 0)
		exit(1);
	/* a revoked jti and ticket, so the revocation step sees a non-empty list */
	static const char revoked[] = "# revoked by the fuzzer's setup\njti-revoked\nCHG0099999\n";
	if (cg_fuzz_write_file(ring_env.revocation_path, (const uint8_t *)revoked,
			       sizeof(revoked) - 1) != 0)
		exit(1);
	if (cg_fuzz_ring_write_config(ring_env.config_path, "always") != 0 ||
	    cg_test_load_config(&ring_env, cfg) != 0)
		exit(1);
	ring_cfg = cfg;
}

int cg_fuzz_ring_write_config(const char *path, const char *single_use)
{
	struct cg_test_env at = ring_env;
	char extra[256];

	if (cg_strlcpy(at.config_path, path, sizeof(at.config_path)) >= sizeof(at.config_path))
		return -1;
	snprintf(extra, sizeof(extra), "single_use = %s\n"
		 "emergency_keys = k-emerg\n"
		 "ticket_pattern = ^CHG[0-9]{7}$\n"
		 "max_lifetime = 8h\n", single_use);
	return cg_test_write_config(&at, extra);
}

const struct cg_test_env *cg_fuzz_ring_env(void)
{
	return &ring_env;
}

char *cg_fuzz_ring_mint_valid(const char *user)
{
	struct cg_test_claims c;

	cg_test_claims_default(&c, user, (time_t)CG_FUZZ_NOW);
	return cg_test_mint(key_es256, "ES256", "k-es256", &c);
}

static int write_seed(const char *dir, int n, char *token)
{
	if (token == NULL)
		return -1;
	char path[4096];
	snprintf(path, sizeof(path), "%s/minted-%02d", dir, n);
	int rc = cg_fuzz_write_file(path, (const uint8_t *)token, strlen(token));
	free(token);
	return rc;
}

int cg_fuzz_ring_mint_seeds(const char *dir)
{
	struct cg_test_claims c;
	int n = 0, bad = 0;
#define SEED(key, alg, kid) bad |= write_seed(dir, n++, cg_test_mint(key, alg, kid, &c))
#define FRESH() cg_test_claims_default(&c, "alice", (time_t)CG_FUZZ_NOW)

	FRESH();
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	SEED(key_es384, "ES384", "k-es384");
	FRESH();
	SEED(key_rs256, "RS256", "k-rs256");
	FRESH();
	c.hosts_json = "[\"web-*.prod.example\",\"db-0[1-3].prod.example\"]";
	c.cmds_json = "[\"/usr/bin/systemctl restart nginx\",\"/usr/bin/journalctl *\","
		      "\"/usr/sbin/nginx\"]";
	c.runas_json = "[\"root\",\"www-data\"]";
	c.reason = "rotate \"certs\"\n%s%n";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.cmds_json = "[\"*\"]"; /* the unrestricted grant */
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.emergency = 1;
	c.approved_by = NULL;
	c.reason = "break glass: outage";
	c.cmds_json = "[\"/usr/bin/systemctl restart nginx\"]";
	SEED(key_emerg, "ES256", "k-emerg");
	FRESH();
	c.emergency = 1;
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.exp = CG_FUZZ_NOW - 3600;
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.jti = "jti-revoked";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.chg = "CHG0099999";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.approved_by = "alice";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.aud = "staging";
	c.scope_json = "[\"sudo\"]";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	c.extra_json = "\"aud\":[\"prod-test\",\"other\"],\"x\":{\"y\":[1,2.5,null,true]}";
	SEED(key_es256, "ES256", "k-es256");
	FRESH();
	SEED(key_stranger, "ES256", "k-gone");
	FRESH();
	c.chg = "INC-1";
	c.nbf = CG_FUZZ_NOW + 600;
	SEED(key_es256, "ES256", "k-es256");
#undef SEED
#undef FRESH
	return bad ? -1 : n;
}

/* One signed revocation list of the ring: payload text as given, header for kid. */
static char *sign_list(EVP_PKEY *key, const char *alg, const char *kid, const char *payload)
{
	char header[128];
	snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
		 alg, kid);
	return cg_test_sign(key, alg, header, payload);
}

int cg_fuzz_ring_mint_lists(const char *dir)
{
	/* the members after iss, iat and exp */
	static const struct {
		const char *alg, *kid, *rest;
	} lists[] = {
		{"ES256", "k-es256", "\"aud\":\"prod-test\",\"revocations\":{\"seq\":7,"
		 "\"chg\":[\"CHG0099999\",\"CHG1\"],\"jti\":[\"jti-revoked\"]}"},
		{"RS256", "k-rs256", "\"aud\":[\"x\",\"prod-test\"],\"revocations\":{\"seq\":1,"
		 "\"chg\":[],\"jti\":[]}"},
		{"ES384", "k-es384", "\"aud\":\"prod-test\",\"revocations\":{\"seq\":2,"
		 "\"chg\":[\"a\"],\"jti\":[\"b:c\"]},\"sub\":\"alice\""},
	};
	int bad = 0, n = 0;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		EVP_PKEY *key = strcmp(lists[i].alg, "RS256") == 0 ? key_rs256 :
				strcmp(lists[i].alg, "ES384") == 0 ? key_es384 : key_es256;
		char payload[512];
		snprintf(payload, sizeof(payload),
			 "{\"iss\":\"https://change.example.test\",\"iat\":%lld,\"exp\":%lld,%s}",
			 CG_FUZZ_NOW - 60, CG_FUZZ_NOW + 3600, lists[i].rest);
		char path[4096];
		snprintf(path, sizeof(path), "%s/list-%02d", dir, n++);
		char *t = sign_list(key, lists[i].alg, lists[i].kid, payload);
		bad |= t == NULL || cg_fuzz_write_file(path, (const uint8_t *)t, strlen(t)) != 0;
		free(t);
	}
	return bad ? -1 : n;
}
