/*
 * pam_changegate: a gated user gets in only with a valid, approved change-ticket token.
 *
 *   auth     takes the token from the SSH certificate that authenticated the login, or asks
 *            for it; verifies it (replay: peek), hands it on
 *   account  verifies it again and redeems it; no token at hand is a denial, which is what
 *            stops a gated user who reached sshd with a public key alone
 *   session  verifies once more, records the login ticket for sudo under the kernel audit
 *            session id, exports CHANGEGATE_TICKET/EXPIRES and removes the token from the
 *            PAM environment before sshd copies that into the user's shell
 *
 * Each entry point starts from a denial; PAM_SUCCESS is reached only at the end of its happy
 * path. Users who are not gated get PAM_IGNORE.
 */
#include "config.h"

#include <time.h>

#include <security/pam_modules.h>

#include "pam_changegate.h"

/* A denial, or under audit_only the same line marked audit_only=1 and no say in the result. */
static int deny(struct cg_pam_ctx *ctx, const struct cg_decision *dec, int deny_rc)
{
	bool audit_only = ctx->args.audit_only;

	cg_pam_log_decision(ctx, dec, audit_only);
	if (audit_only)
		return PAM_IGNORE;
	cg_pam_tell_denial(ctx, dec);
	return deny_rc;
}

static cg_reason verify(struct cg_pam_ctx *ctx, const char *token, size_t len,
			cg_replay_mode replay, const struct cg_pam_ssh *ssh, struct cg_decision *dec)
{
	struct cg_request req = {
		.scope = CG_SCOPE_LOGIN,
		.user = ctx->user,
		.host = NULL,
		.now = time(NULL),
		.replay = replay,
		.ssh_key_fp = ssh->fp,
		.ssh_key_none = ssh->none,
	};

	cg_decision_free(dec);
	if (cg_pam_memo_use(ctx, token, len, &req, dec))
		return CG_OK;
	cg_reason r = cg_verify_token(&ctx->cfg, token, len, &req, dec);
	cg_pam_memo_keep(ctx, token, len, dec);
	return r;
}

CG_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct cg_pam_ctx ctx;
	struct cg_decision dec;
	struct cg_pam_ssh ssh = {0};
	char *token = NULL;
	size_t len = 0;
	int rc = PAM_AUTH_ERR;

	switch (cg_pam_ctx_open(&ctx, pamh, CG_PAM_AUTH, flags, argc, argv, &dec)) {
	case CG_PAM_NOT_GATED:
		rc = PAM_IGNORE;
		goto out;
	case CG_PAM_GATED_BROKEN:
		rc = deny(&ctx, &dec, PAM_AUTH_ERR);
		goto out;
	case CG_PAM_GATED:
		break;
	}
	/* a token left by an earlier attempt on this handle must not outlive this one */
	cg_pam_token_drop(pamh);
	/* a certificate that carries a token spares the prompt (ssh_key.c) */
	cg_pam_ssh_read(&ctx, &ssh);
	if (cg_pam_ssh_take_token(&ssh, &token, &len) != 0 &&
	    cg_pam_prompt_token(&ctx, &token, &len, &dec) != 0) {
		rc = deny(&ctx, &dec, PAM_AUTH_ERR);
		goto out;
	}
	/* peek: the jti is redeemed in account, once the whole stack has said yes */
	if (verify(&ctx, token, len, CG_REPLAY_PEEK, &ssh, &dec) != CG_OK) {
		rc = deny(&ctx, &dec, PAM_AUTH_ERR);
		goto out;
	}
	if (cg_pam_token_stash(pamh, token, len) != 0) {
		cg_pam_token_drop(pamh);
		cg_decision_free(&dec);
		cg_pam_deny_with(&dec, CG_CONFIG_ERROR, "the token could not be kept for the "
				 "account check (out of memory)");
		rc = deny(&ctx, &dec, PAM_AUTH_ERR);
		goto out;
	}
	cg_pam_log_decision(&ctx, &dec, false);
	rc = PAM_SUCCESS;
out:
	if (token != NULL)
		cg_wipe_free(token, len);
	cg_pam_ssh_free(&ssh);
	cg_decision_free(&dec);
	cg_pam_ctx_close(&ctx);
	return rc;
}

CG_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	/* no credentials of our own: the decision was made in auth and is made again in
	 * account and session */
	return PAM_IGNORE;
}

