/* Everything one PAM call needs before it can judge: arguments, the user, whether the user is
 * gated, the config. Exemptions named in the arguments are settled before the config is
 * read, so that a broken config denies everyone else but never locks out root or the
 * argument-exempt. After it, the config's lists with the arguments' added (the one rule the
 * sudo plugin follows too) decide. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

static void report_bad_arg(void *vctx, const char *arg)
{
	struct cg_pam_ctx *ctx = vctx;
	char clean[128];

	cg_sanitize(clean, sizeof(clean), arg);
	pam_syslog(ctx->pamh, LOG_ERR, "Unknown or invalid option: %s", clean);
}

static const char *item_string(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

void cg_pam_deny_with(struct cg_decision *dec, cg_reason r, const char *fmt, ...)
{
	va_list ap;

	memset(dec, 0, sizeof(*dec));
	dec->reason = r;
	va_start(ap, fmt);
	vsnprintf(dec->detail, sizeof(dec->detail), fmt, ap);
	va_end(ap);
}

const char *cg_pam_rundir(const struct cg_pam_ctx *ctx)
{
	return ctx->args.rundir != NULL ? ctx->args.rundir : CG_RUNDIR;
}

static enum cg_pam_gate load_config(struct cg_pam_ctx *ctx, struct cg_decision *dec)
{
	const char *path = ctx->args.config_path;
	char err[512] = "";

	if (path == NULL)
		path = cg_default_config_path();
	if (cg_config_init(&ctx->cfg) != 0) {
		pam_syslog(ctx->pamh, LOG_CRIT, "out of memory");
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "changegate cannot start (out of memory)");
		return CG_PAM_GATED_BROKEN;
	}
	ctx->config_loaded = true;
	if (cg_config_load(&ctx->cfg, path, err, sizeof(err)) != 0) {
		/* err names file and line, never a secret: the config holds only public data */
		pam_syslog(ctx->pamh, LOG_ERR, "Error loading config: %s", err);
		cg_pam_deny_with(dec, CG_CONFIG_ERROR,
				 CG_PAM_MISCONFIGURED);
		return CG_PAM_GATED_BROKEN;
	}
	if (cg_pam_args_apply(&ctx->args, &ctx->cfg) != 0) {
		pam_syslog(ctx->pamh, LOG_CRIT, "out of memory");
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "changegate cannot start (out of memory)");
		return CG_PAM_GATED_BROKEN;
	}
	return CG_PAM_GATED;
}

/* An exempt list naming what the name service does not know exempts nobody; it only narrows
 * the exemptions, so it is reported (once per decision) and not an error. */
static void warn_unknown_exempt(struct cg_pam_ctx *ctx, const struct cg_gate_result *res)
{
	if (res->unknown_exempt[0] != '\0')
		pam_syslog(ctx->pamh, LOG_WARNING, "gate lists: %s: the name service does not "
			   "know this, which exempts nobody", res->unknown_exempt);
}

static enum cg_pam_gate not_gated(struct cg_pam_ctx *ctx, const struct cg_gate_result *res,
				  const char *by)
{
	warn_unknown_exempt(ctx, res);
	if (ctx->args.debug)
		pam_syslog(ctx->pamh, LOG_DEBUG, "not gated by %s: %s", by, res->why);
	return CG_PAM_NOT_GATED;
}

enum cg_pam_gate cg_pam_ctx_open(struct cg_pam_ctx *ctx, pam_handle_t *pamh,
				 enum cg_pam_phase phase, int flags, int argc, const char **argv,
				 struct cg_decision *dec)
{
	memset(ctx, 0, sizeof(*ctx));
	memset(dec, 0, sizeof(*dec));
	ctx->pamh = pamh;
	ctx->phase = phase;
	ctx->flags = flags;
	ctx->service = item_string(pamh, PAM_SERVICE);
	ctx->rhost = item_string(pamh, PAM_RHOST);
	ctx->tty = item_string(pamh, PAM_TTY);

