/* The header, the key and the signature (steps 2 and 3): the algorithm allow-list, typ, kid,
 * forbidden members, key files and their fit, forged and altered signatures, all six
 * algorithms. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/pem.h>

#include "test_token.h"
#include "token_internal.h"

static cg_reason verify_login(const char *token)
{
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	return tfx_verify(token, &req);
}

static char *default_payload(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = cg_test_payload_json(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	return p;
}

/* Signs payload under a header given as text, with the key for key_alg and the signing
 * algorithm key_alg (whatever the header claims). */
static cg_reason verify_with_header(const char *key_alg, const char *header)
{
	char *p = default_payload();
	char *t = tfx_sign(key_alg, header, p);
	cg_reason r = verify_login(t);
	free(t);
	free(p);
	return r;
}

static char *key_pem_text(const char *kid, size_t *len)
{
	char path[512], *buf = NULL;
	snprintf(path, sizeof(path), "%s/%s.pem", tfx.env.keys_dir, kid);
	FILE *f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	buf = calloc(1, 65536);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	*len = fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

static void test_all_six_algorithms(void)
{
	static const char *const algs[] = {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512"};
	for (size_t i = 0; i < 6; i++) {
		struct cg_test_claims c;
		tfx_claims(&c);
		char *t = tfx_mint(algs[i], &c);
		struct cg_request req;
		struct cg_decision d;
		tfx_request(&req, CG_SCOPE_LOGIN);
		ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_OK);
		CU_ASSERT(d.verified);
		CU_ASSERT(d.have_claims);
		CU_ASSERT_STRING_EQUAL(d.ticket.alg, algs[i]);
		CU_ASSERT_STRING_EQUAL(d.ticket.kid, tfx_kid(algs[i]));
		CU_ASSERT_STRING_EQUAL(d.ticket.chg, "CHG0012345");
		CU_ASSERT_STRING_EQUAL(d.ticket.sub, "alice");
		CU_ASSERT_STRING_EQUAL(d.ticket.approved_by, "approver");
		CU_ASSERT_EQUAL(d.ticket.exp, c.exp);
		CU_ASSERT_EQUAL(d.ticket.scopes, CG_SCOPE_LOGIN | CG_SCOPE_SUDO);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "CHG0012345"));
		cg_decision_free(&d);
		free(t);
	}
}

static void test_alg_none_and_friends(void)
{
	static const char *const algs[] = {"none", "NONE", "None", "hs256", "HS256", "HS512",
					   "es256", "PS256", "EdDSA", ""};
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		char header[128];
		snprintf(header, sizeof(header), "{\"alg\":\"%s\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}",
			 algs[i]);
		ASSERT_REASON(verify_with_header("ES256", header), CG_BAD_ALG);
	}
	ASSERT_REASON(verify_with_header("ES256", "{\"typ\":\"JWT\",\"kid\":\"es256-a\"}"),
		      CG_BAD_ALG);
	ASSERT_REASON(verify_with_header("ES256", "{\"alg\":7,\"kid\":\"es256-a\"}"), CG_BAD_ALG);
	ASSERT_REASON(verify_with_header("ES256", "{\"alg\":[\"ES256\"],\"kid\":\"es256-a\"}"),
		      CG_BAD_ALG);
}

/* The classic confusion: HS256 keyed with the text of the public key file. */
static void test_hs256_keyed_with_public_pem(void)
{
	static const char *const kids[] = {"es256-a", "rsa"};
	for (size_t i = 0; i < 2; i++) {
		size_t len = 0;
		char *pem = key_pem_text(kids[i], &len);
		char header[128];
		snprintf(header, sizeof(header), "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"%s\"}",
			 kids[i]);
		char *p = default_payload();
		char *t = cg_test_sign_hs256((unsigned char *)pem, len, header, p);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		ASSERT_REASON(verify_login(t), CG_BAD_ALG);
		free(t);
		free(p);
		free(pem);
	}
}

/* The pinned-algorithm check itself: libjwt, handed an HS256 token and the PEM as key,
 * accepts it. That is why the verifier never lets such a token reach it, and asserts
 * jwt_get_alg afterwards. */