CG_EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct cg_pam_ctx ctx;
	struct cg_decision dec;
	struct cg_pam_ssh ssh = {0};
	char *token = NULL;
	size_t len = 0;
	int rc = PAM_PERM_DENIED;

	switch (cg_pam_ctx_open(&ctx, pamh, CG_PAM_ACCOUNT, flags, argc, argv, &dec)) {
	case CG_PAM_NOT_GATED:
		rc = PAM_IGNORE;
		goto out;
	case CG_PAM_GATED_BROKEN:
		rc = deny(&ctx, &dec, PAM_PERM_DENIED);
		goto out;
	case CG_PAM_GATED:
		break;
	}
	token = cg_pam_token_fetch(pamh, &len);
	if (token == NULL) {
		cg_pam_deny_with(&dec, CG_NO_TOKEN, "no change ticket token was verified in this "
				 "login (public key alone is not enough)");
		rc = deny(&ctx, &dec, PAM_PERM_DENIED);
		goto out;
	}
	cg_pam_ssh_read(&ctx, &ssh);
	if (verify(&ctx, token, len, CG_REPLAY_REDEEM, &ssh, &dec) != CG_OK) {
		cg_pam_token_drop(pamh);
		rc = deny(&ctx, &dec, PAM_PERM_DENIED);
		goto out;
	}
	/* the key checked here is the one session open judges by */
	cg_pam_ssh_note(&ctx, &ssh);
	cg_pam_log_decision(&ctx, &dec, false);
	rc = PAM_SUCCESS;
out:
	if (token != NULL)
		cg_wipe_free(token, len);
	cg_pam_ssh_free(&ssh);
	cg_decision_free(&dec);
	cg_pam_ctx_close(&ctx);
	return rc;
}

CG_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct cg_pam_ctx ctx;
	struct cg_decision dec;
	struct cg_pam_ssh ssh = {0};
	char *token = NULL;
	size_t len = 0;
	int rc = PAM_SESSION_ERR;

	switch (cg_pam_ctx_open(&ctx, pamh, CG_PAM_SESSION_OPEN, flags, argc, argv, &dec)) {
	case CG_PAM_NOT_GATED:
		rc = PAM_IGNORE;
		goto out;
	case CG_PAM_GATED_BROKEN:
		cg_pam_token_drop(pamh);
		rc = deny(&ctx, &dec, PAM_SESSION_ERR);
		goto out;
	case CG_PAM_GATED:
		break;
	}
	token = cg_pam_token_fetch(pamh, &len);
	/* the key account checked, handed on with the token (ssh_key.c) */
	cg_pam_ssh_read(&ctx, &ssh);
	/* whatever happens next, the token must not reach the user's environment */
	cg_pam_token_drop(pamh);
	if (token == NULL) {
		cg_pam_deny_with(&dec, CG_NO_TOKEN, "no change ticket token was verified in this "
				 "login");
		rc = deny(&ctx, &dec, PAM_SESSION_ERR);
		goto out;
	}
	/* skip: account redeemed this jti for this very login */
	if (verify(&ctx, token, len, CG_REPLAY_SKIP, &ssh, &dec) != CG_OK) {
		rc = deny(&ctx, &dec, PAM_SESSION_ERR);
		goto out;
	}
	cg_pam_session_publish(&ctx, token, len, &dec, ssh.fp);
	cg_pam_session_limit(&ctx, &dec);
	cg_pam_log_decision(&ctx, &dec, false);
	rc = PAM_SUCCESS;
out:
	if (token != NULL)
		cg_wipe_free(token, len);
	cg_pam_ssh_free(&ssh);
	cg_decision_free(&dec);
	cg_pam_ctx_close(&ctx);
	return rc;
}

CG_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct cg_pam_ctx ctx;
	struct cg_decision dec;
	int rc = PAM_SESSION_ERR;

	enum cg_pam_gate g = cg_pam_ctx_open(&ctx, pamh, CG_PAM_SESSION_CLOSE, flags, argc, argv,
					     &dec);
	cg_pam_token_drop(pamh);
	if (g == CG_PAM_NOT_GATED) {
		rc = PAM_IGNORE;
		goto out;
	}
	/* with a broken config we cannot tell, but removing a record never opens anything */
	cg_decision_free(&dec);
	rc = cg_pam_session_forget(&ctx, &dec);
	cg_pam_log_decision(&ctx, &dec, false);
out:
	cg_decision_free(&dec);
	cg_pam_ctx_close(&ctx);
	return rc;
}
