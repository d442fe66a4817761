/*
 * Test helpers: a private tree, keys generated now, tokens signed now. Signing is done
 * directly with OpenSSL (not libjwt) so that tests can sign any bytes at all, including
 * headers and payloads the verifier must refuse.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "testlib.h"

#define TEST_ISSUER "https://change.example.test"
#define TEST_AUDIENCE "prod-test"
#define TEST_HOSTNAME "web-01.prod.example"

static int path_join(char *dst, size_t dstlen, const char *dir, const char *name)
{
	int n = snprintf(dst, dstlen, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= dstlen ? -1 : 0;
}

static int write_file(const char *path, mode_t mode, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	/* the umask must not decide the mode the trust checks look at */
	if (fchmod(fd, mode) != 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int cg_test_env_init(struct cg_test_env *env)
{
	memset(env, 0, sizeof(*env));
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	int n = snprintf(env->dir, sizeof(env->dir), "%s/cgtest.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof(env->dir))
		return -1;
	if (mkdtemp(env->dir) == NULL)
		return -1;
	if (path_join(env->keys_dir, sizeof(env->keys_dir), env->dir, "keys") != 0 ||
	    path_join(env->state_dir, sizeof(env->state_dir), env->dir, "state") != 0 ||
	    path_join(env->run_dir, sizeof(env->run_dir), env->dir, "run") != 0 ||
	    path_join(env->config_path, sizeof(env->config_path), env->dir, "changegate.conf") != 0 ||
	    path_join(env->revocation_path, sizeof(env->revocation_path), env->dir, "revoked") != 0 ||
	    path_join(env->audit_path, sizeof(env->audit_path), env->dir, "audit.log") != 0)
		goto fail;
	if (mkdir(env->keys_dir, 0755) != 0 || chmod(env->keys_dir, 0755) != 0 ||
	    mkdir(env->state_dir, 0700) != 0 || mkdir(env->run_dir, 0700) != 0)
		goto fail;
	/* an empty revocation list, so that the configured file exists and can be trusted */
	if (write_file(env->revocation_path, 0600, "", 0) != 0)
		goto fail;
	return 0;
fail:
	cg_test_env_cleanup(env);
	return -1;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) == 0 ? 0 : -1;
	return unlink(path) == 0 ? 0 : -1;
}

void cg_test_env_cleanup(struct cg_test_env *env)
{
	if (env->dir[0] == '\0')
		return;
	/* FTW_PHYS: a symlink planted by a test is removed, never followed */
	if (nftw(env->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "testlib: could not remove %s completely\n", env->dir);
	env->dir[0] = '\0';
}

int cg_test_write_config(const struct cg_test_env *env, const char *extra_lines)
{
	char *text = NULL;
	int n = asprintf(&text,
			 "# written by the test suite\n"
			 "issuer = " TEST_ISSUER "\n"
			 "audience = " TEST_AUDIENCE "\n"
			 "keys_dir = %s\n"
			 "state_dir = %s\n"
			 "hostname = " TEST_HOSTNAME "\n"
			 "algorithms = ES256 ES384 ES512 RS256 RS384 RS512\n"
			 "revocation_file = %s\n"
			 "audit_log = %s\n"
			 "%s",
			 env->keys_dir, env->state_dir, env->revocation_path, env->audit_path,
			 extra_lines != NULL ? extra_lines : "");
	if (n < 0)
		return -1;
	int rc = write_file(env->config_path, 0600, text, (size_t)n);
	free(text);
	return rc;
}

int cg_test_load_config(const struct cg_test_env *env, struct cg_config *cfg)
{
	char err[512] = "";
	if (cg_config_init(cfg) != 0) {
		fprintf(stderr, "testlib: cg_config_init failed\n");
		return -1;
	}
	if (cg_config_load(cfg, env->config_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "testlib: %s\n", err);
		cg_config_free(cfg);
		return -1;
	}
	return 0;
}

/* ---- keys --------------------------------------------------------------------------------- */

static const char *ec_group_for(const char *alg)
{
	if (strcmp(alg, "ES256") == 0)
		return "P-256";
	if (strcmp(alg, "ES384") == 0)
		return "P-384";
	if (strcmp(alg, "ES512") == 0)
		return "P-521";
	return NULL;
}

static bool is_rsa_alg(const char *alg)
{
	return strcmp(alg, "RS256") == 0 || strcmp(alg, "RS384") == 0 ||
	       strcmp(alg, "RS512") == 0;
}

static const EVP_MD *md_for(const char *alg)
{
	const char *bits = alg + 2;
	if (strcmp(bits, "256") == 0)
		return EVP_sha256();
	if (strcmp(bits, "384") == 0)
		return EVP_sha384();
	if (strcmp(bits, "512") == 0)
		return EVP_sha512();
	return NULL;
}

/* The byte length of r (and of s) in a JOSE ECDSA signature. */
static size_t ec_half_len(const char *alg)
{
	if (strcmp(alg, "ES256") == 0)
		return 32;
	if (strcmp(alg, "ES384") == 0)
		return 48;
	return 66;
}

static int write_pem(const char *path, mode_t mode, EVP_PKEY *key, bool private_part)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (bio == NULL)
		return -1;
	int ok = private_part ? PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL)
			      : PEM_write_bio_PUBKEY(bio, key);
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	int rc = -1;
	if (ok == 1 && len > 0)
		rc = write_file(path, mode, data, (size_t)len);
	BIO_free_all(bio);
	return rc;
}

