/*
 * The signed revocation list at a decision, without cryptography: the list file opened and
 * trusted, its verified index in state_dir (revocation_list_cache.c) bound to exactly this
 * file, its signature segment, the key that verified it and the settings, then the list
 * judged (seq floor, iat, staleness) and the ids looked up. Only when no index is bound does
 * the caller verify the list (revocation_list.c, in the verifier); so the sudo front end can
 * judge a login record against a signed list without loading libcrypto (issue 16), and a
 * list changed in any way since its verification is never believed from an old index.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file_id.h"
#include "revocation_index.h"
#include "revocation_list.h"
#include "state_file.h"
#include "token_internal.h"
#include "trusted_stat.h"

#define SEQ_NAME "revocation_list.seq"
#define SEQ_TEXT_MAX 32
/* the tail read to find the signature segment without reading a whole list */
#define TAIL_MAX 4096

int cg_revlist_seq_read(const char *state_dir, long long *seq)
{
	*seq = 0;
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : -1;
	int fd = openat(dirfd, SEQ_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
			O_NOCTTY);
	int e = errno;
	close(dirfd);
	if (fd < 0)
		return e == ENOENT ? 0 : -1;
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc = -1;
	if (fstat(fd, &st) == 0 && cg_revidx_trusted_stat(&st) &&
	    cg_read_trusted_fd(fd, SEQ_NAME, &st, SEQ_TEXT_MAX, &buf, &len, NULL, 0) == 0) {
		char *end = NULL;
		errno = 0;
		long long v = strtoll(buf, &end, 10);
		if (errno == 0 && end != buf && buf[0] >= '0' && buf[0] <= '9' &&
		    strcmp(end, "\n") == 0 && v >= 0 && v <= CG_REVLIST_SEQ_MAX) {
			*seq = v;
			rc = 0;
		}
		cg_wipe_free(buf, len + 1);
	}
	close(fd);
	return rc;
}

int cg_revlist_seq_write(const char *state_dir, long long seq)
{
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return -1;
	char tmp[CG_STATE_TEMP_NAME_MAX], text[SEQ_TEXT_MAX];
	int n = snprintf(text, sizeof(text), "%lld\n", seq);
	int fd = cg_state_temp_create(dirfd, 0644, tmp);
	int rc = -1;
	if (fd >= 0) {
		bool ok = n > 0 && cg_write_all(fd, text, (size_t)n) == 0 && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (ok && renameat(dirfd, tmp, dirfd, SEQ_NAME) == 0 && fsync(dirfd) == 0)
			rc = 0;
		else
			unlinkat(dirfd, tmp, 0);
	}
	close(dirfd);
	return rc;
}

cg_reason cg_revlist_judge(const struct cg_config *cfg, const struct cg_revlist_info *info,
			   long long recorded, time_t now, char *detail, size_t detlen)
{
	long long leeway = cfg->leeway > 0 ? cfg->leeway : 0;
	if (info->seq < recorded) {
		cg_detail(detail, detlen, "the signed revocation list has seq %lld, lower than the "
			  "%lld this host installed: an older list was put in place", info->seq,
			  recorded);
		return CG_REVOCATION_ROLLBACK;
	}
	/* also here, not only when parsing: a list judged from its index at an earlier clock
	 * (verify --at) is judged as one verified at that clock */
	if (info->iat > (long long)now + leeway) {
		cg_detail(detail, detlen, "the signed revocation list (seq %lld) was issued after "
			  "this moment (iat)", info->seq);
		return CG_REVOCATION_INVALID;
	}
	if ((long long)now >= info->exp + leeway) {
		char ago[40];
		cg_duration_words((long long)now - info->exp, ago, sizeof(ago));
		cg_detail(detail, detlen, "the signed revocation list (seq %lld) was due for an "
			  "update %s ago and is stale", info->seq, ago);
		return CG_REVOCATION_STALE;
	}
	return CG_OK;
}

uint64_t cg_revlist_settings_hash(const struct cg_config *cfg)
{
	char text[64];
	snprintf(text, sizeof(text), "%u", cfg->algorithms);
	const char *parts[3] = {cfg->issuer, cfg->audience, text};
	uint64_t h = 0;
	for (size_t i = 0; i < 3; i++) {
		const char *s = parts[i] != NULL ? parts[i] : "";
		h = h * 31 + cg_revidx_hash(s, strlen(s) + 1);
	}
	for (size_t i = 0; i < cfg->revocation_kids.count; i++) {
		const char *s = cfg->revocation_kids.items[i];
		h = h * 31 + cg_revidx_hash(s, strlen(s) + 1);
	}
	return h;
}

int cg_revlist_key_ident(const struct cg_config *cfg, const char *kid, struct cg_file_id *id)
{
	char path[4096];
	if (cfg->keys_dir == NULL || cg_check_trusted_dir(cfg->keys_dir, NULL, 0) != 0)
		return -1;
	int n = snprintf(path, sizeof(path), "%s/%s.pem", cfg->keys_dir, kid);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = fstat(fd, &st) == 0 && cg_revidx_trusted_stat(&st) ? 0 : -1;
	close(fd);
	if (rc == 0)
		cg_file_id_of_stat(&st, id);
	return rc;
}

