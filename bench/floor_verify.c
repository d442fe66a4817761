/* See floor_verify.h. Deliberately the least work a verifier can do: no header or claim
 * checks, no trust checks on files; only the key decode and one signature. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "floor_verify.h"

static int b64url_val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* out has room for n bytes */
static size_t b64url_decode(const char *s, size_t n, unsigned char *out)
{
	unsigned acc = 0, bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64url_val(s[i]);
		if (v < 0)
			return 0;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* JWS carries ECDSA as r||s; OpenSSL wants DER. der has room for n + 16 bytes. */
static size_t ec_to_der(const unsigned char *rs, size_t n, unsigned char *der)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)(n / 2), NULL), *s = BN_bin2bn(rs + n / 2, (int)(n / 2), NULL);
	if (sig == NULL || r == NULL || s == NULL || ECDSA_SIG_set0(sig, r, s) != 1) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(sig);
		return 0;
	}
	int len = i2d_ECDSA_SIG(sig, &der);
	ECDSA_SIG_free(sig);
	return len > 0 ? (size_t)len : 0;
}

int floor_verify(const char *pem, size_t pemlen, const char *token, size_t toklen)
{
	const char *dot = NULL;
	for (size_t i = toklen; i > 0 && dot == NULL; i--)
		if (token[i - 1] == '.')
			dot = token + i - 1;
	if (dot == NULL || pemlen > 65536)
		return 0;
	size_t siglen_b64 = toklen - (size_t)(dot + 1 - token);
	unsigned char *sig = malloc(siglen_b64 + 1), *der = malloc(siglen_b64 + 17);
	BIO *bio = BIO_new_mem_buf(pem, (int)pemlen);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	int ok = 0;
	if (key != NULL && sig != NULL && der != NULL) {
		size_t siglen = b64url_decode(dot + 1, siglen_b64, sig);
		const unsigned char *s = sig;
		if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
			siglen = ec_to_der(sig, siglen, der);
			s = der;
		}
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ok = ctx != NULL && siglen > 0 &&
		     EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		     EVP_DigestVerify(ctx, s, siglen, (const unsigned char *)token,
				      (size_t)(dot - token)) == 1;
		EVP_MD_CTX_free(ctx);
	}
	EVP_PKEY_free(key);
	free(sig);
	free(der);
	return ok;
}
