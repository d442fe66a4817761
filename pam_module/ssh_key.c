/* The SSH key that authenticated this login (for a key-bound token's cnf check) and the token
 * an OpenSSH certificate carries. The reading is the core's (shared/ssh_auth_info.c); here we
 * only decide where the variable may be believed.
 *
 * sshd sets SSH_AUTH_INFO_0 in the PAM environment just before it calls auth and account
 * (both in its keyboard-interactive child), so those two read it. At session open other
 * session modules have run (pam_env among them) and could have written it, so the session
 * takes the key that account checked, handed on the way the token is (token_handoff.c): PAM
 * data in one process, else the PAM environment, which is all that comes back from sshd's
 * child to its monitor. Both are dropped with the token, before the user's shell. With no
 * key noted, a key-bound token is key_mismatch at session open. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define KEY_DATA "changegate_ssh_key_fp"
#define KEY_ENV "CHANGEGATE_LOGIN_SSH_KEY"

static void free_note(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

void cg_pam_ssh_read(struct cg_pam_ctx *ctx, struct cg_pam_ssh *k)
{
	memset(k, 0, sizeof(*k));
	if (ctx->phase == CG_PAM_AUTH || ctx->phase == CG_PAM_ACCOUNT) {
		if (cg_ssh_auth_info_parse(pam_getenv(ctx->pamh, CG_SSH_AUTH_INFO_ENV),
					   &k->auth) == 0)
			k->fp = k->auth.fp;
		else
			k->none = k->auth.why;
		return;
	}
	const void *data = NULL;
	const char *env = pam_getenv(ctx->pamh, KEY_ENV);
	if (pam_get_data(ctx->pamh, KEY_DATA, &data) != PAM_SUCCESS || data == NULL)
		data = env;
	/* copied: the drop at session open wipes the environment's copy */
	if (data != NULL && cg_ssh_fp_valid(data)) {
		cg_strlcpy(k->auth.fp, data, sizeof(k->auth.fp));
		k->fp = k->auth.fp;
		return;
	}
	k->none = "no SSH key was checked in this login's account step";
}

int cg_pam_ssh_take_token(struct cg_pam_ssh *k, char **token, size_t *len)
{
	if (k->auth.token == NULL)
		return -1;
	*token = k->auth.token;
	*len = k->auth.token_len;
	k->auth.token = NULL;
	k->auth.token_len = 0;
	return 0;
}

void cg_pam_ssh_note(struct cg_pam_ctx *ctx, const struct cg_pam_ssh *k)
{
	char entry[sizeof(KEY_ENV) + CG_SSH_FP_LEN + 1];
	char *copy = k->fp != NULL ? strdup(k->fp) : NULL;

	cg_pam_ssh_forget(ctx->pamh);
	if (copy == NULL)
		return;
	if (pam_set_data(ctx->pamh, KEY_DATA, copy, free_note) != PAM_SUCCESS)
		free(copy);
	snprintf(entry, sizeof(entry), "%s=%s", KEY_ENV, k->fp);
	(void)pam_putenv(ctx->pamh, entry);
}

void cg_pam_ssh_forget(pam_handle_t *pamh)
{
	const void *data = NULL;

	/* deleting a missing variable makes libpam log an error: look first */
	if (pam_getenv(pamh, KEY_ENV) != NULL)
		(void)pam_putenv(pamh, KEY_ENV);
	if (pam_get_data(pamh, KEY_DATA, &data) == PAM_SUCCESS && data != NULL)
		(void)pam_set_data(pamh, KEY_DATA, NULL, NULL);
}

void cg_pam_ssh_free(struct cg_pam_ssh *k)
{
	cg_ssh_auth_free(&k->auth);
	k->fp = NULL;
	k->none = NULL;
}
