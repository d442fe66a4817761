/* What the token grants against what is asked for: the scope, the host, the SSH key it is
 * bound to, and for sudo the command and the target user. Absent hosts means any host; absent runas means root only,
 * and absent runas_groups the target's own groups only. For commands an allow list only:
 * absent or empty cmds allow none, path entries allow what they name (a shell only when
 * named), and the explicit entry "*" allows everything. */
#include <stdio.h>
#include <string.h>

#include "token_internal.h"

static cg_reason check_host(const struct cg_config *cfg, const struct cg_ticket *t,
			    const struct cg_request *req, const char *name, char *detail,
			    size_t detlen)
{
	const char *host = req->host != NULL ? req->host : cfg->hostname;
	if (!t->has_hosts)
		return CG_OK;
	if (host != NULL && cg_host_matches(&t->hosts, host))
		return CG_OK;
	char want[80], here[80];
	cg_sanitize(want, sizeof(want), t->hosts.count > 0 ? t->hosts.items[0] : "no host");
	cg_sanitize(here, sizeof(here), host);
	cg_detail(detail, detlen, "%s is for host %s%s, this is %s", name, want,
		  t->hosts.count > 1 ? " and others" : "", here);
	return CG_HOST_DENIED;
}

/* cnf.ssh_fp: a key-bound token opens only what the bound key opens. The front that read the
 * authenticating key says which (req->ssh_key_fp); where none can (sudo from the environment,
 * a file or the prompt, another PAM service, a password login), the token is refused, so a
 * stolen key-bound token is worth nothing without the key. */
static cg_reason check_key_binding(const struct cg_ticket *t, const struct cg_request *req,
				   const char *name, char *detail, size_t detlen)
{
	if (!t->has_cnf)
		return CG_OK;
	if (req->ssh_key_fp != NULL && cg_strlist_contains(&t->ssh_fp, req->ssh_key_fp))
		return CG_OK;
	char fp[CG_SSH_FP_LEN + 1], why[160];
	cg_sanitize(fp, sizeof(fp), t->ssh_fp.count > 0 ? t->ssh_fp.items[0] : "no key");
	if (req->ssh_key_fp != NULL) {
		cg_sanitize(why, sizeof(why), req->ssh_key_fp);
		cg_detail(detail, detlen, "%s is bound to the SSH key %s%s, and this login "
			  "authenticated with %s", name, fp, t->ssh_fp.count > 1 ? " and others" : "",
			  why);
	} else {
		/* our own words (the parser's), not a claim: copied, not escaped */
		cg_strlcpy(why, req->ssh_key_none != NULL ? req->ssh_key_none :
			   "no SSH key authenticated this request", sizeof(why));
		cg_detail(detail, detlen, "%s is bound to the SSH key %s%s and is accepted only in "
			  "an SSH login with it (or sudo within that login): %s", name, fp,
			  t->ssh_fp.count > 1 ? " and others" : "", why);
	}
	return CG_KEY_MISMATCH;
}

/* "/usr/bin/systemctl restart postgresql", sanitised word by word and cut to fit. */
static void command_words(const struct cg_request *req, char *buf, size_t buflen)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; req->argv != NULL && i < req->argc && o + 1 < buflen; i++) {
		char word[128];
		cg_sanitize(word, sizeof(word), req->argv[i]);
		int n = snprintf(buf + o, buflen - o, "%s%s", i > 0 ? " " : "", word);
		if (n < 0)
			break;
		o += (size_t)n;
	}
	if (o == 0)
		snprintf(buf, buflen, "(no command)");
}

