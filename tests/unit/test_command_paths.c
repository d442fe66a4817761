/* The working-directory rule: which argument words an entry names literally, and the judge
 * of a path's whole chain, on a tree made under a root-controlled directory (/run: /tmp is
 * world-writable, so nothing under it is root's alone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

#define OTHER_UID 65534  /* nobody: a user who is not root */

static char base[64];

static void test_literal_words(void)
{
	static const struct {
		const char *entry;
		const char *argv[5];
		size_t argc;
		bool match;
		size_t nliteral;
	} cases[] = {
		{"/usr/bin/python3 migrate.py", {"/usr/bin/python3", "migrate.py"}, 2, true, 1},
		{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart", "nginx"}, 3,
		 true, 2},
		{"/usr/bin/journalctl -u *", {"/usr/bin/journalctl", "-u", "x", "y"}, 4, true, 1},
		{"/usr/bin/journalctl *", {"/usr/bin/journalctl", "x"}, 2, true, 0},
		{"/usr/bin/id", {"/usr/bin/id", "-u", "x"}, 3, true, 0},
		{"/usr/bin/cat a b", {"/usr/bin/cat", "a", "c"}, 3, false, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 99;
		bool m = cg_command_match_words(cases[i].entry, cases[i].argv, cases[i].argc, &n);
		CU_ASSERT_EQUAL(m, cases[i].match);
		CU_ASSERT_EQUAL(m, cg_command_matches(cases[i].entry, cases[i].argv, cases[i].argc));
		if (m)
			CU_ASSERT_EQUAL(n, cases[i].nliteral);
	}
}

static int make_tree(void)
{
	char p[256];

	snprintf(base, sizeof(base), "/run/cg-paths-XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
#define AT(name) (snprintf(p, sizeof(p), "%s/%s", base, name), p)
	if (cf_write_str(base, "root-file", "x\n", 0644, NULL, 0) != 0 ||
	    cf_write_str(base, "user-file", "x\n", 0644, NULL, 0) != 0 ||
	    chown(AT("user-file"), OTHER_UID, OTHER_UID) != 0 ||
	    cf_write_str(base, "group-writable", "x\n", 0664, NULL, 0) != 0 ||
	    mkdir(AT("user-dir"), 0755) != 0 || chown(p, OTHER_UID, OTHER_UID) != 0 ||
	    mkdir(AT("world-dir"), 0755) != 0 || chmod(p, 0777) != 0 ||
	    mkdir(AT("sub"), 0755) != 0)
		return -1;
	char dir[256];
	snprintf(dir, sizeof(dir), "%s/user-dir", base);
	if (cf_write_str(dir, "root-file", "x\n", 0644, NULL, 0) != 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/world-dir", base);
	if (cf_write_str(dir, "root-file", "x\n", 0644, NULL, 0) != 0)
		return -1;
	/* links: root's to a root file (absolute and relative), root's into the user's dir, the
	 * user's own, one in the user's dir, and a loop */
	char target[256];
	snprintf(target, sizeof(target), "%s/root-file", base);
	if (symlink(target, AT("abs-link")) != 0 || symlink("../root-file", AT("sub/rel-link")) != 0 ||
	    symlink("user-dir/root-file", AT("into-user-dir")) != 0 ||
	    symlink("root-file", AT("user-link")) != 0 || lchown(p, OTHER_UID, OTHER_UID) != 0 ||
	    symlink(target, AT("user-dir/link")) != 0 ||
	    symlink("loop-b", AT("loop-a")) != 0 || symlink("loop-a", AT("loop-b")) != 0)
		return -1;
#undef AT
	return 0;
}

static int judge(const char *name, char *why, size_t whylen)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, name);
	why[0] = '\0';
	return cg_path_root_controlled(p, why, whylen);
}

static void test_chain(void)
{
	static const struct {
		const char *name;
		int want;
		const char *why;     /* a piece of the reason */
	} cases[] = {
		{"root-file", 1, NULL},
		{"sub/../root-file", 1, NULL},
		{"user-file", -1, "user-file: owned by uid 65534, not root"},
		{"group-writable", -1, "group-writable: writable by group or others"},
		{"user-dir/root-file", -1, "user-dir: owned by uid 65534"},
		{"world-dir/root-file", -1, "world-dir: writable by group or others"},
		{"abs-link", 1, NULL},
		{"sub/rel-link", 1, NULL},
		{"into-user-dir", -1, "user-dir: owned by uid 65534"},
		{"user-link", -1, "user-link: owned by uid 65534"},
		{"user-dir/link", -1, "user-dir: owned by uid 65534"},
		{"loop-a", -1, "too many symbolic links"},
		{"missing", 0, NULL},
		/* naming nothing counts only where nobody but root could create it: else the user
		 * wins the race between the check and the command (ln -sf evil.py migrate.py) */
		{"user-dir/missing", -1, "user-dir: owned by uid 65534"},
		{"world-dir/missing", -1, "world-dir: writable by group or others"},
		{"sub/missing/deeper", 0, NULL},
		{"root-file/below-a-file", 0, NULL},
	};
	char why[256];

	if (!cf_is_root()) {
		fprintf(stderr, "not root: the ownership cases need root\n");
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = judge(cases[i].name, why, sizeof(why));
		if (got != cases[i].want ||
		    (cases[i].why != NULL && strstr(why, cases[i].why) == NULL))
			fprintf(stderr, "%s: %d, '%s'\n", cases[i].name, got, why);
		CU_ASSERT_EQUAL(got, cases[i].want);
		if (cases[i].why != NULL)
			CU_ASSERT_PTR_NOT_NULL(strstr(why, cases[i].why));
	}
	/* the system's own files, reached through merged-/usr symlinks where there are some */
	CU_ASSERT_EQUAL(cg_path_root_controlled("/etc/passwd", why, sizeof(why)), 1);
	CU_ASSERT_EQUAL(cg_path_root_controlled("/bin/sh", why, sizeof(why)), 1);
	CU_ASSERT_EQUAL(cg_path_root_controlled("/tmp", why, sizeof(why)), -1);
	CU_ASSERT_EQUAL(cg_path_root_controlled("relative", why, sizeof(why)), -1);
	CU_ASSERT_EQUAL(cg_path_root_controlled(NULL, why, sizeof(why)), -1);
}

#define ARGV(...) ((const char *const[]){"/usr/bin/cat", __VA_ARGS__})

static void test_words(void)
{
	char detail[CG_DETAIL_MAX], userdir[96];

	if (!cf_is_root())
		return;
	/* the case: the user's own file, reached from the user's directory */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("user-file"), 1, base, detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "user-file names /run/cg-paths-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "which root does not control (/run/cg-paths-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "the ticket must name it by absolute path"));
	snprintf(userdir, sizeof(userdir), "%s/user-dir", base);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file"), 1, userdir, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	/* root's file in root's directory; a word naming nothing; options and absolute paths */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file"), 1, base, detail, sizeof(detail)),
			CG_OK);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("restart", "nginx"), 2, base, detail,
					       sizeof(detail)), CG_OK);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("-n", "/etc/passwd"), 2, base, detail,
					       sizeof(detail)), CG_OK);
	/* a word that walks into the user's directory and names nothing there yet */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("user-dir/migrate.py"), 1, base, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "user-dir: owned by uid 65534"));
	/* only the words the entry named: the rest came through "*" and are the user's anyway */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file", "user-file"), 1, base, detail,
					       sizeof(detail)), CG_OK);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file", "user-file"), 2, base, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	/* a directory we cannot tell: nothing can be judged */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file"), 1, NULL, detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "unknown"));
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("root-file"), 1, "run", detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("-v"), 1, NULL, detail, sizeof(detail)),
			CG_COMMAND_DENIED);
}

