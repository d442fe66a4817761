/* The whole verification, in the order of docs/token-format.md. Each step can only deny; the
 * decision becomes "ok" only after the last one. Claims are read before the signature is
 * checked so that any denial can name the ticket, but a fault in them is reported only once
 * the signature holds: an attacker's garbage gets "bad_signature", not a claim complaint. */
#include <string.h>

#include "token_internal.h"

/* A withdrawn ticket says so before any question of scope: "revoked" tells the user what to
 * do, "command_denied" would send them asking for a wider ticket. */
static cg_reason check_revoked(const struct cg_config *cfg, const struct cg_ticket *t,
			       const struct cg_request *req, char *detail, size_t detlen)
{
	char name[80];
	cg_ticket_name(t, name, sizeof(name));
	/* the signed list first: a list that cannot be trusted denies before anything else */
	cg_reason r = cg_revlist_check(cfg, t->jti, t->chg, req->now, detail, detlen);
	if (r == CG_REVOKED) {
		cg_detail(detail, detlen, "%s, or this token of it, has been revoked (signed "
			  "revocation list)", name);
		return r;
	}
	if (r != CG_OK)
		return r;
	r = cg_revocation_check(cfg->revocation_file, t->jti, t->chg, cfg->state_dir);
	if (r == CG_REVOKED) {
		cg_detail(detail, detlen, "%s, or this token of it, has been revoked", name);
		return r;
	}
	if (r != CG_OK) {
		cg_detail(detail, detlen, "the revocation list cannot be read, so no token is "
			  "accepted");
		return CG_CONFIG_ERROR;
	}
	return CG_OK;
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

static void describe_allow(const struct cg_ticket *t, const struct cg_request *req,
			   bool unrestricted, char *detail, size_t detlen)
{
	char name[80], who[80], left[40];
	cg_ticket_name(t, name, sizeof(name));
	/* the claim is sanitised here, where it enters the detail, and nowhere again; our own
	 * words are not claims */
	if (t->emergency)
		cg_strlcpy(who, "nobody (break-glass)", sizeof(who));
	else
		cg_sanitize(who, sizeof(who), t->approved_by);
	cg_duration_words(t->exp - (long long)req->now, left, sizeof(left));
	cg_detail(detail, detlen, "%s%s, approved by %s, allows %s for %s more",
		  t->emergency ? "break-glass " : "", name, who,
		  req->scope != CG_SCOPE_SUDO ? "this login"
		  : unrestricted ? "any command (an unrestricted ticket: its cmds is *)"
		  : "this command", left);
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
		r = check_revoked(cfg, t, req, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		r = cg_token_check_grant(cfg, t, req, &out->unrestricted, out->detail,
					 sizeof(out->detail));
	if (r == CG_OK)
		r = check_single_use(cfg, t, req, out->detail, sizeof(out->detail));
	if (r == CG_OK)
		describe_allow(t, req, out->unrestricted, out->detail, sizeof(out->detail));
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