/* The list's signature segment from the file's tail, without reading the whole list. */
static bool tail_signature(int fd, const struct stat *st, char *buf, size_t buflen,
			   const char **sig, size_t *siglen)
{
	size_t n = (size_t)st->st_size < buflen ? (size_t)st->st_size : buflen;
	ssize_t r = pread(fd, buf, n, st->st_size - (off_t)n);
	if (r < 0 || (size_t)r != n)
		return false;
	return cg_revlist_signature(buf, n, sig, siglen);
}

cg_reason cg_revlist_open(const struct cg_config *cfg, struct cg_revlist_state *ls, char *detail,
			  size_t detlen)
{
	memset(ls, 0, sizeof(*ls));
	ls->cache_fd = -1;
	ls->list_fd = -1;
	if (cg_revlist_seq_read(cfg->state_dir, &ls->recorded) != 0) {
		cg_detail(detail, detlen, "the recorded seq of the signed revocation list in "
			  "state_dir cannot be read or trusted");
		return CG_REVOCATION_INVALID;
	}
	const char *path = cfg->revocation_list;
	int fd = path[0] == '/' ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
				       O_NOCTTY) : -1;
	if (fd < 0) {
		cg_detail(detail, detlen, "the signed revocation list %s cannot be opened: %s",
			  path, path[0] == '/' ? strerror(errno) : "not an absolute path");
		return CG_REVOCATION_INVALID;
	}
	char err[256] = "fstat failed";
	if (fstat(fd, &ls->st) != 0 || cg_check_trusted_fd(fd, path, false, err, sizeof(err)) != 0) {
		cg_detail(detail, detlen, "the signed revocation list cannot be trusted: %s", err);
		close(fd);
		return CG_REVOCATION_INVALID;
	}
	ls->list_fd = fd;
	cg_file_id_of_stat(&ls->st, &ls->b.list);
	ls->b.settings = cg_revlist_settings_hash(cfg);
	char tail[TAIL_MAX];
	struct cg_revlist_info cached;
	if (!tail_signature(fd, &ls->st, tail, sizeof(tail), &ls->b.sig, &ls->b.siglen))
		return CG_OK;
	/* the kid is the index's claim; the key file it names must be the same one */
	struct cg_file_id key_then, key_now;
	ls->cache_fd = cg_revlist_cache_open(cfg->state_dir, &ls->b, &cached, &key_then,
					     &ls->count);
	ls->b.sig = NULL;  /* it pointed into tail */
	if (ls->cache_fd >= 0 && (cg_revlist_key_ident(cfg, cached.kid, &key_now) != 0 ||
				  !cg_file_id_equal(&key_now, &key_then))) {
		close(ls->cache_fd);
		ls->cache_fd = -1;
	}
	if (ls->cache_fd >= 0)
		ls->info = cached;
	return CG_OK;
}

static cg_reason lookup(struct cg_revlist_state *ls, const char *jti, const char *chg)
{
	if (ls->cache_fd >= 0) {
		cg_reason r = cg_revlist_cache_lookup(ls->cache_fd, ls->count, CG_REVLIST_JTI, jti);
		if (r == CG_OK)
			r = cg_revlist_cache_lookup(ls->cache_fd, ls->count, CG_REVLIST_CHG, chg);
		return r;
	}
	if (cg_revlist_ids_contain(&ls->ids, CG_REVLIST_JTI, jti) ||
	    cg_revlist_ids_contain(&ls->ids, CG_REVLIST_CHG, chg))
		return CG_REVOKED;
	return CG_OK;
}

cg_reason cg_revlist_finish(const struct cg_config *cfg, struct cg_revlist_state *ls,
			    cg_reason r, const char *jti, const char *chg, time_t now,
			    char *detail, size_t detlen)
{
	if (r == CG_OK)
		r = cg_revlist_judge(cfg, &ls->info, ls->recorded, now, detail, detlen);
	/* a valid list installed by hand with a higher seq raises the floor (best effort) */
	if (r == CG_OK && ls->info.seq > ls->recorded)
		(void)cg_revlist_seq_write(cfg->state_dir, ls->info.seq);
	if (r == CG_OK) {
		r = lookup(ls, jti, chg);
		if (r == CG_CONFIG_ERROR)
			cg_detail(detail, detlen, "the signed revocation list's index in state_dir "
				  "cannot be read");
	}
	cg_revlist_close(ls);
	return r;
}

void cg_revlist_close(struct cg_revlist_state *ls)
{
	if (ls->cache_fd >= 0)
		close(ls->cache_fd);
	if (ls->list_fd >= 0)
		close(ls->list_fd);
	ls->cache_fd = ls->list_fd = -1;
	cg_revlist_ids_free(&ls->ids);
}

cg_reason cg_revlist_check_indexed(const struct cg_config *cfg, const char *jti,
				   const char *chg, time_t now, bool *decided, char *detail,
				   size_t detlen)
{
	*decided = true;
	if (cfg->revocation_list == NULL)
		return CG_OK;
	struct cg_revlist_state ls;
	cg_reason r = cg_revlist_open(cfg, &ls, detail, detlen);
	if (r == CG_OK && ls.cache_fd < 0) {
		*decided = false;
		cg_detail(detail, detlen, "the signed revocation list has no verified index for "
			  "the file in place");
		cg_revlist_close(&ls);
		return CG_CONFIG_ERROR;
	}
	return cg_revlist_finish(cfg, &ls, r, jti, chg, now, detail, detlen);
}
