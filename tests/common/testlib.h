/*
 * Test helpers: a throw-away tree of config, keys and state, and tokens minted at test time
 * from keys generated at test time. Nothing here is linked into what ships.
 */
#ifndef CG_TESTLIB_H
#define CG_TESTLIB_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

#include "changegate.h"

/* A private tree under $TMPDIR (or /tmp), mode 0700, removed by cg_test_env_cleanup. */
struct cg_test_env {
	char dir[256];
	char keys_dir[320];        /* dir/keys: public keys, <kid>.pem */
	char state_dir[320];       /* dir/state */
	char run_dir[320];         /* dir/run: login ticket records */
	char config_path[320];     /* dir/changegate.conf */
	char revocation_path[320]; /* dir/revoked: created empty, mode 0600 */
	char audit_path[320];      /* dir/audit.log */
};

/* Creates the tree; 0 or -1. */
int cg_test_env_init(struct cg_test_env *env);
/* Removes the tree and everything in it. */
void cg_test_env_cleanup(struct cg_test_env *env);

/* Writes env->config_path: issuer "https://change.example.test", audience "prod-test",
 * keys_dir, state_dir, hostname "web-01.prod.example", algorithms "ES256 ES384 ES512 RS256
 * RS384 RS512", revocation_file, audit_log, then the extra lines given (may be NULL), each
 * ending in '\n'. Mode 0600. 0 or -1. */
int cg_test_write_config(const struct cg_test_env *env, const char *extra_lines);
/* Loads it into cfg (cg_config_init + cg_config_load); 0 or -1 (err printed to stderr). */
int cg_test_load_config(const struct cg_test_env *env, struct cg_config *cfg);

/* A new key pair for alg ("ES256" ... "RS512"; RSA keys are 2048 bits); the public half is
 * written to keys_dir/<kid>.pem (mode 0644). Returns the private key (EVP_PKEY_free it). */
EVP_PKEY *cg_test_keygen(const struct cg_test_env *env, const char *alg, const char *kid);
/* Writes the private key as PEM to path (mode 0600), for the CLI's --key. 0 or -1. */
int cg_test_write_private_key(EVP_PKEY *key, const char *path);

/* Signs exactly the given header and payload texts (any bytes, even invalid JSON) with key
 * under alg, JOSE-style (ECDSA as raw r||s), and returns the malloc'd compact token
 * base64url(header).base64url(payload).base64url(sig). */
char *cg_test_sign(EVP_PKEY *key, const char *alg, const char *header_json,
		   const char *payload_json);
/* Same, HMAC-SHA256 keyed with the given bytes (to forge "HS256 keyed with the PEM"). */
char *cg_test_sign_hs256(const unsigned char *hkey, size_t hkeylen, const char *header_json,
			 const char *payload_json);
/* base64url without padding; malloc'd. */
char *cg_test_b64url(const unsigned char *data, size_t len);

/* The claims of a valid token; change any field, then cg_test_mint. */
struct cg_test_claims {
	const char *iss, *aud, *sub, *jti, *chg, *approved_by, *reason;
	long long iat, nbf, exp;
	const char *scope_json;   /* e.g. "[\"login\",\"sudo\"]" */
	const char *hosts_json;   /* NULL: absent */
	const char *cmds_json;    /* NULL: absent */
	const char *runas_json;   /* NULL: absent */
	int emergency;            /* -1 absent, 0 false, 1 true */
	const char *extra_json;   /* raw extra members, e.g. "\"x\":1"; NULL: none */
};
/* Defaults for user at now: the env's issuer and audience, jti "jti-<counter>", chg
 * "CHG0012345", approved_by "approver", nbf = iat = now - 10, exp = now + 3600, scope
 * login+sudo, nothing optional. */
void cg_test_claims_default(struct cg_test_claims *c, const char *user, time_t now);
/* Builds the payload JSON text (malloc'd) from c. */
char *cg_test_payload_json(const struct cg_test_claims *c);
/* Header {"alg":alg,"typ":"JWT","kid":kid}, payload from c, signed with key. */
char *cg_test_mint(EVP_PKEY *key, const char *alg, const char *kid,
		   const struct cg_test_claims *c);

/* Lines in path (newlines counted); 0 when it cannot be read. */
size_t cg_test_file_lines(const char *path);

/* ssh_blob.c: the value of SSH_AUTH_INFO_0 after a publickey login with the Ed25519 key pk:
 * the bare key, or (token not NULL) an OpenSSH user certificate for it carrying token in its
 * changegate-token@changegate extension. malloc'd, NULL on failure. */
char *cg_test_ssh_auth_info(const unsigned char pk[32], const char *token);
/* The last line of path (newline kept, cut to buflen) into buf; false when it cannot be read
 * or is empty. */
bool cg_test_last_line(const char *path, char *buf, size_t buflen);

#endif /* CG_TESTLIB_H */
