/* Helpers for the core's unit tests; see core_fixture.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "core_fixture.h"

int cf_tmpdir(char *out, size_t outlen)
{
	const char *base = getenv("TMPDIR");
	if (base == NULL || base[0] != '/')
		base = "/tmp";
	int n = snprintf(out, outlen, "%s/cg-core-XXXXXX", base);
	if (n < 0 || (size_t)n >= outlen || mkdtemp(out) == NULL)
		return -1;
	return chmod(out, 0700);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) == 0 ? 0 : 0;
	return unlink(path) == 0 ? 0 : 0;
}

void cf_rmtree(const char *dir)
{
	if (dir != NULL && dir[0] == '/')
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int cf_write(const char *dir, const char *name, const void *data, size_t len, mode_t mode,
	     char *path, size_t pathlen)
{
	char p[1024];
	int n = snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(p))
		return -1;
	unlink(p);
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int rc = 0;
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		rc = -1;
	if (fchmod(fd, mode) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (path != NULL && pathlen > 0)
		snprintf(path, pathlen, "%s", p);
	return rc;
}

int cf_write_str(const char *dir, const char *name, const char *text, mode_t mode, char *path,
		 size_t pathlen)
{
	return cf_write(dir, name, text, strlen(text), mode, path, pathlen);
}

char *cf_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	if (buf != NULL)
		n = fread(buf, 1, cap, f);
	fclose(f);
	if (buf == NULL)
		return NULL;
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

bool cf_is_root(void)
{
	return geteuid() == 0;
}

int cf_run(const char *suite, const struct cf_test *tests)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite(suite, NULL, NULL);
	if (s == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	unsigned registered = 0;
	for (const struct cf_test *t = tests; t->name != NULL; t++) {
		if (CU_add_test(s, t->name, t->fn) == NULL) {
			CU_cleanup_registry();
			return 1;
		}
		registered++;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS) {
		CU_cleanup_registry();
		return 1;
	}
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned ran = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (ran != registered) {
		fprintf(stderr, "%s: %u of %u tests ran\n", suite, ran, registered);
		return 1;
	}
	return failed == 0 ? 0 : 1;
}
