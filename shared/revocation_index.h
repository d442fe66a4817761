/*
 * The revocation list's index: a cache in state_dir that keeps a check flat at any list size.
 * The list stays the source of truth; revocation.c scans it whenever no usable index exists.
 */
#ifndef CG_REVOCATION_INDEX_H
#define CG_REVOCATION_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "changegate.h"

/* One value of the list: its hash, and where its bytes are in the list. */
struct cg_revidx_entry {
	uint64_t hash;
	uint32_t off, len;
};

/* The list and the index share the trust rules: a regular file owned by root (or us) that
 * neither group nor others may write. */
bool cg_revidx_trusted_stat(const struct stat *st);

uint64_t cg_revidx_hash(const char *s, size_t n);

/* The index in state_dir when it describes exactly the list behind st, and state_dir passes
 * cg_check_trusted_dir: its fd (and *count), or -1 (then scan). state_dir may be NULL. */
int cg_revidx_open(const char *state_dir, const struct stat *list, uint64_t *count);

/* The first of count entries of esize bytes at base in fd, each starting with its hash and
 * sorted by it, whose hash is not below h (binary search by pread). 0, or -1 on a read
 * error. Both indexes (this one and the signed list's) search with it. */
int cg_revidx_lower_bound(int fd, off_t base, uint64_t count, size_t esize, uint64_t h,
			  uint64_t *out);

/* CG_REVOKED when value is listed, CG_OK when not, CG_CONFIG_ERROR when the index points
 * outside the list or cannot be read. Every hash hit is confirmed against the list (lfd). */
cg_reason cg_revidx_lookup(int ifd, uint64_t count, int lfd, const struct stat *list,
			   const char *value);

/* Best effort: writes the index of the list behind lfd into state_dir (sorting e), root:root.
 * Nothing is written when state_dir is NULL, untrusted or read-only, or the list has not
 * settled. Either way the stale temporary files of killed rebuilds are removed (bounded). */
void cg_revidx_write(const char *state_dir, int lfd, const struct stat *list,
		     struct cg_revidx_entry *e, size_t count);

#endif /* CG_REVOCATION_INDEX_H */
