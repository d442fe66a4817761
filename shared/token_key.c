/* Resolving the header's kid to a public key: <keys_dir>/<kid>.pem, read only from a
 * directory and a file nobody but root could have written, and only used when the key's
 * type and size fit the pinned algorithm (token_key_der.c). */
#include <errno.h>
#include <stdio.h>

#include "token_internal.h"

cg_reason cg_token_load_key(const struct cg_config *cfg, const char *kid, cg_alg alg,
			    char **pem, size_t *pemlen, struct cg_file_id *id, char *detail,
			    size_t detlen)
{
	*pem = NULL;
	*pemlen = 0;
	char err[CG_DETAIL_MAX];
	if (cfg->keys_dir == NULL || cg_check_trusted_dir(cfg->keys_dir, err, sizeof(err)) != 0) {
		cg_detail(detail, detlen, "keys_dir cannot be trusted: %s",
			  cfg->keys_dir != NULL ? err : "not set");
		return CG_CONFIG_ERROR;
	}
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s/%s.pem", cfg->keys_dir, kid);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cg_detail(detail, detlen, "keys_dir is too long a path");
		return CG_CONFIG_ERROR;
	}
	char *buf = NULL;
	size_t len = 0;
	if (cg_read_trusted_file_id(path, CG_KEY_FILE_MAX, &buf, &len, id, err, sizeof(err)) != 0) {
		if (errno == ENOENT) {
			cg_detail(detail, detlen, "this host has no key named %s", kid);
			return CG_UNKNOWN_KEY;
		}
		cg_detail(detail, detlen, "key %s cannot be used: %s", kid, err);
		return CG_CONFIG_ERROR;
	}
	cg_reason r = cg_token_key_fits(path, kid, alg, buf, len, detail, detlen);
	if (r != CG_OK) {
		cg_wipe_free(buf, len + 1);
		return r;
	}
	*pem = buf;
	*pemlen = len;
	return CG_OK;
}
