/*
 * changegate_sudo.so internals: what the two plugin files (approval_plugin.c,
 * policy_plugin.c) share. The plugins stay thin glue; everything that decides or talks to
 * the user lives in the helpers declared here, so the unit tests reach it through the two
 * exported structs without a special build.
 */
#ifndef CG_SUDO_H
#define CG_SUDO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <sudo_plugin.h>

#include "changegate.h"

#define CGS_MAX_ARGS 4096          /* arguments of one command we are willing to judge */
#define CGS_MAX_GROUPS 1024        /* supplementary groups taken from user_info */
#define CGS_KV_SCAN_MAX 4096       /* entries of a settings/user_info/command_info array */
/* what a token names to allow sudoedit (sudo -e): "/usr/bin/sudoedit /etc/hosts" */
#define CGS_SUDOEDIT_PATH "/usr/bin/sudoedit"

/* ---- sudo's key=value arrays (sudo_kv.c) -------------------------------------------------- */

/* The value of "key=value" in a NULL-terminated array, or NULL. key has no '='. */
const char *cgs_kv_get(char *const list[], const char *key);
/* True for "true" (sudo's boolean spelling); false for anything else or absent. */
bool cgs_kv_true(char *const list[], const char *key);
/* A decimal id (uid/gid) in 0..UINT_MAX-1; false on anything else. */
bool cgs_parse_id(const char *s, unsigned *out);
/* "10,20,30" (user_info groups=, command_info runas_groups=) into out, at most max ids;
 * NULL or empty is no ids. 0, or -1 on anything else. */
int cgs_parse_gid_list(const char *list, gid_t *out, size_t max, size_t *n);

/* ---- plugin options from sudo.conf (sudo_options.c) -------------------------------------- */

struct cgs_options {
	const char *config;         /* config=PATH, default cg_default_config_path() */
	const char *delegate;       /* delegate=PATH (policy plugin only) */
	bool audit_only;            /* log denials, let them through (rollout) */
	bool debug;                 /* say on stderr where the token came from */
	/* enforce_users= ... exempt_groups=: added to the config's lists; the exempt ones hold
	 * when the config is broken */
	struct cg_gate_lists lists;
};

/* Parses plugin_options (may be NULL). allow_delegate: whether delegate= is accepted.
 * 0, or -1 with err naming the first offending option. Either way every option that could
 * be parsed is kept (a typo must not cost root or the exempt users their sudo): free o with
 * cgs_options_free in both cases. */
int cgs_options_parse(struct cgs_options *o, char *const opts[], bool allow_delegate,
		      char *err, size_t errlen);
void cgs_options_free(struct cgs_options *o);

/* ---- one sudo invocation (sudo_context.c) ------------------------------------------------ */

struct cgs_user {
	const char *name;
	uid_t uid;
	gid_t gid;
	gid_t groups[CGS_MAX_GROUPS];
	size_t ngroups;
	const char *cwd;
	const char *tty;
	struct cg_account account;  /* the name service's; name points to its canonical name */
};

struct cgs_ctx {
	sudo_conv_t conv;
	sudo_printf_t say;
	struct cgs_options opts;
	struct cgs_user user;
	char *const *user_env;
	bool noninteractive;        /* sudo -n: never prompt */
	bool preserve_env;          /* sudo -E */
	const char *chroot_req;     /* sudo -R DIR, or NULL */
	const char *cwd_req;        /* sudo -D DIR, or NULL */
	char cmdline_env[96];       /* approval: a VAR=value / --preserve-env=LIST given, shown */
	bool gated;
	bool options_ok;            /* false: sudo.conf options had an error (options_err) */
	char options_err[256];
	bool user_ok;               /* false: the invoking user has no canonical account name */
	bool config_ok;
	bool cfg_inited;            /* cfg needs cg_config_free */
	struct cg_config cfg;
	char config_err[512];
	/* the last allow (cgs_gate_check): its ticket, and whether it was the login's own, which
	 * the reaper ends with the login; any other is registered (cgs_lease_register) */
	bool granted_by_login;
	long long granted_exp;
	char granted_jti[CG_JTI_MAX + 1];
	char granted_chg[CG_CLAIM_MAX + 1];
	char errstr[160];           /* the last refusal's *errstr for sudo: "changegate: ..." */
};

/* After an allow under a token that is not the login's: registers this sudo process for the
 * reaper (shared/sudo_lease.c), which ends the command at that token's end. Nothing for the
 * login's own ticket, an audit_only allow, or while no reaper runs. 0, or -1 (logged at
 * LOG_ERR) when it could not be registered. */
int cgs_lease_register(const struct cgs_ctx *c);

