/* The whole verification, in the order of docs/token-format.md. Each step can only deny; the
 * decision becomes "ok" only after the last one. Claims are read before the signature is
 * checked so that any denial can name the ticket, but a fault in them is reported only once
 * the signature holds: an attacker's garbage gets "bad_signature", not a claim complaint. */
#include <string.h>

#include "token_internal.h"

/* The signed revocation list (issue 13) comes first: a list that cannot be trusted denies
 * before anything else. It needs libcrypto, so it stays here; the plain list and the grant
 * are token_standing.c, shared with the judgement of recorded claims (which falls back to
 * this full verification whenever a signed list is configured). */
static cg_reason check_signed_list(const struct cg_config *cfg, const struct cg_ticket *t,
				   const struct cg_request *req, char *detail, size_t detlen)
{
	char name[80];
	cg_ticket_name(t, name, sizeof(name));
	cg_reason r = cg_revlist_check(cfg, t->jti, t->chg, req->now, detail, detlen);
	if (r == CG_REVOKED)
		cg_detail(detail, detlen, "%s, or this token of it, has been revoked (signed "
			  "revocation list)", name);
	return r;
}

/* Last of all, so that a request the ticket does not cover never spends a single-use jti. */
static cg_reason check_single_use(const struct cg_config *cfg, const struct cg_ticket *t,
				  const struct cg_request *req, char *detail, size_t detlen)
{
	bool once = cfg->single_use == CG_SINGLE_USE_ALWAYS ||
		    (cfg->single_use == CG_SINGLE_USE_LOGIN && req->scope == CG_SCOPE_LOGIN);
	if (!once)
		return CG_OK;
	char name[80];
	cg_ticket_name(t, name, sizeof(name));
	long long leeway = cfg->leeway > 0 ? cfg->leeway : 0;
	cg_reason r = cg_replay_check(cfg->state_dir, t->jti, t->exp + leeway, req->now,
				      req->replay);
	if (r == CG_REPLAYED) {
		cg_detail(detail, detlen, "%s: this single-use token has already been used", name);
		return r;
	}
	if (r != CG_OK) {
		cg_detail(detail, detlen, "the single-use records in state_dir cannot be used, so "
			  "no token is accepted");
		return CG_CONFIG_ERROR;
	}
	return CG_OK;
}

/* Steps 3 (header) to 9, on a decoded token. */
static cg_reason verify_decoded(const struct cg_config *cfg, const struct cg_token_parts *parts,
				const struct cg_request *req, struct cg_decision *out)
{
	struct cg_ticket *t = &out->ticket;
	char claim_detail[CG_DETAIL_MAX] = "";
	cg_reason claim_r = cg_token_read_claims(parts->payload, t, claim_detail,
						 sizeof(claim_detail));
	out->have_claims = true;
	cg_alg alg = CG_ALG_ES256;
	cg_reason r = cg_token_check_header(cfg, parts->header, t, &alg, out->detail,
					    sizeof(out->detail));
	if (r != CG_OK)
		return r;
	char *pem = NULL;
	size_t pemlen = 0;
	struct cg_file_id key;
	r = cg_token_load_key(cfg, t->kid, alg, &pem, &pemlen, &key, out->detail,
			      sizeof(out->detail));
	if (r != CG_OK)
		return r;
	r = cg_token_check_signature(parts, alg, t->kid, pem, pemlen, out->detail,
				     sizeof(out->detail));
	cg_wipe_free(pem, pemlen + 1);
	if (r != CG_OK)
		return r;
	out->verified = true;
	out->have_key = true;
	out->key = key;
	if (claim_r != CG_OK) {
		cg_strlcpy(out->detail, claim_detail, sizeof(out->detail));
		return claim_r;
	}
	/* what the ticket is (claims), whether it still stands (revocation), what it covers
	 * (grant), and only then spending it (single use) */
	r = cg_token_check_claims(cfg, t, req, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		r = check_signed_list(cfg, t, req, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		r = cg_token_check_standing(cfg, t, req, &out->unrestricted, out->detail,
					    sizeof(out->detail));
	if (r == CG_OK)
		r = check_single_use(cfg, t, req, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		cg_token_describe_allow(t, req, out->unrestricted, out->detail,
					sizeof(out->detail));
	return r;
}

cg_reason cg_verify_token(const struct cg_config *cfg, const char *token, size_t len,
			  const struct cg_request *req, struct cg_decision *out)
{
	memset(out, 0, sizeof(*out));
	out->reason = CG_CONFIG_ERROR;
	if (cfg == NULL || req == NULL) {
		cg_detail(out->detail, sizeof(out->detail), "internal error: no configuration "
			  "or no request");
		return out->reason;
	}
	struct cg_token_parts parts;
	cg_reason r = cg_token_decode(token, len, &parts, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		r = verify_decoded(cfg, &parts, req, out);
	cg_token_parts_free(&parts);
	out->reason = r;
	return r;
}

bool cg_verify_again(const struct cg_config *cfg, const struct cg_ticket *t,
		     const struct cg_file_id *key, const struct cg_request *req,
		     struct cg_decision *out)
{
	if (cfg == NULL || req == NULL) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	/* everything but the redemption, judged as for a record; then the redemption, as the
	 * full verification does it, last */
	struct cg_request judged = *req;
	judged.replay = CG_REPLAY_SKIP;
	if (!cg_recorded_allows(cfg, t, key, &judged, out, NULL, 0))
		return false;
	if (check_single_use(cfg, &out->ticket, req, out->detail, sizeof(out->detail)) != CG_OK) {
		cg_decision_free(out);
		memset(out, 0, sizeof(*out));
		return false;
	}
	cg_token_describe_allow(&out->ticket, req, out->unrestricted, out->detail,
				sizeof(out->detail));
	return true;
}