static void test_signature_step_pins_alg(void)
{
	size_t len = 0;
	char *pem = key_pem_text("es256-a", &len);
	char *p = default_payload();
	char *t = cg_test_sign_hs256((unsigned char *)pem, len,
				     "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}", p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	struct cg_token_parts parts;
	char detail[CG_DETAIL_MAX] = "";
	ASSERT_REASON(cg_token_decode(t, strlen(t), &parts, detail, sizeof(detail)), CG_OK);
	ASSERT_REASON(cg_token_check_signature(&parts, CG_ALG_ES256, "es256-a", pem, len, detail,
					       sizeof(detail)),
		      CG_BAD_ALG);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "HS256"));
	/* and an empty key is refused before libjwt could take it as "no signature" */
	ASSERT_REASON(cg_token_check_signature(&parts, CG_ALG_ES256, "es256-a", "", 0, detail,
					       sizeof(detail)),
		      CG_BAD_SIGNATURE);
	cg_token_parts_free(&parts);
	free(t);
	free(p);
	free(pem);
}

static void test_unconfigured_algorithm(void)
{
	CU_ASSERT_EQUAL_FATAL(tfx_config_algorithms("ES256"), 0);
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES384", &c);
	ASSERT_REASON(verify_login(t), CG_BAD_ALG);
	free(t);
	t = tfx_mint("RS256", &c);
	ASSERT_REASON(verify_login(t), CG_BAD_ALG);
	free(t);
	t = tfx_mint("ES256", &c);
	ASSERT_REASON(verify_login(t), CG_OK);
	free(t);
}

static void test_typ(void)
{
	ASSERT_REASON(verify_with_header("ES256", "{\"alg\":\"ES256\",\"kid\":\"es256-a\"}"), CG_OK);
	ASSERT_REASON(verify_with_header("ES256",
					 "{\"alg\":\"ES256\",\"typ\":\"jwt\",\"kid\":\"es256-a\"}"),
		      CG_MALFORMED);
	ASSERT_REASON(verify_with_header("ES256",
					 "{\"alg\":\"ES256\",\"typ\":\"JOSE\",\"kid\":\"es256-a\"}"),
		      CG_MALFORMED);
	ASSERT_REASON(verify_with_header("ES256",
					 "{\"alg\":\"ES256\",\"typ\":null,\"kid\":\"es256-a\"}"),
		      CG_MALFORMED);
}

static void test_forbidden_header_members(void)
{
	static const char *const members[] = {
		"\"jku\":\"https://evil.example/keys\"", "\"x5u\":\"https://evil.example/c\"",
		"\"jwk\":{\"kty\":\"EC\"}", "\"x5c\":[\"MIIB\"]", "\"crit\":[\"exp\"]",
		"\"cty\":\"JWT\"", "\"zip\":\"DEF\"",
	};
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		char header[160];
		snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"es256-a\",%s}",
			 members[i]);
		ASSERT_REASON(verify_with_header("ES256", header), CG_MALFORMED);
	}
}

static void test_kid(void)
{
	static const char *const bad[] = {
		"{\"alg\":\"ES256\"}",
		"{\"alg\":\"ES256\",\"kid\":\"../../dev/null\"}",
		"{\"alg\":\"ES256\",\"kid\":\"\"}",
		"{\"alg\":\"ES256\",\"kid\":\".es256-a\"}",
		"{\"alg\":\"ES256\",\"kid\":\"es256-a/\"}",
		"{\"alg\":\"ES256\",\"kid\":\"es256 a\"}",
		"{\"alg\":\"ES256\",\"kid\":7}",
		/* 65 characters */
		"{\"alg\":\"ES256\",\"kid\":\"a123456789012345678901234567890123456789012345678901"
		"2345678901234\"}",
		/* a kid naming no file */
		"{\"alg\":\"ES256\",\"kid\":\"ghost\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_REASON(verify_with_header("ES256", bad[i]), CG_UNKNOWN_KEY);
}

static void test_unknown_signer(void)
{
	/* a key this host never saw, under its own kid and under a kid the host has */
	struct cg_test_env other;
	CU_ASSERT_EQUAL_FATAL(cg_test_env_init(&other), 0);
	EVP_PKEY *k = cg_test_keygen(&other, "ES256", "stranger");
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = cg_test_mint(k, "ES256", "stranger", &c);
	ASSERT_REASON(verify_login(t), CG_UNKNOWN_KEY);
	free(t);
	t = cg_test_mint(k, "ES256", "es256-a", &c);
	struct cg_request req;
	struct cg_decision d;
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_BAD_SIGNATURE);
	/* the denial still names the (unverified) ticket */
	CU_ASSERT(d.have_claims);
	CU_ASSERT_FALSE(d.verified);
	CU_ASSERT_STRING_EQUAL(d.ticket.chg, "CHG0012345");
	cg_decision_free(&d);
	free(t);
	EVP_PKEY_free(k);
	cg_test_env_cleanup(&other);
}

