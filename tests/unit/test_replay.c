/* Single use: peek, redeem, skip; damaged records; pruning; the 50-process race. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static char dir[256];
/* the real clock: pruning never trusts a judged-as-of time later than it */
static time_t NOW;

/* Temporary names as the core makes them (".tmp-<pid>-<16 hex>") */
#define DEAD_TMP ".tmp-1-00112233445566aa"
#define LIVE_TMP ".tmp-2-00112233445566bb"

/* The name a record for jti must have: the SHA-256 of "abc" is a known vector. */
#define ABC_SHA256 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static size_t count_entries(const char *d)
{
	DIR *dh = opendir(d);
	if (dh == NULL)
		return (size_t)-1;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	}
	closedir(dh);
	return n;
}

static bool exists(const char *name)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

static void test_peek_redeem_skip(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_PEEK), CG_OK);
	CU_ASSERT_EQUAL(count_entries(dir), 0); /* peek writes nothing */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_SKIP), CG_OK);
	CU_ASSERT_EQUAL(count_entries(dir), 0);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_REDEEM), CG_OK);
	CU_ASSERT_EQUAL(count_entries(dir), 1); /* the record, and no temporary left behind */
	CU_ASSERT_TRUE(exists(ABC_SHA256));
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_REDEEM),
			CG_REPLAYED);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_PEEK), CG_REPLAYED);
	/* skip is for the login that already redeemed it */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 3600, NOW, CG_REPLAY_SKIP), CG_OK);
	/* other jtis are independent, even ones that differ by one byte */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abd", NOW + 3600, NOW, CG_REPLAY_REDEEM), CG_OK);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "ab", NOW + 3600, NOW, CG_REPLAY_PEEK), CG_OK);

	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, ABC_SHA256);
	struct stat st;
	CU_ASSERT_FATAL(stat(p, &st) == 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & 077, 0);
	char *text = cf_read(p, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	char want[64];
	snprintf(want, sizeof(want), "keep_until=%lld\n", (long long)NOW + 3600);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, want));
	free(text);
	cf_rmtree(dir);
}

static void test_path_safety(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	/* the jti never becomes a path: traversal attempts land in state_dir under a hash */
	const char *nasty[] = {"../../etc/passwd", "/etc/shadow", "a/b", ".", "..", "x\ny"};
	for (size_t i = 0; i < sizeof(nasty) / sizeof(nasty[0]); i++)
		CU_ASSERT_EQUAL(cg_replay_check(dir, nasty[i], NOW + 60, NOW, CG_REPLAY_REDEEM),
				CG_OK);
	CU_ASSERT_EQUAL(count_entries(dir), sizeof(nasty) / sizeof(nasty[0]));
	/* bad arguments deny */
	char long_jti[CG_JTI_MAX + 2];
	memset(long_jti, 'j', sizeof(long_jti) - 1);
	long_jti[sizeof(long_jti) - 1] = '\0';
	CU_ASSERT_EQUAL(cg_replay_check(dir, long_jti, NOW, NOW, CG_REPLAY_REDEEM),
			CG_CONFIG_ERROR);
	long_jti[CG_JTI_MAX] = '\0';
	CU_ASSERT_EQUAL(cg_replay_check(dir, long_jti, NOW, NOW, CG_REPLAY_REDEEM), CG_OK);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "", NOW, NOW, CG_REPLAY_PEEK), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_replay_check(dir, NULL, NOW, NOW, CG_REPLAY_PEEK), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_replay_check(NULL, "x", NOW, NOW, CG_REPLAY_PEEK), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "x", NOW, NOW, (cg_replay_mode)42),
			CG_CONFIG_ERROR);
	cf_rmtree(dir);
}

static void test_untrusted_state_dir(void)
{
	char sub[512];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(sub, sizeof(sub), "%s/missing", dir);
	CU_ASSERT_EQUAL(cg_replay_check(sub, "j", NOW, NOW, CG_REPLAY_PEEK), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_replay_check(sub, "j", NOW, NOW, CG_REPLAY_REDEEM), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(cg_replay_check("relative", "j", NOW, NOW, CG_REPLAY_PEEK),
			CG_CONFIG_ERROR);
	CU_ASSERT_FATAL(mkdir(sub, 0700) == 0);
	CU_ASSERT_FATAL(chmod(sub, 0777) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(sub, "j", NOW, NOW, CG_REPLAY_REDEEM), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(count_entries(sub), 0);
	CU_ASSERT_FATAL(chmod(sub, 0755) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(sub, "j", NOW, NOW, CG_REPLAY_REDEEM), CG_OK);
	char link[512];
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(sub, link) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(link, "k", NOW, NOW, CG_REPLAY_REDEEM), CG_CONFIG_ERROR);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(sub, 65534, 0) == 0);
		CU_ASSERT_EQUAL(cg_replay_check(sub, "j", NOW, NOW, CG_REPLAY_PEEK),
				CG_CONFIG_ERROR);
		CU_ASSERT_EQUAL(cg_replay_check(sub, "k", NOW, NOW, CG_REPLAY_REDEEM),
				CG_CONFIG_ERROR);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	cf_rmtree(dir);
}

