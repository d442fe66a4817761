/*
 * Token buffers leave the core wiped. The binary is linked with -Wl,--wrap=free and
 * -Wl,--wrap=realloc, so every free() and realloc() in the objects linked into it (the core
 * from libcgcore.la, the test helpers, this file) goes through the wrappers below first; they
 * scan the whole block being released (malloc_usable_size) for two markers of the token in
 * play: a run of its signature's base64url text, and a run of the signature's raw bytes. The
 * tests drive every core call that handles a token and require zero hits; the control test
 * shows that an unwiped copy is caught.
 *
 * Not covered: libraries called by the core free with their own references to free(), which
 * the link does not wrap. libjwt 1.10's jwt_decode is the one that sees the token: it
 * strdup()s the whole token, base64-decodes header, payload and signature into buffers of its
 * own, and frees all of them without wiping (docs/security.md). jansson frees only the decoded
 * header and payload, which hold no part of the signature.
 *
 * glibc's M_PERTURB fills every freed block, libjwt's included, so that a block the core
 * allocates later cannot carry an old token in its unused tail and be blamed for it. glibc's
 * per-thread cache skips that fill, so the test runs with the cache off (a tunable read at
 * start-up: the test re-executes itself once with it set).
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

/* cppcheck cannot evaluate __has_include; it checks the fallback */
#if defined(__has_include) && !defined(__CPPCHECK__)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#endif
#endif
#ifndef VALGRIND_MAKE_MEM_DEFINED
#define VALGRIND_MAKE_MEM_DEFINED(p, n) ((void)(p), (void)(n))
#endif

#include "changegate.h"
#include "core_fixture.h"
#include "testlib.h"

#define TEXT_MARK_LEN 24        /* base64url characters of the signature */
#define RAW_MARK_LEN 16         /* raw signature bytes */

/* ---- the wrappers ------------------------------------------------------------------------ */

void __real_free(void *p);
void *__real_realloc(void *p, size_t n);
void __wrap_free(void *p);
void *__wrap_realloc(void *p, size_t n);

static char text_mark[TEXT_MARK_LEN];
static unsigned char raw_mark[RAW_MARK_LEN];
static bool marking;
static unsigned hits;

/* Hits in [p, p + n): one per marker found. */
static unsigned scan(const void *p, size_t n)
{
	if (!marking || p == NULL || n == 0)
		return 0;
	/* parts of a block may never have been written (a decode buffer's slack): memcheck
	 * would report the comparisons, and the block is about to be released anyway */
	VALGRIND_MAKE_MEM_DEFINED(p, n);
	return (memmem(p, n, text_mark, sizeof(text_mark)) != NULL) +
	       (memmem(p, n, raw_mark, sizeof(raw_mark)) != NULL);
}

void __wrap_free(void *p)
{
	if (p != NULL)
		hits += scan(p, malloc_usable_size(p));
	__real_free(p);
}

/* A realloc releases the old block when it moves it, and the tail when it shrinks it in
 * place; realloc(p, 0) releases it all. */
void *__wrap_realloc(void *p, size_t n)
{
	if (p == NULL)
		return __real_realloc(p, n);
	size_t old = malloc_usable_size(p);
	unsigned whole = scan(p, old);
	unsigned tail = n < old ? scan((char *)p + n, old - n) : 0;
	void *q = __real_realloc(p, n);
	if (n == 0 || (q != NULL && q != p))
		hits += whole;
	else if (q == p)
		hits += tail;
	return q;
}

/* ---- the token in play ------------------------------------------------------------------- */

static struct cg_test_env env;
static EVP_PKEY *key, *stranger;
static struct cg_config cfg;

static int b64url_val(char c)
{
	const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *at = c != '\0' ? strchr(abc, c) : NULL;
	return at != NULL ? (int)(at - abc) : -1;
}

