/*
 * The verified index of the signed revocation list: "<state_dir>/revocation_list.idx", so that
 * a decision does not verify a million-entry list again. It is modelled on the plain list's
 * index (revocation_index.c) and, like it, is a cache and never a source of truth: a header
 * binds it to the exact list file (device, inode, size, mtime and ctime to the nanosecond,
 * and the signature segment itself, read from the list's tail), to the key file that verified
 * it (the same identity tuple) and to the settings that judged it (issuer, audience,
 * algorithms, revocation_kids); any difference and the list is verified again from scratch.
 * The ids are held in the index itself (the list's are base64url inside the JWS), sorted by
 * hash: a lookup is a binary search with a few preads, and every hit is confirmed against the
 * id's own bytes, so a hash collision cannot revoke anything.
 *
 * Only a verified list is ever indexed, so a file changed within one timestamp tick cannot
 * make the index vouch for unverified content: at worst it still answers for the list that
 * was verified, until the signature or ctime tells them apart. A state_dir that is missing,
 * untrusted or read-only only costs speed.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revocation_index.h"
#include "revocation_list.h"
#include "state_file.h"

/* 02: the file identities are struct cg_file_id (field order changed); an 01 index is not
 * read, just rebuilt after the next full verification */
#define CACHE_MAGIC "cgrvls02"
#define CACHE_NAME "revocation_list.idx"
/* a signature segment longer than this (an RSA key over 12,000 bits) is not indexed */
#define CACHE_SIG_MAX 2048

struct cache_header {
	char magic[8];
	struct cg_file_id list, key;
	uint64_t settings;
	int64_t seq, iat, exp;
	uint64_t nchg, njti, count, bloblen;
	char kid[CG_KID_MAX + 8];
	char alg[8];
	uint64_t siglen;
	char sig[CACHE_SIG_MAX];
};

void cg_revlist_ids_free(struct cg_revlist_ids *ids)
{
	if (ids == NULL)
		return;
	free(ids->e);
	free(ids->blob);
	memset(ids, 0, sizeof(*ids));
}

/* A list text without the one trailing newline ("\n" or "\r\n") a file usually ends in. */
size_t cg_revlist_trimmed(const char *text, size_t len)
{
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	return len;
}

bool cg_revlist_signature(const char *text, size_t len, const char **sig, size_t *siglen)
{
	len = cg_revlist_trimmed(text, len);
	size_t i = len;
	while (i > 0 && text[i - 1] != '.')
		i--;
	if (i == 0 || i == len)
		return false;
	*sig = text + i;
	*siglen = len - i;
	return true;
}

static bool read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);
	return r >= 0 && (size_t)r == n;
}

static bool header_binds(const struct cache_header *h, const struct cg_revlist_binding *b)
{
	return memcmp(h->magic, CACHE_MAGIC, sizeof(h->magic)) == 0 &&
	       cg_file_id_equal(&h->list, &b->list) && h->settings == b->settings &&
	       h->siglen == b->siglen && b->siglen <= CACHE_SIG_MAX &&
	       memcmp(h->sig, b->sig, b->siglen) == 0;
}

int cg_revlist_cache_open(const char *state_dir, const struct cg_revlist_binding *b,
			  struct cg_revlist_info *info, struct cg_file_id *key,
			  uint64_t *count)
{
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return -1;
	int fd = openat(dirfd, CACHE_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
			O_NOCTTY);
	close(dirfd);
	if (fd < 0)
		return -1;
	struct stat st;
	struct cache_header h;
	if (fstat(fd, &st) != 0 || !cg_revidx_trusted_stat(&st) || !read_at(fd, &h, sizeof(h), 0) ||
	    !header_binds(&h, b) || h.count > CG_REVLIST_IDS_MAX ||
	    h.bloblen > CG_REVLIST_FILE_MAX ||
	    (uint64_t)st.st_size != sizeof(h) + h.count * sizeof(struct cg_revlist_entry) +
					h.bloblen) {
		close(fd);
		return -1;
	}
	memset(info, 0, sizeof(*info));
	info->seq = h.seq;
	info->iat = h.iat;
	info->exp = h.exp;
	info->nchg = (size_t)h.nchg;
	info->njti = (size_t)h.njti;
	h.kid[sizeof(h.kid) - 1] = '\0';
	h.alg[sizeof(h.alg) - 1] = '\0';
	cg_strlcpy(info->kid, h.kid, sizeof(info->kid));
	cg_strlcpy(info->alg, h.alg, sizeof(info->alg));
	*key = h.key;
	*count = h.count;
	return fd;
}