/* A writer killed mid-way leaves an empty or garbled record: still redeemed. */
static void test_damaged_records(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, ABC_SHA256, "", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_PEEK), CG_REPLAYED);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_REDEEM),
			CG_REPLAYED);
	CU_ASSERT_FATAL(cf_write_str(dir, ABC_SHA256, "\x01garbage keep_until=", 0600, NULL, 0) ==
			0);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_REDEEM),
			CG_REPLAYED);
	/* even a directory or a symlink under the record's name counts, never followed */
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, ABC_SHA256);
	CU_ASSERT_FATAL(unlink(p) == 0);
	CU_ASSERT_FATAL(symlink("/nonexistent", p) == 0);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_PEEK), CG_REPLAYED);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_REDEEM),
			CG_REPLAYED);
	cf_rmtree(dir);
}

/* Records for each of the 16 name prefixes, some expired, some live, some damaged. */
static void make_records(int round)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		char name[65], body[96];
		memset(name, hex[i], 64);
		name[64] = '\0';
		name[63] = hex[round];
		/* expired an hour ago */
		snprintf(body, sizeof(body), "changegate-replay 1\nkeep_until=%lld\n",
			 (long long)NOW - 3600);
		name[62] = '0';
		CU_ASSERT_FATAL(cf_write_str(dir, name, body, 0600, NULL, 0) == 0);
		/* still live */
		snprintf(body, sizeof(body), "changegate-replay 1\nkeep_until=%lld\n",
			 (long long)NOW + 600);
		name[62] = '1';
		CU_ASSERT_FATAL(cf_write_str(dir, name, body, 0600, NULL, 0) == 0);
		/* live to the second: keep_until == now is still valid */
		snprintf(body, sizeof(body), "changegate-replay 1\nkeep_until=%lld\n",
			 (long long)NOW);
		name[62] = '3';
		CU_ASSERT_FATAL(cf_write_str(dir, name, body, 0600, NULL, 0) == 0);
		/* damaged, recent: its keep_until is unknown, so it stays */
		name[62] = '2';
		CU_ASSERT_FATAL(cf_write_str(dir, name, "garbage", 0600, NULL, 0) == 0);
	}
}