/* The directory itself is pinned: programs read it on their own (make's ./Makefile, python3
 * -m's ./migrate.py, awk -fprog.awk), whatever the words say. */
static void test_cwd_pinned(void)
{
	char detail[CG_DETAIL_MAX], userdir[96], missing[96];

	if (!cf_is_root())
		return;
	snprintf(userdir, sizeof(userdir), "%s/user-dir", base);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("install"), 1, userdir, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "the command would run in /run/cg-paths-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "a directory root does not control (/run/cg-paths-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "user-dir: owned by uid 65534"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "(cd /)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "`Defaults runcwd=/`"));
	/* the race: a word naming nothing in the user's directory is refused, not allowed */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("-m", "migrate"), 2, userdir, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	/* words the rule never judged: an option with an attached file, no words at all */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("-fprog.awk"), 1, userdir, detail,
					       sizeof(detail)), CG_COMMAND_DENIED);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("x"), 0, userdir, detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	/* sticky and world-writable is not root's alone; a directory that is not there */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("x"), 0, "/tmp", detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "writable by group or others"));
	snprintf(missing, sizeof(missing), "%s/no-such-dir", base);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("x"), 0, missing, detail, sizeof(detail)),
			CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "it does not exist"));
	/* root's directories: "/" (what runcwd=/ gives) and the tree's own */
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("install"), 1, "/", detail, sizeof(detail)),
			CG_OK);
	CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("-fprog.awk"), 1, base, detail,
					       sizeof(detail)), CG_OK);
	/* a directory name with control bytes is shown escaped */
	char odd[128];
	snprintf(odd, sizeof(odd), "%s/odd\n", base);
	if (mkdir(odd, 0755) == 0 && chown(odd, OTHER_UID, OTHER_UID) == 0 &&
	    cf_write_str(odd, "f", "x", 0644, NULL, 0) == 0) {
		CU_ASSERT_EQUAL(cg_command_paths_check(ARGV("f"), 1, odd, detail, sizeof(detail)),
				CG_COMMAND_DENIED);
		CU_ASSERT_PTR_NULL(strchr(detail, '\n'));
	}
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"literal words", test_literal_words},
		{"path chain", test_chain},
		{"relative words", test_words},
		{"directory pinned", test_cwd_pinned},
		{NULL, NULL},
	};
	if (cf_is_root() && make_tree() != 0) {
		perror("cannot make the test tree under /run");
		return 1;
	}
	int rc = cf_run("command paths", tests);
	if (base[0] != '\0' && strchr(base, 'X') == NULL)
		cf_rmtree(base);
	return rc;
}