static void test_key_does_not_fit(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	/* ES256 header naming the P-384 key, the RSA key; RS256 naming an EC key; ES384 naming
	 * a P-256 key. Each signed with the key its kid names, under the header's alg where
	 * that is possible, else with the right key for the header. */
	static const struct {
		const char *alg, *kid;
	} cases[] = {
		{"ES256", "es384"}, {"ES256", "rsa"}, {"RS256", "es256-a"},
		{"ES384", "es256-a"}, {"ES512", "es384"}, {"RS512", "es512"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = cg_test_mint(tfx_key(cases[i].alg), cases[i].alg, cases[i].kid, &c);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		struct cg_request req;
		struct cg_decision d;
		tfx_request(&req, CG_SCOPE_LOGIN);
		ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_UNKNOWN_KEY);
		CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, cases[i].kid));
		cg_decision_free(&d);
		free(t);
	}
}

static void test_short_rsa_key(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	char path[512];
	snprintf(path, sizeof(path), "%s/rsa1024.pem", tfx.env.keys_dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
	chmod(path, 0644);
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = cg_test_mint(k, "RS256", "rsa1024", &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	ASSERT_REASON(verify_login(t), CG_UNKNOWN_KEY);
	free(t);
	unlink(path);
	EVP_PKEY_free(k);
}

static void test_untrusted_key_files(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	char path[512], link[512];
	snprintf(path, sizeof(path), "%s/es256-a.pem", tfx.env.keys_dir);
	/* group-writable key file */
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0664), 0);
	ASSERT_REASON(verify_login(t), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0644), 0);
	ASSERT_REASON(verify_login(t), CG_OK);
	/* world-writable keys_dir */
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.keys_dir, 0757), 0);
	ASSERT_REASON(verify_login(t), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL_FATAL(chmod(tfx.env.keys_dir, 0755), 0);
	/* a key file that is a symlink to a good key */
	snprintf(link, sizeof(link), "%s/linked.pem", tfx.env.keys_dir);
	CU_ASSERT_EQUAL_FATAL(symlink(path, link), 0);
	char *l = cg_test_mint(tfx.es256, "ES256", "linked", &c);
	ASSERT_REASON(verify_login(l), CG_CONFIG_ERROR);
	unlink(link);
	free(l);
	/* a key file that holds no public key */
	snprintf(link, sizeof(link), "%s/junk.pem", tfx.env.keys_dir);
	FILE *f = fopen(link, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n", f);
	fclose(f);
	chmod(link, 0644);
	l = cg_test_mint(tfx.es256, "ES256", "junk", &c);
	ASSERT_REASON(verify_login(l), CG_CONFIG_ERROR);
	unlink(link);
	free(l);
	free(t);
}

/* Flips one bit in the decoded bytes of one segment and re-encodes it properly, so that only
 * the signature can catch the change. */
static char *flip_decoded(const char *token, int segment, size_t byte, unsigned char mask)
{
	const char *start = token;
	for (int s = 0; s < segment; s++)
		start = strchr(start, '.') + 1;
	size_t n = strcspn(start, ".");
	unsigned char *raw = NULL;
	size_t rawlen = 0;
	CU_ASSERT_EQUAL_FATAL(cg_b64url_decode(start, n, &raw, &rawlen), 0);
	CU_ASSERT_FATAL(byte < rawlen);
	raw[byte] ^= mask;
	char *seg = cg_test_b64url(raw, rawlen);
	char *out = NULL;
	CU_ASSERT_FATAL(asprintf(&out, "%.*s%s%s", (int)(start - token), token, seg,
				 start + n) > 0);
	free(seg);
	free(raw);
	return out;
}

static void test_bit_flips(void)
{
	static const char *const algs[] = {"ES256", "ES384", "ES512", "RS256", "RS384", "RS512"};
	for (size_t i = 0; i < 6; i++) {
		struct cg_test_claims c;
		tfx_claims(&c);
		char *t = tfx_mint(algs[i], &c);
		/* signature: first, middle and last byte */
		for (size_t b = 0; b < 3; b++) {
			size_t siglen = strlen(strrchr(t, '.') + 1) * 3 / 4;
			size_t at = b == 0 ? 0 : b == 1 ? siglen / 2 : siglen - 1;
			char *f = flip_decoded(t, 2, at, 0x01);
			ASSERT_REASON(verify_login(f), CG_BAD_SIGNATURE);
			free(f);
		}
		/* payload: "CHG0012345" becomes "CHG0012344" */
		char *p = cg_test_payload_json(&c);
		size_t at = (size_t)(strstr(p, "CHG0012345") - p) + 9;
		char *f = flip_decoded(t, 1, at, 0x01);
		ASSERT_REASON(verify_login(f), CG_BAD_SIGNATURE);
		free(f);
		free(p);
		free(t);
	}
	/* header: kid "es256-a" becomes "es256-c", another ES256 key the host has */
	const char *h = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}";
	struct cg_test_claims c;
	tfx_claims(&c);
	char *p = cg_test_payload_json(&c);
	char *t = tfx_sign("ES256", h, p);
	char *f = flip_decoded(t, 0, (size_t)(strstr(h, "es256-a") - h) + 6, 0x02);
	struct cg_request req;
	struct cg_decision d;
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, f, strlen(f), &req, &d), CG_BAD_SIGNATURE);
	CU_ASSERT_STRING_EQUAL(d.ticket.kid, "es256-c");
	cg_decision_free(&d);
	/* the same token signed by es256-c's key is fine: the flip, not the key, failed it */
	free(t);
	t = cg_test_sign(tfx.es256c, "ES256", "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-c\"}",
			 p);
	ASSERT_REASON(verify_login(t), CG_OK);
	free(t);
	free(f);
	free(p);
}

