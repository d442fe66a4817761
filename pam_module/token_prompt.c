/* Asking for the token. Every way the conversation can go wrong is a denial, and the reply is
 * wiped on every path. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

int cg_pam_prompt_token(struct cg_pam_ctx *ctx, char **token, size_t *len,
			struct cg_decision *dec)
{
	char host[CG_CLAIM_MAX + 1];
	char *reply = NULL;
	int rc;

	*token = NULL;
	*len = 0;
	cg_pam_printable(host, sizeof(host), ctx->cfg.hostname);
	/* pam_prompt fails with PAM_CONV_ERR when the application gave no conversation */
	rc = pam_prompt(ctx->pamh, PAM_PROMPT_ECHO_OFF, &reply, "Change ticket token for %s: ",
			host);
	if (rc != PAM_SUCCESS) {
		cg_wipe_free_str(reply);
		cg_pam_deny_with(dec, CG_NO_TOKEN, "no change ticket token was given (%s)",
				 pam_strerror(ctx->pamh, rc));
		return -1;
	}
	if (reply == NULL || reply[0] == '\0') {
		cg_wipe_free_str(reply);
		cg_pam_deny_with(dec, CG_NO_TOKEN, "no change ticket token was given");
		return -1;
	}
	size_t n = strnlen(reply, CG_TOKEN_MAX + 1);
	if (n > CG_TOKEN_MAX) {
		cg_wipe_free_str(reply);
		cg_pam_deny_with(dec, CG_TOO_LARGE,
				 "the token is larger than %d bytes; paste the token alone",
				 CG_TOKEN_MAX);
		return -1;
	}
	*token = reply;
	*len = n;
	return 0;
}
