/*
 * `changegate revocations install`: a new list replaces the one in force only when it is
 * valid, fresh and newer. The floor is the highest seq recorded in state_dir, or that of the
 * installed list when it is valid and higher (a list copied in by hand still counts). The
 * same seq is accepted only for the byte-identical list, as a no-op, so that a fetcher that
 * runs every few minutes is harmless and a second list under a seq already used is refused.
 * The file is replaced atomically in its own (trusted) directory: temporary file, fsync,
 * rename, fsync of the directory; then the seq is recorded and the index built, so that the
 * first decision after an install does not pay for the verification.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revocation_list.h"
#include "state_file.h"
#include "token_internal.h"

/* The list text without the one trailing newline a file may end in. */
static size_t body_len(const char *text, size_t len)
{
	const char *sig;
	size_t siglen;
	return cg_revlist_signature(text, len, &sig, &siglen) ? (size_t)(sig - text) + siglen
							      : len;
}

/* The installed list's bytes (NULL when there is none or it cannot be read). */
static char *read_installed(const struct cg_config *cfg, size_t *len)
{
	char *buf = NULL;
	if (cg_read_trusted_file(cfg->revocation_list, CG_REVLIST_FILE_MAX + 2, &buf, len, NULL,
				 0) != 0)
		return NULL;
	return buf;
}

/* The seq below which nothing is installed, and whether `text` is the installed list. */
static cg_reason floor_of(const struct cg_config *cfg, const char *text, size_t len, time_t now,
			  long long *floor, bool *same, char *detail, size_t detlen)
{
	*same = false;
	if (cg_revlist_seq_read(cfg->state_dir, floor) != 0) {
		cg_detail(detail, detlen, "the recorded seq in %s cannot be read or trusted",
			  cfg->state_dir);
		return CG_CONFIG_ERROR;
	}
	size_t ilen = 0;
	char *installed = read_installed(cfg, &ilen);
	if (installed == NULL)
		return CG_OK;
	struct cg_revlist_info info;
	char ignored[CG_DETAIL_MAX];
	if (cg_revlist_verify(cfg, installed, ilen, now, &info, ignored, sizeof(ignored)) == CG_OK &&
	    info.seq > *floor)
		*floor = info.seq;
	size_t a = body_len(text, len), b = body_len(installed, ilen);
	*same = a == b && memcmp(text, installed, a) == 0;
	free(installed);
	return CG_OK;
}

/* Writes text as the list file: temporary name in its directory, fsync, rename. */
static int replace_file(const char *path, const char *text, size_t len, char *detail,
			size_t detlen)
{
	char dir[4096], base[4096];
	if (cg_strlcpy(dir, path, sizeof(dir)) >= sizeof(dir) ||
	    cg_strlcpy(base, path, sizeof(base)) >= sizeof(base)) {
		cg_detail(detail, detlen, "%s: path too long", path);
		return -1;
	}
	int dirfd = cg_state_dir_open(dirname(dir));
	if (dirfd < 0) {
		cg_detail(detail, detlen, "the directory of %s is missing or not trusted (root "
			  "owned, not writable by group or others)", path);
		return -1;
	}
	char tmp[CG_STATE_TEMP_NAME_MAX];
	int fd = cg_state_temp_create(dirfd, 0644, tmp);
	int rc = -1;
	if (fd >= 0) {
		bool ok = cg_write_all(fd, text, len) == 0 && cg_write_all(fd, "\n", 1) == 0 &&
			  fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (ok && renameat(dirfd, tmp, dirfd, basename(base)) == 0) {
			rc = fsync(dirfd);
		} else {
			unlinkat(dirfd, tmp, 0);
		}
	}
	if (rc != 0)
		cg_detail(detail, detlen, "%s could not be written: %s", path, strerror(errno));
	close(dirfd);
	return rc;
}

cg_reason cg_revlist_install(const struct cg_config *cfg, const char *text, size_t len,
			     time_t now, struct cg_revlist_info *info, bool *unchanged,
			     char *detail, size_t detlen)
{
	*unchanged = false;
	memset(info, 0, sizeof(*info));
	if (cfg->revocation_list == NULL) {
		cg_detail(detail, detlen, "the configuration sets no revocation_list");
		return CG_CONFIG_ERROR;
	}
	cg_reason r = cg_revlist_verify(cfg, text, len, now, info, detail, detlen);
	if (r != CG_OK)
		return r;
	long long floor = 0;
	bool same = false;
	r = floor_of(cfg, text, len, now, &floor, &same, detail, detlen);
	if (r != CG_OK)
		return r;
	/* stale first: a stale list is refused even when it is the installed one */
	r = cg_revlist_judge(cfg, info, 0, now, detail, detlen);
	if (r != CG_OK)
		return r;
	if (info->seq < floor || (info->seq == floor && !same && floor > 0)) {
		cg_detail(detail, detlen, info->seq < floor
			  ? "its seq %lld is lower than the installed %lld"
			  : "its seq %lld is the installed one (%lld), with other content",
			  info->seq, floor);
		return CG_REVOCATION_ROLLBACK;
	}
	if (same && info->seq == floor) {
		*unchanged = true;
		(void)cg_revlist_seq_write(cfg->state_dir, info->seq);
		return CG_OK;
	}
	if (replace_file(cfg->revocation_list, text, body_len(text, len), detail, detlen) != 0)
		return CG_CONFIG_ERROR;
	if (cg_revlist_seq_write(cfg->state_dir, info->seq) != 0) {
		cg_detail(detail, detlen, "the list was installed but its seq could not be "
			  "recorded in %s", cfg->state_dir);
		return CG_CONFIG_ERROR;
	}
	/* builds the index now, so that the next login does not verify the list */
	char ignored[CG_DETAIL_MAX];
	(void)cg_revlist_check(cfg, NULL, NULL, now, ignored, sizeof(ignored));
	return CG_OK;
}
