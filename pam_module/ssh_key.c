/* The SSH key that authenticated this login (for a key-bound token's cnf check) and the token
 * an OpenSSH certificate carries. The reading is the core's (shared/ssh_auth_info.c); here we
 * only decide where the variable may be believed.
 *
 * sshd sets SSH_AUTH_INFO_0 in the PAM environment just before it calls auth (the
 * keyboard-interactive child) and account, so those two read it. At session open other
 * session modules have run (pam_env among them) and could have written it, so the session
 * takes the key account checked, kept as PAM data in this process (sshd's monitor runs
 * account and session); with none noted, a key-bound token is key_mismatch there. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define KEY_DATA "changegate_ssh_key_fp"

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
	if (pam_get_data(ctx->pamh, KEY_DATA, &data) == PAM_SUCCESS && data != NULL &&
	    cg_ssh_fp_valid(data)) {
		k->fp = data;
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
	char *copy = k->fp != NULL ? strdup(k->fp) : NULL;

	/* replacing the note (or removing it when there is no key) runs free_note on the old */
	if (pam_set_data(ctx->pamh, KEY_DATA, copy, copy != NULL ? free_note : NULL) !=
	    PAM_SUCCESS)
		free(copy);
}

void cg_pam_ssh_free(struct cg_pam_ssh *k)
{
	cg_ssh_auth_free(&k->auth);
	k->fp = NULL;
	k->none = NULL;
}
