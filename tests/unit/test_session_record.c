/* Login ticket records: written root-only, read back only for the same user. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static char dir[256];
static char run_dir[320];

static const char TOKEN[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_";

static void setup(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
}

static void test_round_trip(void)
{
	setup();
	mode_t old = umask(0);
	int rc = cg_session_record_write(run_dir, 42, "alice", TOKEN, strlen(TOKEN));
	umask(old);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct stat st;
	CU_ASSERT_FATAL(stat(run_dir, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	char path[512];
	snprintf(path, sizeof(path), "%s/42", run_dir);
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	char *text = cf_read(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	char want[256];
	snprintf(want, sizeof(want), "alice\n%s\n", TOKEN);
	CU_ASSERT_STRING_EQUAL(text, want);
	free(text);

	char *tok = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(cg_session_record_read(run_dir, 42, "alice", &tok, &len), 0);
	CU_ASSERT_EQUAL(len, strlen(TOKEN));
	CU_ASSERT_STRING_EQUAL(tok, TOKEN);
	cg_wipe_free(tok, len + 1);

	/* another user, or another session, gets nothing */
	tok = (char *)1;
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 42, "alic", &tok, &len), -1);
	CU_ASSERT_PTR_NULL(tok);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 42, "alicex", &tok, &len), -1);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 42, "bob", &tok, &len), -1);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 43, "alice", &tok, &len), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);

	/* a rewrite replaces the record whole */
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 42, "bob", "a.b.c", 5), 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 42, "alice", &tok, &len), -1);
	CU_ASSERT_EQUAL_FATAL(cg_session_record_read(run_dir, 42, "bob", &tok, &len), 0);
	CU_ASSERT_STRING_EQUAL(tok, "a.b.c");
	cg_wipe_free(tok, len + 1);

	CU_ASSERT_EQUAL(cg_session_record_remove(run_dir, 42), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	CU_ASSERT_EQUAL(cg_session_record_remove(run_dir, 42), 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 42, "bob", &tok, &len), -1);
	/* nothing but the records themselves was left behind */
	CU_ASSERT_EQUAL(rmdir(run_dir), 0);
	cf_rmtree(dir);
}

static void test_write_refuses(void)
{
	setup();
	/* only the token alphabet reaches the file; the user name cannot add a line */
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", "a.b\nc", 5), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", "a.b c", 5), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", "a.b=", 4), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", "", 0), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "al\nice", "a.b.c", 5), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "", "a.b.c", 5), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, NULL, "a.b.c", 5), -1);
	char *big = malloc(CG_TOKEN_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'A', CG_TOKEN_MAX + 1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", big, CG_TOKEN_MAX + 1), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 1, "alice", big, CG_TOKEN_MAX), 0);
	char *tok;
	size_t len;
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 1, "alice", &tok, &len), 0);
	CU_ASSERT_EQUAL(len, CG_TOKEN_MAX);
	cg_wipe_free(tok, len + 1);
	free(big);
	/* the run directory's parent must exist; it is not created */
	char deep[512];
	snprintf(deep, sizeof(deep), "%s/no/such", dir);
	CU_ASSERT_EQUAL(cg_session_record_write(deep, 1, "alice", "a.b.c", 5), -1);
	CU_ASSERT_EQUAL(cg_session_record_write("relative", 1, "alice", "a.b.c", 5), -1);
	cf_rmtree(dir);
}

static void test_untrusted(void)
{
	setup();
	CU_ASSERT_FATAL(cg_session_record_write(run_dir, 7, "alice", "a.b.c", 5) == 0);
	char path[512], *tok;
	size_t len;
	snprintf(path, sizeof(path), "%s/7", run_dir);
	/* a record others could have written is not believed */
	CU_ASSERT_FATAL(chmod(path, 0622) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 7, "alice", &tok, &len), -1);
	CU_ASSERT_FATAL(chmod(path, 0600) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 7, "alice", &tok, &len), 0);
	cg_wipe_free(tok, len + 1);
	/* nor one in a directory others can write */
	CU_ASSERT_FATAL(chmod(run_dir, 0777) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 7, "alice", &tok, &len), -1);
	CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 8, "alice", "a.b.c", 5), -1);
	CU_ASSERT_FATAL(chmod(run_dir, 0700) == 0);
	/* nor a symlink in its place */
	char link[512];
	snprintf(link, sizeof(link), "%s/9", run_dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 9, "alice", &tok, &len), -1);
	/* nor a record whose second line is not a token */
	CU_ASSERT_FATAL(cf_write_str(run_dir, "10", "alice\nnot a token\n", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 10, "alice", &tok, &len), -1);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "11", "alice\na.b.c", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 11, "alice", &tok, &len), -1);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "12", "alice\n", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 12, "alice", &tok, &len), -1);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(path, 65534, 65534) == 0);
		CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 7, "alice", &tok, &len), -1);
		CU_ASSERT_FATAL(chown(path, 0, 0) == 0);
		CU_ASSERT_FATAL(chown(run_dir, 65534, 65534) == 0);
		CU_ASSERT_EQUAL(cg_session_record_read(run_dir, 7, "alice", &tok, &len), -1);
		CU_ASSERT_EQUAL(cg_session_record_write(run_dir, 7, "alice", "a.b.c", 5), -1);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	cf_rmtree(dir);
}

static void test_session_id(void)
{
	unsigned id = 12345;
	int rc = cg_audit_session_id(&id);
	char buf[32] = "";
	int fd = open("/proc/self/sessionid", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	unsigned long want = strtoul(buf, NULL, 10);
	if (buf[0] == '\0' || want == 4294967295UL) {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(id, 12345); /* untouched */
	} else {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(id, (unsigned)want);
	}
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"write, read, remove", test_round_trip},
		{"write refuses bad input", test_write_refuses},
		{"untrusted records", test_untrusted},
		{"audit session id", test_session_id},
		{NULL, NULL},
	};
	return cf_run("session_record", tests);
}
