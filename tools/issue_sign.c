/* Signing for `changegate issue`: read the issuer's private key carefully, let the key decide
 * the algorithm (an ES384 header on a P-256 key is a token nobody can verify), and hand the
 * JOSE work to libjwt, the same library the verifier trusts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"

#define CMD "issue"
#define RSA_MIN_BITS 2048

/* The whole key file, NUL-terminated; *len excludes the NUL. Refuses a key that others can
 * read, as ssh does: a readable issuer key has to be treated as leaked. */
static char *read_private_key(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		cli_error(CMD, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) != 0) {
		cli_error(CMD, "cannot stat %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error(CMD, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		cli_error(CMD, "%s: mode %04o lets others read the private key; chmod 600 it",
			  path, (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	if (st.st_size <= 0 || st.st_size > CG_KEY_FILE_MAX) {
		cli_error(CMD, "%s: size %lld is not that of a PEM key", path,
			  (long long)st.st_size);
		goto fail;
	}
	size_t want = (size_t)st.st_size, n = 0;
	buf = malloc(want + 1);
	if (buf == NULL) {
		cli_error(CMD, "out of memory");
		goto fail;
	}
	while (n < want) {
		ssize_t r = read(fd, buf + n, want - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			cli_error(CMD, "reading %s failed", path);
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
static const char *choose_alg(const char *path, const char *pem, size_t len,
			      const char *want_alg)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL) {
		cli_error(CMD, "%s: not a PEM private key (encrypted keys are not supported)",
			  path);
		return NULL;
	}
	struct cli_key_info info;
	const char *alg = NULL;
	if (cli_key_describe(key, &info) != 0) {
		cli_error(CMD, "%s: neither an EC nor an RSA key", path);
	} else if (info.is_ec) {
		alg = info.ec_alg;
		if (alg == NULL)
			cli_error(CMD, "%s: EC curve %s is not P-256, P-384 or P-521", path,
				  info.curve);
		else if (want_alg != NULL && strcmp(want_alg, alg) != 0) {
			cli_error(CMD, "--alg %s does not fit %s, a %s key (%s)", want_alg, path,
				  info.curve, alg);
			alg = NULL;
		}
	} else if (info.bits < RSA_MIN_BITS) {
		cli_error(CMD, "%s: RSA key of %d bits; at least %d are needed", path, info.bits,
			  RSA_MIN_BITS);
	} else if (want_alg == NULL) {
		alg = "RS256";
	} else if (strcmp(want_alg, "RS256") == 0 || strcmp(want_alg, "RS384") == 0 ||
		   strcmp(want_alg, "RS512") == 0) {
		alg = want_alg;
	} else {
		cli_error(CMD, "--alg %s does not fit %s, an RSA key", want_alg, path);
	}
	EVP_PKEY_free(key);
	return alg;
}

static char *encode(const char *alg, const char *kid, const char *payload_json,
		    const char *pem, size_t len)
{
	jwt_t *jwt = NULL;
	char *out = NULL;
	if (jwt_new(&jwt) != 0) {
		cli_error(CMD, "out of memory");
		return NULL;
	}
	if (jwt_add_header(jwt, "kid", kid) != 0 || jwt_add_header(jwt, "typ", "JWT") != 0 ||
	    jwt_add_grants_json(jwt, payload_json) != 0) {
		cli_error(CMD, "cannot build the token");
		goto out;
	}
	/* libjwt copies the key and wipes its copy in jwt_free. */
	if (jwt_set_alg(jwt, jwt_str_alg(alg), (const unsigned char *)pem, (int)len) != 0) {
		cli_error(CMD, "libjwt refused the key for %s", alg);
		goto out;
	}
	out = jwt_encode_str(jwt);
	if (out == NULL)
		cli_error(CMD, "signing failed: %s", strerror(errno));
out:
	jwt_free(jwt);
	return out;
}

char *cli_sign_token(const char *key_path, const char *want_alg, const char *kid,
		     const char *payload_json)
{
	size_t len = 0;
	char *pem = read_private_key(key_path, &len);
	if (pem == NULL)
		return NULL;
	char *token = NULL;
	const char *alg = choose_alg(key_path, pem, len, want_alg);
	if (alg != NULL)
		token = encode(alg, kid, payload_json, pem, len);
	cg_wipe_free(pem, len + 1);
	return token;
}
