/* Carrying a verified token from `auth` to `account` and `session`.
 *
 * sshd (auth-pam.c) runs keyboard-interactive authentication in a forked child and sends only
 * the PAM environment back to the monitor, so pam_set_data cannot reach `account` or
 * `session` there; other services run every step in one process, where the data is the
 * better source. Both carry the token itself, never a flag: whoever reads it verifies the
 * signature again, so a value planted by anyone else proves nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define DATA_KEY "changegate_login_token"

static void wipe_data(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	cg_wipe_free_str(data);
}

int cg_pam_token_stash(pam_handle_t *pamh, const char *token, size_t len)
{
	size_t name_len = strlen(CG_PAM_TOKEN_ENV);
	char *copy = strndup(token, len);
	char *entry = malloc(name_len + 1 + len + 1);
	int rc = -1;

	if (copy == NULL || entry == NULL)
		goto out;
	memcpy(entry, CG_PAM_TOKEN_ENV, name_len);
	entry[name_len] = '=';
	memcpy(entry + name_len + 1, token, len);
	entry[name_len + 1 + len] = '\0';
	/* pam_putenv copies the entry; ours is wiped below */
	if (pam_putenv(pamh, entry) != PAM_SUCCESS)
		goto out;
	if (pam_set_data(pamh, DATA_KEY, copy, wipe_data) != PAM_SUCCESS)
		goto out;
	copy = NULL;
	rc = 0;
out:
	cg_wipe_free_str(copy);
	if (entry != NULL)
		cg_wipe_free(entry, name_len + 1 + len + 1);
	return rc;
}

static char *bounded_copy(const char *v, size_t *len)
{
	if (v == NULL || v[0] == '\0')
		return NULL;
	size_t n = strnlen(v, CG_TOKEN_MAX + 1);
	if (n > CG_TOKEN_MAX)
		return NULL;
	char *copy = strndup(v, n);
	if (copy != NULL)
		*len = n;
	return copy;
}

char *cg_pam_token_fetch(pam_handle_t *pamh, size_t *len)
{
	const void *data = NULL;

	*len = 0;
	if (pam_get_data(pamh, DATA_KEY, &data) == PAM_SUCCESS && data != NULL)
		return bounded_copy(data, len);
	return bounded_copy(pam_getenv(pamh, CG_PAM_TOKEN_ENV), len);
}

void cg_pam_token_drop(pam_handle_t *pamh)
{
	const void *data = NULL;

	/* Deleting a missing variable makes libpam log an error: look first. Linux-PAM's
	 * pam_getenv points into its own heap copy ("NAME=value"); wipe the value there before
	 * deleting, rather than trust every libpam version to overwrite it on delete. */
	const char *v = pam_getenv(pamh, CG_PAM_TOKEN_ENV);
	if (v != NULL) {
		explicit_bzero((char *)v, strlen(v));
		(void)pam_putenv(pamh, CG_PAM_TOKEN_ENV);
	}
	/* replacing the data runs wipe_data on the old copy now, not at pam_end */
	if (pam_get_data(pamh, DATA_KEY, &data) == PAM_SUCCESS && data != NULL)
		(void)pam_set_data(pamh, DATA_KEY, NULL, NULL);
	/* the SSH key account checked for this token goes with it (ssh_key.c) */
	cg_pam_ssh_forget(pamh);
}
