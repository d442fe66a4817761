/*
 * The signed revocation list inside the core: parsing (revocation_list_parse.c), its verified
 * index in state_dir (revocation_list_cache.c), the decision from the index alone
 * (revocation_list_indexed.c, libcgbase), with a verification when there is none
 * (revocation_list.c) and install (revocation_list_install.c). Never seen by the front ends; changegate.h has the contract.
 */
#ifndef CG_REVOCATION_LIST_H
#define CG_REVOCATION_LIST_H

#include <stdint.h>
#include <sys/stat.h>

#include "changegate.h"

enum cg_revlist_kind { CG_REVLIST_CHG = 0, CG_REVLIST_JTI = 1 };

/* One revoked id: its hash (cg_revidx_hash), kind, and its bytes in the blob. */
struct cg_revlist_entry {
	uint64_t hash;
	uint32_t off;
	uint16_t len;
	uint16_t kind;
};

/* The ids of a verified list: entries sorted by (hash, kind), their bytes in blob. */
struct cg_revlist_ids {
	struct cg_revlist_entry *e;
	size_t count;
	char *blob;
	size_t bloblen;
};

void cg_revlist_ids_free(struct cg_revlist_ids *ids);

/* cg_revlist_verify, also collecting the ids when ids is not NULL and, when key is not
 * NULL, the identity of the key file the signature was verified with (of the open file that
 * was read: a file put in its place meanwhile is not what verified the list). */
cg_reason cg_revlist_parse(const struct cg_config *cfg, const char *text, size_t len,
			   time_t now, struct cg_revlist_info *info, struct cg_revlist_ids *ids,
			   struct cg_file_id *key, char *detail, size_t detlen);

/* The signature segment of a list text (after the last dot, one trailing newline
 * forgiven): what binds the index to the list's content. */
bool cg_revlist_signature(const char *text, size_t len, const char **sig, size_t *siglen);
/* A list text's length without the one trailing newline ("\n" or "\r\n") a file ends in. */
size_t cg_revlist_trimmed(const char *text, size_t len);

/* What the index is bound to: the list file, its signature segment, the key file that
 * verified it and the settings that judged it (issuer, audience, algorithms,
 * revocation_kids). */
struct cg_revlist_binding {
	struct cg_file_id list, key;   /* the identity of the list file and the key file */
	uint64_t settings;
	const char *sig;
	size_t siglen;
};
/* A hash of the settings a verification depends on. */
uint64_t cg_revlist_settings_hash(const struct cg_config *cfg);
/* The key file's identity for kid, opened as the verifier would (O_NOFOLLOW, trusted). */
int cg_revlist_key_ident(const struct cg_config *cfg, const char *kid, struct cg_file_id *id);

/* revocation_list_cache.c. The index for b, when state_dir holds one bound to exactly b's
 * list, signature and settings: its fd, with *info as verified and *key the identity of the
 * key file that verified it (b->key is not read: the caller compares *key with the key file
 * info->kid names now); -1 otherwise (then verify). */
int cg_revlist_cache_open(const char *state_dir, const struct cg_revlist_binding *b,
			  struct cg_revlist_info *info, struct cg_file_id *key,
			  uint64_t *count);
/* CG_REVOKED when value is listed as kind, CG_OK when not, CG_CONFIG_ERROR when the index
 * cannot be read or points outside itself. */
cg_reason cg_revlist_cache_lookup(int fd, uint64_t count, enum cg_revlist_kind kind,
				  const char *value);
/* Best effort: writes the index of a verified list (ids sorted) into state_dir, root:root. */
void cg_revlist_cache_write(const char *state_dir, const struct cg_revlist_binding *b,
			    const struct cg_revlist_info *info, const struct cg_revlist_ids *ids);
/* Looks value up in ids (sorted), for the decision that just verified the list. */
bool cg_revlist_ids_contain(const struct cg_revlist_ids *ids, enum cg_revlist_kind kind,
			    const char *value);

/* revocation_list_indexed.c: records seq in state_dir (temp file, fsync, rename,
 * root:root). 0/-1. */
int cg_revlist_seq_write(const char *state_dir, long long seq);

/* One decision's view of the list in force. */
struct cg_revlist_state {
	long long recorded;         /* the seq floor this host installed */
	int list_fd;                /* the list file, opened and trusted */
	struct stat st;
	struct cg_revlist_binding b;
	int cache_fd;               /* its verified index, when one is bound to it; else -1 */
	uint64_t count;
	struct cg_revlist_info info;
	struct cg_revlist_ids ids;  /* filled when the list was verified now */
};
/* Reads the seq floor, opens and trusts the list, and opens its index when one is bound to
 * this file, its signature, its key and the settings (ls->cache_fd, ls->info). CG_OK or a
 * refusal with detail; call cg_revlist_finish either way. */
cg_reason cg_revlist_open(const struct cg_config *cfg, struct cg_revlist_state *ls, char *detail,
			  size_t detlen);
/* Given r (the open's, or the verification's), judges the list (seq floor, iat, stale),
 * raises the seq floor, looks jti and chg up, and closes ls. */
cg_reason cg_revlist_finish(const struct cg_config *cfg, struct cg_revlist_state *ls,
			    cg_reason r, const char *jti, const char *chg, time_t now,
			    char *detail, size_t detlen);
void cg_revlist_close(struct cg_revlist_state *ls);
/* cg_revlist_check from the list's verified index alone (no cryptography): *decided false,
 * with detail, when no index is bound to the list in place (then only a verification can
 * tell); otherwise what cg_revlist_check would answer. */
cg_reason cg_revlist_check_indexed(const struct cg_config *cfg, const char *jti,
				   const char *chg, time_t now, bool *decided, char *detail,
				   size_t detlen);

#endif /* CG_REVOCATION_LIST_H */
