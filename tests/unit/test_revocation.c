/* The revocation list: lookups under the trust rules, and atomic appends. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
				     "urn:uuid:9b1f6c1e-5d0a_4c55.9d43\n"
				     "last-no-newline",
				     0644, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", "CHG0012345", NULL), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0000001", NULL), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0012345", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "last-no-newline", NULL, NULL), CG_REVOKED);
	/* comments and partial matches revoke nothing */
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-commented", "CHG0000009", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "#jti-commented", NULL, NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoke", "CHG000000", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked2", "CHG00000011", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "urn:uuid:9b1f6c1e-5d0a_4c55.9d43", NULL, NULL),
			CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "urn:uuid", NULL, NULL), CG_OK);
	/* empty values never match the blank lines */
	CU_ASSERT_EQUAL(cg_revocation_check(path, "", "", NULL), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, NULL, NULL, NULL), CG_OK);
	/* no list configured */
	CU_ASSERT_EQUAL(cg_revocation_check(NULL, "jti-revoked", "CHG0000001", NULL), CG_OK);
	/* an empty list */
	CU_ASSERT_FATAL(cf_write_str(dir, "empty", "", 0600, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", "CHG0000001", NULL), CG_OK);
	cf_rmtree(dir);
}

/* A line that is neither a comment nor an id can never match a token: whoever wrote it
 * believes something is revoked that is not, so the list denies until it is fixed, and
 * cg_revocation_list_valid (check-config) names the line. */
static void test_not_an_id(void)
{
	static const char *const lines[] = {"CHG0012345 # the outage", "jti with space",
					    "caf\xc3\xa9", "-x", "a/b"};
	char path[512], err[256], text[128];
	CU_ASSERT_FATAL(setup() == 0);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		snprintf(text, sizeof(text), "# ok\njti-1\n\n%s\nCHG1\n", lines[i]);
		CU_ASSERT_FATAL(cf_write_str(dir, "revoked", text, 0644, path, sizeof(path)) == 0);
		CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-2", "CHG2", NULL), CG_CONFIG_ERROR);
		CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-1", NULL, NULL), CG_CONFIG_ERROR);
		err[0] = '\0';
		CU_ASSERT_EQUAL(cg_revocation_list_valid(text, strlen(text), err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "line 4 "));
	}
	/* comments, blanks and ids are a valid list, whatever the blanks around them */
	const char *good = "# c\n  #x y\n\t\r\n jti-1 \r\nCHG1";
	CU_ASSERT_EQUAL(cg_revocation_list_valid(good, strlen(good), err, sizeof(err)), 0);
	cf_rmtree(dir);
}

static void test_untrusted(void)
{
	char path[512], link[512];
	CU_ASSERT_FATAL(setup() == 0);
	/* a configured list that is missing denies */
	snprintf(path, sizeof(path), "%s/missing", dir);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b", NULL), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_revocation_check("relative", "a", "b", NULL), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", "x\n", 0666, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b", NULL), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(chmod(path, 0620) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b", NULL), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(chmod(path, 0644) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "a", "b", NULL), CG_OK);
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(link, "x", "b", NULL), CG_CONFIG_ERROR);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(path, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_revocation_check(path, "x", "b", NULL), CG_CONFIG_ERROR);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "x", "b", NULL), CG_CONFIG_ERROR);
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
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-1", NULL, NULL), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-2", "CHG0012345", NULL), CG_REVOKED);

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
	char long_value[CG_CLAIM_MAX + 2];
	memset(long_value, 'x', sizeof(long_value));
	long_value[CG_CLAIM_MAX + 1] = '\0';
	const char *bad[] = {"", "two words", "tab\there", "#comment", "a#b", "new\nline",
			     "caf\xc3\xa9", "bell\a", "-lead", ".lead", "a/b", "a@b", "a,b",
			     long_value};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(cg_revocation_append(path, bad[i], err, sizeof(err)), -1);
		CU_ASSERT_NOT_EQUAL(err[0], '\0');
	}
	CU_ASSERT_EQUAL(cg_revocation_append(path, NULL, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(access(path, F_OK), -1); /* nothing was created */
	/* the longest chg a token may carry can be revoked */
	long_value[CG_CLAIM_MAX] = '\0';
	CU_ASSERT_EQUAL(cg_revocation_append(path, long_value, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "j", long_value, NULL), CG_REVOKED);
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
		CU_ASSERT_EQUAL(cg_revocation_check(path, v, NULL, NULL), CG_REVOKED);
	}
	cf_rmtree(dir);
}

