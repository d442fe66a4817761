/*
 * The floor for issue 7: what OpenSSL alone costs to load one PEM public key and verify one
 * JWS signature (ES256 or RS256) in a fresh process. No config, no claims, no trust checks:
 * changegate's full verify is measured against this.
 * Usage: cg_floor KEY.pem TOKENFILE   (exit 0 when the signature verifies)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define FLOOR_MAX 65536

static size_t slurp(const char *path, char *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, max - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

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

/* JWS carries ECDSA as r||s; OpenSSL wants DER. */
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

int main(int argc, char **argv)
{
	static char pem[FLOOR_MAX], tok[FLOOR_MAX];
	static unsigned char sig[FLOOR_MAX], der[FLOOR_MAX];
	if (argc != 3 || slurp(argv[1], pem, sizeof(pem)) == 0 ||
	    slurp(argv[2], tok, sizeof(tok)) == 0)
		return 2;
	tok[strcspn(tok, "\r\n")] = '\0';
	char *dot = strrchr(tok, '.');
	if (dot == NULL)
		return 2;
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *key = bio != NULL ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL)
		return 2;
	size_t siglen = b64url_decode(dot + 1, strlen(dot + 1), sig);
	const unsigned char *s = sig;
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
		siglen = ec_to_der(sig, siglen, der);
		s = der;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && siglen > 0 &&
		 EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
		 EVP_DigestVerify(ctx, s, siglen, (const unsigned char *)tok,
				  (size_t)(dot - tok)) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok ? 0 : 1;
}
