/* Resolving the header's kid to a public key: <keys_dir>/<kid>.pem, read only from a
 * directory and a file nobody but root could have written, and only used when the key's
 * type and size fit the pinned algorithm (an RSA key never verifies an ES256 token, a P-384
 * key never an ES256 one, RSA below 2048 bits never). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "token_internal.h"

#define RSA_MIN_BITS 2048
/* larger keys only cost verification time: refuse them rather than let a key file slow
 * every login */
#define RSA_MAX_BITS 16384

static int ec_nid_for(cg_alg alg)
{
	switch (alg) {
	case CG_ALG_ES256:
		return NID_X9_62_prime256v1;
	case CG_ALG_ES384:
		return NID_secp384r1;
	case CG_ALG_ES512:
		return NID_secp521r1;
	default:
		return NID_undef;
	}
}

static cg_reason check_fit(EVP_PKEY *key, const char *kid, cg_alg alg, char *detail,
			   size_t detlen)
{
	const char *name = cg_alg_name(alg);
	int want_nid = ec_nid_for(alg);
	int type = EVP_PKEY_get_base_id(key);
	if (want_nid != NID_undef) {
		char group[64] = "";
		size_t glen = 0;
		if (type != EVP_PKEY_EC ||
		    EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), &glen) != 1 ||
		    OBJ_sn2nid(group) != want_nid) {
			cg_detail(detail, detlen, "key %s is not an EC key on the curve %s needs",
				  kid, name);
			return CG_UNKNOWN_KEY;
		}
		return CG_OK;
	}
	if (type != EVP_PKEY_RSA) {
		cg_detail(detail, detlen, "key %s is not an RSA key, which %s needs", kid, name);
		return CG_UNKNOWN_KEY;
	}
	int bits = EVP_PKEY_get_bits(key);
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
		cg_detail(detail, detlen, "key %s is a %d-bit RSA key; %s needs %d to %d bits",
			  kid, bits, name, RSA_MIN_BITS, RSA_MAX_BITS);
		return CG_UNKNOWN_KEY;
	}
	return CG_OK;
}

static cg_reason parse_and_fit(const char *path, const char *pem, size_t pemlen,
			       const char *kid, cg_alg alg, char *detail, size_t detlen)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)pemlen);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL) {
		cg_detail(detail, detlen, "%s does not hold a PEM public key", path);
		return CG_CONFIG_ERROR;
	}
	cg_reason r = check_fit(key, kid, alg, detail, detlen);
	EVP_PKEY_free(key);
	return r;
}

cg_reason cg_token_load_key(const struct cg_config *cfg, const char *kid, cg_alg alg,
			    char **pem, size_t *pemlen, char *detail, size_t detlen)
{
	*pem = NULL;
	*pemlen = 0;
	char err[CG_DETAIL_MAX];
	if (cfg->keys_dir == NULL || cg_check_trusted_dir(cfg->keys_dir, err, sizeof(err)) != 0) {
		cg_detail(detail, detlen, "keys_dir cannot be trusted: %s",
			  cfg->keys_dir != NULL ? err : "not set");
		return CG_CONFIG_ERROR;
	}
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s.pem", cfg->keys_dir, kid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cg_detail(detail, detlen, "keys_dir is too long a path");
		return CG_CONFIG_ERROR;
	}
	char *buf = NULL;
	size_t len = 0;
	if (cg_read_trusted_file(path, CG_KEY_FILE_MAX, &buf, &len, err, sizeof(err)) != 0) {
		if (errno == ENOENT) {
			cg_detail(detail, detlen, "this host has no key named %s", kid);
			return CG_UNKNOWN_KEY;
		}
		cg_detail(detail, detlen, "key %s cannot be used: %s", kid, err);
		return CG_CONFIG_ERROR;
	}
	cg_reason r = parse_and_fit(path, buf, len, kid, alg, detail, detlen);
	if (r != CG_OK) {
		cg_wipe_free(buf, len + 1);
		return r;
	}
	*pem = buf;
	*pemlen = len;
	return CG_OK;
}
