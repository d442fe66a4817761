/* The claim rules that depend on the host's configuration, the clock and who is asking:
 * issuer, audience, user, the validity window with its leeway, the lifetime cap, the ticket
 * pattern and break-glass. Types and lengths were checked when the claims were read; four
 * eyes, which depends on the claims alone, is token_four_eyes.c. No cryptography: the sudo
 * front end runs these on a login record's claims (token_recorded.c). */
#include <regex.h>
#include <string.h>

#include "token_internal.h"

static cg_reason check_identity(const struct cg_config *cfg, const struct cg_ticket *t,
				const struct cg_request *req, const char *name, char *detail,
				size_t detlen)
{
	char a[80], b[80];
	if (cfg->issuer == NULL || strcmp(t->iss, cfg->issuer) != 0) {
		cg_sanitize(a, sizeof(a), t->iss);
		cg_detail(detail, detlen, "%s was issued by %s, not by this host's issuer", name,
			  a);
		return CG_BAD_ISSUER;
	}
	if (cfg->audience == NULL || !cg_strlist_contains(&t->aud, cfg->audience)) {
		cg_sanitize(a, sizeof(a), t->aud.count > 0 ? t->aud.items[0] : NULL);
		cg_sanitize(b, sizeof(b), cfg->audience);
		cg_detail(detail, detlen, "%s is for %s%s, this host is %s", name, a,
			  t->aud.count > 1 ? " and others" : "", b);
		return CG_BAD_AUDIENCE;
	}
	if (req->user == NULL || strcmp(t->sub, req->user) != 0) {
		cg_sanitize(a, sizeof(a), t->sub);
		cg_sanitize(b, sizeof(b), req->user);
		cg_detail(detail, detlen, "%s was issued to %s, not %s", name, a, b);
		return CG_WRONG_USER;
	}
	return CG_OK;
}

static cg_reason check_window(const struct cg_config *cfg, const struct cg_ticket *t,
			      const struct cg_request *req, const char *name, char *detail,
			      size_t detlen)
{
	long long now = (long long)req->now;
	long long leeway = cfg->leeway > 0 ? cfg->leeway : 0;
	char span[40];
	if (t->exp <= t->nbf) {
		cg_detail(detail, detlen, "%s expires (exp) before it becomes valid (nbf)", name);
		return CG_BAD_CLAIM;
	}
	if (t->exp - t->nbf > cfg->max_lifetime) {
		cg_duration_words(t->exp - t->nbf, span, sizeof(span));
		cg_detail(detail, detlen, "%s is valid for %s, longer than this host allows",
			  name, span);
		return CG_LIFETIME_TOO_LONG;
	}
	if (now >= t->exp + leeway) {
		cg_duration_words(now - t->exp, span, sizeof(span));
		cg_detail(detail, detlen, "%s expired %s ago", name, span);
		return CG_EXPIRED;
	}
	if (now < t->nbf - leeway) {
		cg_duration_words(t->nbf - now, span, sizeof(span));
		cg_detail(detail, detlen, "%s becomes valid in %s", name, span);
		return CG_NOT_YET_VALID;
	}
	if (t->iat > now + leeway) {
		cg_duration_words(t->iat - now, span, sizeof(span));
		cg_detail(detail, detlen, "%s claims to be issued %s in the future", name, span);
		return CG_NOT_YET_VALID;
	}
	return CG_OK;
}

static cg_reason check_approval(const struct cg_config *cfg, const struct cg_ticket *t,
				const char *name, char *detail, size_t detlen)
{
	if (cfg->ticket_re != NULL && regexec(cfg->ticket_re, t->chg, 0, NULL, 0) != 0) {
		cg_detail(detail, detlen, "%s does not look like a change ticket on this host "
			  "(ticket_pattern)", name);
		return CG_BAD_CLAIM;
	}
	if (t->emergency) {
		if (!cg_strlist_contains(&cfg->emergency_keys, t->kid)) {
			cg_detail(detail, detlen, "%s is a break-glass token, but key %s may not "
				  "sign break-glass tokens (emergency_keys)", name, t->kid);
			return CG_BAD_CLAIM;
		}
		if (t->reason[0] == '\0') {
			cg_detail(detail, detlen, "%s is a break-glass token without a reason",
				  name);
			return CG_MISSING_CLAIM;
		}
	} else if (t->approved_by[0] == '\0') {
		cg_detail(detail, detlen, "%s has no approver (approved_by)", name);
		return CG_MISSING_CLAIM;
	}
	return CG_OK;
}

cg_reason cg_token_check_claims_config(const struct cg_config *cfg, const struct cg_ticket *t,
				       const struct cg_request *req, char *detail, size_t detlen)
{
	char name[80];
	cg_ticket_name(t, name, sizeof(name));
	cg_reason r = check_identity(cfg, t, req, name, detail, detlen);
	if (r == CG_OK)
		r = check_window(cfg, t, req, name, detail, detlen);
	if (r == CG_OK)
		r = check_approval(cfg, t, name, detail, detlen);
	return r;
}
