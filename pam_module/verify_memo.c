/*
 * Fewer verifications per login: the steps of one PAM handle that run in one process (auth
 * then account in sshd's child; every step with su, login or pam_wrapper) verify the same
 * token. The first full verification's claims and key identity are kept on the handle, with
 * a copy of the token; a later step given the very same token, for the same user, judges it
 * from those claims (cg_verify_again: every check again but the signature, with the key file
 * required unchanged, and the single-use step as the full verification does it). Anything
 * else, or any answer but an allow, verifies in full. The memo is PAM data, so it lives in
 * this process's memory only and ends with the handle: never shared across processes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define MEMO_KEY "changegate_verified"

struct memo {
	char user[CG_CLAIM_MAX + 1];
	char *token;
	size_t len;
	struct cg_decision dec;
};

static void memo_free(pam_handle_t *pamh, void *data, int error_status)
{
	struct memo *m = data;

	(void)pamh;
	(void)error_status;
	if (m == NULL)
		return;
	if (m->token != NULL)
		cg_wipe_free(m->token, m->len + 1);
	cg_decision_free(&m->dec);
	explicit_bzero(m, sizeof(*m));
	free(m);
}

/* Same length and bytes, compared without an early exit. */
static bool same_token(const struct memo *m, const char *token, size_t len)
{
	unsigned char diff = 0;

	if (m->len != len)
		return false;
	for (size_t i = 0; i < len; i++)
		diff |= (unsigned char)(m->token[i] ^ token[i]);
	return diff == 0;
}

void cg_pam_memo_keep(struct cg_pam_ctx *ctx, const char *token, size_t len,
		      const struct cg_decision *dec)
{
	struct memo *m;

	if (dec->reason != CG_OK || !dec->have_key || len > CG_TOKEN_MAX)
		return;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return;
	m->token = malloc(len + 1);
	if (m->token == NULL || cg_ticket_copy(&m->dec.ticket, &dec->ticket) != 0) {
		memo_free(ctx->pamh, m, 0);
		return;
	}
	memcpy(m->token, token, len);
	m->token[len] = '\0';
	m->len = len;
	m->dec.have_key = true;
	m->dec.key = dec->key;
	cg_strlcpy(m->user, ctx->user, sizeof(m->user));
	/* replaces (and frees) an earlier memo of this handle */
	if (pam_set_data(ctx->pamh, MEMO_KEY, m, memo_free) != PAM_SUCCESS)
		memo_free(ctx->pamh, m, 0);
}

bool cg_pam_memo_use(struct cg_pam_ctx *ctx, const char *token, size_t len,
		     const struct cg_request *req, struct cg_decision *dec)
{
	const void *data = NULL;
	const struct memo *m;

	if (pam_get_data(ctx->pamh, MEMO_KEY, &data) != PAM_SUCCESS || data == NULL)
		return false;
	m = data;
	if (strcmp(m->user, ctx->user) != 0 || !same_token(m, token, len))
		return false;
	if (!cg_verify_again(&ctx->cfg, &m->dec.ticket, &m->dec.key, req, dec)) {
		cg_decision_free(dec);
		return false;
	}
	if (ctx->args.debug)
		pam_syslog(ctx->pamh, LOG_DEBUG, "token judged from this process's earlier "
			   "verification of it");
	return true;
}
