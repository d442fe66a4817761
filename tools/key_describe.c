/* What kind of key a PEM file holds, in the words the verifier uses: which JOSE algorithms it
 * can serve. Shared by `issue` (to pick the alg from the private key) and `check-config` (to
 * describe each public key). */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "cli.h"

static const struct {
	const char *group;
	const char *nist;
	const char *alg;
} ec_algs[] = {
	{ "prime256v1", "P-256", "ES256" },
	{ "secp384r1", "P-384", "ES384" },
	{ "secp521r1", "P-521", "ES512" },
};

int cli_key_describe(const EVP_PKEY *key, struct cli_key_info *info)
{
	memset(info, 0, sizeof(*info));
	info->bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_is_a(key, "RSA")) {
		info->is_rsa = true;
		return 0;
	}
	if (!EVP_PKEY_is_a(key, "EC"))
		return -1;
	info->is_ec = true;
	size_t glen = 0;
	if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, info->curve,
					    sizeof(info->curve), &glen))
		strcpy(info->curve, "unknown");
	for (size_t i = 0; i < sizeof(ec_algs) / sizeof(ec_algs[0]); i++)
		if (strcmp(info->curve, ec_algs[i].group) == 0) {
			info->ec_alg = ec_algs[i].alg;
			/* The JOSE specs speak of P-256; OpenSSL of prime256v1. */
			cg_strlcpy(info->curve, ec_algs[i].nist, sizeof(info->curve));
		}
	return 0;
}