/* Marks token's signature (and assumes it is one, signed by the test: fatal otherwise). */
static void mark(const char *token)
{
	const char *sig = strrchr(token, '.');
	CU_ASSERT_PTR_NOT_NULL_FATAL(sig);
	sig++;
	size_t len = strlen(sig);
	CU_ASSERT_FATAL(len >= 8 + TEXT_MARK_LEN);
	memcpy(text_mark, sig + 8, TEXT_MARK_LEN);

	unsigned char raw[1024];
	size_t n = 0;
	unsigned long acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len && n < sizeof(raw); i++) {
		int v = b64url_val(sig[i]);
		CU_ASSERT_FATAL(v >= 0);
		acc = acc << 6 | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			raw[n++] = (unsigned char)(acc >> bits);
		}
	}
	CU_ASSERT_FATAL(n >= 8 + RAW_MARK_LEN);
	memcpy(raw_mark, raw + 8, RAW_MARK_LEN);
	marking = true;
	hits = 0;
}

static void unmark(void)
{
	marking = false;
	hits = 0;
}

static char *mint_with(EVP_PKEY *k, const char *kid, void (*tweak)(struct cg_test_claims *))
{
	struct cg_test_claims c;
	cg_test_claims_default(&c, "alice", time(NULL));
	if (tweak != NULL)
		tweak(&c);
	char *t = cg_test_mint(k, "ES256", kid, &c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

static char *mint(void (*tweak)(struct cg_test_claims *))
{
	return mint_with(key, "wipe-1", tweak);
}

/* One verification, with the token marked: the reason must be want, the core must free
 * no copy of the token unwiped. */
static void verify_as(const char *token, size_t len, cg_scope scope, const char *user,
		      cg_replay_mode replay, cg_reason want)
{
	static const char *const argv[] = {"/usr/bin/systemctl", "restart", "nginx"};
	struct cg_request req = {
		.scope = scope,
		.user = user,
		.argv = scope == CG_SCOPE_SUDO ? argv : NULL,
		.argc = scope == CG_SCOPE_SUDO ? 3 : 0,
		.runas_user = scope == CG_SCOPE_SUDO ? "root" : NULL,
		.runas_uid = 0,
		.cwd = "/",
		.now = time(NULL),
		.replay = replay,
	};
	struct cg_decision d;

	mark(token);
	cg_reason r = cg_verify_token(&cfg, token, len, &req, &d);
	cg_decision_free(&d);
	if (r != want || hits != 0)
		fprintf(stderr, "verify: %s (want %s), %u hits\n", cg_reason_code(r),
			cg_reason_code(want), hits);
	CU_ASSERT_EQUAL(r, want);
	CU_ASSERT_EQUAL(hits, 0);
	unmark();
}

static void verify(const char *token, const char *user, cg_reason want)
{
	verify_as(token, strlen(token), CG_SCOPE_LOGIN, user, CG_REPLAY_PEEK, want);
}

/* ---- the tests --------------------------------------------------------------------------- */

/* Keeps the compiler from dropping stores into a block that is freed next (dead stores). */
static void keep(const void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* The wrappers do catch what is not wiped: a copy of the text, of the raw bytes, and a
 * block released by realloc; a wiped copy passes. */
static void test_control(void)
{
	char *token = mint(NULL);

	mark(token);
	char *copy = strdup(token);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	keep(copy);
	free(copy);
	CU_ASSERT_EQUAL(hits, 1);

	hits = 0;
	unsigned char *raw = malloc(64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(raw);
	memset(raw, 0, 64);
	memcpy(raw + 20, raw_mark, RAW_MARK_LEN);
	keep(raw);
	free(raw);
	CU_ASSERT_EQUAL(hits, 1);

	hits = 0;
	copy = strdup(token);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	keep(copy);
	CU_ASSERT_PTR_NULL(realloc(copy, 0));
	CU_ASSERT_EQUAL(hits, 1);

	hits = 0;
	copy = strdup(token);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	cg_wipe_free_str(copy);
	CU_ASSERT_EQUAL(hits, 0);
	unmark();
	free(token);
}

/* cmds is an allow list: the sudo request below must be named */
static void covering(struct cg_test_claims *c)
{
	c->cmds_json = "[\"/usr/bin/systemctl restart nginx\"]";
}

static void test_verify_valid(void)
{
	char *token = mint(covering);
	verify(token, "alice", CG_OK);
	verify_as(token, strlen(token), CG_SCOPE_SUDO, "alice", CG_REPLAY_PEEK, CG_OK);
	/* redeemed (single_use = always), then refused as replayed past the signature */
	verify_as(token, strlen(token), CG_SCOPE_LOGIN, "alice", CG_REPLAY_REDEEM, CG_OK);
	verify_as(token, strlen(token), CG_SCOPE_LOGIN, "alice", CG_REPLAY_REDEEM, CG_REPLAYED);
	free(token);
}

static void expired(struct cg_test_claims *c)
{
	c->iat = c->nbf = time(NULL) - 7200;
	c->exp = time(NULL) - 3600;
}

static void scoped(struct cg_test_claims *c)
{
	c->cmds_json = "[\"/usr/bin/journalctl *\"]";
}

/* Denials at every step after the copy: the signature, the claims, the scope. */
static void test_verify_denied(void)
{
	char *token = mint(NULL);
	verify(token, "bob", CG_WRONG_USER);
	/* the signature's last characters changed: the marked middle stays */
	char *bad = strdup(token);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	size_t n = strlen(bad);
	bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
	bad[n - 3] = bad[n - 3] == 'A' ? 'B' : 'A';
	verify(bad, "alice", CG_BAD_SIGNATURE);
	/* a header that is not base64url, with the real payload and signature */
	bad[0] = '*';
	verify(bad, "alice", CG_MALFORMED);
	free(bad);
	free(token);

	token = mint(expired);
	verify(token, "alice", CG_EXPIRED);
	free(token);
	token = mint(scoped);
	verify_as(token, strlen(token), CG_SCOPE_SUDO, "alice", CG_REPLAY_PEEK,
		  CG_COMMAND_DENIED);
	free(token);
	token = mint_with(stranger, "wipe-gone", NULL);
	verify(token, "alice", CG_UNKNOWN_KEY);
	free(token);
}

static void test_verify_too_large(void)
{
	char *token = mint(NULL);
	size_t n = strlen(token), big = CG_TOKEN_MAX + 100;
	char *huge = malloc(big + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
	memset(huge, 'A', big);
	memcpy(huge, token, n);
	huge[big] = '\0';
	verify(huge, "alice", CG_TOO_LARGE);
	free(huge);
	free(token);
}

static void test_inspect(void)
{
	char *token = mint(NULL), *header = NULL, *payload = NULL;

	mark(token);
	CU_ASSERT_EQUAL(cg_token_inspect(token, strlen(token), &header, &payload), CG_OK);
	CU_ASSERT_EQUAL(hits, 0);
	CU_ASSERT_PTR_NOT_NULL(header);
	CU_ASSERT_PTR_NOT_NULL(payload);
	/* the pretty-printed texts are the caller's; they hold no part of the signature */
	free(header);
	free(payload);
	CU_ASSERT_EQUAL(hits, 0);
	unmark();
	free(token);
}

/* A token file through the core's reader, as the CLI and sudo's CHANGEGATE_TOKEN_FILE do. */
static void test_trusted_file(void)
{
	char *token = mint(NULL), path[512], err[256];
	snprintf(path, sizeof(path), "%s/token", env.dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(fprintf(f, "%s\n", token) > 0);
	CU_ASSERT_EQUAL_FATAL(fclose(f), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0600), 0);

	mark(token);
	char *buf = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(cg_read_trusted_file(path, CG_TOKEN_MAX + 2, &buf, &len, err,
						   sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(buf, token));
	cg_wipe_free(buf, len + 1);
	CU_ASSERT_EQUAL(hits, 0);
	/* over the cap: refused, nothing left behind */
	buf = NULL;
	CU_ASSERT_EQUAL(cg_read_trusted_file(path, 16, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(buf);
	CU_ASSERT_EQUAL(hits, 0);
	unmark();
	CU_ASSERT_EQUAL(remove(path), 0);
	free(token);
}

/* The login record: written, read back, read by the wrong user, removed. */
static void test_session_record(void)
{
	char *token = mint(NULL);
	size_t n = strlen(token);
	struct cg_login_record rec = { .sessionid = 4242, .user = "alice",
				       .ticket = { .scopes = CG_SCOPE_LOGIN },
				       .token = token, .token_len = n };
	struct cg_login_record back;

	mark(token);
	CU_ASSERT_EQUAL_FATAL(cg_login_record_write(env.run_dir, &rec), 0);
	CU_ASSERT_EQUAL(hits, 0);
	CU_ASSERT_EQUAL_FATAL(cg_login_record_read(env.run_dir, 4242, "alice", &back, NULL, 0),
			      0);
	CU_ASSERT_EQUAL(back.token_len, n);
	CU_ASSERT(back.token != NULL && memcmp(back.token, token, n) == 0);
	cg_login_record_free(&back);
	CU_ASSERT_EQUAL(cg_login_record_read(env.run_dir, 4242, "bob", &back, NULL, 0), -1);
	CU_ASSERT_PTR_NULL(back.token);
	CU_ASSERT_EQUAL(cg_login_record_remove(env.run_dir, 4242), 0);
	CU_ASSERT_EQUAL(hits, 0);
	unmark();
	free(token);
}

#define NO_TCACHE "glibc.malloc.tcache_count=0"

/* Re-executes the test with glibc's per-thread cache off, unless it already is. Should the
 * exec fail, the test goes on: a stale tail could then only make it fail, never pass. */
static void without_tcache(char **argv)
{
	const char *t = getenv("GLIBC_TUNABLES");
	char value[512];

	if (t != NULL && strstr(t, NO_TCACHE) != NULL)
		return;
	int n = t != NULL && t[0] != '\0' ? snprintf(value, sizeof(value), "%s:%s", t, NO_TCACHE)
					   : snprintf(value, sizeof(value), "%s", NO_TCACHE);
	if (n < 0 || (size_t)n >= sizeof(value) || setenv("GLIBC_TUNABLES", value, 1) != 0)
		return;
	/* argv[0], not /proc/self/exe: under valgrind the latter is valgrind itself */
	execv(strchr(argv[0], '/') != NULL ? argv[0] : "/proc/self/exe", argv);
	fprintf(stderr, "test_wipe: re-exec without the malloc cache failed: %s\n",
		strerror(errno));
}

int main(int argc, char **argv)
{
	(void)argc;
	without_tcache(argv);
	/* freed blocks filled with 0x5a: no stale token in a tail (see the top of the file) */
	mallopt(M_PERTURB, 0x5a);
	if (cg_test_env_init(&env) != 0) {
		fprintf(stderr, "cannot create the test tree\n");
		return 1;
	}
	key = cg_test_keygen(&env, "ES256", "wipe-1");
	stranger = cg_test_keygen(&env, "ES256", "wipe-gone");
	char gone[400];
	snprintf(gone, sizeof(gone), "%s/wipe-gone.pem", env.keys_dir);
	int rc = 1;
	if (key == NULL || stranger == NULL || remove(gone) != 0 ||
	    cg_test_write_config(&env, "single_use = always\n") != 0 ||
	    cg_test_load_config(&env, &cfg) != 0) {
		fprintf(stderr, "cannot set up the keys and config\n");
		goto out;
	}
	static const struct cf_test tests[] = {
		{"the wrappers catch an unwiped copy (control)", test_control},
		{"verify: allowed, redeemed, replayed", test_verify_valid},
		{"verify: denied at each step", test_verify_denied},
		{"verify: too large", test_verify_too_large},
		{"inspect", test_inspect},
		{"a token file through cg_read_trusted_file", test_trusted_file},
		{"login ticket records", test_session_record},
		{NULL, NULL},
	};
	rc = cf_run("token wiping", tests);
	cg_config_free(&cfg);
out:
	EVP_PKEY_free(key);
	EVP_PKEY_free(stranger);
	cg_test_env_cleanup(&env);
	return rc;
}
