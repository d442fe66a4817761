/* Signing for `changegate issue`: read the issuer's private key carefully, let the key decide
 * the algorithm (an ES384 header on a P-256 key is a token nobody can verify), and sign the
 * compact JWS with OpenSSL (libjwt cannot encode a payload the size of a revocation list).
 * `changegate revocations sign` signs its lists here too. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"

#define RSA_MIN_BITS 2048

/* The whole key file, NUL-terminated; *len excludes the NUL. Refuses a key that others can
 * read, as ssh does: a readable issuer key has to be treated as leaked. */
static char *read_private_key(const char *cmd, const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		cli_error(cmd, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) != 0) {
		cli_error(cmd, "cannot stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error(cmd, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		cli_error(cmd, "%s: mode %04o lets others read the private key; chmod 600 it",
			  path, (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size <= 0 || st.st_size > CG_KEY_FILE_MAX) {
		cli_error(cmd, "%s: size %lld is not that of a PEM key", path,
			  (long long)st.st_size);
		goto fail;
	}
	size_t want = (size_t)st.st_size, n = 0;
	buf = malloc(want + 1);
	if (buf == NULL) {
		cli_error(cmd, "out of memory");
		goto fail;
	}
	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			cli_error(cmd, "reading %s failed", path);
			cg_wipe_free(buf, want + 1);
			buf = NULL;
			goto fail;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	close(fd);
	return buf;
fail:
	close(fd);
	return NULL;
}

/* The JOSE alg this key signs with; NULL (message printed) when it cannot serve want_alg. */
static const char *choose_alg(const char *cmd, const char *path, const char *pem, size_t len,
			      const char *want_alg)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL) {
		cli_error(cmd, "%s: not a PEM private key (encrypted keys are not supported)",
			  path);
		return NULL;
	}
	struct cli_key_info info;
	const char *alg = NULL;
	if (cli_key_describe(key, &info) != 0) {
		cli_error(cmd, "%s: neither an EC nor an RSA key", path);
	} else if (info.is_ec) {
		alg = info.ec_alg;
		if (alg == NULL)
			cli_error(cmd, "%s: EC curve %s is not P-256, P-384 or P-521", path,
				  info.curve);
		else if (want_alg != NULL && strcmp(want_alg, alg) != 0) {
			cli_error(cmd, "--alg %s does not fit %s, a %s key (%s)", want_alg, path,
				  info.curve, alg);
			alg = NULL;
		}
	} else if (info.bits < RSA_MIN_BITS) {
		cli_error(cmd, "%s: RSA key of %d bits; at least %d are needed", path, info.bits,
			  RSA_MIN_BITS);
	} else if (want_alg == NULL) {
		alg = "RS256";
	} else if (strcmp(want_alg, "RS256") == 0 || strcmp(want_alg, "RS384") == 0 ||
		   strcmp(want_alg, "RS512") == 0) {
		alg = want_alg;
	} else {
		cli_error(cmd, "--alg %s does not fit %s, an RSA key", want_alg, path);
	}
	EVP_PKEY_free(key);
	return alg;
}

/* The digest of a JOSE alg this tool signs with, and for ES* the size of R and S. */
static const EVP_MD *digest_for(const char *alg, size_t *half)
{
	static const struct {
		const char *name;
		size_t half;
	} algs[] = { {"ES256", 32}, {"ES384", 48}, {"ES512", 66}, {"RS256", 0}, {"RS384", 0},
		     {"RS512", 0} };
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(alg, algs[i].name) != 0)
			continue;
		*half = algs[i].half;
		return strcmp(alg + 2, "256") == 0 ? EVP_sha256() :
		       strcmp(alg + 2, "384") == 0 ? EVP_sha384() : EVP_sha512();
	}
	return NULL;
}

/* RFC 7515 base64url of n bytes, without padding; malloc'd, or NULL. */
static char *b64url(const unsigned char *in, size_t n)
{
	if (n > (size_t)INT_MAX / 4 * 3 - 3)
		return NULL;
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	if (out == NULL)
		return NULL;
	size_t m = (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	while (m > 0 && out[m - 1] == '=')
		m--;
	for (size_t i = 0; i < m; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	out[m] = '\0';
	return out;
}

/* The JOSE signature of input: PKCS #1 v1.5 for RS*, R||S of half bytes each for ES*. */
static unsigned char *sign_input(EVP_PKEY *key, const EVP_MD *md, size_t half,
				 const char *input, size_t n, size_t *siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL, *raw = NULL;
	size_t len = 0;
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, md, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &len, (const unsigned char *)input, n) != 1 ||
	    (sig = malloc(len)) == NULL ||
	    EVP_DigestSign(ctx, sig, &len, (const unsigned char *)input, n) != 1) {
		free(sig);
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	EVP_MD_CTX_free(ctx);
	if (half == 0) {
		*siglen = len;
		return sig;
	}
	const unsigned char *p = sig;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r = NULL, *s = NULL;
	if (es != NULL)
		ECDSA_SIG_get0(es, &r, &s);
	raw = es != NULL ? malloc(2 * half) : NULL;
	if (raw != NULL && (BN_bn2binpad(r, raw, (int)half) != (int)half ||
			    BN_bn2binpad(s, raw + half, (int)half) != (int)half)) {
		free(raw);
		raw = NULL;
	}
	ECDSA_SIG_free(es);
	free(sig);
	*siglen = 2 * half;
	return raw;
}

/* header.payload.signature, signed with OpenSSL directly: libjwt's encoder puts the whole
 * payload on the stack (alloca) and crashes on a revocation list of a few megabytes, so
 * tokens and lists are both signed here, by one code path, at any size. */
static char *encode(const char *cmd, const char *alg, const char *kid, const char *payload_json,
		    const char *pem, size_t len)
{
	size_t half = 0;
	const EVP_MD *md = digest_for(alg, &half);
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	json_t *h = json_pack("{s:s, s:s, s:s}", "alg", alg, "kid", kid, "typ", "JWT");
	char *htext = h != NULL ? json_dumps(h, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(h);
	char *h64 = htext != NULL ? b64url((const unsigned char *)htext, strlen(htext)) : NULL;
	char *p64 = b64url((const unsigned char *)payload_json, strlen(payload_json));
	char *input = NULL, *s64 = NULL, *out = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	if (md != NULL && key != NULL && h64 != NULL && p64 != NULL &&
	    (input = malloc(strlen(h64) + strlen(p64) + 2)) != NULL) {
		sprintf(input, "%s.%s", h64, p64);
		sig = sign_input(key, md, half, input, strlen(input), &siglen);
		s64 = sig != NULL ? b64url(sig, siglen) : NULL;
		out = s64 != NULL ? malloc(strlen(input) + strlen(s64) + 2) : NULL;
		if (out != NULL)
			sprintf(out, "%s.%s", input, s64);
	}
	if (out == NULL)
		cli_error(cmd, "signing failed");
	EVP_PKEY_free(key);
	free(htext);
	free(h64);
	free(p64);
	free(input);
	free(sig);
	free(s64);
	return out;
}

char *cli_sign_token(const char *cmd, const char *key_path, const char *want_alg,
		     const char *kid, const char *payload_json)
{
	size_t len = 0;
	char *pem = read_private_key(cmd, key_path, &len);
	if (pem == NULL)
		return NULL;
	char *token = NULL;
	const char *alg = choose_alg(cmd, key_path, pem, len, want_alg);
	if (alg != NULL)
		token = encode(cmd, alg, kid, payload_json, pem, len);
	cg_wipe_free(pem, len + 1);
	return token;
}