	cg_pam_args_parse(&ctx->args, argc, argv, report_bad_arg, ctx);

	if (pam_get_user(pamh, &ctx->user, NULL) != PAM_SUCCESS || ctx->user == NULL ||
	    ctx->user[0] == '\0') {
		ctx->user = NULL;
		pam_syslog(pamh, LOG_ERR, "cannot determine the user name");
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "changegate cannot tell who is logging in");
		return CG_PAM_GATED_BROKEN;
	}
	/* Lists and the token's sub name accounts, and a name service may answer for several
	 * spellings ("ALICE", "alice@corp"): judge the account's own name. A name it does not
	 * know stays as typed, and is gated (cg_gate_judge fails closed on it). */
	if (cg_user_canonical(ctx->user, ctx->canon, sizeof(ctx->canon)))
		ctx->user = ctx->canon;

	/* an earlier call in this process may have found these lists gate this account
	 * (gate_note.c); a note only ever says "gated" */
	struct cg_gate_lists judged;
	struct cg_gate_result res;
	cg_pam_args_exempt_lists(&ctx->args, &judged);
	if (!cg_pam_gate_note_says_gated(pamh, ctx->user, &judged, &res)) {
		cg_gate_judge(&judged, ctx->user, &res);
		if (res.answer == CG_GATE_NOT_GATED)
			return not_gated(ctx, &res, "the module arguments");
		cg_pam_gate_note_gated(pamh, ctx->user, &judged, &res);
	}

	enum cg_pam_gate g = load_config(ctx, dec);
	if (g != CG_PAM_GATED)
		return g;
	/* cg_gate_judge depends on the lists and the name service alone. When the config added
	 * nothing to the lists the arguments were just judged by (the usual set-up: lists on
	 * the PAM line only), its answer was "gated", and asking the name service again cost
	 * each call about 0.5 ms under sshd (getgrouplist, getgrnam: nss-systemd lookups).
	 * Any difference in the lists, or in their order, asks again. */
	if (!cg_pam_gate_lists_same(&judged, &ctx->cfg.gate)) {
		cg_gate_judge(&ctx->cfg.gate, ctx->user, &res);
		if (res.answer == CG_GATE_NOT_GATED)
			return not_gated(ctx, &res, ctx->cfg.source ? ctx->cfg.source : "the config");
	}
	warn_unknown_exempt(ctx, &res);
	if (res.answer != CG_GATE_GATED) {
		/* an enforce list names what the name service does not know: a typo there
		 * must not let its members in, so no one but the exempt gets in */
		pam_syslog(pamh, LOG_ERR, "gate lists: %s", res.why);
		cg_pam_deny_with(dec, CG_CONFIG_ERROR, "changegate cannot tell who is gated: %s",
				 res.why);
		return CG_PAM_GATED_BROKEN;
	}
	if (ctx->args.bad) {
		cg_pam_deny_with(dec, CG_CONFIG_ERROR,
				 "changegate's PAM line has an unknown option (%s)", ctx->args.bad_arg);
		return CG_PAM_GATED_BROKEN;
	}
	/* a login no reaper will end would outlive its ticket; closing one always goes on */
	if (ctx->cfg.require_reaper && phase != CG_PAM_SESSION_CLOSE &&
	    cg_reaper_running(cg_pam_rundir(ctx)) != 1) {
		pam_syslog(pamh, LOG_ERR, "require_reaper is set and no changegate reaper is "
			   "running (no lock held in %s)", cg_pam_rundir(ctx));
		cg_pam_deny_with(dec, CG_REAPER_DOWN, "no session reaper is running on this host "
				 "(require_reaper); gated logins are refused until one runs");
		return CG_PAM_GATED_BROKEN;
	}
	return CG_PAM_GATED;
}

void cg_pam_ctx_close(struct cg_pam_ctx *ctx)
{
	if (ctx->config_loaded)
		cg_config_free(&ctx->cfg);
	cg_pam_args_free(&ctx->args);
	ctx->config_loaded = false;
}
