/* The login's end handed to systemd-logind: pam_systemd (v244 and later) reads the PAM data
 * item "systemd.runtime_max_sec" when it registers the session and sets the scope's
 * RuntimeMaxSec, so logind stops the login at its ticket's end even with no reaper running.
 * pam_systemd must come after pam_changegate in the session stack to see it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define RUNTIME_MAX_KEY "systemd.runtime_max_sec"

static void free_data(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

/* Seconds from now to exp + leeway, the moment the verifier stops accepting the ticket;
 * at least 1 (0 would mean "no limit" to systemd). */
long long cg_pam_runtime_max(long long exp, long leeway, time_t now)
{
	long long left = exp + leeway - (long long)now;
	return left < 1 ? 1 : left;
}

void cg_pam_session_limit(struct cg_pam_ctx *ctx, const struct cg_decision *dec)
{
	char *v = malloc(32);
	if (v == NULL) {
		pam_syslog(ctx->pamh, LOG_ERR, "cannot set %s: out of memory", RUNTIME_MAX_KEY);
		return;
	}
	snprintf(v, 32, "%lld", cg_pam_runtime_max(dec->ticket.exp, ctx->cfg.leeway, time(NULL)));
	if (pam_set_data(ctx->pamh, RUNTIME_MAX_KEY, v, free_data) != PAM_SUCCESS) {
		pam_syslog(ctx->pamh, LOG_ERR, "cannot set %s", RUNTIME_MAX_KEY);
		free(v);
	}
}
