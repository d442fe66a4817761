/*
 * sudo -l for a gated user: after the delegate's listing, which ticket sudo would use, until
 * when, and what it covers. Never prompts (listing is not a reason to ask for a secret) and
 * never redeems a single-use token.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cg_sudo.h"

static void show_list(const struct cgs_ctx *c, const char *label, const struct cg_strlist *l,
		      const char *none)
{
	char line[CG_CMD_MAX + 64];

	if (l->count == 0) {
		snprintf(line, sizeof(line), "  %s %s", label, none);
		cgs_say(c, SUDO_CONV_INFO_MSG, line);
		return;
	}
	for (size_t i = 0; i < l->count; i++) {
		snprintf(line, sizeof(line), "  %s %s", i == 0 ? label : "         ", l->items[i]);
		cgs_say(c, SUDO_CONV_INFO_MSG, line);
	}
}

static void show_ticket(const struct cgs_ctx *c, const struct cg_decision *d, time_t now)
{
	const struct cg_ticket *t = &d->ticket;
	char when[64] = "?", line[CG_CLAIM_MAX * 2 + 160];
	struct tm tm;
	time_t exp = (time_t)t->exp;

	if (gmtime_r(&exp, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(line, sizeof(line), "change ticket %s (approved by %s), valid until %s "
		 "(%lld minutes left)", t->chg, t->emergency ? "break-glass" : t->approved_by,
		 when, (t->exp - (long long)now) / 60);
	cgs_say(c, SUDO_CONV_INFO_MSG, line);
	/* only a verified allow gets here: the ticket names commands, or says "*" */
	if (cg_strlist_contains(&t->cmds, CG_CMDS_ALL))
		cgs_say(c, SUDO_CONV_INFO_MSG, "  commands: any command (an unrestricted ticket: "
			"its cmds is *)");
	else
		show_list(c, "commands:", &t->cmds, "none");
	show_list(c, "as user: ", &t->runas, "root");
	show_list(c, "groups:  ", &t->runas_groups, "the target user's own");
}

/* A command and target the ticket itself names, so that a second verification gets past the
 * grant and reports what is really wrong, or that the ticket is good. */
static void probe_request(const struct cg_ticket *t, struct cg_request *req, char *words,
			  size_t wordslen, const char **argv, size_t maxargs)
{
	char *save = NULL, *w;

	req->argc = 0;
	req->argv = argv;
	req->runas_user = t->runas.count > 0 ? t->runas.items[0] : NULL;
	req->runas_uid = 0;
	/* no cmds: the verifier says the ticket names none; "*": any command will do */
	if (t->cmds.count == 0 || strcmp(t->cmds.items[0], CG_CMDS_ALL) == 0) {
		argv[req->argc++] = "/usr/bin/true";
		return;
	}
	cg_strlcpy(words, t->cmds.items[0], wordslen);
	for (w = strtok_r(words, " \t", &save); w != NULL && req->argc < maxargs;
	     w = strtok_r(NULL, " \t", &save))
		argv[req->argc++] = w;
	/* a trailing "*" allows any rest, including none */
	if (req->argc > 1 && strcmp(argv[req->argc - 1], "*") == 0)
		req->argc--;
}

void cgs_gate_list(struct cgs_ctx *c)
{
	struct cg_decision d = { 0 };
	struct cg_request req = { 0 };
	struct cgs_token t = { 0 };
	char msg[CG_DETAIL_MAX] = "";
	const char *noargv[1] = { NULL };

	if (!c->gated)
		return;
	if (!c->options_ok || !c->config_ok) {
		cgs_say(c, SUDO_CONV_INFO_MSG, "the changegate configuration of this host is broken; gated "
			"commands will be refused (config_error)");
		return;
	}
	/* under single_use=always a login's ticket is not reused (sudo_gate.c) */
	if ((c->cfg.single_use == CG_SINGLE_USE_ALWAYS || cgs_token_from_session(c, &t) != 0) &&
	    cgs_token_from_env(c, &t) != 0 &&
	    cgs_token_from_file(c, &t, msg, sizeof(msg)) != 0) {
		cgs_say(c, SUDO_CONV_INFO_MSG, msg[0] ? msg : "no change ticket: every command "
			"will be refused until one is given (CHANGEGATE_TOKEN, "
			"CHANGEGATE_TOKEN_FILE, or the prompt)");
		return;
	}
	/* no command: the verifier judges the ticket itself (signature, time, revocation) */
	req.scope = CG_SCOPE_SUDO;
	req.user = c->user.name;
	req.argv = noargv;
	req.argc = 0;
	req.runas_uid = 0;
	/* the listing judges the ticket: the directory a command runs in is judged when it runs,
	 * where sudoers' runcwd may pin it to "/" whatever the caller's own directory */
	req.cwd = "/";
	req.now = time(NULL);
	req.replay = t.source == CGS_SRC_SESSION ? CG_REPLAY_SKIP : CG_REPLAY_PEEK;
	cgs_token_ssh_key(&t, &req);
	cgs_verify_token(&c->cfg, t.buf, t.len, &req, &d);
	if ((d.reason == CG_COMMAND_DENIED || d.reason == CG_RUNAS_DENIED) && d.verified) {
		char words[CG_CMD_MAX + 1];
		const char *argv[CG_CMD_MAX / 2 + 1];
		struct cg_decision second = { 0 };

		/* the probe points into d's claims: free d only after the second verification */
		probe_request(&d.ticket, &req, words, sizeof(words), argv, CG_CMD_MAX / 2);
		cgs_verify_token(&c->cfg, t.buf, t.len, &req, &second);
		cg_decision_free(&d);
		d = second;
	}
	cgs_token_clear(&t);
	if (d.reason == CG_OK) {
		show_ticket(c, &d, req.now);
	} else {
		char line[CG_DETAIL_MAX + 64];

		snprintf(line, sizeof(line), "no usable change ticket: %s (%s)",
			 d.detail[0] ? d.detail : cg_reason_summary(d.reason),
			 cg_reason_code(d.reason));
		cgs_say(c, SUDO_CONV_INFO_MSG, line);
	}
	cg_decision_free(&d);
}
