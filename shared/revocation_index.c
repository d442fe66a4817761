/*
 * The index of the revocation list: "<state_dir>/revocation.idx", a cache and never a source
 * of truth. It holds the FNV-1a hash, offset and length of every value in the list, sorted by
 * hash, under a header naming the exact list it was built from (device, inode, size, mtime
 * and ctime to the nanosecond). A lookup binary-searches it with a few preads and confirms
 * every hash hit against the list's own bytes, so a hash collision cannot revoke anything.
 *
 * It lives in state_dir, which changegate already writes (single-use records), and never
 * beside the list: a login must not write into /etc. A state_dir that is missing, untrusted or
 * read-only only costs speed: the list is scanned, as it always was. An index that is
 * untrusted or built from another version of the list is ignored and replaced (by rename, so
 * readers never see it half-written). An index that names the list but points outside it is
 * an inconsistency: the check denies (config_error).
 *
 * The magic names the list's rules: version 2 indexes only lists whose every value is an id
 * (revocation.c); an index of version 1 may hold lines the verifier now refuses, and is
 * rebuilt.
 *
 * Timestamps can be coarse (ext4 ticks by jiffies), so two edits of the same size in the same
 * tick could leave the stat unchanged; as git does with "racily clean" entries, no index is
 * written for a list changed less than INDEX_SETTLE_NS ago.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "revocation_index.h"
#include "state_file.h"

#define INDEX_MAGIC "cgrvidx2"
#define INDEX_NAME "revocation.idx"
#define INDEX_SETTLE_NS 1000000000LL

struct index_header {
	char magic[8];
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
	uint64_t count;
};

bool cg_revidx_trusted_stat(const struct stat *st)
{
	return S_ISREG(st->st_mode) && (st->st_uid == 0 || st->st_uid == geteuid()) &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

uint64_t cg_revidx_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void header_for(const struct stat *st, uint64_t count, struct index_header *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, INDEX_MAGIC, sizeof(h->magic));
	h->dev = (uint64_t)st->st_dev;
	h->ino = (uint64_t)st->st_ino;
	h->size = (uint64_t)st->st_size;
	h->mtime_sec = st->st_mtim.tv_sec;
	h->mtime_nsec = st->st_mtim.tv_nsec;
	h->ctime_sec = st->st_ctim.tv_sec;
	h->ctime_nsec = st->st_ctim.tv_nsec;
	h->count = count;
}

static bool read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);
	return r >= 0 && (size_t)r == n;
}

/* The index path, only for a state_dir we trust (an index there decides what is revoked). */
static int index_path(const char *state_dir, char *out, size_t outlen)
{
	char err[256];
	if (state_dir == NULL || cg_check_trusted_dir(state_dir, err, sizeof(err)) != 0)
		return -1;
	int n = snprintf(out, outlen, "%s/" INDEX_NAME, state_dir);
	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

int cg_revidx_open(const char *state_dir, const struct stat *list, uint64_t *count)
{
	char ipath[4096];
	if (index_path(state_dir, ipath, sizeof(ipath)) != 0)
		return -1;
	int fd = open(ipath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	struct stat st;
	struct index_header h, want;
	header_for(list, 0, &want);
	if (fstat(fd, &st) != 0 || !cg_revidx_trusted_stat(&st) ||
	    !read_at(fd, &h, sizeof(h), 0) || h.count > (uint64_t)list->st_size ||
	    (uint64_t)st.st_size != sizeof(h) + h.count * sizeof(struct cg_revidx_entry)) {
		close(fd);
		return -1;
	}
	want.count = h.count;
	if (memcmp(&h, &want, sizeof(h)) != 0) {
		close(fd);
		return -1;
	}
	*count = h.count;
	return fd;
}

int cg_revidx_lower_bound(int fd, off_t base, uint64_t count, size_t esize, uint64_t h,
			  uint64_t *out)
{
	uint64_t lo = 0, hi = count;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint64_t mh;
		if (!read_at(fd, &mh, sizeof(mh), base + (off_t)(mid * esize)))
			return -1;
		if (mh < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	*out = lo;
	return 0;
}

cg_reason cg_revidx_lookup(int ifd, uint64_t count, int lfd, const struct stat *list,
			   const char *value)
{
	if (value == NULL || value[0] == '\0')
		return CG_OK;
	/* a hand-written list may hold longer values than revoke appends (chg: 255) */
	char buf[1024];
	size_t vlen = strnlen(value, sizeof(buf) + 1);
	if (vlen > sizeof(buf))
		return CG_CONFIG_ERROR;
	uint64_t h = cg_revidx_hash(value, vlen);
	uint64_t lo = 0;
	struct cg_revidx_entry e;
	const off_t base = (off_t)sizeof(struct index_header);
	if (cg_revidx_lower_bound(ifd, base, count, sizeof(e), h, &lo) != 0)
		return CG_CONFIG_ERROR;
	for (; lo < count; lo++) {
		if (!read_at(ifd, &e, sizeof(e), base + (off_t)(lo * sizeof(e))))
			return CG_CONFIG_ERROR;
		if (e.hash != h)
			break;
		if ((uint64_t)e.off + e.len > (uint64_t)list->st_size || e.len == 0)
			return CG_CONFIG_ERROR;
		if (e.len != vlen)
			continue;
		if (!read_at(lfd, buf, e.len, (off_t)e.off))
			return CG_CONFIG_ERROR;
		if (memcmp(buf, value, vlen) == 0)
			return CG_REVOKED;
	}
	return CG_OK;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cg_revidx_entry *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static bool same_list(const struct stat *a, const struct stat *b)
{
	struct index_header x, y;
	header_for(a, 0, &x);
	header_for(b, 0, &y);
	return memcmp(&x, &y, sizeof(x)) == 0;
}

/* Writes the index under a temporary name in dirfd and renames it into place. */
static void write_in(int dirfd, int lfd, const struct stat *list, struct cg_revidx_entry *e,
		     size_t count)
{
	char tmp[CG_STATE_TEMP_NAME_MAX];
	/* a read-only state_dir fails here, silently: the next check scans again */
	int fd = cg_state_temp_create(dirfd, 0644, tmp);
	if (fd < 0)
		return;
	qsort(e, count, sizeof(*e), cmp_entry);
	struct index_header h;
	header_for(list, count, &h);
	struct stat again;
	bool ok = cg_write_all(fd, &h, sizeof(h)) == 0 &&
		  cg_write_all(fd, e, count * sizeof(*e)) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	/* the list must not have changed while we read it */
	ok = ok && fstat(lfd, &again) == 0 && same_list(list, &again);
	if (!ok || renameat(dirfd, tmp, dirfd, INDEX_NAME) != 0)
		unlinkat(dirfd, tmp, 0);
}

void cg_revidx_write(const char *state_dir, int lfd, const struct stat *list,
		     struct cg_revidx_entry *e, size_t count)
{
	struct timespec now;
	if (state_dir == NULL || clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return;
	/* a rebuild killed midway (a user can kill their own sudo) leaves its temporary file,
	 * as large as the index: every rebuild, settled or not, removes the stale ones, so
	 * single_use = no (no record pruning) does not let them pile up */
	cg_state_temps_prune(dirfd, now.tv_sec);
	long long age = ((long long)now.tv_sec - list->st_ctim.tv_sec) * 1000000000LL +
			(now.tv_nsec - list->st_ctim.tv_nsec);
	if (age >= INDEX_SETTLE_NS)
		write_in(dirfd, lfd, list, e, count);
	close(dirfd);
}
