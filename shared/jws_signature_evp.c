/* Step 3 for a JWS that libjwt cannot take: the signed revocation list. libjwt's jwt_decode
 * puts the base64url payload on the stack (alloca of its length), so a list of a few
 * megabytes crashes the process that checks it (sshd, sudo). The list therefore has its
 * signature checked here with OpenSSL's EVP_DigestVerify, the primitive libjwt itself calls,
 * on the same terms as a token's: the algorithm pinned by our own header parse, the one key
 * the kid named and cg_token_key_fits accepted, and the JOSE signature form (RFC 7518: R||S
 * of the curve's size for ES*, PKCS #1 v1.5 for RS*). Everything before this step (size,
 * charset, strict JSON, header allow list, kid, key fit) is the token's own code. */
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "token_internal.h"

/* The digest and, for ES*, the size of R and S in bytes (0 for RS*). */
static const EVP_MD *digest_for(cg_alg alg, size_t *half)
{
	*half = 0;
	switch (alg) {
	case CG_ALG_ES256:
		*half = 32;
		return EVP_sha256();
	case CG_ALG_ES384:
		*half = 48;
		return EVP_sha384();
	case CG_ALG_ES512:
		*half = 66;
		return EVP_sha512();
	case CG_ALG_RS256:
		return EVP_sha256();
	case CG_ALG_RS384:
		return EVP_sha384();
	case CG_ALG_RS512:
		return EVP_sha512();
	}
	return NULL;
}

/* JOSE's R||S as the DER ECDSA-Sig-Value OpenSSL verifies; NULL when it is not 2 * half. */
static unsigned char *ecdsa_der(const unsigned char *raw, size_t rawlen, size_t half,
				int *derlen)
{
	if (rawlen != 2 * half)
		return NULL;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)half, NULL), *s = BN_bin2bn(raw + half, (int)half, NULL);
	unsigned char *der = NULL;
	if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return NULL;
	}
	*derlen = i2d_ECDSA_SIG(sig, &der);
	ECDSA_SIG_free(sig);
	if (*derlen <= 0) {
		OPENSSL_free(der);
		return NULL;
	}
	return der;
}

static bool verify_with(EVP_PKEY *key, const EVP_MD *md, const struct cg_token_parts *parts,
			const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	/* the signing input is "header.payload": the first two segments with their dot */
	size_t inlen = parts->seglen[0] + 1 + parts->seglen[1];
	bool ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, md, NULL, key) == 1 &&
		  EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)parts->seg[0],
				   inlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

cg_reason cg_jws_check_signature_large(const struct cg_token_parts *parts, cg_alg alg,
				       const char *kid, const char *pem, size_t pemlen,
				       char *detail, size_t detlen)
{
	size_t half = 0;
	const EVP_MD *md = digest_for(alg, &half);
	if (md == NULL || pem == NULL || pemlen == 0 || pemlen > CG_KEY_FILE_MAX) {
		cg_detail(detail, detlen, "internal error: no key to verify the signature with");
		return CG_BAD_SIGNATURE;
	}
	BIO *bio = BIO_new_mem_buf(pem, (int)pemlen);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	int want = half != 0 ? EVP_PKEY_EC : EVP_PKEY_RSA;
	if (key == NULL || EVP_PKEY_base_id(key) != want) {
		EVP_PKEY_free(key);
		cg_detail(detail, detlen, "key %s does not fit %s", kid, cg_alg_name(alg));
		return CG_BAD_ALG;
	}
	unsigned char *raw = NULL, *der = NULL;
	size_t rawlen = 0;
	int derlen = 0;
	bool ok = false;
	if (cg_b64url_decode(parts->seg[2], parts->seglen[2], &raw, &rawlen) == 0) {
		if (half == 0) {
			ok = verify_with(key, md, parts, raw, rawlen);
		} else {
			der = ecdsa_der(raw, rawlen, half, &derlen);
			ok = der != NULL && verify_with(key, md, parts, der, (size_t)derlen);
		}
	}
	OPENSSL_free(der);
	cg_wipe_free(raw, rawlen);
	EVP_PKEY_free(key);
	if (!ok) {
		cg_detail(detail, detlen, "the signature does not verify with key %s", kid);
		return CG_BAD_SIGNATURE;
	}
	return CG_OK;
}
