/* The signed revocation list in the core: the two claim profiles (a list is never a token,
 * a token never a list), the decision's reasons (revocation_invalid, _stale, _rollback,
 * revoked), the verified index bound to the list and key files, and install's rules. */
#include "config.h"

/* this file defines open() (swap_after_open below): the fortified inline one must not be
 * declared here */
#undef _FORTIFY_SOURCE

#include <fcntl.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core_fixture.h"
#include "revocation_list.h"
#include "test_token.h"

static char list_path[400];
/* lists signed with the fixture's second ES256 key (es256-c), unless a test says otherwise,
 * so that replacing that key file leaves the tokens (es256-a) valid */
static bool sign_with_c;

/* A list payload at tfx.now + shift, valid for ttl seconds; extra members raw (or ""). */
static char *list_text(long long seq, long long shift, long long ttl, const char *chg,
		       const char *jti, const char *extra)
{
	char payload[2048], header[128];
	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"https://change.example.test\",\"aud\":\"prod-test\",\"iat\":%lld,"
		 "\"exp\":%lld,\"revocations\":{\"seq\":%lld,\"chg\":%s,\"jti\":%s}%s}",
		 (long long)tfx.now + shift, (long long)tfx.now + shift + ttl, seq, chg, jti,
		 extra);
	snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
		 sign_with_c ? "es256-c" : tfx_kid("ES256"));
	char *t = cg_test_sign(sign_with_c ? tfx.es256c : tfx.es256, "ES256", header, payload);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

/* Writes text as the list in force, in place (same inode) when it exists. */
static void put_list(const char *text)
{
	int fd = open(list_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	CU_ASSERT_EQUAL(close(fd), 0);
}

/* put_list, then one fixed mtime: two texts of one size put so differ in content alone. */
static void put_list_backdated(const char *text)
{
	put_list(text);
	struct timespec then[2] = {{1000000000, 0}, {1000000000, 0}};
	CU_ASSERT_EQUAL(utimensat(AT_FDCWD, list_path, then, 0), 0);
}

static void use_list(const char *extra)
{
	char conf[1024];
	snprintf(conf, sizeof(conf), "revocation_list = %s\n%s", list_path, extra);
	CU_ASSERT_EQUAL_FATAL(tfx_config(conf), 0);
}

static void clear_state(void)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/revocation_list.seq", tfx.env.state_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/revocation_list.idx", tfx.env.state_dir);
	unlink(p);
}

static bool index_exists(void)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof(p), "%s/revocation_list.idx", tfx.env.state_dir);
	return stat(p, &st) == 0;
}

static cg_reason verify_text(const char *text)
{
	struct cg_revlist_info info;
	char detail[CG_DETAIL_MAX];
	return cg_revlist_verify(&tfx.cfg, text, strlen(text), tfx.now, &info, detail,
				 sizeof(detail));
}

static void expect_list(long long seq, const char *chg, const char *jti, const char *extra,
			cg_reason want)
{
	char *t = list_text(seq, 0, 3600, chg, jti, extra);
	ASSERT_REASON(verify_text(t), want);
	free(t);
}

