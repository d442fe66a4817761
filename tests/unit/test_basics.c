/* The lead's basics: reason codes, string lists, wiping, sanitising, trusted files. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static void test_reasons(void)
{
	static const char *const codes[] = {
		"config_error", "ok", "no_token", "malformed", "too_large", "bad_alg", "unknown_key",
		"bad_signature", "bad_issuer", "bad_audience", "wrong_user", "expired",
		"not_yet_valid", "lifetime_too_long", "missing_claim", "bad_claim",
		"self_approved", "scope_denied", "host_denied", "command_denied", "runas_denied",
		"key_mismatch", "revoked", "replayed", "revocation_invalid", "revocation_stale",
		"revocation_rollback", "reaper_down",
	};
	CU_ASSERT_EQUAL_FATAL(sizeof(codes) / sizeof(codes[0]), CG_REASON_COUNT);
	for (unsigned i = 0; i < CG_REASON_COUNT; i++) {
		CU_ASSERT_STRING_EQUAL(cg_reason_code((cg_reason)i), codes[i]);
		const char *s = cg_reason_summary((cg_reason)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_TRUE(strlen(s) > 10);
		cg_reason back = CG_REASON_COUNT;
		CU_ASSERT_TRUE(cg_reason_from_code(codes[i], &back));
		CU_ASSERT_EQUAL(back, (cg_reason)i);
		for (unsigned j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(cg_reason_summary((cg_reason)j), s);
	}
	/* zero-initialised decisions must deny */
	CU_ASSERT_EQUAL(CG_CONFIG_ERROR, 0);
	CU_ASSERT_NOT_EQUAL(CG_OK, 0);
	CU_ASSERT_STRING_EQUAL(cg_reason_code(CG_REASON_COUNT), "unknown");
	CU_ASSERT_STRING_EQUAL(cg_reason_code((cg_reason)-1), "unknown");
	CU_ASSERT_STRING_EQUAL(cg_reason_summary((cg_reason)999), "unknown reason");
	cg_reason r = CG_OK;
	CU_ASSERT_FALSE(cg_reason_from_code("OK", &r));
	CU_ASSERT_FALSE(cg_reason_from_code("unknown", &r));
	CU_ASSERT_FALSE(cg_reason_from_code("expired ", &r));
	CU_ASSERT_FALSE(cg_reason_from_code("", &r));
	CU_ASSERT_FALSE(cg_reason_from_code(NULL, &r));
	CU_ASSERT_EQUAL(r, CG_OK);
}

static void test_strlist(void)
{
	struct cg_strlist l = {0};
	char item[16];
	for (int i = 0; i < CG_LIST_MAX; i++) {
		snprintf(item, sizeof(item), "i%d", i);
		CU_ASSERT_EQUAL(cg_strlist_add(&l, item), 0);
	}
	CU_ASSERT_EQUAL(cg_strlist_add(&l, "one-too-many"), -1);
	CU_ASSERT_EQUAL(l.count, CG_LIST_MAX);
	CU_ASSERT_TRUE(cg_strlist_contains(&l, "i63"));
	CU_ASSERT_FALSE(cg_strlist_contains(&l, "i64"));
	CU_ASSERT_FALSE(cg_strlist_contains(&l, "i"));
	CU_ASSERT_FALSE(cg_strlist_contains(&l, NULL));
	CU_ASSERT_FALSE(cg_strlist_contains(NULL, "i1"));
	CU_ASSERT_EQUAL(cg_strlist_add(&l, NULL), -1);

	struct cg_strlist c;
	CU_ASSERT_EQUAL(cg_strlist_copy(&c, &l), 0);
	CU_ASSERT_EQUAL(c.count, l.count);
	CU_ASSERT_STRING_EQUAL(c.items[5], "i5");
	CU_ASSERT_PTR_NOT_EQUAL(c.items[5], l.items[5]); /* a deep copy */
	cg_strlist_free(&c);
	cg_strlist_free(&l);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_PTR_NULL(l.items);
	cg_strlist_free(&l);
	cg_strlist_free(NULL);
	CU_ASSERT_EQUAL(cg_strlist_copy(&c, NULL), 0);
	CU_ASSERT_EQUAL(c.count, 0);

	CU_ASSERT_EQUAL(cg_strlist_split(&l, ",, a,b  c,,", ", "), 0);
	CU_ASSERT_EQUAL_FATAL(l.count, 3);
	CU_ASSERT_STRING_EQUAL(l.items[0], "a");
	CU_ASSERT_STRING_EQUAL(l.items[1], "b");
	CU_ASSERT_STRING_EQUAL(l.items[2], "c");
	cg_strlist_free(&l);
	CU_ASSERT_EQUAL(cg_strlist_split(&l, "", ","), 0);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_EQUAL(cg_strlist_split(&l, NULL, ","), -1);
	/* more than the cap: an error, and the list is left empty */
	char many[1024] = "";
	for (int i = 0; i <= CG_LIST_MAX; i++)
		strcat(many, "x ");
	CU_ASSERT_EQUAL(cg_strlist_split(&l, many, " "), -1);
	CU_ASSERT_EQUAL(l.count, 0);
	CU_ASSERT_PTR_NULL(l.items);
}

