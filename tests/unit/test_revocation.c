/* The revocation list: lookups under the trust rules, and atomic appends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static char dir[256];

static int setup(void)
{
	return cf_tmpdir(dir, sizeof(dir));
}

static void test_lookup(void)
{
	char path[512];
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked",
				     "# revoked after the incident\n"
				     "jti-revoked\n"
				     "   CHG0000001\t\r\n"
				     "\n"
				     "#jti-commented\n"
				     "  # CHG0000009\n"
				     "jti-with space\n"
				     "last-no-newline",
				     0644, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", "CHG0012345"), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0000001"), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0012345"), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "last-no-newline", NULL), CG_REVOKED);
	/* comments and partial matches revoke nothing */
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-commented", "CHG0000009"), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "#jti-commented", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoke", "CHG000000"), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked2", "CHG00000011"), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-with", "space"), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-with space", NULL), CG_REVOKED);
	/* empty values never match the blank lines */
	CU_ASSERT_EQUAL(cg_revocation_check(path, "", ""), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, NULL, NULL), CG_OK);
	/* no list configured */
	CU_ASSERT_EQUAL(cg_revocation_check(NULL, "jti-revoked", "CHG0000001"), CG_OK);
	/* an empty list */
	CU_ASSERT_FATAL(cf_write_str(dir, "empty", "", 0600, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", "CHG0000001"), CG_OK);
	cf_rmtree(dir);
}

static void test_untrusted(void)
{
	char path[512], link[512];
	CU_ASSERT_FATAL(setup() == 0);
	/* a configured list that is missing denies */
	snprintf(path, sizeof(path), "%s/missing", dir);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b"), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_revocation_check("relative", "a", "b"), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", "x\n", 0666, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b"), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(chmod(path, 0620) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b"), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(chmod(path, 0644) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b"), CG_OK);
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(link, "x", "b"), CG_CONFIG_ERROR);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(path, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_revocation_check(path, "x", "b"), CG_CONFIG_ERROR);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "x", "b"), CG_CONFIG_ERROR);
	cf_rmtree(dir);
}

static void test_append(void)
{
	char path[512], err[256];
	CU_ASSERT_FATAL(setup() == 0);
	snprintf(path, sizeof(path), "%s/revoked", dir);
	mode_t old = umask(077);
	CU_ASSERT_EQUAL(cg_revocation_append(path, "CHG0012345", err, sizeof(err)), 0);
	umask(old);
	struct stat st;
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(st.st_uid, geteuid());
	CU_ASSERT_EQUAL(cg_revocation_append(path, "jti-1", err, sizeof(err)), 0);
	char *text = cf_read(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "CHG0012345\njti-1\n");
	free(text);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-1", NULL), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-2", "CHG0012345"), CG_REVOKED);

	/* a torn last line is finished before ours, so ours stays a line of its own */
	CU_ASSERT_FATAL(cf_write_str(dir, "torn", "a\ntorn", 0644, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_append(path, "b", err, sizeof(err)), 0);
	text = cf_read(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "a\ntorn\nb\n");
	free(text);
	cf_rmtree(dir);
}

static void test_append_refuses(void)
{
	char path[512], link[512], err[256];
	CU_ASSERT_FATAL(setup() == 0);
	snprintf(path, sizeof(path), "%s/revoked", dir);
	char long_value[130];
	memset(long_value, 'x', sizeof(long_value));
	long_value[129] = '\0';
	const char *bad[] = {"", "two words", "tab\there", "#comment", "a#b", "new\nline",
			     "caf\xc3\xa9", "bell\a", long_value};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(cg_revocation_append(path, bad[i], err, sizeof(err)), -1);
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
	CU_ASSERT_EQUAL(cg_revocation_append(path, NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(access(path, F_OK), -1); /* nothing was created */
	long_value[128] = '\0';
	CU_ASSERT_EQUAL(cg_revocation_append(path, long_value, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cg_revocation_append("relative", "x", err, sizeof(err)), -1);

	/* never through a symlink, never into a file others can write */
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_revocation_append(link, "x", err, sizeof(err)), -1);
	CU_ASSERT_FATAL(chmod(path, 0666) == 0);
	CU_ASSERT_EQUAL(cg_revocation_append(path, "x", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "writable only by"));
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chmod(path, 0644) == 0);
		CU_ASSERT_FATAL(chown(path, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_revocation_append(path, "x", err, sizeof(err)), -1);
	}
	cf_rmtree(dir);
}

/* Concurrent revokes: every line arrives whole, none is lost. */
static void test_append_concurrent(void)
{
	enum { WRITERS = 20, EACH = 10 };
	char path[512], err[256];
	CU_ASSERT_FATAL(setup() == 0);
	snprintf(path, sizeof(path), "%s/revoked", dir);
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		CU_ASSERT_FATAL(pids[w] >= 0);
		if (pids[w] == 0) {
			int bad = 0;
			for (int i = 0; i < EACH; i++) {
				char v[64];
				snprintf(v, sizeof(v), "jti-%02d-%02d-padding-padding", w, i);
				bad |= cg_revocation_append(path, v, err, sizeof(err));
			}
			_exit(bad ? 1 : 0);
		}
	}
	int failures = 0;
	for (int w = 0; w < WRITERS; w++) {
		int status;
		if (waitpid(pids[w], &status, 0) != pids[w] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
	size_t len = 0;
	char *text = cf_read(path, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	size_t lines = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		CU_ASSERT_EQUAL(strlen(l), strlen("jti-00-00-padding-padding"));
		lines++;
	}
	CU_ASSERT_EQUAL(lines, WRITERS * EACH);
	free(text);
	for (int w = 0; w < WRITERS; w += 7) {
		char v[64];
		snprintf(v, sizeof(v), "jti-%02d-%02d-padding-padding", w, EACH - 1);
		CU_ASSERT_EQUAL(cg_revocation_check(path, v, NULL), CG_REVOKED);
	}
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"lookup", test_lookup},
		{"untrusted or missing list", test_untrusted},
		{"append", test_append},
		{"append refuses", test_append_refuses},
		{"concurrent appends", test_append_concurrent},
		{NULL, NULL},
	};
	return cf_run("revocation", tests);
}