static void test_pruning(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	make_records(0);
	/* a temporary file of a writer that died long ago, one being written now, and an old
	 * file of someone else's that only shares the prefix */
	char old_tmp[512];
	CU_ASSERT_FATAL(cf_write_str(dir, DEAD_TMP, "x", 0600, old_tmp, sizeof(old_tmp)) == 0);
	struct timespec ts[2] = {{.tv_sec = time(NULL) - 7200}, {.tv_sec = time(NULL) - 7200}};
	CU_ASSERT_FATAL(utimensat(AT_FDCWD, old_tmp, ts, 0) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, ".tmp-notes", "x", 0600, old_tmp, sizeof(old_tmp)) == 0);
	CU_ASSERT_FATAL(utimensat(AT_FDCWD, old_tmp, ts, 0) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, LIVE_TMP, "x", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(count_entries(dir), 67);

	/* one redeem prunes a little: at most 16 records and the dead temporary file */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "new-0", NOW + 60, NOW, CG_REPLAY_REDEEM), CG_OK);
	size_t after_one = count_entries(dir);
	CU_ASSERT_TRUE(after_one >= 67 + 1 - 16 - 1);
	/* many redeems reach every record */
	for (int i = 1; i < 300; i++) {
		char jti[32];
		snprintf(jti, sizeof(jti), "new-%d", i);
		CU_ASSERT_EQUAL(cg_replay_check(dir, jti, NOW + 60, NOW, CG_REPLAY_REDEEM), CG_OK);
	}
	static const char hex[] = "0123456789abcdef";
	int expired_left = 0, live_left = 0, damaged_left = 0, boundary_left = 0;
	for (int i = 0; i < 16; i++) {
		char name[65];
		memset(name, hex[i], 64);
		name[64] = '\0';
		name[63] = '0';
		name[62] = '0';
		expired_left += exists(name);
		name[62] = '1';
		live_left += exists(name);
		name[62] = '2';
		damaged_left += exists(name);
		name[62] = '3';
		boundary_left += exists(name);
	}
	CU_ASSERT_EQUAL(boundary_left, 16);
	CU_ASSERT_EQUAL(expired_left, 0);
	CU_ASSERT_EQUAL(live_left, 16);
	CU_ASSERT_EQUAL(damaged_left, 16);
	CU_ASSERT_FALSE(exists(DEAD_TMP));
	CU_ASSERT_TRUE(exists(LIVE_TMP));
	CU_ASSERT_TRUE(exists(".tmp-notes"));
	/* the records just written are live and stay */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "new-0", NOW + 60, NOW, CG_REPLAY_PEEK), CG_REPLAYED);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "new-299", NOW + 60, NOW, CG_REPLAY_PEEK),
			CG_REPLAYED);
	/* a request judged "as of" a far later time does not expire live records early */
	for (int i = 0; i < 50; i++) {
		char jti[32];
		snprintf(jti, sizeof(jti), "late-%d", i);
		CU_ASSERT_EQUAL(cg_replay_check(dir, jti, NOW + 60, (time_t)1 << 40,
						CG_REPLAY_REDEEM), CG_OK);
	}
	live_left = 0;
	for (int i = 0; i < 16; i++) {
		char name[65];
		memset(name, hex[i], 64);
		name[64] = '\0';
		name[63] = '0';
		name[62] = '1';
		live_left += exists(name);
	}
	CU_ASSERT_EQUAL(live_left, 16);
	CU_ASSERT_EQUAL(cg_replay_check(dir, "new-7", NOW + 60, NOW, CG_REPLAY_PEEK), CG_REPLAYED);
	cf_rmtree(dir);
}

/* The race: 50 processes redeem one jti at once; exactly one wins. */
static void test_race(void)
{
	enum { N = 50 };
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	int go[2];
	CU_ASSERT_FATAL(pipe(go) == 0);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		CU_ASSERT_FATAL(pids[i] >= 0);
		if (pids[i] == 0) {
			close(go[1]);
			char c;
			/* all start together when the parent closes the pipe */
			if (read(go[0], &c, 1) < 0)
				_exit(99);
			cg_reason r = cg_replay_check(dir, "jti-race", NOW + 3600, NOW,
						      CG_REPLAY_REDEEM);
			_exit((int)r);
		}
	}
	close(go[0]);
	close(go[1]);
	int ok = 0, replayed = 0, other = 0;
	for (int i = 0; i < N; i++) {
		int status;
		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status)) {
			other++;
			continue;
		}
		if (WEXITSTATUS(status) == CG_OK)
			ok++;
		else if (WEXITSTATUS(status) == CG_REPLAYED)
			replayed++;
		else
			other++;
	}
	CU_ASSERT_EQUAL(ok, 1);
	CU_ASSERT_EQUAL(replayed, N - 1);
	CU_ASSERT_EQUAL(other, 0);
	CU_ASSERT_EQUAL(count_entries(dir), 1); /* no temporary files left */
	cf_rmtree(dir);
}

/* A write that fails (here: the file size limit, as a full disk would) denies and leaves no
 * record under the final name, so the jti is not burnt by a half-written record. */
static void test_write_failure(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	pid_t pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {.rlim_cur = 8, .rlim_max = 8};
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(98);
		_exit((int)cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_REDEEM));
	}
	int status;
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT_TRUE(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), CG_CONFIG_ERROR);
	CU_ASSERT_EQUAL(count_entries(dir), 0);
	/* with room again, the same jti redeems normally */
	CU_ASSERT_EQUAL(cg_replay_check(dir, "abc", NOW + 60, NOW, CG_REPLAY_REDEEM), CG_OK);
	cf_rmtree(dir);
}

int main(void)
{
	NOW = time(NULL);
	static const struct cf_test tests[] = {
		{"peek, redeem, skip", test_peek_redeem_skip},
		{"jti never a path; bad arguments", test_path_safety},
		{"missing or untrusted state_dir", test_untrusted_state_dir},
		{"damaged records count as redeemed", test_damaged_records},
		{"pruning", test_pruning},
		{"50-process race", test_race},
		{"write failure", test_write_failure},
		{NULL, NULL},
	};
	return cf_run("replay", tests);
}