static void test_signature_of_wrong_length(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	char *longer = NULL;
	CU_ASSERT_FATAL(asprintf(&longer, "%sAAAA", t) > 0);
	ASSERT_REASON(verify_login(longer), CG_BAD_SIGNATURE);
	free(longer);
	/* a signature made for another token */
	struct cg_test_claims c2;
	tfx_claims(&c2);
	char *t2 = tfx_mint("ES256", &c2);
	char *mixed = NULL;
	CU_ASSERT_FATAL(asprintf(&mixed, "%.*s%s", (int)(strrchr(t, '.') - t), t,
				 strrchr(t2, '.')) > 0);
	ASSERT_REASON(verify_login(mixed), CG_BAD_SIGNATURE);
	free(mixed);
	free(t2);
	free(t);
}

int test_token_header_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("token header, key, signature", NULL,
							   NULL, tfx_reset, tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"all six algorithms", test_all_six_algorithms},
		{"alg none NONE hs256 ...", test_alg_none_and_friends},
		{"HS256 keyed with the public PEM", test_hs256_keyed_with_public_pem},
		{"signature step pins the alg", test_signature_step_pins_alg},
		{"unconfigured algorithm", test_unconfigured_algorithm},
		{"typ", test_typ},
		{"jku x5u jwk x5c crit and others", test_forbidden_header_members},
		{"kid rules, ../../dev/null", test_kid},
		{"signed by an unknown key", test_unknown_signer},
		{"key of the wrong type or curve", test_key_does_not_fit},
		{"RSA key under 2048 bits", test_short_rsa_key},
		{"untrusted key files", test_untrusted_key_files},
		{"a bit flipped in each segment", test_bit_flips},
		{"signature of the wrong length", test_signature_of_wrong_length},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}
