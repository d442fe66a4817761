/*
 * Judging a request from claims that were verified before: a login record's (the sudo
 * plugin's fast path) or this process's own earlier verification (PAM account, then session).
 * The signature is not checked again; everything else is, with today's config, clock and
 * lists, through the very functions the full verification uses (token_claims_check.c,
 * token_standing.c, token_grant.c). Only four eyes is not run again: it depends on the claims
 * alone, which cannot have changed. What the signature's verification relied on is checked
 * instead: the key file it was verified with is still there, unchanged, and still trusted,
 * and its algorithm is still configured. This file only ever allows: any doubt, and any
 * denial, is the caller's cue to verify the token in full, which then decides and says why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "revocation_list.h"
#include "token_internal.h"

static bool kid_is_name(const char *kid)
{
	size_t n = strlen(kid);
	return n > 0 && n <= CG_KID_MAX && kid[0] != '.' &&
	       strspn(kid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Whether keys_dir/<kid>.pem is, now, the file the claims were verified with. */
static bool same_key(const struct cg_config *cfg, const struct cg_ticket *t,
		     const struct cg_file_id *key, char *why, size_t whylen)
{
	cg_alg alg;
	if (!cg_alg_from_name(t->alg, &alg) || (cfg->algorithms & (unsigned)alg) == 0) {
		cg_detail(why, whylen, "its algorithm is no longer configured");
		return false;
	}
	if (!kid_is_name(t->kid) || cfg->keys_dir == NULL ||
	    cg_check_trusted_dir(cfg->keys_dir, NULL, 0) != 0) {
		cg_detail(why, whylen, "keys_dir cannot be trusted");
		return false;
	}
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s.pem", cfg->keys_dir, t->kid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cg_detail(why, whylen, "keys_dir is too long a path");
		return false;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cg_detail(why, whylen, "its key file is gone (%s)", strerror(errno));
		return false;
	}
	struct cg_file_id now;
	bool same = cg_check_trusted_fd(fd, path, false, NULL, 0) == 0 &&
		    cg_file_id_of_fd(fd, &now) == 0 && cg_file_id_equal(&now, key);
	close(fd);
	if (!same)
		cg_detail(why, whylen, "its key file was replaced or changed since");
	return same;
}

bool cg_recorded_allows(const struct cg_config *cfg, const struct cg_ticket *t,
			const struct cg_file_id *key, const struct cg_request *req,
			struct cg_decision *out, char *why, size_t whylen)
{
	memset(out, 0, sizeof(*out));
	out->reason = CG_CONFIG_ERROR;
	cg_detail(why, whylen, "internal error");
	if (cfg == NULL || t == NULL || key == NULL || req == NULL)
		return false;
	/* a signed revocation list (issue 13) is judged from its verified index, bound to the
	 * very list file and key; with no such index only the verifier (libcrypto) can check
	 * the list, and it indexes it for the next call. Any refusal is the verifier's to give
	 * with its own words. */
	if (cfg->revocation_list != NULL) {
		bool decided = false;
		char detail[CG_DETAIL_MAX];
		cg_reason lr = cg_revlist_check_indexed(cfg, t->jti, t->chg, req->now, &decided,
							detail, sizeof(detail));
		if (!decided || lr != CG_OK) {
			cg_detail(why, whylen, "%s", !decided ? detail
				  : "the signed revocation list refuses it");
			return false;
		}
	}
	/* a single-use redemption needs the verifier's state (replay.c): not judged here */
	bool once = cfg->single_use == CG_SINGLE_USE_ALWAYS ||
		    (cfg->single_use == CG_SINGLE_USE_LOGIN && req->scope == CG_SCOPE_LOGIN);
	if (once && req->replay != CG_REPLAY_SKIP) {
		cg_detail(why, whylen, "single_use must redeem the token");
		return false;
	}
	if (!same_key(cfg, t, key, why, whylen))
		return false;
	if (cg_ticket_copy(&out->ticket, t) != 0) {
		cg_decision_free(out);
		cg_detail(why, whylen, "out of memory");
		return false;
	}
	out->have_claims = true;
	out->verified = true;
	out->have_key = true;
	out->key = *key;
	cg_reason r = cg_token_check_claims_config(cfg, &out->ticket, req, out->detail,
						   sizeof(out->detail));
	if (r == CG_OK)
		r = cg_token_check_standing(cfg, &out->ticket, req, &out->unrestricted,
					    out->detail, sizeof(out->detail));
	if (r != CG_OK) {
		cg_detail(why, whylen, "the recorded ticket does not allow it (%s)",
			  cg_reason_code(r));
		cg_decision_free(out);
		out->reason = r;
		return false;
	}
	cg_token_describe_allow(&out->ticket, req, out->unrestricted, out->detail,
				sizeof(out->detail));
	out->reason = CG_OK;
	cg_detail(why, whylen, "judged from the recorded claims");
	return true;
}