static void test_profiles(void)
{
	use_list("");
	expect_list(1, "[\"CHG1\"]", "[\"j-1\"]", "", CG_OK);
	/* a list carries none of a token's claims, and nothing else unknown */
	expect_list(1, "[]", "[]", ",\"sub\":\"alice\"", CG_REVOCATION_INVALID);
	expect_list(1, "[]", "[]", ",\"jti\":\"x\"", CG_REVOCATION_INVALID);
	expect_list(1, "[]", "[]", ",\"scope\":[\"login\"]", CG_REVOCATION_INVALID);
	expect_list(1, "[]", "[]", ",\"nbf\":1", CG_REVOCATION_INVALID);
	/* seq: a positive JSON integer */
	expect_list(0, "[]", "[]", "", CG_REVOCATION_INVALID);
	expect_list(9007199254740992LL, "[]", "[]", "", CG_REVOCATION_INVALID);
	/* ids: the verifier's id alphabet and lengths */
	expect_list(1, "[\"CHG 1\"]", "[]", "", CG_REVOCATION_INVALID);
	expect_list(1, "[1]", "[]", "", CG_REVOCATION_INVALID);
	expect_list(1, "\"CHG1\"", "[]", "", CG_REVOCATION_INVALID);
	char jti[200];
	memset(jti, 'a', 131);
	jti[0] = '[';
	jti[1] = '"';
	memcpy(jti + 131, "\"]", 3);
	expect_list(1, "[]", jti, "", CG_REVOCATION_INVALID);
	/* a token is not a list */
	struct cg_test_claims c;
	tfx_claims(&c);
	char *tok = tfx_mint("ES256", &c);
	ASSERT_REASON(verify_text(tok), CG_REVOCATION_INVALID);
	free(tok);
	/* and a list is not a token: a payload with "revocations" is bad_claim */
	tfx_claims(&c);
	c.extra_json = "\"revocations\":{\"seq\":1,\"chg\":[],\"jti\":[]}";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	/* revocation_kids: only the named keys sign lists */
	use_list("revocation_kids = rsa\n");
	expect_list(1, "[]", "[]", "", CG_REVOCATION_INVALID);
}

static void test_decisions(void)
{
	use_list("");
	clear_state();
	struct cg_test_claims c;
	tfx_claims(&c);
	unlink(list_path);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	char *t = list_text(3, 0, 3600, "[\"CHG0012345\"]", "[]", "");
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_REVOKED);
	c.chg = "CHG0012346";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* by jti, and only as a jti */
	c.jti = "jti-listed";
	t = list_text(4, 0, 3600, "[\"jti-other\"]", "[\"jti-listed\"]", "");
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOKED);
	c.jti = "jti-other";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* judged at a clock before its iat, from its index too: not a list of that moment */
	struct cg_request req;
	c.iat = c.nbf = tfx.now - 3600;
	char *tok = tfx_mint("ES256", &c);
	tfx_request(&req, CG_SCOPE_LOGIN);
	ASSERT_REASON(tfx_verify(tok, &req), CG_OK);
	req.now -= 600;
	ASSERT_REASON(tfx_verify(tok, &req), CG_REVOCATION_INVALID);
	free(tok);
	/* seq 4 was seen valid: it is the floor now, and seq 3 is a rollback */
	long long seq = 0;
	CU_ASSERT_EQUAL(cg_revlist_seq_read(tfx.env.state_dir, &seq), 0);
	CU_ASSERT_EQUAL(seq, 4);
	t = list_text(3, 0, 3600, "[]", "[]", "");
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_ROLLBACK);
	/* past exp + leeway: stale */
	t = list_text(5, -7200, 3600, "[]", "[]", "");
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_STALE);
	/* a broken signature */
	t = list_text(6, 0, 3600, "[]", "[]", "");
	t[strlen(t) - 2] = t[strlen(t) - 2] == 'A' ? 'B' : 'A';
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	/* a list others may write */
	t = list_text(6, 0, 3600, "[]", "[]", "");
	put_list(t);
	free(t);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	CU_ASSERT_EQUAL(chmod(list_path, 0666), 0);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	CU_ASSERT_EQUAL(chmod(list_path, 0644), 0);
	clear_state();
}

/* The lists' key file (es256-c.pem) set aside and replaced by a new file holding the key in
 * pem_path (itself: the same key in another file); restore_list_key puts it back. */
static void replace_list_key(const char *pem_path)
{
	char key[512], saved[512];
	snprintf(key, sizeof(key), "%s/es256-c.pem", tfx.env.keys_dir);
	snprintf(saved, sizeof(saved), "%s/saved.pem.keep", tfx.env.dir);
	size_t klen = 0;
	char *pem = cf_read(pem_path, &klen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pem);
	CU_ASSERT_EQUAL_FATAL(rename(key, saved), 0);
	CU_ASSERT_EQUAL(cf_write(tfx.env.keys_dir, "es256-c.pem", pem, klen, 0644, NULL, 0), 0);
	free(pem);
}