EVP_PKEY *cg_test_keygen(const struct cg_test_env *env, const char *alg, const char *kid)
{
	if (alg == NULL || kid == NULL)
		return NULL;
	EVP_PKEY *key = NULL;
	const char *group = ec_group_for(alg);
	if (group != NULL)
		key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", group);
	else if (is_rsa_alg(alg))
		key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (key == NULL) {
		fprintf(stderr, "testlib: cannot generate a key for %s\n", alg);
		return NULL;
	}
	char path[512];
	int n = snprintf(path, sizeof(path), "%s/%s.pem", env->keys_dir, kid);
	if (n < 0 || (size_t)n >= sizeof(path) || write_pem(path, 0644, key, false) != 0) {
		fprintf(stderr, "testlib: cannot write the public key for %s\n", kid);
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

int cg_test_write_private_key(EVP_PKEY *key, const char *path)
{
	if (key == NULL || path == NULL)
		return -1;
	return write_pem(path, 0600, key, true);
}

/* ---- signing ------------------------------------------------------------------------------ */

char *cg_test_b64url(const unsigned char *data, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char *out = malloc(len / 3 * 4 + 5);
	if (out == NULL)
		return NULL;
	size_t o = 0, i = 0;
	for (; i + 3 <= len; i += 3) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		unsigned v = (unsigned)data[i] << 16;
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8;
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return out;
}

/* "b64(header).b64(payload)", the bytes a JWS signature covers. */
static char *signing_input(const char *header_json, const char *payload_json)
{
	char *h = cg_test_b64url((const unsigned char *)header_json, strlen(header_json));
	char *p = cg_test_b64url((const unsigned char *)payload_json, strlen(payload_json));
	char *out = NULL;
	if (h != NULL && p != NULL && asprintf(&out, "%s.%s", h, p) < 0)
		out = NULL;
	free(h);
	free(p);
	return out;
}

static char *join_signature(char *input, const unsigned char *sig, size_t siglen)
{
	char *s = cg_test_b64url(sig, siglen);
	char *out = NULL;
	if (s != NULL && asprintf(&out, "%s.%s", input, s) < 0)
		out = NULL;
	free(s);
	free(input);
	return out;
}

/* OpenSSL gives DER; JOSE wants r and s as fixed-width big-endian halves. */
static int der_to_raw(const unsigned char *der, size_t derlen, size_t half, unsigned char *raw)
{
	const unsigned char *p = der;
	ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
	if (es == NULL)
		return -1;
	const BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG_get0(es, &r, &s);
	int rc = BN_bn2binpad(r, raw, (int)half) == (int)half &&
			 BN_bn2binpad(s, raw + half, (int)half) == (int)half
		 ? 0
		 : -1;
	ECDSA_SIG_free(es);
	return rc;
}

char *cg_test_sign(EVP_PKEY *key, const char *alg, const char *header_json,
		   const char *payload_json)
{
	if (key == NULL || alg == NULL || header_json == NULL || payload_json == NULL)
		return NULL;
	bool ec = ec_group_for(alg) != NULL;
	if (!ec && !is_rsa_alg(alg))
		return NULL;
	char *input = signing_input(header_json, payload_json);
	if (input == NULL)
		return NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, md_for(alg), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, (const unsigned char *)input, strlen(input)) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(ctx, sig, &siglen, (const unsigned char *)input, strlen(input)) != 1) {
		fprintf(stderr, "testlib: signing with %s failed\n", alg);
		ERR_print_errors_fp(stderr);
		EVP_MD_CTX_free(ctx);
		free(sig);
		free(input);
		return NULL;
	}
	EVP_MD_CTX_free(ctx);
	char *token = NULL;
	if (ec) {
		unsigned char raw[2 * 66];
		size_t half = ec_half_len(alg);
		if (der_to_raw(sig, siglen, half, raw) == 0)
			token = join_signature(input, raw, 2 * half);
		else
			free(input);
	} else {
		token = join_signature(input, sig, siglen);
	}
	free(sig);
	return token;
}

