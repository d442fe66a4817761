/*
 * Where a token can come from, each in its own function; sudo_gate.c decides the order.
 * Every copy lives in a buffer of ours that cgs_token_clear wipes.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg_sudo.h"

const char *cgs_source_name(enum cgs_source s)
{
	switch (s) {
	case CGS_SRC_SESSION: return "login session";
	case CGS_SRC_ENV: return "CHANGEGATE_TOKEN";
	case CGS_SRC_FILE: return "CHANGEGATE_TOKEN_FILE";
	case CGS_SRC_PROMPT: return "prompt";
	case CGS_SRC_NONE: break;
	}
	return "none";
}

void cgs_token_clear(struct cgs_token *t)
{
	if (t->buf != NULL)
		cg_wipe_free(t->buf, t->len + 1);
	memset(t, 0, sizeof(*t));
}

/* Copies len bytes (bounded one past the cap so the verifier still reports too_large). */
static int take_copy(struct cgs_token *t, const char *src, size_t len, enum cgs_source s)
{
	if (len > CG_TOKEN_MAX + 1)
		len = CG_TOKEN_MAX + 1;
	t->buf = malloc(len + 1);
	if (t->buf == NULL)
		return -1;
	memcpy(t->buf, src, len);
	t->buf[len] = '\0';
	t->len = len;
	t->source = s;
	return 0;
}

int cgs_session_record(const struct cgs_ctx *c, struct cg_login_record *r, char *why,
		       size_t whylen)
{
	unsigned sid;

	memset(r, 0, sizeof(*r));
	if (cg_audit_session_id(&sid) != 0) {
		snprintf(why, whylen, "no audit session id");
		return -1;
	}
	return cg_login_record_read(CG_RUNDIR, sid, c->user.name, r, why, whylen);
}

int cgs_token_from_record(const struct cg_login_record *r, struct cgs_token *t)
{
	memset(t, 0, sizeof(*t));
	if (take_copy(t, r->token, r->token_len, CGS_SRC_SESSION) != 0)
		return -1;
	cg_strlcpy(t->ssh_key, r->ssh_key, sizeof(t->ssh_key));
	return 0;
}

int cgs_token_from_session(const struct cgs_ctx *c, struct cgs_token *t)
{
	struct cg_login_record r;
	char why[CG_DETAIL_MAX];
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (cgs_session_record(c, &r, why, sizeof(why)) == 0)
		rc = cgs_token_from_record(&r, t);
	cg_login_record_free(&r);
	return rc;
}

void cgs_token_ssh_key(const struct cgs_token *t, struct cg_request *req)
{
	/* a key-bound token (cnf.ssh_fp) counts only through the record of the login that
	 * checked its key; from anywhere else it is key_mismatch */
	req->ssh_key_fp = t->source == CGS_SRC_SESSION && t->ssh_key[0] != '\0' ? t->ssh_key
			  : NULL;
	req->ssh_key_none = t->source == CGS_SRC_SESSION
			    ? "this login's record names no SSH key checked at login"
			    : "a token bound to a key is accepted only through the record of the SSH "
			      "login that checked the key, not from CHANGEGATE_TOKEN, a token file "
			      "or the prompt";
}

int cgs_token_from_env(const struct cgs_ctx *c, struct cgs_token *t)
{
	const char *v = cgs_kv_get(c->user_env, "CHANGEGATE_TOKEN");

	memset(t, 0, sizeof(*t));
	if (v == NULL || *v == '\0')
		return -1;
	return take_copy(t, v, strnlen(v, CG_TOKEN_MAX + 1), CGS_SRC_ENV);
}

int cgs_token_from_file(const struct cgs_ctx *c, struct cgs_token *t, char *msg, size_t msglen)
{
	const char *path = cgs_kv_get(c->user_env, "CHANGEGATE_TOKEN_FILE");
	char *buf = NULL;
	size_t len = 0;

	memset(t, 0, sizeof(*t));
	if (path == NULL || *path == '\0')
		return 1;
	if (strnlen(path, 4096) >= 4096) {
		snprintf(msg, msglen, "CHANGEGATE_TOKEN_FILE is too long");
		return -1;
	}
	/* a token plus a trailing newline (CR LF at worst) */
	if (cgs_read_file_as_user(path, c->user.uid, c->user.gid, c->user.groups,
				  c->user.ngroups, CG_TOKEN_MAX + 2, &buf, &len, msg, msglen) != 0)
		return -1;
	t->buf = buf;
	t->len = len;
	t->source = CGS_SRC_FILE;
	if (t->len > 0 && t->buf[t->len - 1] == '\n')
		t->buf[--t->len] = '\0';
	if (t->len > 0 && t->buf[t->len - 1] == '\r')
		t->buf[--t->len] = '\0';
	return 0;
}

int cgs_token_from_prompt(const struct cgs_ctx *c, struct cgs_token *t, char *msg,
			  size_t msglen)
{
	struct sudo_conv_message m = { 0 };
	struct sudo_conv_reply r = { 0 };
	char prompt[CG_CLAIM_MAX + 64];
	size_t len;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	if (c->conv == NULL) {
		snprintf(msg, msglen, "sudo offers no conversation to ask for a token");
		return -1;
	}
	snprintf(prompt, sizeof(prompt), "[changegate] change ticket token for %s: ", c->user.name);
	m.msg_type = SUDO_CONV_PROMPT_ECHO_OFF;
	m.msg = prompt;
	if (c->conv(1, &m, &r, NULL) != 0 || r.reply == NULL) {
		rc = 1;
		goto out;
	}
	len = strnlen(r.reply, SUDO_CONV_REPL_MAX + 1);
	if (len == 0) {
		rc = 1;
	} else if (len >= SUDO_CONV_REPL_MAX) {
		/* sudo's prompt buffer holds 1023 bytes: anything longer was cut off */
		snprintf(msg, msglen, "the pasted token reached sudo's %d-byte prompt limit and was "
			 "cut off; pass it in CHANGEGATE_TOKEN or name a file holding it in "
			 "CHANGEGATE_TOKEN_FILE instead", SUDO_CONV_REPL_MAX);
		rc = -1;
	} else {
		rc = take_copy(t, r.reply, len, CGS_SRC_PROMPT);
	}
out:
	if (r.reply != NULL)
		cg_wipe_free_str(r.reply);
	return rc;
}
