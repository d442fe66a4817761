/*
 * Small helpers shared by the core's unit tests: a private temporary directory, files with
 * chosen modes, and one CUnit runner that makes the binary fail when any assertion fails.
 */
#ifndef CG_CORE_FIXTURE_H
#define CG_CORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cf_test {
	const char *name;
	void (*fn)(void);
};

/* Makes a fresh 0700 directory under $TMPDIR or /tmp; 0 or -1. */
int cf_tmpdir(char *out, size_t outlen);
/* Removes dir and everything below it (never following symlinks). */
void cf_rmtree(const char *dir);
/* Writes exactly len bytes to dir/name with mode (whatever the umask); path gets the full
 * name when not NULL. 0 or -1. */
int cf_write(const char *dir, const char *name, const void *data, size_t len, mode_t mode,
	     char *path, size_t pathlen);
/* The same for a NUL-terminated text. */
int cf_write_str(const char *dir, const char *name, const char *text, mode_t mode, char *path,
		 size_t pathlen);
/* Reads a whole small file into a malloc'd NUL-terminated buffer; NULL on error. */
char *cf_read(const char *path, size_t *len);
/* True when the tests run as root (ownership tests need it: CI runs as root). */
bool cf_is_root(void);
/* Registers the tests as one suite, runs them, and returns the process exit status:
 * 0 only when every test ran and no assertion failed. */
int cf_run(const char *suite, const struct cf_test *tests);

#endif /* CG_CORE_FIXTURE_H */