char *cg_test_sign_hs256(const unsigned char *hkey, size_t hkeylen, const char *header_json,
			 const char *payload_json)
{
	if (hkey == NULL || header_json == NULL || payload_json == NULL)
		return NULL;
	char *input = signing_input(header_json, payload_json);
	if (input == NULL)
		return NULL;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned maclen = 0;
	if (HMAC(EVP_sha256(), hkey, (int)hkeylen, (const unsigned char *)input, strlen(input),
		 mac, &maclen) == NULL) {
		free(input);
		return NULL;
	}
	return join_signature(input, mac, maclen);
}

/* ---- claims -------------------------------------------------------------------------------- */

void cg_test_claims_default(struct cg_test_claims *c, const char *user, time_t now)
{
	/* each call gets a fresh jti; a ring keeps the last few hundred alive, so that a test
	 * may hold several claim sets at once */
	static unsigned counter;
	static char jtis[256][24];
	char *jti = jtis[counter % 256];
	snprintf(jti, sizeof(jtis[0]), "jti-%u", ++counter);
	memset(c, 0, sizeof(*c));
	c->iss = TEST_ISSUER;
	c->aud = TEST_AUDIENCE;
	c->sub = user;
	c->jti = jti;
	c->chg = "CHG0012345";
	c->approved_by = "approver";
	c->reason = NULL;
	c->iat = (long long)now - 10;
	c->nbf = (long long)now - 10;
	c->exp = (long long)now + 3600;
	c->scope_json = "[\"login\",\"sudo\"]";
	c->emergency = -1;
}

/* A growing text buffer for the payload; on any failure it turns into NULL and stays so. */
struct text {
	char *s;
	size_t len;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	if (t->s == NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *piece = NULL;
	int n = vasprintf(&piece, fmt, ap);
	va_end(ap);
	char *grown = n < 0 ? NULL : realloc(t->s, t->len + (size_t)n + 1);
	if (grown == NULL) {
		free(piece);
		free(t->s);
		t->s = NULL;
		return;
	}
	memcpy(grown + t->len, piece, (size_t)n + 1);
	t->len += (size_t)n;
	t->s = grown;
	free(piece);
}

static void add_string(struct text *t, const char *name, const char *value)
{
	if (value == NULL)
		return;
	json_t *js = json_string(value);
	char *enc = js != NULL ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
	json_decref(js);
	if (enc == NULL) {
		free(t->s);
		t->s = NULL;
		return;
	}
	text_add(t, "%s\"%s\":%s", t->len > 1 ? "," : "", name, enc);
	free(enc);
}

static void add_raw(struct text *t, const char *name, const char *raw)
{
	if (raw == NULL)
		return;
	if (name != NULL)
		text_add(t, "%s\"%s\":%s", t->len > 1 ? "," : "", name, raw);
	else
		text_add(t, "%s%s", t->len > 1 ? "," : "", raw);
}

char *cg_test_payload_json(const struct cg_test_claims *c)
{
	struct text t = {strdup("{"), 1};
	add_string(&t, "iss", c->iss);
	add_string(&t, "aud", c->aud);
	add_string(&t, "sub", c->sub);
	add_string(&t, "jti", c->jti);
	add_string(&t, "chg", c->chg);
	add_string(&t, "approved_by", c->approved_by);
	add_string(&t, "reason", c->reason);
	text_add(&t, "%s\"iat\":%lld,\"nbf\":%lld,\"exp\":%lld", t.len > 1 ? "," : "", c->iat,
		 c->nbf, c->exp);
	add_raw(&t, "scope", c->scope_json);
	add_raw(&t, "hosts", c->hosts_json);
	add_raw(&t, "cmds", c->cmds_json);
	add_raw(&t, "runas", c->runas_json);
	if (c->emergency >= 0)
		add_raw(&t, "emergency", c->emergency ? "true" : "false");
	add_raw(&t, NULL, c->extra_json);
	text_add(&t, "}");
	return t.s;
}

char *cg_test_mint(EVP_PKEY *key, const char *alg, const char *kid,
		   const struct cg_test_claims *c)
{
	char *payload = cg_test_payload_json(c);
	char *header = NULL;
	json_t *h = json_pack("{s:s, s:s, s:s}", "alg", alg, "typ", "JWT", "kid", kid);
	if (h != NULL)
		header = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(h);
	char *token = NULL;
	if (payload != NULL && header != NULL)
		token = cg_test_sign(key, alg, header, payload);
	free(header);
	free(payload);
	return token;
}

size_t cg_test_file_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch;

	if (f == NULL)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

bool cg_test_last_line(const char *path, char *buf, size_t buflen)
{
	char line[8192];
	FILE *f = fopen(path, "r");

	if (f == NULL || buflen == 0)
		goto fail;
	buf[0] = '\0';
	while (fgets(line, sizeof(line), f) != NULL)
		snprintf(buf, buflen, "%s", line);
	fclose(f);
	return buf[0] != '\0';
fail:
	if (f != NULL)
		fclose(f);
	return false;
}
