/*
 * What one sudo invocation tells the plugin about the person running it, and who is gated.
 * Root never is. Users exempted in the plugin's own options stay exempt even when
 * changegate.conf is broken (the same reason the PAM module takes exemptions as arguments);
 * everybody else is gated when the config cannot be read, and is then denied. Once it is
 * read, the config's lists with the options' lists added decide: the rule the PAM module
 * follows too. A user whose name has no canonical account name is gated too.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cg_sudo.h"

static int parse_user(struct cgs_user *u, char *const user_info[])
{
	unsigned uid, gid;

	memset(u, 0, sizeof(*u));
	u->name = cgs_kv_get(user_info, "user");
	if (u->name == NULL || *u->name == '\0')
		return -1;
	if (!cgs_parse_id(cgs_kv_get(user_info, "uid"), &uid) ||
	    !cgs_parse_id(cgs_kv_get(user_info, "gid"), &gid))
		return -1;
	u->uid = (uid_t)uid;
	u->gid = (gid_t)gid;
	if (cgs_parse_gid_list(cgs_kv_get(user_info, "groups"), u->groups, CGS_MAX_GROUPS,
			       &u->ngroups) != 0)
		return -1;
	u->cwd = cgs_kv_get(user_info, "cwd");
	u->tty = cgs_kv_get(user_info, "tty");
	return 0;
}

/* The name the account database calls this user: gating and verification use it, never a
 * spelling the name service merely accepts. Unknown: gated, and denied at check time. */
static void canonical_user(struct cgs_user *u, bool *ok)
{
	*ok = cg_user_account(u->name, &u->account) == 1;
	if (*ok)
		u->name = u->account.name;
}

/* An exempt list naming what the name service does not know exempts nobody: reported. */
static void warn_unknown_exempt(const struct cg_gate_result *res)
{
	if (res->unknown_exempt[0] != '\0')
		syslog(LOG_AUTHPRIV | LOG_WARNING, "changegate: gate lists: %s: the name service "
		       "does not know this, which exempts nobody", res->unknown_exempt);
}

static void decide_gated(struct cgs_ctx *c)
{
	struct cg_gate_result res;

	c->gated = false;
	if (c->user.uid == 0)
		return;
	canonical_user(&c->user, &c->user_ok);
	/* option exemptions first: they must hold without a readable config. Only those: the
	 * config's enforce lists add to any given as options, so these settle nothing else.
	 * With none given there is nothing to judge: lists that exempt nobody gate everyone but
	 * root, whom the uid above already let through (a name service lookup saved per call) */
	if (c->user_ok && (c->opts.lists.exempt_users.count > 0 ||
			   c->opts.lists.exempt_groups.count > 0)) {
		struct cg_gate_lists exempt = {
			.exempt_users = c->opts.lists.exempt_users,
			.exempt_groups = c->opts.lists.exempt_groups,
		};
		cg_gate_judge_account(&exempt, &c->user.account, &res);
		if (res.answer == CG_GATE_NOT_GATED) {
			warn_unknown_exempt(&res);
			return;
		}
	}
	c->gated = true;
	c->cfg_inited = true;
	if (cg_config_init(&c->cfg) != 0) {
		snprintf(c->config_err, sizeof(c->config_err), "out of memory");
		return;
	}
	if (cg_config_load(&c->cfg, c->opts.config, c->config_err, sizeof(c->config_err)) != 0)
		return;
	if (cg_gate_lists_add(&c->cfg.gate, &c->opts.lists) != 0) {
		snprintf(c->config_err, sizeof(c->config_err), "the gate lists of sudo.conf and "
			 "%s hold more than %d names together",
			 c->cfg.source != NULL ? c->cfg.source : "changegate.conf", CG_LIST_MAX);
		return;
	}
	if (!c->user_ok) {
		c->config_ok = true;
		return;
	}
	cg_gate_judge_account(&c->cfg.gate, &c->user.account, &res);
	warn_unknown_exempt(&res);
	if (res.answer == CG_GATE_UNJUDGED) {
		/* a typo in an enforce list must not let its members through: config_error */
		snprintf(c->config_err, sizeof(c->config_err), "cannot tell who is gated: %.400s",
			 res.why);
		return;
	}
	c->config_ok = true;
	c->gated = res.answer != CG_GATE_NOT_GATED;
}

/* What the command line asked for beyond the command (sudo's settings array). */
static void read_settings(struct cgs_ctx *c, char *const settings[])
{
	const char *v;

	c->noninteractive = cgs_kv_true(settings, "noninteractive");
	c->preserve_env = cgs_kv_true(settings, "preserve_environment");
	v = cgs_kv_get(settings, "cmnd_chroot");
	c->chroot_req = v != NULL && *v != '\0' ? v : NULL;
	v = cgs_kv_get(settings, "cmnd_cwd");
	c->cwd_req = v != NULL && *v != '\0' ? v : NULL;
}

int cgs_ctx_open(struct cgs_ctx *c, sudo_conv_t conv, sudo_printf_t say,
		 char *const settings[], char *const user_info[], char *const user_env[],
		 char *const options[], bool allow_delegate, const char **errstr)
{
	memset(c, 0, sizeof(*c));
	c->conv = conv;
	c->say = say;
	c->user_env = user_env;
	read_settings(c, settings);
	/* a typo in sudo.conf must not take sudo from root: it denies gated users at check */
	c->options_ok = cgs_options_parse(&c->opts, options, allow_delegate, c->options_err,
					  sizeof(c->options_err)) == 0;
	if (!c->options_ok) {
		c->opts.audit_only = false;
		syslog(LOG_AUTHPRIV | LOG_ERR, "changegate: sudo.conf: %s; gated users are denied "
		       "until it is fixed", c->options_err);
	}
	if (parse_user(&c->user, user_info) != 0) {
		*errstr = "changegate: sudo gave no usable user_info";
		cgs_say(c, SUDO_CONV_ERROR_MSG, "sudo gave no usable user_info");
		cgs_options_free(&c->opts);
		return -1;
	}
	/* root is the one who can fix it: tell root, not every user */
	if (!c->options_ok && c->user.uid == 0) {
		char line[sizeof(c->options_err) + 64];

		snprintf(line, sizeof(line), "sudo.conf: %s; gated users are denied", c->options_err);
		cgs_say(c, SUDO_CONV_ERROR_MSG, line);
	}
	decide_gated(c);
	return 0;
}

void cgs_ctx_close(struct cgs_ctx *c)
{
	if (c->cfg_inited)
		cg_config_free(&c->cfg);
	cgs_options_free(&c->opts);
	memset(c, 0, sizeof(*c));
}

void cgs_say(const struct cgs_ctx *c, int msg_type, const char *text)
{
	char clean[1024];
	size_t i;

	if (c->say == NULL || text == NULL)
		return;
	/* the text may carry claims of a token: keep terminal escapes out */
	for (i = 0; i + 1 < sizeof(clean) && text[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)text[i];

		clean[i] = (ch == '\n' || (ch >= 0x20 && ch < 0x7f)) ? (char)ch : '?';
	}
	clean[i] = '\0';
	c->say(msg_type, "changegate: %s\n", clean);
}
