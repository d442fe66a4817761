/* Four eyes: the one claim rule that depends on the claims alone (sub and approved_by), so its
 * answer for a ticket never changes. It needs libunistring for names that are not ASCII
 * (identity_fold.c), so it stays in libcgcore with the verifier; a login record holds claims
 * that passed it at login. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"

/* Four eyes, on the names' comparison forms (shared/identity_fold.c): an approver who is the
 * user under another spelling (full-width, an invisible character, other case, a domain
 * part) is the user. A name with no form (not UTF-8), or an approver whose form is empty
 * (names nobody), is a bad claim. */
static cg_reason check_four_eyes(const struct cg_ticket *t, const char *name, char *detail,
				 size_t detlen)
{
	char *sub = cg_identity_fold(t->sub);
	int sub_errno = errno;
	char *appr = cg_identity_fold(t->approved_by);
	int appr_errno = errno;
	cg_reason r = CG_OK;
	if (sub == NULL || appr == NULL) {
		const char *claim = sub == NULL ? "sub" : "approved_by";
		int e = sub == NULL ? sub_errno : appr_errno;
		bool utf8 = e != EILSEQ;
		cg_detail(detail, detlen, "%s: the %s claim %s", name, claim,
			  !utf8 ? "is not valid UTF-8" :
			  e == ELIBACC ? "could not be compared (libunistring cannot be opened)" :
			  "could not be compared (out of memory)");
		r = utf8 ? CG_CONFIG_ERROR : CG_BAD_CLAIM;
	} else if (appr[0] == '\0' || sub[0] == '\0') {
		cg_detail(detail, detlen, "%s: the %s claim names nobody once invisible characters "
			  "and a domain part are set aside", name, appr[0] == '\0' ? "approved_by" :
			  "sub");
		r = CG_BAD_CLAIM;
	} else if (strcmp(sub, appr) == 0) {
		char who[80], as[80];
		cg_sanitize(who, sizeof(who), t->sub);
		cg_sanitize(as, sizeof(as), t->approved_by);
		cg_detail(detail, detlen, "%s was approved by %s: that is %s, the person it is for",
			  name, as, who);
		r = CG_SELF_APPROVED;
	}
	free(sub);
	free(appr);
	return r;
}

cg_reason cg_token_check_claims(const struct cg_config *cfg, const struct cg_ticket *t,
				const struct cg_request *req, char *detail, size_t detlen)
{
	cg_reason r = cg_token_check_claims_config(cfg, t, req, detail, detlen);
	/* a break-glass token that names an approver is held to four eyes too */
	if (r == CG_OK && t->approved_by[0] != '\0') {
		char name[80];
		cg_ticket_name(t, name, sizeof(name));
		r = check_four_eyes(t, name, detail, detlen);
	}
	return r;
}