static cg_reason check_command(const struct cg_ticket *t, const struct cg_request *req,
			       const char *name, bool *unrestricted, char *detail, size_t detlen)
{
	char cmd[256];
	command_words(req, cmd, sizeof(cmd));
	if (req->argv == NULL || req->argc == 0 || req->argv[0] == NULL ||
	    req->argv[0][0] != '/') {
		cg_detail(detail, detlen, "%s cannot cover %s: not an absolute command", name, cmd);
		return CG_COMMAND_DENIED;
	}
	if (!t->has_cmds || t->cmds.count == 0) {
		cg_detail(detail, detlen, "%s names no commands, so it allows no sudo command",
			  name);
		return CG_COMMAND_DENIED;
	}
	/* "*" first: a ticket that says "everything" is judged, and logged, as unrestricted
	 * whatever else it lists */
	for (size_t i = 0; i < t->cmds.count; i++) {
		if (strcmp(t->cmds.items[i], CG_CMDS_ALL) == 0) {
			*unrestricted = true;
			return CG_OK;
		}
	}

	/* an entry covers the command when it matches and every relative word it names reaches
	 * a file root controls from where the command runs (command_paths.c); another entry
	 * may still cover it, so the first such refusal is kept for the detail */
	bool refused = false;
	for (size_t i = 0; i < t->cmds.count; i++) {
		size_t nliteral;
		char why[CG_DETAIL_MAX];
		if (!cg_command_match_words(t->cmds.items[i], req->argv, req->argc, &nliteral))
			continue;
		if (cg_command_paths_check(req->argv, nliteral, req->cwd, why, sizeof(why)) == CG_OK)
			return CG_OK;
		if (!refused)
			cg_detail(detail, detlen, "%s: %s", name, why);
		refused = true;
	}
	if (!refused)
		cg_detail(detail, detlen, "%s does not cover %s", name, cmd);
	return CG_COMMAND_DENIED;
}

static cg_reason check_runas(const struct cg_ticket *t, const struct cg_request *req,
			     const char *name, char *detail, size_t detlen)
{
	char who[80];
	if (!t->has_runas) {
		if (req->runas_uid == 0)
			return CG_OK;
		cg_sanitize(who, sizeof(who), req->runas_user);
		cg_detail(detail, detlen, "%s allows running commands as root only, not as %s",
			  name, who);
		return CG_RUNAS_DENIED;
	}
	if (req->runas_user != NULL && cg_strlist_contains(&t->runas, req->runas_user))
		return CG_OK;
	cg_sanitize(who, sizeof(who), req->runas_user);
	cg_detail(detail, detlen, "%s does not allow running commands as %s", name, who);
	return CG_RUNAS_DENIED;
}

/* The user is allowed; now its groups (runas_group.c): sudo -g must not widen the target. */
static cg_reason check_runas_target(const struct cg_ticket *t, const struct cg_request *req,
				    const char *name, char *detail, size_t detlen)
{
	cg_reason r = check_runas(t, req, name, detail, detlen);
	if (r != CG_OK)
		return r;
	return cg_runas_groups_check(req->groups, &t->runas_groups, name, detail, detlen);
}

cg_reason cg_token_check_grant(const struct cg_config *cfg, const struct cg_ticket *t,
			       const struct cg_request *req, bool *unrestricted, char *detail,
			       size_t detlen)
{
	char name[80];
	*unrestricted = false;
	cg_ticket_name(t, name, sizeof(name));
	if (req->scope != CG_SCOPE_LOGIN && req->scope != CG_SCOPE_SUDO) {
		cg_detail(detail, detlen, "internal error: the request names no single scope");
		return CG_SCOPE_DENIED;
	}
	if ((t->scopes & (unsigned)req->scope) == 0) {
		cg_detail(detail, detlen, "%s does not grant %s access", name,
			  req->scope == CG_SCOPE_LOGIN ? "login" : "sudo");
		return CG_SCOPE_DENIED;
	}
	cg_reason r = check_host(cfg, t, req, name, detail, detlen);
	if (r == CG_OK)
		r = check_key_binding(t, req, name, detail, detlen);
	if (r != CG_OK || req->scope != CG_SCOPE_SUDO)
		return r;
	r = check_command(t, req, name, unrestricted, detail, detlen);
	if (r == CG_OK)
		r = check_runas_target(t, req, name, detail, detlen);
	return r;
}