static void restore_list_key(void)
{
	char key[512], saved[512];
	snprintf(key, sizeof(key), "%s/es256-c.pem", tfx.env.keys_dir);
	snprintf(saved, sizeof(saved), "%s/saved.pem.keep", tfx.env.dir);
	CU_ASSERT_EQUAL_FATAL(rename(saved, key), 0);
}

/* The race of a key rotation with a verification, made deterministic: this open() stands
 * in for libc's in the whole test binary, and once armed, right after it opened swap_path it
 * replaces that file by a new one holding swap_pem (the verifier holds the old file open). */
static char swap_path[512], swap_pem[512];

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
	if (fd >= 0 && swap_path[0] != '\0' && strcmp(path, swap_path) == 0) {
		swap_path[0] = '\0';
		replace_list_key(swap_pem);
	}
	return fd;
}

/* A fresh state and two lists signed with es256-c, of exactly the same size (only the one
 * chg differs: CHG0000000 in a, CHG0012345 in b), a put in force; jti is both lists' ids. */
static void two_lists(struct cg_test_claims *c, const char *jti, char **a, char **b)
{
	use_list("");
	clear_state();
	tfx_claims(c);
	sign_with_c = true;
	*a = list_text(7, 0, 3600, "[\"CHG0000000\"]", jti, "");
	*b = list_text(7, 0, 3600, "[\"CHG0012345\"]", jti, "");
	CU_ASSERT_EQUAL_FATAL(strlen(*a), strlen(*b));
	put_list_backdated(*a);
}

/* The index must never answer for a list or key that changed. */
static void test_cache_invalidation(void)
{
	struct cg_test_claims c;
	char *a, *b;
	two_lists(&c, "[]", &a, &b);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	CU_ASSERT(index_exists());
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* other content, same inode, size and mtime */
	put_list_backdated(b);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOKED);
	put_list(a);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* the list's key file replaced by another key under the same kid: the list no longer
	 * verifies (the token, signed by es256-a, still does) */
	char other[512];
	snprintf(other, sizeof(other), "%s/%s.pem", tfx.env.keys_dir, tfx_kid("ES256"));
	replace_list_key(other);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	restore_list_key();
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	/* the settings that judged it changed: revocation_kids no longer names the signer */
	use_list("revocation_kids = rsa\n");
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	sign_with_c = false;
	free(a);
	free(b);
	clear_state();
}

/* cg_revlist_check_indexed, what the sudo front end asks without libcrypto: it decides only
 * from an index bound to the list in place and its key, and then as the full check would. */
static void expect_indexed(const char *jti, const char *chg, time_t now, cg_reason want,
			   bool want_decided)
{
	char detail[CG_DETAIL_MAX];
	bool decided = !want_decided;
	ASSERT_REASON(cg_revlist_check_indexed(&tfx.cfg, jti, chg, now, &decided, detail,
					       sizeof(detail)), want);
	CU_ASSERT_EQUAL(decided, want_decided);
}

static void test_indexed_only(void)
{
	struct cg_test_claims c;
	char *a, *b;
	two_lists(&c, "[\"jti-gone\"]", &a, &b);
	/* never verified: no index, so nothing is decided */
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_CONFIG_ERROR, false);
	/* verified once (and indexed): decided from the index, by chg and by jti */
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_OK, true);
	expect_indexed("jti-x", "CHG0000000", tfx.now, CG_REVOKED, true);
	expect_indexed("jti-gone", "CHG0012345", tfx.now, CG_REVOKED, true);
	/* judged as the full check would: stale after its exp */
	expect_indexed("jti-x", "CHG0012345", tfx.now + 7200, CG_REVOCATION_STALE, true);
	/* other content in the same file, same size and mtime: the signature tells, undecided */
	put_list_backdated(b);
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_CONFIG_ERROR, false);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOKED);
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_REVOKED, true);
	/* the key file that verified it replaced: undecided */
	char same[512];
	snprintf(same, sizeof(same), "%s/es256-c.pem", tfx.env.keys_dir);
	replace_list_key(same);
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_CONFIG_ERROR, false);
	restore_list_key();
	/* no list file: decided, as the full check would refuse it */
	unlink(list_path);
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_REVOCATION_INVALID, true);
	sign_with_c = false;
	free(a);
	free(b);
	clear_state();
}