/* A state_dir under the test dir, mode 0700 as changegate wants it. */
static int make_state(char *state, size_t len)
{
	int n = snprintf(state, len, "%s/state", dir);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return mkdir(state, 0700);
}

/* Nothing is ever written beside the list (a login must not write into /etc). */
static bool beside_list(const char *path)
{
	char p[600];
	struct stat st;
	snprintf(p, sizeof(p), "%s.idx", path);
	return stat(p, &st) == 0;
}

/* Long enough for a list to count as settled, so that the next check builds its index. */
static void settle(void)
{
	struct timespec ts = { 1, 150000000 };
	nanosleep(&ts, NULL);
}

/* Writes v into the offset field of every entry of the index at ipath (a 72-byte header,
 * then 16-byte entries: hash, offset, length). */
static int corrupt_offsets(const char *ipath, uint32_t v)
{
	int fd = open(ipath, O_RDWR);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = fstat(fd, &st);
	for (off_t o = 72 + 8; rc == 0 && o + 8 <= st.st_size; o += 16)
		rc = pwrite(fd, &v, sizeof(v), o) == (ssize_t)sizeof(v) ? 0 : -1;
	return close(fd) == 0 ? rc : -1;
}

/* The index of a settled list, in state_dir: same answers as the scan, never trusted blindly. */
static void test_index(void)
{
	char path[512], ipath[600], state[300], err[256];
	struct stat st;
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(make_state(state, sizeof(state)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked",
				     "# header\n jti-revoked \nCHG0000001\nurn:x:1\n"
				     "#jti-commented\nlast-no-newline",
				     0644, path, sizeof(path)) == 0);
	snprintf(ipath, sizeof(ipath), "%s/revocation.idx", state);
	/* a list changed within the last second gets no index */
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0012345", state), CG_OK);
	CU_ASSERT_NOT_EQUAL(stat(ipath, &st), 0);
	settle();
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0012345", state), CG_OK);
	CU_ASSERT_FATAL(stat(ipath, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(st.st_uid, geteuid());
	CU_ASSERT_EQUAL(st.st_size, 72 + 4 * 16);
	CU_ASSERT_FALSE(beside_list(path));
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", NULL, state), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-ok", "CHG0000001", state), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "urn:x:1", NULL, state), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "last-no-newline", NULL, state), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-commented", "jti-revoke", state), CG_OK);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "", NULL, state), CG_OK);
	/* an append changes the list: the stale index is ignored at once */
	CU_ASSERT_EQUAL(cg_revocation_append(path, "jti-new", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-new", NULL, state), CG_REVOKED);
	settle();
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-new", NULL, state), CG_REVOKED);
	CU_ASSERT_FATAL(stat(ipath, &st) == 0);
	CU_ASSERT_EQUAL(st.st_size, 72 + 5 * 16);
	/* an index that names this list but points outside it: deny, never guess */
	CU_ASSERT_FATAL(corrupt_offsets(ipath, 0x7fffff00u) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-new", NULL, state), CG_CONFIG_ERROR);
	/* an index others could have written is ignored (and replaced) */
	CU_ASSERT_FATAL(chmod(ipath, 0666) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-new", NULL, state), CG_REVOKED);
	CU_ASSERT_FATAL(stat(ipath, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-new", NULL, state), CG_REVOKED);
	/* garbage where the index should be is ignored too */
	CU_ASSERT_FATAL(cf_write_str(state, "revocation.idx", "not an index", 0644, ipath,
				     sizeof(ipath)) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "urn:x:1", NULL, state), CG_REVOKED);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-other", NULL, state), CG_OK);
	CU_ASSERT_FALSE(beside_list(path));
	cf_rmtree(dir);
}

/* Thousands of values: every one is found through the index, near misses are not. */
static void test_index_large(void)
{
	enum { N = 5000 };
	char path[512], v[64], state[300], ipath[600];
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(make_state(state, sizeof(state)) == 0);
	char *text = calloc(N, 48);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	size_t off = 0;
	for (int i = 0; i < N; i++)
		off += (size_t)snprintf(text + off, 48, "jti-%05d-%x\n", i, i * 7919);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", text, 0644, path, sizeof(path)) == 0);
	free(text);
	settle();
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-none", NULL, state), CG_OK);
	int wrong = 0;
	for (int i = 0; i < N; i++) {
		snprintf(v, sizeof(v), "jti-%05d-%x", i, i * 7919);
		wrong += cg_revocation_check(path, v, NULL, state) != CG_REVOKED;
		wrong += cg_revocation_check(path, "jti-none", v, state) != CG_REVOKED;
		snprintf(v, sizeof(v), "jti-%05d-%x", i, i * 7919 + 1);
		wrong += cg_revocation_check(path, v, NULL, state) != CG_OK;
	}
	CU_ASSERT_EQUAL(wrong, 0);
	snprintf(ipath, sizeof(ipath), "%s/revocation.idx", state);
	CU_ASSERT_EQUAL(access(ipath, F_OK), 0);
	CU_ASSERT_FALSE(beside_list(path));
	cf_rmtree(dir);
}

/* Answers of a check of path in state_dir s, which must all be right. */
static int wrong_answers(const char *path, const char *s)
{
	return (cg_revocation_check(path, "jti-revoked", NULL, s) != CG_REVOKED) +
	       (cg_revocation_check(path, "jti-ok", "CHG0000001", s) != CG_REVOKED) +
	       (cg_revocation_check(path, "jti-ok", "CHG0012345", s) != CG_OK);
}

/* No state_dir, a missing one, a read-only one, an untrusted one: the list is scanned, with
 * the same answers, and no error (the index is only a cache). */
static void test_index_unavailable(void)
{
	char path[512], state[300], ipath[600];
	struct stat st;
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", "jti-revoked\nCHG0000001\n", 0644, path,
				     sizeof(path)) == 0);
	settle();
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(ipath, sizeof(ipath), "%s/revocation.idx", state);
	CU_ASSERT_EQUAL(wrong_answers(path, NULL), 0);
	CU_ASSERT_EQUAL(wrong_answers(path, state), 0); /* missing */
	CU_ASSERT_NOT_EQUAL(stat(state, &st), 0);
	CU_ASSERT_EQUAL(wrong_answers(path, "relative/state"), 0);
	CU_ASSERT_FATAL(mkdir(state, 0500) == 0);
	CU_ASSERT_EQUAL(wrong_answers(path, state), 0); /* read-only */
	if (!cf_is_root()) /* root writes through the mode bits */
		CU_ASSERT_NOT_EQUAL(stat(ipath, &st), 0);
	/* a state_dir others can write gets no index, and one found there is not read: this
	 * one points outside the list, which would deny if it were trusted */
	CU_ASSERT_FATAL(chmod(state, 0700) == 0);
	CU_ASSERT_EQUAL(wrong_answers(path, state), 0);
	CU_ASSERT_FATAL(stat(ipath, &st) == 0);
	CU_ASSERT_FATAL(corrupt_offsets(ipath, 0x7fffff00u) == 0);
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", NULL, state), CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(chmod(state, 0777) == 0);
	CU_ASSERT_EQUAL(wrong_answers(path, state), 0);
	CU_ASSERT_FATAL(unlink(ipath) == 0);
	CU_ASSERT_EQUAL(wrong_answers(path, state), 0);
	CU_ASSERT_NOT_EQUAL(stat(ipath, &st), 0);
	CU_ASSERT_FALSE(beside_list(path));
	cf_rmtree(dir);
}

/* A file name in state aged age seconds by mtime (the link itself, for a symbolic link). */
static int age_of(const char *state, const char *name, long age)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", state, name);
	struct timespec ts[2] = {{.tv_sec = time(NULL) - age}, {.tv_sec = time(NULL) - age}};
	return utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
}

static int plant(const char *state, const char *name, long age)
{
	if (cf_write_str(state, name, "x", 0600, NULL, 0) != 0)
		return -1;
	return age_of(state, name, age);
}

static bool in_state(const char *state, const char *name)
{
	char p[600];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", state, name);
	return lstat(p, &st) == 0;
}

/* A rebuild killed midway leaves its temporary file (as large as the index) in state_dir.
 * With single_use = no nothing else prunes state_dir, so the next check that rebuilds the
 * index does: only our own names, only regular files of root (or ours), only old ones, and
 * a bounded number a call. */
static void test_index_temps_pruned(void)
{
	char path[512], state[300], ipath[600], name[64], p[600];
	CU_ASSERT_FATAL(setup() == 0);
	CU_ASSERT_FATAL(make_state(state, sizeof(state)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", "jti-revoked\n", 0644, path, sizeof(path)) ==
			0);
	snprintf(ipath, sizeof(ipath), "%s/revocation.idx", state);
	/* old and fresh, in today's names and in the mkstemp names of earlier versions */
	CU_ASSERT_FATAL(plant(state, ".tmp-revocation.idx-Ab12Cd", 7200) == 0);
	CU_ASSERT_FATAL(plant(state, ".tmp-4242-0011223344556677", 7200) == 0);
	CU_ASSERT_FATAL(plant(state, ".tmp-revocation.idx-Xy34Zw", 5) == 0);
	CU_ASSERT_FATAL(plant(state, ".tmp-4243-8899aabbccddeeff", 5) == 0);
	/* old, but not ours: another name, a symbolic link, a directory, another owner */
	CU_ASSERT_FATAL(plant(state, ".tmp-notes", 7200) == 0);
	snprintf(p, sizeof(p), "%s/.tmp-4244-0123456789abcdef", state);
	CU_ASSERT_FATAL(symlink(path, p) == 0);
	CU_ASSERT_FATAL(age_of(state, ".tmp-4244-0123456789abcdef", 7200) == 0);
	snprintf(p, sizeof(p), "%s/.tmp-4245-0123456789abcdef", state);
	CU_ASSERT_FATAL(mkdir(p, 0700) == 0);
	CU_ASSERT_FATAL(age_of(state, ".tmp-4245-0123456789abcdef", 7200) == 0);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(plant(state, ".tmp-4246-0123456789abcdef", 7200) == 0);
		snprintf(p, sizeof(p), "%s/.tmp-4246-0123456789abcdef", state);
		CU_ASSERT_FATAL(lchown(p, 65534, 65534) == 0);
	} else {
		fprintf(stderr, "not root: the other owner's file is not tried\n");
	}
	settle();
	CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-revoked", NULL, state), CG_REVOKED);
	CU_ASSERT_EQUAL(access(ipath, F_OK), 0);
	CU_ASSERT_FALSE(in_state(state, ".tmp-revocation.idx-Ab12Cd"));
	CU_ASSERT_FALSE(in_state(state, ".tmp-4242-0011223344556677"));
	CU_ASSERT_TRUE(in_state(state, ".tmp-revocation.idx-Xy34Zw"));
	CU_ASSERT_TRUE(in_state(state, ".tmp-4243-8899aabbccddeeff"));
	CU_ASSERT_TRUE(in_state(state, ".tmp-notes"));
	CU_ASSERT_TRUE(in_state(state, ".tmp-4244-0123456789abcdef"));
	CU_ASSERT_TRUE(in_state(state, ".tmp-4245-0123456789abcdef"));
	CU_ASSERT_EQUAL(access(path, F_OK), 0); /* the link's target is untouched */
	if (cf_is_root())
		CU_ASSERT_TRUE(in_state(state, ".tmp-4246-0123456789abcdef"));

	/* bounded: 40 dead temporaries take several rebuilds, each examining at most 16 */
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), ".tmp-%d-00000000000000%02x", 100 + i, i);
		CU_ASSERT_FATAL(plant(state, name, 7200) == 0);
	}
	int left = 40, rounds = 0;
	while (left > 0 && rounds < 10) {
		CU_ASSERT_FATAL(unlink(ipath) == 0);
		CU_ASSERT_EQUAL(cg_revocation_check(path, "jti-other", NULL, state), CG_OK);
		int before = left;
		left = 0;
		for (int i = 0; i < 40; i++) {
			snprintf(name, sizeof(name), ".tmp-%d-00000000000000%02x", 100 + i, i);
			left += in_state(state, name);
		}
		CU_ASSERT_TRUE(before - left <= 16);
		rounds++;
	}
	CU_ASSERT_EQUAL(left, 0);
	CU_ASSERT_TRUE(rounds >= 3);
	CU_ASSERT_TRUE(in_state(state, ".tmp-4243-8899aabbccddeeff"));
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"lookup", test_lookup},
		{"a line that is not an id denies", test_not_an_id},
		{"untrusted or missing list", test_untrusted},
		{"append", test_append},
		{"append refuses", test_append_refuses},
		{"concurrent appends", test_append_concurrent},
		{"index", test_index},
		{"index, thousands of values", test_index_large},
		{"index unavailable: scan", test_index_unavailable},
		{"index: stale temporaries pruned, bounded (single_use = no)", test_index_temps_pruned},
		{NULL, NULL},
	};
	return cf_run("revocation", tests);
}
