/* Sudo leases: one text per lease, a parser that takes it and nothing else, and root-only
 * files the reaper can list and trust. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static const struct cg_sudo_lease LEASE = {
	.pid = 4242, .start = 123456789, .sessionid = 17, .exp = 1900000000,
	.user = "alice", .jti = "jti-1", .chg = "CHG0012345",
};

static const char TEXT[] = "changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\n"
			   "exp=1900000000\nuser=alice\njti=jti-1\nchg=CHG0012345\n";

static void test_round_trip(void)
{
	char buf[CG_SUDO_LEASE_MAX + 1];
	int n = cg_sudo_lease_format(&LEASE, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, (int)strlen(TEXT));
	CU_ASSERT_EQUAL(memcmp(buf, TEXT, (size_t)n), 0);
	struct cg_sudo_lease back;
	CU_ASSERT_EQUAL_FATAL(cg_sudo_lease_parse(buf, (size_t)n, &back), 0);
	CU_ASSERT_EQUAL(back.pid, 4242);
	CU_ASSERT_EQUAL(back.start, 123456789ULL);
	CU_ASSERT_EQUAL(back.sessionid, 17);
	CU_ASSERT_EQUAL(back.exp, 1900000000LL);
	CU_ASSERT_STRING_EQUAL(back.user, "alice");
	CU_ASSERT_STRING_EQUAL(back.jti, "jti-1");
	CU_ASSERT_STRING_EQUAL(back.chg, "CHG0012345");
	/* too small a buffer */
	CU_ASSERT_EQUAL(cg_sudo_lease_format(&LEASE, buf, 20), -1);
}

/* Every text but the writer's own is refused. */
static void test_strict(void)
{
	static const char *const bad[] = {
		"",
		"changegate-sudo-lease 2\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		/* leading zero, sign, blank, order, missing and extra lines */
		"changegate-sudo-lease 1\npid=04242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=+4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid= 4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\nstart=123456789\npid=4242\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\nx=1\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345",
		/* pid 1, the unset session id, exp 0, overflow */
		"changegate-sudo-lease 1\npid=1\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=4294967295\n"
		"exp=1900000000\nuser=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=0\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=99999999999999999999999\nsession=17\n"
		"exp=1900000000\nuser=alice\njti=jti-1\nchg=CHG0012345\n",
		/* values outside the alphabet, empty */
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=al ice\njti=jti-1\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=\nchg=CHG0012345\n",
		"changegate-sudo-lease 1\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG%n\n",
		"changegate-sudo-lease 1\r\npid=4242\nstart=123456789\nsession=17\nexp=1900000000\n"
		"user=alice\njti=jti-1\nchg=CHG0012345\n",
	};
	struct cg_sudo_lease out;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int rc = cg_sudo_lease_parse(bad[i], strlen(bad[i]), &out);
		if (rc != -1)
			fprintf(stderr, "accepted case %zu\n", i);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(out.pid, 0);
	}
	/* a NUL inside */
	char nul[sizeof(TEXT)];
	memcpy(nul, TEXT, sizeof(TEXT));
	nul[40] = '\0';
	CU_ASSERT_EQUAL(cg_sudo_lease_parse(nul, sizeof(TEXT) - 1, &out), -1);
	/* a NUL after a value's valid start (the fuzz target found it accepted): the value
	 * would read shorter than its line, so the text is not the writer's */
	static const char tail_nul[] = "changegate-sudo-lease 1\npid=4242\nstart=123456789\n"
				       "session=17\nexp=1900000000\nuser=alice\njti=jti-1\0x\n"
				       "chg=CHG0012345\n";
	CU_ASSERT_EQUAL(cg_sudo_lease_parse(tail_nul, sizeof(tail_nul) - 1, &out), -1);
	CU_ASSERT_EQUAL(out.pid, 0);
	/* fields the writer refuses */
	struct cg_sudo_lease l = LEASE;
	char buf[CG_SUDO_LEASE_MAX + 1];
	strcpy(l.user, "a\nb");
	CU_ASSERT_EQUAL(cg_sudo_lease_format(&l, buf, sizeof(buf)), -1);
	l = LEASE;
	l.pid = 1;
	CU_ASSERT_EQUAL(cg_sudo_lease_format(&l, buf, sizeof(buf)), -1);
}

static void test_files(void)
{
	char dir[256], run[320], path[400];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(run, sizeof(run), "%s/run", dir);
	size_t count = 9;
	long long pids[8];
	/* no directory yet: nothing listed, nothing read */
	CU_ASSERT_EQUAL(cg_sudo_lease_list(run, pids, 8, &count), 0);
	CU_ASSERT_EQUAL(count, 0);
	struct cg_sudo_lease back;
	CU_ASSERT_EQUAL(cg_sudo_lease_read(run, 4242, &back), -1);

	mode_t old = umask(0);
	CU_ASSERT_EQUAL_FATAL(cg_sudo_lease_write(run, &LEASE), 0);
	umask(old);
	struct stat st;
	CU_ASSERT_FATAL(stat(run, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/sudo-4242", run);
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	/* the login records' names and the lock are not leases */
	CU_ASSERT_EQUAL(cf_write_str(run, "17", "x", 0600, NULL, 0), 0);
	CU_ASSERT_EQUAL(cf_write_str(run, "sudo-007", "x", 0600, NULL, 0), 0);
	CU_ASSERT_EQUAL(cf_write_str(run, "sudo-1", "x", 0600, NULL, 0), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_list(run, pids, 8, &count), 0);
	CU_ASSERT_EQUAL_FATAL(count, 1);
	CU_ASSERT_EQUAL(pids[0], 4242);
	CU_ASSERT_EQUAL_FATAL(cg_sudo_lease_read(run, 4242, &back), 0);
	CU_ASSERT_STRING_EQUAL(back.chg, "CHG0012345");

	/* a file others may write is not believed; nor one naming another pid */
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0666), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_read(run, 4242, &back), -1);
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0600), 0);
	char other[400];
	snprintf(other, sizeof(other), "%s/sudo-4243", run);
	CU_ASSERT_EQUAL_FATAL(link(path, other), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_read(run, 4243, &back), -1);
	/* nor one in a directory others may write */
	CU_ASSERT_EQUAL_FATAL(chmod(run, 0777), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_read(run, 4242, &back), -1);
	CU_ASSERT_EQUAL(cg_sudo_lease_list(run, pids, 8, &count), -1);
	CU_ASSERT_EQUAL_FATAL(chmod(run, 0700), 0);

	CU_ASSERT_EQUAL(cg_sudo_lease_remove(run, 4242), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_remove(run, 4242), 0);
	CU_ASSERT_EQUAL(cg_sudo_lease_read(run, 4242, &back), -1);
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"one text, read back", test_round_trip},
		{"anything else refused", test_strict},
		{"files: list, read, trust, remove", test_files},
		{NULL, NULL},
	};
	return cf_run("sudo_lease", tests);
}