/* Fills ctx from what sudo gave open(): options, user_info, settings; loads the changegate
 * config. Neither a broken config nor bad plugin options are errors here (they deny gated
 * users at check time, logged at LOG_ERR; root and exempt users keep sudo), but a user_info
 * without a user is: -1 with *errstr set. */
int cgs_ctx_open(struct cgs_ctx *c, sudo_conv_t conv, sudo_printf_t say,
		 char *const settings[], char *const user_info[], char *const user_env[],
		 char *const options[], bool allow_delegate, const char **errstr);
void cgs_ctx_close(struct cgs_ctx *c);
/* Prints one message line to the user through sudo's printf: "changegate: <text>\n".
 * Control bytes in text are shown as '?'. */
void cgs_say(const struct cgs_ctx *c, int msg_type, const char *text);

/* ---- where the token comes from (token_source.c, token_file.c) --------------------------- */

enum cgs_source {
	CGS_SRC_NONE = 0,
	CGS_SRC_SESSION,            /* the PAM module's record for this login session */
	CGS_SRC_ENV,                /* CHANGEGATE_TOKEN */
	CGS_SRC_FILE,               /* CHANGEGATE_TOKEN_FILE */
	CGS_SRC_PROMPT,             /* sudo's conversation */
};

const char *cgs_source_name(enum cgs_source s);

/* A token in our own buffer: wiped and freed by cgs_token_clear. */
struct cgs_token {
	char *buf;
	size_t len;
	enum cgs_source source;
	/* CGS_SRC_SESSION: the SSH key the login's record says was checked, or "" */
	char ssh_key[CG_SSH_FP_LEN + 1];
};
void cgs_token_clear(struct cgs_token *t);

/* The login record for this audit session and user (cg_login_record_read: root-owned, in the
 * trusted run dir, this user's); 0 when found (cg_login_record_free it), -1 otherwise with
 * why set. */
int cgs_session_record(const struct cgs_ctx *c, struct cg_login_record *r, char *why,
		       size_t whylen);
/* The token a login record holds, copied as from the other sources; 0 or -1. */
int cgs_token_from_record(const struct cg_login_record *r, struct cgs_token *t);
/* The SSH key req may judge t's key binding by: the one the login record names, for the
 * record's token only (points into t: verify before cgs_token_clear). */
void cgs_token_ssh_key(const struct cgs_token *t, struct cg_request *req);
/* The login record for this audit session and user; 0 when found, -1 otherwise. */
int cgs_token_from_session(const struct cgs_ctx *c, struct cgs_token *t);
/* CHANGEGATE_TOKEN from the user's environment; 0 when set, -1 otherwise. */
int cgs_token_from_env(const struct cgs_ctx *c, struct cgs_token *t);
/* CHANGEGATE_TOKEN_FILE, read with the invoking user's privileges. 0 when read; 1 when the
 * variable is unset; -1 with msg set when it is set but cannot be read. */
int cgs_token_from_file(const struct cgs_ctx *c, struct cgs_token *t, char *msg, size_t msglen);
/* Reads path in a child that has become uid/gid/groups: O_NOFOLLOW, regular file, at most
 * max bytes. 0 with *buf (NUL-terminated, wipe it) or -1 with msg. */
int cgs_read_file_as_user(const char *path, uid_t uid, gid_t gid, const gid_t *groups,
			  size_t ngroups, size_t max, char **buf, size_t *len,
			  char *msg, size_t msglen);
/* Asks through sudo's conversation, echo off. 0 with a token; 1 when the user gave nothing;
 * -1 with msg set (the reply hit sudo's 1023-byte cap, or the conversation failed). */
int cgs_token_from_prompt(const struct cgs_ctx *c, struct cgs_token *t, char *msg,
			  size_t msglen);

/* ---- the gate (sudo_gate.c) ---------------------------------------------------------------- */

/* What sudo is about to run, taken from command_info and the run argv. */
struct cgs_command {
	size_t argc;
	const char *runas_user;
	uid_t runas_uid;
	bool sudoedit;
	const char *chroot;         /* command_info chroot=, or NULL */
	const char *cwd;            /* command_info cwd= (sudo -D, sudoers runcwd), or NULL */
	gid_t set_gids[2];          /* runas_gid=, runas_egid= when given */
	size_t nset;
	size_t nrunas_groups;
	/* From here on, not cleared by cgs_command_from_sudo: the arrays are read only up to
	 * their counts above, and cg_group_facts_lookup clears the facts. Clearing these 60 KiB
	 * touched 15 pages of every sudo call for nothing. */
	const char *argv[CGS_MAX_ARGS + 1];
	gid_t runas_groups[CGS_MAX_GROUPS];  /* runas_groups=, unless preserve_groups=true */
	struct cg_group_facts groups; /* the above against the target's own (the core's lookup) */
};

