/* The run directory's one scan (shared/run_dir.c), which the login records and the sudo
 * leases are listed through: only entries named as the writers name them, that are regular
 * files of root's no one else may write, and never through a link. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"
#include "run_dir.h"

struct seen {
	unsigned long long n[16];
	size_t count;
};

static void note(unsigned long long n, void *arg)
{
	struct seen *s = arg;
	if (s->count < sizeof(s->n) / sizeof(s->n[0]))
		s->n[s->count] = n;
	s->count++;
}

static struct seen scan(const char *run, const char *prefix, int want_rc)
{
	struct seen s;
	memset(&s, 0, sizeof(s));
	CU_ASSERT_EQUAL(cg_run_dir_scan(run, prefix, 2, 0x7fffffffULL, note, &s), want_rc);
	return s;
}

static void test_names(void)
{
	char dir[256], run[320];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(run, sizeof(run), "%s/run", dir);
	/* a missing run directory holds nothing; a relative one is refused */
	struct seen s = scan(run, "sudo-", 0);
	CU_ASSERT_EQUAL(s.count, 0);
	s = scan("relative/run", "sudo-", -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_FATAL(mkdir(run, 0700) == 0);
	CU_ASSERT_FATAL(cf_write_str(run, "sudo-4242", "x", 0600, NULL, 0) == 0);
	/* names the writers never give: leading zero, below min, above max, not a number,
	 * too long to be one, another prefix, a temporary */
	static const char *const wrong[] = {
		"sudo-04242", "sudo-1", "sudo-0", "sudo-2147483648", "sudo-", "sudo-12a",
		"sudo-+5", "sudo-99999999999999999999999", "xsudo-5", "Sudo-5", "4242",
		".tmp-1-0123456789abcdef",
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++)
		CU_ASSERT_FATAL(cf_write_str(run, wrong[i], "x", 0600, NULL, 0) == 0);
	s = scan(run, "sudo-", 0);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_EQUAL(s.n[0], 4242);
	/* with no prefix only the bare number is one */
	s = scan(run, "", 0);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_EQUAL(s.n[0], 4242);
	cf_rmtree(dir);
}

static void test_refusals(void)
{
	char dir[256], run[320], path[400], target[400];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(run, sizeof(run), "%s/run", dir);
	CU_ASSERT_FATAL(mkdir(run, 0700) == 0);
	CU_ASSERT_FATAL(cf_write_str(run, "sudo-100", "x", 0600, target, sizeof(target)) == 0);
	/* a symlink to a good entry, a directory, a FIFO (never opened: no hang), a file others
	 * may write: not passed on */
	snprintf(path, sizeof(path), "%s/sudo-101", run);
	CU_ASSERT_FATAL(symlink(target, path) == 0);
	snprintf(path, sizeof(path), "%s/sudo-102", run);
	CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/sudo-103", run);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	CU_ASSERT_FATAL(cf_write_str(run, "sudo-104", "x", 0620, NULL, 0) == 0);
	CU_ASSERT_FATAL(cf_write_str(run, "sudo-105", "x", 0602, NULL, 0) == 0);
	if (cf_is_root()) {
		/* an entry owned by anyone but root */
		CU_ASSERT_FATAL(cf_write_str(run, "sudo-106", "x", 0600, path, sizeof(path)) == 0);
		CU_ASSERT_FATAL(chown(path, 65534, 65534) == 0);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	struct seen s = scan(run, "sudo-", 0);
	CU_ASSERT_EQUAL_FATAL(s.count, 1);
	CU_ASSERT_EQUAL(s.n[0], 100);
	/* the lists built on the scan refuse the same entries */
	long long pids[8];
	size_t count = 0;
	CU_ASSERT_EQUAL(cg_sudo_lease_list(run, pids, 8, &count), 0);
	CU_ASSERT_EQUAL_FATAL(count, 1);
	CU_ASSERT_EQUAL(pids[0], 100);
	CU_ASSERT_FATAL(cf_write_str(run, "7", "x", 0600, target, sizeof(target)) == 0);
	snprintf(path, sizeof(path), "%s/8", run);
	CU_ASSERT_FATAL(symlink(target, path) == 0);
	unsigned ids[4];
	CU_ASSERT_EQUAL(cg_login_record_list(run, ids, 4, &count), 0);
	CU_ASSERT_EQUAL_FATAL(count, 1);
	CU_ASSERT_EQUAL(ids[0], 7);
	/* a run directory others may write is not scanned at all */
	CU_ASSERT_FATAL(chmod(run, 0777) == 0);
	s = scan(run, "sudo-", -1);
	CU_ASSERT_EQUAL(s.count, 0);
	/* nor anything removed from it */
	CU_ASSERT_EQUAL(cg_run_dir_remove(run, "sudo-100"), -1);
	snprintf(path, sizeof(path), "%s/sudo-100", run);
	CU_ASSERT_EQUAL(access(path, F_OK), 0);
	CU_ASSERT_FATAL(chmod(run, 0700) == 0);
	/* removed, and removed again: gone counts as removed, as does a missing run dir */
	CU_ASSERT_EQUAL(cg_run_dir_remove(run, "sudo-100"), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	CU_ASSERT_EQUAL(cg_run_dir_remove(run, "sudo-100"), 0);
	snprintf(path, sizeof(path), "%s/none", dir);
	CU_ASSERT_EQUAL(cg_run_dir_remove(path, "sudo-100"), 0);
	/* nor one that is a symlink */
	char link[400];
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(symlink(run, link) == 0);
	s = scan(link, "sudo-", -1);
	CU_ASSERT_EQUAL(s.count, 0);
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"names: only what the writers write", test_names},
		{"refusals: links, non-files, others' files; removal", test_refusals},
		{NULL, NULL},
	};
	return cf_run("run_dir", tests);
}