cg_reason cg_revlist_cache_lookup(int fd, uint64_t count, enum cg_revlist_kind kind,
				  const char *value)
{
	if (value == NULL || value[0] == '\0')
		return CG_OK;
	char buf[CG_CLAIM_MAX + 1];
	size_t vlen = strnlen(value, sizeof(buf));
	if (vlen > CG_CLAIM_MAX)
		return CG_OK; /* no id in a list is longer: nothing to find */
	uint64_t h = cg_revidx_hash(value, vlen);
	const off_t base = (off_t)sizeof(struct cache_header);
	const off_t blob = base + (off_t)(count * sizeof(struct cg_revlist_entry));
	struct cache_header hdr;
	if (!read_at(fd, &hdr, sizeof(hdr), 0))
		return CG_CONFIG_ERROR;
	uint64_t lo = 0;
	struct cg_revlist_entry e;
	if (cg_revidx_lower_bound(fd, base, count, sizeof(e), h, &lo) != 0)
		return CG_CONFIG_ERROR;
	for (; lo < count; lo++) {
		if (!read_at(fd, &e, sizeof(e), base + (off_t)(lo * sizeof(e))))
			return CG_CONFIG_ERROR;
		if (e.hash != h)
			break;
		if ((uint64_t)e.off + e.len > hdr.bloblen || e.len > CG_CLAIM_MAX)
			return CG_CONFIG_ERROR;
		if (e.kind != (uint16_t)kind || e.len != vlen)
			continue;
		if (!read_at(fd, buf, e.len, blob + (off_t)e.off))
			return CG_CONFIG_ERROR;
		if (memcmp(buf, value, vlen) == 0)
			return CG_REVOKED;
	}
	return CG_OK;
}

bool cg_revlist_ids_contain(const struct cg_revlist_ids *ids, enum cg_revlist_kind kind,
			    const char *value)
{
	if (value == NULL || value[0] == '\0')
		return false;
	size_t vlen = strlen(value);
	uint64_t h = cg_revidx_hash(value, vlen);
	size_t lo = 0, hi = ids->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ids->e[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ids->count && ids->e[lo].hash == h; lo++) {
		const struct cg_revlist_entry *e = &ids->e[lo];
		if (e->kind == (uint16_t)kind && e->len == vlen &&
		    memcmp(ids->blob + e->off, value, vlen) == 0)
			return true;
	}
	return false;
}

void cg_revlist_cache_write(const char *state_dir, const struct cg_revlist_binding *b,
			    const struct cg_revlist_info *info, const struct cg_revlist_ids *ids)
{
	if (b->siglen > CACHE_SIG_MAX)
		return;
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return;
	struct cache_header *h = calloc(1, sizeof(*h));
	char tmp[CG_STATE_TEMP_NAME_MAX];
	/* a read-only state_dir fails here, silently: the next decision verifies again */
	int fd = h != NULL ? cg_state_temp_create(dirfd, 0644, tmp) : -1;
	if (fd >= 0) {
		memcpy(h->magic, CACHE_MAGIC, sizeof(h->magic));
		h->list = b->list;
		h->key = b->key;
		h->settings = b->settings;
		h->seq = info->seq;
		h->iat = info->iat;
		h->exp = info->exp;
		h->nchg = info->nchg;
		h->njti = info->njti;
		h->count = ids->count;
		h->bloblen = ids->bloblen;
		cg_strlcpy(h->kid, info->kid, sizeof(h->kid));
		cg_strlcpy(h->alg, info->alg, sizeof(h->alg));
		h->siglen = b->siglen;
		memcpy(h->sig, b->sig, b->siglen);
		bool ok = cg_write_all(fd, h, sizeof(*h)) == 0 &&
			  cg_write_all(fd, ids->e, ids->count * sizeof(*ids->e)) == 0 &&
			  cg_write_all(fd, ids->blob, ids->bloblen) == 0 && fsync(fd) == 0;
		ok = close(fd) == 0 && ok;
		if (!ok || renameat(dirfd, tmp, dirfd, CACHE_NAME) != 0)
			unlinkat(dirfd, tmp, 0);
	}
	free(h);
	close(dirfd);
}