/* The list's key file replaced while a verification held the old one open: the index it
 * writes is bound to the key file that verified the list, never to the one found after, so
 * the index is not believed for a list the key now in place does not verify. */
static void test_key_swapped_during_verification(void)
{
	struct cg_test_claims c;
	char *a, *b;
	two_lists(&c, "[]", &a, &b);
	snprintf(swap_path, sizeof(swap_path), "%s/es256-c.pem", tfx.env.keys_dir);
	snprintf(swap_pem, sizeof(swap_pem), "%s/%s.pem", tfx.env.keys_dir, tfx_kid("ES256"));
	/* verified with the old key (held open), indexed */
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	CU_ASSERT_FATAL(swap_path[0] == '\0'); /* the swap happened */
	/* es256-c.pem now holds another key, under which the list does not verify */
	expect_indexed("jti-x", "CHG0012345", tfx.now, CG_CONFIG_ERROR, false);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_REVOCATION_INVALID);
	restore_list_key();
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	sign_with_c = false;
	free(a);
	free(b);
	clear_state();
}

static cg_reason install(const char *text, bool *unchanged)
{
	struct cg_revlist_info info;
	char detail[CG_DETAIL_MAX];
	return cg_revlist_install(&tfx.cfg, text, strlen(text), tfx.now, &info, unchanged, detail,
				  sizeof(detail));
}

static void test_install(void)
{
	use_list("");
	clear_state();
	unlink(list_path);
	bool unchanged = true;
	char *l2 = list_text(2, 0, 3600, "[\"CHG1\"]", "[]", "");
	ASSERT_REASON(install(l2, &unchanged), CG_OK);
	CU_ASSERT_FALSE(unchanged);
	struct stat st;
	CU_ASSERT_EQUAL(stat(list_path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	long long seq = 0;
	CU_ASSERT_EQUAL(cg_revlist_seq_read(tfx.env.state_dir, &seq), 0);
	CU_ASSERT_EQUAL(seq, 2);
	CU_ASSERT(index_exists());
	ASSERT_REASON(install(l2, &unchanged), CG_OK);
	CU_ASSERT(unchanged);
	char *other = list_text(2, 0, 3600, "[\"CHG2\"]", "[]", "");
	ASSERT_REASON(install(other, &unchanged), CG_REVOCATION_ROLLBACK);
	char *l1 = list_text(1, 0, 3600, "[]", "[]", "");
	ASSERT_REASON(install(l1, &unchanged), CG_REVOCATION_ROLLBACK);
	char *stale = list_text(3, -7200, 3600, "[]", "[]", "");
	ASSERT_REASON(install(stale, &unchanged), CG_REVOCATION_STALE);
	/* the record lost: the installed list's own seq still sets the floor */
	clear_state();
	ASSERT_REASON(install(l1, &unchanged), CG_REVOCATION_ROLLBACK);
	free(l1);
	free(l2);
	free(other);
	free(stale);
	clear_state();
	unlink(list_path);
}

int test_token_revlist_register(void)
{
	snprintf(list_path, sizeof(list_path), "%s/revoked.jws", tfx.env.dir);
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("signed revocation list", NULL, NULL,
							   tfx_reset, tfx_noop);
	if (s == NULL)
		return -1;
	if (CU_add_test(s, "list and token profiles", test_profiles) == NULL ||
	    CU_add_test(s, "decisions", test_decisions) == NULL ||
	    CU_add_test(s, "index bound to list and key", test_cache_invalidation) == NULL ||
	    CU_add_test(s, "decided from the index alone", test_indexed_only) == NULL ||
	    CU_add_test(s, "key swapped during a verification",
			test_key_swapped_during_verification) == NULL ||
	    CU_add_test(s, "install", test_install) == NULL)
		return -1;
	return 0;
}
