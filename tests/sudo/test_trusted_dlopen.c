/*
 * cgs_dlopen_trusted (sudo_plugin/trusted_dlopen.c) without /proc, and the check it then
 * relies on: an object loaded by path is kept only when it is the file that was opened and
 * checked. Each case works on copies in a private directory:
 *   - the same file: kept;
 *   - another object renamed over the checked name between the check and the load: refused;
 *   - with /proc hidden (a tmpfs over it in a private mount namespace; root only): the
 *     checked file still loads, by path, and is the checked one.
 */
#include "config.h"

#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include <CUnit/Basic.h>

#include "core_fixture.h"
#include "trusted_dlopen.h"

static char dir[256];

/* dir/name becomes a 0644 copy of src; its full name in path. */
static int copy_to(const char *src, const char *name, char *path, size_t pathlen)
{
	char cmd[4096];
	int n = snprintf(path, pathlen, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= pathlen)
		return -1;
	n = snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 0644 '%s'", src, path, path);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

static void test_same_file_kept(void)
{
	char path[512], err[512] = "";
	CU_ASSERT_EQUAL_FATAL(copy_to(CGS_FAKE_DELEGATE_SO, "same.so", path, sizeof(path)), 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(cgs_loaded_is(h, fd, path, err, sizeof(err)), 0);
	dlclose(h);
	close(fd);
}

/* What the check saw is not what sits at the path when it is loaded. */
static void test_swapped_file_refused(void)
{
	char path[512], other[512], err[512] = "";
	CU_ASSERT_EQUAL_FATAL(copy_to(CGS_FAKE_DELEGATE_SO, "swapped.so", path, sizeof(path)), 0);
	CU_ASSERT_EQUAL_FATAL(copy_to(CGS_STALE_VERIFIER_SO, "other.so", other, sizeof(other)), 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(rename(other, path), 0);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(cgs_loaded_is(h, fd, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is not the file that was checked"));
	dlclose(h);
	close(fd);
}

/* /proc hidden: the checked file loads by path. Last: /proc stays hidden in this process. */
static void test_without_proc(void)
{
	char path[512], err[512] = "";
	int fd = -1;
	if (!cf_is_root()) {
		fprintf(stderr, "skipped: needs root and a private mount namespace\n");
		return;
	}
	/* the copy runs a child (cp): before /proc goes, since valgrind cannot start one after */
	CU_ASSERT_EQUAL_FATAL(copy_to(CGS_FAKE_DELEGATE_SO, "noproc.so", path, sizeof(path)), 0);
	/* a type string, not NULL, for the propagation change: valgrind 3.19 checks it */
	if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("none", "/proc", "tmpfs", 0, NULL) != 0) {
		fprintf(stderr, "skipped: needs root and a private mount namespace\n");
		return;
	}
	void *h = cgs_dlopen_trusted(dir, "noproc.so", path, &fd, err, sizeof(err));
	if (h == NULL)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_TRUE(fd >= 0);
	CU_ASSERT_EQUAL(cgs_loaded_is(h, fd, path, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(dlsym(h, "sudoers_policy"));
	dlclose(h);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"loaded by path: the checked file is kept", test_same_file_kept},
		{"loaded by path: another file at the name is refused", test_swapped_file_refused},
		{"without /proc: loads by path", test_without_proc},
		{NULL, NULL},
	};
	if (cf_tmpdir(dir, sizeof(dir)) != 0 || chmod(dir, 0755) != 0)
		return 99;
	int rc = cf_run("trusted_dlopen", tests);
	cf_rmtree(dir);
	return rc;
}
