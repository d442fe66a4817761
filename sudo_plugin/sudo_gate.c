/*
 * The gate for one command of a gated user. Starts at deny; allows only when a token from
 * one of the sources verifies for exactly this command, target and host. Every decision is
 * told to the user (naming the ticket and the reason) and logged once.
 *
 * Source order: the login session's ticket, when it verifies, wins silently. Otherwise a
 * token the user gave explicitly (CHANGEGATE_TOKEN, else CHANGEGATE_TOKEN_FILE) decides;
 * only with neither do we prompt, and never under sudo -n.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "cg_sudo.h"

/* A decision we make ourselves, before any token reaches the verifier. */
static void set_own(struct cg_decision *d, cg_reason r, const char *detail)
{
	memset(d, 0, sizeof(*d));
	d->reason = r;
	cg_strlcpy(d->detail, detail, sizeof(d->detail));
}

/* sudo -s / -i run whatever shell $SHELL or the passwd entry names (perl, if the caller says
 * so) as argv[0]: the core judges it like any command, so only a ticket whose cmds names that
 * shell, or says "*", covers it. The core redeems a single-use jti last, after every check
 * that could deny, so a denied command never burns the ticket. */
static void verify(const struct cgs_ctx *c, struct cgs_token *t, struct cg_request *req,
		   struct cg_decision *d)
{
	/* the login already redeemed a single-use jti: this is the same login */
	req->replay = t->source == CGS_SRC_SESSION ? CG_REPLAY_SKIP : CG_REPLAY_REDEEM;
	cgs_token_ssh_key(t, req);
	cgs_verify_token(&c->cfg, t->buf, t->len, req, d);
	req->ssh_key_fp = NULL;
	if (c->opts.debug) {
		char line[128];

		snprintf(line, sizeof(line), "debug: token from %s: %s", cgs_source_name(t->source),
			 cg_reason_code(d->reason));
		cgs_say(c, SUDO_CONV_ERROR_MSG, line);
	}
	cgs_token_clear(t);
}

/* "ticket CHG0012345 does not cover /usr/bin/cat (command_denied); give a ticket that does":
 * the login's ticket was judged and refused, and the user is about to be asked for another. */
static void say_session_miss(const struct cgs_ctx *c, const struct cg_decision *session)
{
	char line[CG_DETAIL_MAX + 96];

	snprintf(line, sizeof(line), "%s (%s); give a ticket that does",
		 session->detail[0] != '\0' ? session->detail : cg_reason_summary(session->reason),
		 cg_reason_code(session->reason));
	cgs_say(c, SUDO_CONV_INFO_MSG, line);
}

static void debug_say(const struct cgs_ctx *c, const char *what, const char *why)
{
	char line[CG_DETAIL_MAX + 64];

	if (!c->opts.debug)
		return;
	snprintf(line, sizeof(line), "debug: %s: %s", what, why);
	cgs_say(c, SUDO_CONV_ERROR_MSG, line);
}

/* The login's ticket. The fast path first: the record's claims were verified by the PAM
 * module as root, so they are judged here without the verifier object (no libjwt, no
 * OpenSSL; shared/token_recorded.c says what is checked again). On any doubt, or any answer
 * but an allow, its token is verified in full, as any other token is. True when a record
 * was found (*d then holds its decision). */
static bool decide_session(struct cgs_ctx *c, struct cg_request *req, struct cg_decision *d)
{
	struct cg_login_record rec;
	struct cgs_token t;
	char why[CG_DETAIL_MAX];

	if (cgs_session_record(c, &rec, why, sizeof(why)) != 0) {
		debug_say(c, "login record", why);
		return false;
	}
	req->replay = CG_REPLAY_SKIP;
	/* a key-bound ticket is judged by the key this login's record names, as in verify() */
	req->ssh_key_fp = rec.ssh_key[0] != '\0' ? rec.ssh_key : NULL;
	req->ssh_key_none = "this login's record names no SSH key checked at login";
	bool fast = cg_recorded_allows(&c->cfg, &rec.ticket, &rec.key, req, d, why, sizeof(why));
	req->ssh_key_fp = NULL;
	req->ssh_key_none = NULL;
	if (fast) {
		debug_say(c, "login record: fast path", why);
		cg_login_record_free(&rec);
		return true;
	}
	debug_say(c, "login record: full verification", why);
	if (cgs_token_from_record(&rec, &t) != 0) {
		cg_login_record_free(&rec);
		set_own(d, CG_CONFIG_ERROR, "out of memory");
		return true;
	}
	cg_login_record_free(&rec);
	verify(c, &t, req, d);
	return true;
}

