/* check-config's look at keys_dir: each file a token could name, read through the same
 * trusted-file rules the verifier applies, and described so an administrator can see which
 * algorithms this host will really accept. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"

#define MAX_KEY_FILES 1024
#define RSA_MIN_BITS 2048

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with_pem(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".pem") == 0;
}

/* The sorted *.pem names in dir; -1 when it cannot be read. */
static int list_pem(const char *dir, struct cg_strlist *names, struct cli_check *ck)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		cli_problem(ck, "keys_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!ends_with_pem(e->d_name))
			continue;
		if (names->count == MAX_KEY_FILES) {
			cli_problem(ck, "keys_dir %s: more than %d key files", dir, MAX_KEY_FILES);
			break;
		}
		if (names->count == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			char **n = realloc(names->items, ncap * sizeof(*n));
			if (n == NULL) {
				cli_problem(ck, "out of memory listing %s", dir);
				break;
			}
			names->items = n;
			cap = ncap;
		}
		names->items[names->count] = strdup(e->d_name);
		if (names->items[names->count] == NULL) {
			cli_problem(ck, "out of memory listing %s", dir);
			break;
		}
		names->count++;
	}
	closedir(d);
	qsort(names->items, names->count, sizeof(*names->items), cmp_names);
	return 0;
}

static bool alg_configured(const struct cg_config *cfg, const char *name)
{
	cg_alg a;
	return cg_alg_from_name(name, &a) && (cfg->algorithms & (unsigned)a);
}

/* Describes key; returns whether a configured algorithm can verify with it. */
static bool describe(struct cli_check *ck, const char *kid, const EVP_PKEY *key)
{
	struct cli_key_info info;
	const struct cg_config *cfg = ck->cfg;
	if (cli_key_describe(key, &info) != 0) {
		cli_problem(ck, "key %s: neither an EC nor an RSA key", kid);
		return false;
	}
	if (info.is_ec) {
		if (info.ec_alg == NULL) {
			cli_problem(ck, "key %s: EC curve %s is not P-256, P-384 or P-521", kid,
				    info.curve);
			return false;
		}
		bool usable = alg_configured(cfg, info.ec_alg);
		cli_note(ck, "key %s: EC %s, %d bits, for %s%s", kid, info.curve, info.bits,
			 info.ec_alg, usable ? "" : " (not in algorithms: unused)");
		return usable;
	}
	if (info.bits < RSA_MIN_BITS) {
		cli_problem(ck, "key %s: RSA key of %d bits; at least %d are needed", kid,
			    info.bits, RSA_MIN_BITS);
		return false;
	}
	bool usable = alg_configured(cfg, "RS256") || alg_configured(cfg, "RS384") ||
		      alg_configured(cfg, "RS512");
	cli_note(ck, "key %s: RSA, %d bits, for RS256/RS384/RS512%s", kid, info.bits,
		 usable ? "" : " (none in algorithms: unused)");
	return usable;
}

/* OpenSSL reads more than the verifier takes (text around the block, a PKCS#1 "RSA PUBLIC
 * KEY", explicit curve parameters): a key is only usable when the verifier's own strict
 * check, for the family describe() found, says so too. */
static bool verifier_accepts(struct cli_check *ck, const char *kid, const char *path,
			     const char *pem, size_t len)
{
	static const cg_alg family[] = {CG_ALG_ES256, CG_ALG_ES384, CG_ALG_ES512, CG_ALG_RS256};
	char detail[CG_DETAIL_MAX] = "";
	cg_reason r = CG_CONFIG_ERROR;
	for (size_t i = 0; i < sizeof(family) / sizeof(family[0]); i++) {
		detail[0] = '\0';
		r = cg_token_key_fits(path, kid, family[i], pem, len, detail, sizeof(detail));
		if (r == CG_OK)
			return true;
		/* a fault in the file itself (framing, a malformed key of its own family)
		 * answers for every family: report it, with its own reason and words */
		if (r == CG_CONFIG_ERROR)
			break;
	}
	cli_problem(ck, "key %s: every verify would refuse it (%s): %s", kid, cg_reason_code(r),
		    detail);
	return false;
}

/* One <kid>.pem: trusted, public, parseable. Returns whether it can verify tokens. */
static bool check_key_file(struct cli_check *ck, const char *dir, const char *name)
{
	char *safe = cli_escape(name);
	char path[PATH_MAX], err[512];
	char *pem = NULL;
	size_t len = 0;
	bool usable = false;
	if (safe == NULL)
		return false;
	size_t stem = strlen(name) - 4;
	char kid[CG_KID_MAX + 2];
	snprintf(kid, sizeof(kid), "%.*s", (int)(stem < sizeof(kid) ? stem : sizeof(kid) - 1),
		 name);
	if (stem > CG_KID_MAX || !cli_valid_kid(kid)) {
		cli_problem(ck, "%s/%s: no token can name it: a kid must match "
			    "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", dir, safe);
		goto out;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		cli_problem(ck, "%s/%s: path too long", dir, safe);
		goto out;
	}
	if (cg_read_trusted_file(path, CG_KEY_FILE_MAX, &pem, &len, err, sizeof(err)) != 0) {
		cli_problem(ck, "key %s: %s", kid, err);
		goto out;
	}
	if (strstr(pem, "PRIVATE KEY") != NULL) {
		cli_problem(ck, "key %s: %s holds a private key; only public keys belong on hosts",
			    kid, path);
		goto out;
	}
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	if (key == NULL) {
		cli_problem(ck, "key %s: %s is not a PEM public key", kid, path);
		goto out;
	}
	usable = describe(ck, kid, key);
	EVP_PKEY_free(key);
	if (usable && !verifier_accepts(ck, kid, path, pem, len))
		usable = false;
out:
	if (pem != NULL)
		cg_wipe_free(pem, len + 1);
	free(safe);
	return usable;
}

static void check_emergency_keys(struct cli_check *ck, const struct cg_strlist *names)
{
	const struct cg_strlist *em = &ck->cfg->emergency_keys;
	for (size_t i = 0; i < em->count; i++) {
		char file[CG_KID_MAX + 8];
		snprintf(file, sizeof(file), "%s.pem", em->items[i]);
		if (!cg_strlist_contains(names, file))
			cli_problem(ck, "emergency_keys names %s, but %s/%s does not exist",
				    em->items[i], ck->cfg->keys_dir, file);
	}
}

void cli_check_keys(struct cli_check *ck)
{
	const char *dir = ck->cfg->keys_dir;
	char err[512];
	if (dir == NULL) {
		cli_problem(ck, "keys_dir is not set");
		return;
	}
	if (cg_check_trusted_dir(dir, err, sizeof(err)) != 0) {
		cli_problem_file(ck, "keys_dir", dir, errno, err, "no token can be verified, every "
				 "gated user is refused", "install -d -o root -g root -m 0755",
				 "then install the issuer's public keys in it as <kid>.pem");
		return;
	}
	struct cg_strlist names = { 0 };
	if (list_pem(dir, &names, ck) != 0)
		return;
	size_t usable = 0;
	for (size_t i = 0; i < names.count; i++)
		if (check_key_file(ck, dir, names.items[i]))
			usable++;
	if (usable == 0)
		cli_problem(ck, "keys_dir %s holds no key that the configured algorithms can use: "
			    "every token will be denied", dir);
	check_emergency_keys(ck, &names);
	cg_strlist_free(&names);
}
