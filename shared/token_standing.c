/* After the claims: whether the ticket still stands, and what it covers. Shared by the full
 * verification (token_verify.c) and the judgement of a login record's verified claims
 * (token_recorded.c), so the two can never disagree. No cryptography. */
#include <string.h>

#include "token_internal.h"

/* A withdrawn ticket says so before any question of scope: "revoked" tells the user what to
 * do, "command_denied" would send them asking for a wider ticket. */
static cg_reason check_revoked(const struct cg_config *cfg, const struct cg_ticket *t,
			       char *detail, size_t detlen)
{
	char name[80];
	cg_ticket_name(t, name, sizeof(name));
	cg_reason r = cg_revocation_check(cfg->revocation_file, t->jti, t->chg,
					  cfg->state_dir);
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

cg_reason cg_token_check_standing(const struct cg_config *cfg, const struct cg_ticket *t,
				  const struct cg_request *req, bool *unrestricted, char *detail,
				  size_t detlen)
{
	*unrestricted = false;
	cg_reason r = check_revoked(cfg, t, detail, detlen);
	if (r == CG_OK)
		r = cg_token_check_grant(cfg, t, req, unrestricted, detail, detlen);
	return r;
}

void cg_token_describe_allow(const struct cg_ticket *t, const struct cg_request *req,
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