/* Runs the sources in order and fills d with the decision that counts. */
static void decide(struct cgs_ctx *c, struct cg_request *req, struct cg_decision *d)
{
	struct cg_decision session = { 0 };
	bool have_session = false;
	struct cgs_token t;
	char msg[CG_DETAIL_MAX] = "";
	int rc;

	/* under single_use=always every use redeems: a login's ticket is not used again */
	if (c->cfg.single_use != CG_SINGLE_USE_ALWAYS && decide_session(c, req, &session)) {
		if (session.reason == CG_OK) {
			c->granted_by_login = true;
			*d = session;
			return;
		}
		have_session = true;
	}
	if (cgs_token_from_env(c, &t) == 0)
		goto judge;
	rc = cgs_token_from_file(c, &t, msg, sizeof(msg));
	if (rc == 0)
		goto judge;
	if (rc < 0) {
		set_own(d, CG_NO_TOKEN, msg);
		goto explicit_failed;
	}
	if (!c->noninteractive) {
		/* a prompt that appears although the login has a ticket says why, first */
		if (have_session)
			say_session_miss(c, &session);
		rc = cgs_token_from_prompt(c, &t, msg, sizeof(msg));
		if (rc == 0)
			goto judge;
		if (rc < 0) {
			set_own(d, CG_MALFORMED, msg[0] ? msg : "the token could not be read");
			goto explicit_failed;
		}
	}
	/* nothing better to offer: the session ticket's own reason says most */
	if (have_session) {
		*d = session;
		return;
	}
	set_own(d, CG_NO_TOKEN, c->noninteractive
		? "no change ticket: set CHANGEGATE_TOKEN or CHANGEGATE_TOKEN_FILE "
		  "(sudo -n cannot prompt for one)"
		: "no change ticket: set CHANGEGATE_TOKEN or CHANGEGATE_TOKEN_FILE, "
		  "or paste the token at the prompt");
	return;
judge:
	verify(c, &t, req, d);
explicit_failed:
	if (have_session)
		cg_decision_free(&session);
}

static void log_decision_as(const struct cgs_ctx *c, const struct cgs_command *cmd,
			    const struct cg_decision *d, const char *event, bool audit_only)
{
	struct cg_audit_event ev = { 0 };
	struct cg_audit_origin origin;
	char runas[32], line[4096];

	if (cmd->runas_user == NULL)
		snprintf(runas, sizeof(runas), "#%u", (unsigned)cmd->runas_uid);
	ev.front = "sudo";
	ev.event = event;
	ev.user = c->user.name;
	ev.tty = c->user.tty;
	ev.cwd = c->user.cwd;
	ev.runas = cmd->runas_user != NULL ? cmd->runas_user : runas;
	ev.runas_group = cmd->groups.shown[0] != '\0' ? cmd->groups.shown : NULL;
	ev.argv = cmd->argv;
	ev.argc = cmd->argc;
	ev.audit_only = audit_only;
	ev.decision = d;
	cg_audit_origin_get(&origin);
	cg_audit_origin_set(&ev, &origin);
	cg_audit_format(&ev, line, sizeof(line));
	/* sudo's syslog ident is "sudo": the tag is what `grep changegate` finds */
	syslog(LOG_AUTHPRIV | cg_audit_priority(&ev), "changegate: %s", line);
	cg_audit_journal_send(&ev, cg_audit_priority(&ev), line);
	if (c->config_ok && c->cfg.audit_log != NULL &&
	    cg_audit_append_json(c->cfg.audit_log, &ev, time(NULL)) != 0)
		syslog(LOG_AUTHPRIV | LOG_ERR, "changegate: cannot append to the audit log");
}

/* The decision line of a check (marked audit_only when it let a denial by). */
static void log_decision(const struct cgs_ctx *c, const struct cgs_command *cmd,
			 const struct cg_decision *d, bool audit_only)
{
	log_decision_as(c, cmd, d, "check", audit_only);
}

static void tell_user(const struct cgs_ctx *c, const struct cgs_command *cmd,
		      const struct cg_decision *d, bool audit_only)
{
	const char *prefix = audit_only ? "audit only, would deny: " : "";
	char what[512], line[CG_DETAIL_MAX + 640];

	cgs_join_argv(what, sizeof(what), cmd->argv, cmd->argc);
	if (d->detail[0] != '\0')
		snprintf(line, sizeof(line), "%s%s (%s)", prefix, d->detail,
			 cg_reason_code(d->reason));
	else
		snprintf(line, sizeof(line), "%s%s: %s (%s)", prefix, what,
			 cg_reason_summary(d->reason), cg_reason_code(d->reason));
	cgs_say(c, SUDO_CONV_ERROR_MSG, line);
}

void cgs_gate_refuse_cmd(struct cgs_ctx *c, const struct cgs_command *cmd, const char *why)
{
	struct cg_decision d;

	set_own(&d, CG_COMMAND_DENIED, why);
	log_decision(c, cmd, &d, false);
	cgs_say(c, SUDO_CONV_ERROR_MSG, why);
}

