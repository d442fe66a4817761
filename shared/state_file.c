/*
 * The core's own files in state_dir and the run dir. Each is written under a temporary name
 * and then linked or renamed into place, so a reader never sees half a file; a writer that
 * is killed (a user can kill their own sudo) leaves its temporary behind, and the next
 * writer removes it once it is old enough that no live writer can own it. Every file is
 * made root:root at once: sudo runs the plugin with the user's gid.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "state_file.h"

#define TEMP_PREFIX ".tmp-"
/* what mkostemp made for the revocation index before this file existed */
#define LEGACY_INDEX_TEMP ".tmp-revocation.idx-"

int cg_state_dir_open(const char *path)
{
	if (path == NULL || path[0] != '/')
		return -1;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (cg_check_trusted_fd(fd, path, true, NULL, 0) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int cg_own_by_root(int fd)
{
	if (geteuid() != 0)
		return 0;
	return fchown(fd, 0, 0);
}

int cg_state_temp_create(int dirfd, mode_t mode, char name[CG_STATE_TEMP_NAME_MAX])
{
	for (int attempt = 0; attempt < 8; attempt++) {
		unsigned char rnd[8];
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			break;
		snprintf(name, CG_STATE_TEMP_NAME_MAX,
			 TEMP_PREFIX "%ld-%02x%02x%02x%02x%02x%02x%02x%02x", (long)getpid(), rnd[0],
			 rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
		int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				mode);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			break;
		/* before anything is written: no moment where the user's group owns it */
		if (fchmod(fd, mode) != 0 || cg_own_by_root(fd) != 0) {
			close(fd);
			unlinkat(dirfd, name, 0);
			break;
		}
		return fd;
	}
	/* no name of a file we did not make may reach a caller's cleanup */
	name[0] = '\0';
	return -1;
}

static bool all_of(const char *s, size_t n, const char *set)
{
	return strlen(s) == n && strspn(s, set) == n;
}

bool cg_state_temp_name(const char *name)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t p = strlen(TEMP_PREFIX), l = strlen(LEGACY_INDEX_TEMP);

	if (strncmp(name, LEGACY_INDEX_TEMP, l) == 0)
		return all_of(name + l, 6, alnum);
	if (strncmp(name, TEMP_PREFIX, p) != 0)
		return false;
	size_t digits = strspn(name + p, "0123456789");
	if (digits == 0 || digits > 10 || name[p + digits] != '-')
		return false;
	return all_of(name + p + digits + 1, 16, "0123456789abcdef");
}

bool cg_state_temp_prune(int dirfd, const char *name, time_t now)
{
	struct stat st;

	if (!cg_state_temp_name(name))
		return false;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_uid == 0 || st.st_uid == geteuid()) && st.st_mtime < now - CG_STATE_TEMP_KEEP)
		unlinkat(dirfd, name, 0);
	return true;
}

DIR *cg_state_dir_list(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (d == NULL)
		close(fd);
	return d;
}

void cg_state_temps_prune(int dirfd, time_t now)
{
	DIR *d = cg_state_dir_list(dirfd);
	if (d == NULL)
		return;
	unsigned scanned = 0, temps = 0;
	struct dirent *e;
	while (scanned < CG_STATE_SCAN_MAX && temps < CG_STATE_TEMPS_MAX &&
	       (e = readdir(d)) != NULL) {
		scanned++;
		temps += cg_state_temp_prune(dirfd, e->d_name, now);
	}
	closedir(d);
}
