/* Asking for the token. Every way the conversation can go wrong is a denial, and every reply
 * is wiped on every path.
 *
 * The ssh client cuts every answer at CG_SSH_ANSWER_MAX bytes, so an answer exactly that long
 * was probably cut: the module asks again with a continuation prompt that names the offset,
 * and appends the answer, until an answer is shorter (an empty one ends the token). Tokens up
 * to CG_TOKEN_MAX thus get through ssh in at most CG_PAM_PROMPT_ROUNDS answers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

/* A token of CG_TOKEN_MAX bytes is that many full answers and one shorter (maybe empty) one;
 * one more full answer would already pass CG_TOKEN_MAX. */
#define CG_PAM_PROMPT_ROUNDS (CG_TOKEN_MAX / CG_SSH_ANSWER_MAX + 1)

static void deny_too_large(struct cg_decision *dec)
{
	cg_pam_deny_with(dec, CG_TOO_LARGE,
			 "the token is larger than %d bytes; paste the token alone", CG_TOKEN_MAX);
}

/* One round: asks the prompt for offset and appends the answer to buf (*len bytes so far).
 * 1 when the answer was exactly CG_SSH_ANSWER_MAX bytes (ask again), 0 when it ended the
 * token, -1 with dec filled. */
static int ask_round(struct cg_pam_ctx *ctx, char *buf, size_t *len, struct cg_decision *dec)
{
	char prompt[CG_LOGIN_PROMPT_MAX];
	char *reply = NULL;
	int rc;

	if (cg_login_prompt_format(prompt, sizeof(prompt), ctx->user, ctx->cfg.hostname,
				   ctx->cfg.audience, *len) != 0) {
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "the token prompt does not fit %d bytes",
				 CG_LOGIN_PROMPT_MAX);
		return -1;
	}
	/* pam_prompt fails with PAM_CONV_ERR when the application gave no conversation */
	rc = pam_prompt(ctx->pamh, PAM_PROMPT_ECHO_OFF, &reply, "%s", prompt);
	if (rc != PAM_SUCCESS) {
		cg_wipe_free_str(reply);
		cg_pam_deny_with(dec, CG_NO_TOKEN, "no change ticket token was given (%s)",
				 pam_strerror(ctx->pamh, rc));
		return -1;
	}
	size_t n = reply == NULL ? 0 : strnlen(reply, CG_TOKEN_MAX + 1);
	if (n > CG_TOKEN_MAX - *len) {
		cg_wipe_free_str(reply);
		deny_too_large(dec);
		return -1;
	}
	if (n > 0)
		memcpy(buf + *len, reply, n);
	*len += n;
	cg_wipe_free_str(reply);
	return n == CG_SSH_ANSWER_MAX ? 1 : 0;
}

int cg_pam_prompt_token(struct cg_pam_ctx *ctx, char **token, size_t *len,
			struct cg_decision *dec)
{
	char *buf = malloc(CG_TOKEN_MAX + 1);
	size_t n = 0;
	int more = 1;

	*token = NULL;
	*len = 0;
	if (buf == NULL) {
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "out of memory while asking for the token");
		return -1;
	}
	for (int round = 0; more == 1 && round < CG_PAM_PROMPT_ROUNDS; round++)
		more = ask_round(ctx, buf, &n, dec);
	if (more == 1)
		deny_too_large(dec);
	else if (more == 0 && n == 0)
		cg_pam_deny_with(dec, CG_NO_TOKEN, "no change ticket token was given");
	if (more != 0 || n == 0) {
		cg_wipe_free(buf, CG_TOKEN_MAX + 1);
		return -1;
	}
	buf[n] = '\0';
	*token = buf;
	*len = n;
	return 0;
}
