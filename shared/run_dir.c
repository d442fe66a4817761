/* The run directory: made on first use by whoever writes there first (the PAM module, sudo
 * or the reaper), always root's and 0700, and trusted only after the checks of
 * cg_state_dir_open on the opened directory itself. Its one scan serves every kind of file
 * in it (login records, sudo leases), so the rules for what counts as one live here once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_dir.h"
#include "state_file.h"
#include "trusted_stat.h"

int cg_run_dir_open(const char *run_dir, bool create)
{
	if (run_dir == NULL || run_dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	bool made = create && mkdir(run_dir, 0700) == 0;
	if (create && !made && errno != EEXIST)
		return -1;
	int fd = cg_state_dir_open(run_dir);
	if (fd < 0)
		return -1;
	if (made && cg_own_by_root(fd) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int cg_run_dir_remove(const char *run_dir, const char *name)
{
	int dirfd = cg_run_dir_open(run_dir, false);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	int rc = unlinkat(dirfd, name, 0);
	if (rc != 0 && errno == ENOENT)
		rc = 0;
	int saved = errno;
	close(dirfd);
	errno = saved;
	return rc;
}

/* name is prefix and a canonical decimal in [min, max]: the only names the writers give. */
static bool numbered(const char *name, const char *prefix, unsigned long long min,
		     unsigned long long max, unsigned long long *n)
{
	size_t k = strlen(prefix);
	if (strncmp(name, prefix, k) != 0)
		return false;
	const char *d = name + k;
	size_t len = strlen(d);
	/* 20 digits hold any unsigned long long; more is never canonical */
	if (len == 0 || len > 20 || strspn(d, "0123456789") != len || (len > 1 && d[0] == '0'))
		return false;
	unsigned long long v = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned digit = (unsigned)(d[i] - '0');
		if (v > (~0ULL - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	if (v < min || v > max)
		return false;
	*n = v;
	return true;
}

/* Seen without following a link: a regular file of root's that no one else may write. The
 * readers check the file they open again; this keeps planted entries out of the lists. */
static bool trusted_entry(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	       cg_check_trusted_stat(name, &st, true, NULL, 0) == 0;
}

int cg_run_dir_scan(const char *run_dir, const char *prefix, unsigned long long min,
		    unsigned long long max, cg_run_dir_fn fn, void *arg)
{
	int dirfd = cg_run_dir_open(run_dir, false);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	DIR *d = cg_state_dir_list(dirfd);
	if (d == NULL) {
		int e = errno;
		close(dirfd);
		errno = e;
		return -1;
	}
	struct dirent *e;
	unsigned scanned = 0;
	errno = 0;
	while (scanned < CG_STATE_SCAN_MAX && (e = readdir(d)) != NULL) {
		unsigned long long n;
		scanned++;
		if (!numbered(e->d_name, prefix, min, max, &n) || !trusted_entry(dirfd, e->d_name)) {
			errno = 0;
			continue;
		}
		fn(n, arg);
		errno = 0;
	}
	int rc = errno != 0 ? -1 : 0;
	int saved = errno;
	closedir(d);
	close(dirfd);
	errno = saved;
	return rc;
}
