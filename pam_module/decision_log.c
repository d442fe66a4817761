/* Telling the logs and the user about a decision. The log line comes from the core's
 * formatter (every untrusted value sanitised, never the token); the host program owns syslog,
 * so we only ever call pam_syslog. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

static const char *const event_names[] = {
	[CG_PAM_AUTH] = "auth",
	[CG_PAM_ACCOUNT] = "account",
	[CG_PAM_SESSION_OPEN] = "session_open",
	[CG_PAM_SESSION_CLOSE] = "session_close",
};

void cg_pam_log_decision(struct cg_pam_ctx *ctx, const struct cg_decision *dec,
			 bool audit_only)
{
	struct cg_audit_event ev = {
		.front = "pam",
		.event = event_names[ctx->phase],
		.service = ctx->service,
		.user = ctx->user,
		.rhost = ctx->rhost,
		.tty = ctx->tty,
		.audit_only = audit_only,
		.decision = dec,
	};
	struct cg_audit_origin origin;
	char line[2048];

	cg_audit_origin_get(&origin);
	cg_audit_origin_set(&ev, &origin);
	cg_audit_format(&ev, line, sizeof(line));
	pam_syslog(ctx->pamh, cg_audit_priority(&ev), "%s", line);
	cg_audit_journal_send(&ev, cg_audit_priority(&ev), line);

	if (ctx->config_loaded && ctx->cfg.audit_log != NULL &&
	    cg_audit_append_json(ctx->cfg.audit_log, &ev, time(NULL)) != 0)
		pam_syslog(ctx->pamh, LOG_ERR, "Error appending to the audit log %s: %m",
			   ctx->cfg.audit_log);
}

void cg_pam_tell_denial(struct cg_pam_ctx *ctx, const struct cg_decision *dec)
{
	char detail[CG_DETAIL_MAX];

	if (ctx->flags & PAM_SILENT)
		return;
	/* the detail may quote claims from the token: keep the user's terminal safe */
	cg_printable(detail, sizeof(detail), dec->detail[0] != '\0' ? dec->detail :
			 cg_reason_summary(dec->reason));
	if (dec->reason == CG_CONFIG_ERROR) {
		/* the detail names files, modes and options of this host: it is for the log
		 * (cg_pam_log_decision keeps it), not for whoever is knocking */
		pam_error(ctx->pamh, "Access denied (%s): %s", cg_reason_code(dec->reason),
			  CG_PAM_MISCONFIGURED);
		return;
	}
	if (dec->reason == CG_REVOCATION_INVALID) {
		/* the same for the signed revocation list: its path and fault are for the log */
		pam_error(ctx->pamh, "Access denied (%s): %s", cg_reason_code(dec->reason),
			  cg_reason_summary(dec->reason));
		return;
	}
	if (dec->reason == CG_NO_TOKEN && ctx->phase != CG_PAM_AUTH) {
		char user[CG_CLAIM_MAX + 1];
		cg_printable(user, sizeof(user), ctx->user);
		pam_error(ctx->pamh, "Access denied: %s needs a change ticket token on this host. "
			  "Get one for your approved change from the change system, then log in "
			  "with keyboard-interactive authentication and paste it at the prompt.",
			  user);
		return;
	}
	pam_error(ctx->pamh, "Access denied (%s): %s", cg_reason_code(dec->reason), detail);
}