static void test_strlcpy_and_wipe(void)
{
	char d[8];
	memset(d, 'Z', sizeof(d));
	CU_ASSERT_EQUAL(cg_strlcpy(d, "abcdefghij", sizeof(d)), 10);
	CU_ASSERT_STRING_EQUAL(d, "abcdefg");
	CU_ASSERT_EQUAL(cg_strlcpy(d, "ab", sizeof(d)), 2);
	CU_ASSERT_STRING_EQUAL(d, "ab");
	d[0] = 'Q';
	CU_ASSERT_EQUAL(cg_strlcpy(d, "xyz", 0), 3);
	CU_ASSERT_EQUAL(d[0], 'Q');
	CU_ASSERT_EQUAL(cg_strlcpy(d, "xyz", 1), 3);
	CU_ASSERT_EQUAL(d[0], '\0');

	cg_wipe_free(NULL, 10);
	cg_wipe_free_str(NULL);
	char *s = strdup("secret-token");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	cg_wipe_free_str(s);
	void *p = malloc(64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	memset(p, 0xaa, 64);
	cg_wipe_free(p, 64);
}

static void test_sanitize(void)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{"alice", "alice"},
		{"a b", "a\\x20b"},
		{"k=v", "k\\x3dv"},
		{"\"q\"", "\\x22q\\x22"},
		{"back\\slash", "back\\x5cslash"},
		{"nl\nx", "nl\\x0ax"},
		{"%n%s", "%n%s"},
		{"\xff\xc3\xa9", "\\xff\\xc3\\xa9"},
		{"\x7f", "\\x7f"},
		{"", ""},
		{NULL, "-"},
	};
	char d[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cg_sanitize(d, sizeof(d), cases[i].in);
		CU_ASSERT_STRING_EQUAL(d, cases[i].out);
	}
	/* exactly fitting: no cut mark */
	cg_sanitize(d, 6, "abcde");
	CU_ASSERT_STRING_EQUAL(d, "abcde");
	cg_sanitize(d, 6, "abcdef");
	CU_ASSERT_STRING_EQUAL(d, "ab...");
	cg_sanitize(d, 4, "abcdef");
	CU_ASSERT_STRING_EQUAL(d, "...");
	cg_sanitize(d, 2, "abcdef");
	CU_ASSERT_TRUE(strlen(d) <= 1);
	d[0] = 'Z';
	cg_sanitize(d, 0, "abc");
	CU_ASSERT_EQUAL(d[0], 'Z');
	/* a 4 KiB input is cut to the buffer, never overrun */
	char big[4097];
	memset(big, '\n', 4096);
	big[4096] = '\0';
	char out[300];
	memset(out, 'Z', sizeof(out));
	cg_sanitize(out, 256, big);
	CU_ASSERT_TRUE(strlen(out) <= 255);
	CU_ASSERT_EQUAL(out[256], 'Z');
	CU_ASSERT_EQUAL(strcmp(out + strlen(out) - 3, "..."), 0);
}

/* A cut must fall between escapes: "\x0..." would read as a different byte. */
static void test_sanitize_cut_between_escapes(void)
{
	for (size_t cap = 4; cap < 24; cap++) {
		char d[32];
		cg_sanitize(d, cap, "\n\n\n\n\n\n");
		size_t n = strlen(d);
		CU_ASSERT_TRUE(n >= 3 && strcmp(d + n - 3, "...") == 0);
		/* what precedes the mark is whole \xNN units */
		bool whole = (n - 3) % 4 == 0;
		for (size_t i = 0; whole && i + 4 <= n - 3; i += 4)
			whole = strncmp(d + i, "\\x0a", 4) == 0;
		if (!whole)
			fprintf(stderr, "cap %zu: \"%s\" splits an escape\n", cap, d);
		CU_ASSERT_TRUE(whole);
	}
}