/* Fills cmd from command_info ("command=", "runas_uid=", "runas_user=", "runas_gid=",
 * "runas_egid=", "runas_groups=", "preserve_groups=", "cwd=", "sudoedit=") and run_argv,
 * and gathers the group facts. 0, or -1 with msg when sudo gave something we cannot judge. */
int cgs_command_from_sudo(struct cgs_command *cmd, char *const command_info[],
			  char *const run_argv[], char *msg, size_t msglen);

/* The whole decision for a gated user: sources the token, verifies it, tells the user,
 * logs one line. Returns true to let the command run (allowed, or audit_only). On allow,
 * *expires holds the ticket's exp (0 when audit_only let a denial through). c->errstr says
 * the decision's reason, for sudo's *errstr. */
bool cgs_gate_check(struct cgs_ctx *c, const struct cgs_command *cmd, long long *expires);
/* The policy wrapper's command was ended by sudo at the timeout set for its ticket's end:
 * tells the user why (not just "Hangup") and logs it (event=command_end, reason=expired). */
void cgs_gate_ended_at_expiry(const struct cgs_ctx *c, const struct cgs_command *cmd);

/* A gated command sudo described in a way we cannot judge: denied, logged, told. */
void cgs_gate_refuse(struct cgs_ctx *c, const char *why);
/* A gated command refused before any token is looked at (environment, chroot, -D):
 * logged with the command, told. */
void cgs_gate_refuse_cmd(struct cgs_ctx *c, const struct cgs_command *cmd, const char *why);

/* ---- how the command would run (sudo_invocation.c) ---------------------------------------- */

/* The approval plugin's view of the command line: a VAR=value or --preserve-env=LIST before
 * submit_optind. Fills c->cmdline_env (shown form) when there is one. */
void cgs_scan_cmdline(struct cgs_ctx *c, int submit_optind, char *const submit_argv[]);
/* What a gated command may not do whatever the token says: take variables from the command
 * line (env_add, or c->cmdline_env), keep the caller's whole environment (-E), carry a
 * variable that neither the caller's environment nor sudoers itself gave it, run in a chroot,
 * or in a directory the caller chose with -D. 0, or -1 with why. env_add may be NULL. */
int cgs_invocation_check(const struct cgs_ctx *c, const struct cgs_command *cmd,
			 char *const env_add[], char *const run_envp[], char *why, size_t whylen);

/* sudo -l: shows the ticket that would be used, its expiry and what it covers. */
void cgs_gate_list(struct cgs_ctx *c);

/* ---- the verifier, loaded on first use (verifier_load.c, verifier_entry.c) --------------- */

/* The token pipeline and the libraries under it (libjwt, OpenSSL) live in a second object
 * next to this one, so that sudo calls which check no token never load them. */
#define CGS_VERIFIER_SO "changegate_sudo_verify.so"
#define CGS_VERIFIER_SYMBOL "changegate_sudo_verifier"
#define CGS_VERIFIER_ABI 1u

/* What the verifier object exports. The sizes and the version tie it to the build of the
 * front end that loads it: the two share struct layouts, so a mismatch is refused. */
struct cgs_verifier {
	unsigned abi;
	const char *version;
	const char *layout;         /* CGS_VERIFIER_LAYOUT: a hash of the headers both build on */
	size_t config_size, request_size, decision_size;
	cg_reason (*verify)(const struct cg_config *cfg, const char *token, size_t len,
			    const struct cg_request *req, struct cg_decision *out);
};

/* cg_verify_token through the verifier object, loaded on the first call from the directory
 * this plugin was loaded from; it must pass the same trust checks as the config. When it
 * cannot be loaded or does not match, out is a config_error denial that says why. */
cg_reason cgs_verify_token(const struct cg_config *cfg, const char *token, size_t len,
			   const struct cg_request *req, struct cg_decision *out);
/* Whether the verifier object is mapped into this process now (dlopen RTLD_NOLOAD): the
 * debug option says so after each decision, which is how the tests see the fast path. */
bool cgs_verifier_loaded(void);

/* ---- small pieces ------------------------------------------------------------------------ */

/* "/usr/bin/systemctl restart postgresql", bounded; control bytes shown as '?'. */
void cgs_join_argv(char *dst, size_t dstlen, const char *const *argv, size_t argc);
/* Seconds sudo should allow the command to run: exp - now, at least 1, capped to INT_MAX.
 * The smaller of that and an existing timeout (0: none). */
unsigned cgs_timeout_for(long long exp, time_t now, unsigned existing);

#endif /* CG_SUDO_H */