void cgs_gate_refuse(struct cgs_ctx *c, const char *why)
{
	static struct cgs_command none;

	memset(&none, 0, sizeof(none));
	none.argv[0] = "(unknown)";
	none.argc = 1;
	cgs_gate_refuse_cmd(c, &none, why);
}

bool cgs_gate_check(struct cgs_ctx *c, const struct cgs_command *cmd, long long *expires)
{
	struct cg_decision d = { 0 };
	struct cg_request req = { 0 };
	bool allow = false;

	*expires = 0;
	c->granted_by_login = false;
	c->granted_exp = 0;
	req.scope = CG_SCOPE_SUDO;
	req.user = c->user.name;
	req.argv = cmd->argv;
	req.argc = cmd->argc;
	req.runas_user = cmd->runas_user;
	req.runas_uid = cmd->runas_uid;
	req.groups = &cmd->groups;
	/* where sudo will chdir (sudo -D, sudoers runcwd), else where the caller stands */
	req.cwd = cmd->cwd != NULL ? cmd->cwd : c->user.cwd;
	req.now = time(NULL);
	if (!c->options_ok || !c->config_ok) {
		char detail[CG_DETAIL_MAX];

		if (!c->options_ok)
			snprintf(detail, sizeof(detail), "changegate plugin options in sudo.conf: %.400s",
				 c->options_err);
		else
			snprintf(detail, sizeof(detail), "changegate configuration error: %.400s",
				 c->config_err);
		set_own(&d, CG_CONFIG_ERROR, detail);
	} else if (!c->user_ok) {
		set_own(&d, CG_WRONG_USER, "your user name has no account in the name service: "
			"no ticket can be checked for it");
	} else if (c->cfg.require_reaper && cg_reaper_running(CG_RUNDIR) != 1) {
		/* a command no reaper will end could outlive its ticket */
		set_own(&d, CG_REAPER_DOWN, "no session reaper is running on this host "
			"(require_reaper); gated users cannot use sudo until one runs");
	} else {
		decide(c, &req, &d);
	}
	if (d.reason == CG_OK) {
		allow = true;
		*expires = d.ticket.exp;
		c->granted_exp = d.ticket.exp;
		cg_strlcpy(c->granted_jti, d.ticket.jti, sizeof(c->granted_jti));
		cg_strlcpy(c->granted_chg, d.ticket.chg, sizeof(c->granted_chg));
	}
	/* what sudo logs as the refusal: the real reason, not a guess at it */
	snprintf(c->errstr, sizeof(c->errstr), "changegate: %s (%s)", cg_reason_summary(d.reason),
		 cg_reason_code(d.reason));
	log_decision(c, cmd, &d, !allow && c->opts.audit_only);
	debug_say(c, "verifier loaded", cgs_verifier_loaded() ? "yes" : "no");
	/* an allow is silent, except under a ticket for every command: the user should know
	 * that this is what they hold, and that each use is logged as such */
	if (allow && d.unrestricted) {
		char line[CG_DETAIL_MAX + 16];

		snprintf(line, sizeof(line), "note: %s", d.detail);
		cgs_say(c, SUDO_CONV_ERROR_MSG, line);
	}
	if (!allow) {
		/* the details of a broken config are for the log, not for the user */
		if (d.reason == CG_CONFIG_ERROR)
			cgs_say(c, SUDO_CONV_ERROR_MSG, "the changegate configuration of this host is broken; "
				"gated users cannot use sudo until an administrator fixes it (config_error)");
		else
			tell_user(c, cmd, &d, c->opts.audit_only);
		allow = c->opts.audit_only;
	}
	cg_decision_free(&d);
	return allow;
}

void cgs_gate_ended_at_expiry(const struct cgs_ctx *c, const struct cgs_command *cmd)
{
	struct cg_decision d;
	char chg[CG_CLAIM_MAX + 1], line[CG_DETAIL_MAX + 64];

	cg_sanitize(chg, sizeof(chg), c->granted_chg);
	set_own(&d, CG_EXPIRED, "");
	d.have_claims = true;
	d.verified = true;
	cg_strlcpy(d.ticket.chg, c->granted_chg, sizeof(d.ticket.chg));
	cg_strlcpy(d.ticket.jti, c->granted_jti, sizeof(d.ticket.jti));
	d.ticket.exp = c->granted_exp;
	snprintf(d.detail, sizeof(d.detail), "ticket %s expired: sudo ended the command at the "
		 "ticket's end", chg);
	log_decision_as(c, cmd, &d, "command_end", false);
	snprintf(line, sizeof(line), "%s (expired)", d.detail);
	cgs_say(c, SUDO_CONV_ERROR_MSG, line);
}
