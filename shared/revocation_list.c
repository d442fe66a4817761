/*
 * The signed revocation list at a decision. When revocation_list is set, the list in force
 * must be present, validly signed for this issuer and audience, not stale at the decision's
 * clock and not older (seq) than the highest this host installed; otherwise every gated
 * decision is refused with one of the revocation_* reasons. A list whose verified index in
 * state_dir is bound to exactly this file and key is judged from it
 * (revocation_list_indexed.c, no cryptography); any other is verified here and indexed. The
 * highest seq is recorded in state_dir by install, and raised when a valid list with a
 * higher seq was put in place by other means (TUF keeps the same state).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "revocation_list.h"
#include "token_internal.h"
#include "trusted_stat.h"

/* Verifies the whole list from the open file, and indexes it for the next decision. */
static cg_reason verify_list(const struct cg_config *cfg, struct cg_revlist_state *ls,
			     time_t now, char *detail, size_t detlen)
{
	char *text = NULL;
	size_t len = 0;
	char err[256];
	if (cg_read_trusted_fd(ls->list_fd, cfg->revocation_list, &ls->st,
			       CG_REVLIST_FILE_MAX + 2, &text, &len, err, sizeof(err)) != 0) {
		cg_detail(detail, detlen, "the signed revocation list cannot be read: %s", err);
		return CG_REVOCATION_INVALID;
	}
	/* the index is bound to the key file that verified the list, as read: one looked up
	 * again afterwards may already be another (a rotation meanwhile), and an index bound to
	 * it would vouch for a list that key never verified */
	cg_reason r = cg_revlist_parse(cfg, text, len, now, &ls->info, &ls->ids, &ls->b.key,
				       detail, detlen);
	if (r == CG_OK && cg_revlist_signature(text, len, &ls->b.sig, &ls->b.siglen))
		cg_revlist_cache_write(cfg->state_dir, &ls->b, &ls->info, &ls->ids);
	ls->b.sig = NULL;
	free(text);
	return r;
}

cg_reason cg_revlist_check(const struct cg_config *cfg, const char *jti, const char *chg,
			   time_t now, char *detail, size_t detlen)
{
	if (cfg->revocation_list == NULL)
		return CG_OK;
	struct cg_revlist_state ls;
	cg_reason r = cg_revlist_open(cfg, &ls, detail, detlen);
	if (r == CG_OK && ls.cache_fd < 0)
		r = verify_list(cfg, &ls, now, detail, detlen);
	return cg_revlist_finish(cfg, &ls, r, jti, chg, now, detail, detlen);
}
