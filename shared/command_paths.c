/*
 * A ticket for "/usr/bin/python3 migrate.py" names a file by a word that the working
 * directory turns into a path, and programs read the working directory on their own as well
 * (make reads ./Makefile, python3 -m imports ./migrate.py, awk -fprog.awk): from the user's
 * home each would run the user's own code as root. So the directory itself is pinned: the
 * command must run in a directory that root alone controls, the whole chain from "/" owned
 * by root and not writable by group or others (sudoers "Defaults runcwd=/" gives that). The
 * literal words stay judged too, since "sub/x" or "../home/dave/x" walks out of a
 * root-controlled directory: an object a word names must be root's, and a word that names
 * nothing must name it where only root could create it. Components are judged one by one
 * with lstat, following symlinks (a symlink in a root-controlled directory is root's choice,
 * but where it points is judged again, from "/").
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "trusted_stat.h"

#define PATHS_SYMLINKS_MAX 40  /* the kernel's own limit (MAXSYMLINKS) */

/* Rewrites path (PATH_MAX bytes) as the symlink link_path's target followed by rest: with
 * link_path "/a/l", rest "/r": l -> "t" gives "/a/t/r", l -> "/x" gives "/x/r". The first
 * prefix_len bytes of link_path are its directory. */
static int splice_link(char *path, const char *link_path, size_t prefix_len, const char *rest,
		       char *why, size_t whylen)
{
	char target[PATH_MAX], joined[PATH_MAX];
	ssize_t n = readlink(link_path, target, sizeof(target) - 1);
	int len;

	char shown[160];

	cg_sanitize(shown, sizeof(shown), link_path);
	if (n <= 0) {
		cg_set_err(why, whylen, "%s: cannot read the symbolic link", shown);
		return -1;
	}
	target[n] = '\0';
	if (target[0] == '/')
		len = snprintf(joined, sizeof(joined), "%s%s", target, rest);
	else
		len = snprintf(joined, sizeof(joined), "%.*s/%s%s", (int)prefix_len, link_path,
			       target, rest);
	if (len < 0 || (size_t)len >= sizeof(joined)) {
		cg_set_err(why, whylen, "%s: the path it points to is too long", shown);
		return -1;
	}
	memcpy(path, joined, (size_t)len + 1); /* rest pointed into path: joined first */
	return 0;
}

/* One pass from "/" along path: 0 every component is root's, 2 a component is missing (every
 * one before it being root's, nobody else can create it), 1 the walk must restart on a
 * spliced-in symlink, -1 a component is not root's. */
static int walk(char *path, char *why, size_t whylen)
{
	char cur[PATH_MAX];
	struct stat st;
	size_t o = 0, at = 0;

	cur[0] = '/';
	cur[1] = '\0';
	if (lstat("/", &st) != 0 || cg_check_trusted_stat("/", &st, true, why, whylen) != 0)
		return -1;
	for (;;) {
		while (path[at] == '/')
			at++;
		if (path[at] == '\0')
			return 0;
		size_t n = strcspn(path + at, "/");
		if (o + 1 + n >= sizeof(cur)) {
			cg_set_err(why, whylen, "the path is too long");
			return -1;
		}
		size_t prefix = o;
		cur[o++] = '/';
		memcpy(cur + o, path + at, n);
		o += n;
		cur[o] = '\0';
		at += n;
		/* the path comes from the user (a directory name): words use it sanitised */
		char shown[160];
		cg_sanitize(shown, sizeof(shown), cur);
		if (lstat(cur, &st) != 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				return 2;
			cg_set_err(why, whylen, "%s: %s", shown, strerror(errno));
			return -1;
		}
		/* a symlink's mode bits mean nothing (always 0777): only its owner is judged */
		if (S_ISLNK(st.st_mode))
			st.st_mode &= (mode_t)~(S_IWGRP | S_IWOTH);
		if (cg_check_trusted_stat(shown, &st, true, why, whylen) != 0)
			return -1;
		if (S_ISLNK(st.st_mode)) {
			/* cur is root's link in a root-controlled directory; now judge where it points */
			if (splice_link(path, cur, prefix, path + at, why, whylen) != 0)
				return -1;
			return 1;
		}
	}
}

int cg_path_root_controlled(const char *path, char *why, size_t whylen)
{
	char work[PATH_MAX];

	if (path == NULL || path[0] != '/' || strlen(path) >= sizeof(work)) {
		cg_set_err(why, whylen, "not an absolute path of a usable length");
		return -1;
	}
	memcpy(work, path, strlen(path) + 1);
	for (int hops = 0; hops <= PATHS_SYMLINKS_MAX; hops++) {
		int rc = walk(work, why, whylen);
		if (rc == 0)
			return 1;
		if (rc == 2)
			return 0;
		if (rc < 0)
			return -1;
	}
	cg_set_err(why, whylen, "too many symbolic links");
	return -1;
}

/* The directory the command runs in: known, existing, and root's along its whole chain. */
static cg_reason check_cwd(const char *cwd, char *detail, size_t detlen)
{
	/* sized so that the advice at the end always fits in CG_DETAIL_MAX */
	char why[96], shown[96];

	if (cwd == NULL || cwd[0] != '/') {
		cg_set_err(detail, detlen, "the directory the command would run in is unknown, so "
			   "what it reads from there cannot be judged; run it from a root-owned "
			   "directory (cd /)");
		return CG_COMMAND_DENIED;
	}
	int rc = cg_path_root_controlled(cwd, why, sizeof(why));
	if (rc == 1)
		return CG_OK;
	if (rc == 0)
		cg_set_err(why, sizeof(why), "it does not exist");
	cg_sanitize(shown, sizeof(shown), cwd);
	cg_set_err(detail, detlen, "the command would run in %s, a directory root does not "
		   "control (%s), where it could read your files; run it from a root-owned "
		   "directory (cd /) or ask the administrators to set `Defaults runcwd=/` for "
		   "gated users in sudoers", shown, why);
	return CG_COMMAND_DENIED;
}

cg_reason cg_command_paths_check(const char *const *argv, size_t nliteral, const char *cwd,
				 char *detail, size_t detlen)
{
	char path[PATH_MAX], why[256], word[80], shown[160];

	if (check_cwd(cwd, detail, detlen) != CG_OK)
		return CG_COMMAND_DENIED;
	for (size_t i = 1; argv != NULL && i <= nliteral; i++) {
		const char *w = argv[i];
		if (w == NULL || w[0] == '\0' || w[0] == '/' || w[0] == '-')
			continue;
		cg_sanitize(word, sizeof(word), w);
		int n = snprintf(path, sizeof(path), "%s/%s", cwd, w);
		if (n < 0 || (size_t)n >= sizeof(path)) {
			cg_set_err(detail, detlen, "%s: the path it names is too long", word);
			return CG_COMMAND_DENIED;
		}
		int rc = cg_path_root_controlled(path, why, sizeof(why));
		if (rc >= 0)
			continue;
		cg_sanitize(shown, sizeof(shown), path);
		cg_set_err(detail, detlen, "%s names %s, which root does not control (%s); the "
			   "ticket must name it by absolute path", word, shown, why);
		return CG_COMMAND_DENIED;
	}
	return CG_OK;
}