/* ---- trusted files ---- */

static char dir[256];

static void on_alarm(int sig)
{
	(void)sig;
	_exit(2);
}

static void test_trusted_file(void)
{
	char path[512], link[512], err[256];
	char *buf;
	size_t len;
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_FATAL(cf_write(dir, "f", "ab\0cd", 5, 0644, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL_FATAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_EQUAL(memcmp(buf, "ab\0cd", 6), 0); /* NUL-terminated past the data */
	cg_wipe_free(buf, len + 1);
	/* the cap: one byte over is refused */
	CU_ASSERT_EQUAL(cg_read_trusted_file(path, 4, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, EFBIG);
	CU_ASSERT_PTR_NULL(buf);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_FATAL(cf_write(dir, "empty", "", 0, 0600, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL_FATAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_EQUAL(buf[0], '\0');
	cg_wipe_free(buf, len + 1);

	static const mode_t bad_modes[] = {0664, 0646, 0622, 0777, 0660};
	for (size_t i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		CU_ASSERT_FATAL(chmod(path, bad_modes[i]) == 0);
		CU_ASSERT_EQUAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), -1);
		CU_ASSERT_EQUAL(errno, EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "writable by group or others"));
	}
	CU_ASSERT_FATAL(chmod(path, 0400) == 0);
	CU_ASSERT_EQUAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), 0);
	cg_wipe_free(buf, len + 1);

	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_read_trusted_file(link, 5, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "symbolic link"));
	CU_ASSERT_EQUAL(cg_read_trusted_file("rel", 5, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cg_read_trusted_file(NULL, 5, &buf, &len, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/missing", dir);
	CU_ASSERT_EQUAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(cg_read_trusted_file(dir, 5, &buf, &len, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	CU_ASSERT_EQUAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), -1);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(cf_write(dir, "theirs", "x", 1, 0644, path, sizeof(path)) == 0);
		CU_ASSERT_FATAL(chown(path, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_read_trusted_file(path, 5, &buf, &len, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "owned by uid 65534"));
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	/* a NULL error buffer is fine */
	CU_ASSERT_EQUAL(cg_read_trusted_file("rel", 5, &buf, &len, NULL, 0), -1);
	cf_rmtree(dir);
}

static void test_trusted_dir(void)
{
	char sub[512], link[512], err[256];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(dir, err, sizeof(err)), 0);
	snprintf(sub, sizeof(sub), "%s/d", dir);
	CU_ASSERT_FATAL(mkdir(sub, 0755) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(sub, err, sizeof(err)), 0);
	CU_ASSERT_FATAL(chmod(sub, 0775) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(sub, err, sizeof(err)), -1);
	CU_ASSERT_FATAL(chmod(sub, 01777) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(sub, err, sizeof(err)), -1);
	CU_ASSERT_FATAL(chmod(sub, 0700) == 0);
	snprintf(link, sizeof(link), "%s/l", dir);
	CU_ASSERT_FATAL(symlink(sub, link) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(link, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "symbolic link"));
	char file[512];
	CU_ASSERT_FATAL(cf_write(dir, "f", "x", 1, 0600, file, sizeof(file)) == 0);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(file, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, ENOTDIR);
	snprintf(link, sizeof(link), "%s/missing", dir);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(link, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_EQUAL(cg_check_trusted_dir("relative", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cg_check_trusted_dir(NULL, err, sizeof(err)), -1);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(sub, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_check_trusted_dir(sub, err, sizeof(err)), -1);
	}
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"reason codes", test_reasons},
		{"string lists", test_strlist},
		{"strlcpy and wiping", test_strlcpy_and_wipe},
		{"sanitize", test_sanitize},
		{"sanitize cuts between escapes", test_sanitize_cut_between_escapes},
		{"trusted files", test_trusted_file},
		{"trusted directories", test_trusted_dir},
		{NULL, NULL},
	};
	return cf_run("basics", tests);
}
