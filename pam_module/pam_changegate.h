/*
 * pam_changegate internals: the glue between Linux-PAM and the changegate core. Only the
 * pam_sm_* entry points leave the shared object (see pam_changegate.sym); everything here is
 * hidden.
 */
#ifndef PAM_CHANGEGATE_H
#define PAM_CHANGEGATE_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_modules.h>

#include "changegate.h"

/* The PAM environment variable that carries a verified token from `auth` to `account` and
 * `session`. sshd runs keyboard-interactive auth in a forked child and only the PAM
 * environment comes back to the monitor, so pam_set_data alone cannot carry it. The value is
 * the signed token itself, re-verified at each step: a planted value proves nothing. */
#define CG_PAM_TOKEN_ENV "CHANGEGATE_LOGIN_TOKEN"
#define CG_PAM_TICKET_ENV "CHANGEGATE_TICKET"
#define CG_PAM_EXPIRES_ENV "CHANGEGATE_EXPIRES"
/* All a user is told about a config_error; the log line carries the detail. */
#define CG_PAM_MISCONFIGURED "changegate is misconfigured on this host; ask the administrators"

/* ---- module arguments (module_args.c) ----------------------------------------------------- */

struct cg_pam_args {
	const char *config_path;        /* config=; NULL: the compiled-in default */
	const char *rundir;             /* rundir=; NULL: CG_RUNDIR */
	bool debug;
	bool audit_only;
	bool bad;                       /* an unknown or malformed argument was given */
	char bad_arg[64];               /* the first one, sanitised, for the denial's detail */
	/* enforce_*= / exempt_*=: each is added to the config's list of the same name */
	struct cg_gate_lists gate;
};

/* Parses argv into args. Never fails: unknown or malformed arguments, and lists that cannot
 * be held (allocation, more than CG_LIST_MAX names), set args->bad and are reported through
 * report, once each; gated users are then denied. Returns 0. */
int cg_pam_args_parse(struct cg_pam_args *args, int argc, const char **argv,
		      void (*report)(void *ctx, const char *arg), void *ctx);
void cg_pam_args_free(struct cg_pam_args *args);
/* The lists the arguments alone judge by, a view into args (nothing copied or owned): their
 * exempt lists only. A user they do not gate (root, exempt_users=, exempt_groups=) is let
 * through before any config is read, so that a broken config cannot lock these users out. */
void cg_pam_args_exempt_lists(const struct cg_pam_args *args, struct cg_gate_lists *view);
/* True when a and b hold the same names in the same order, list by list. */
bool cg_pam_gate_lists_same(const struct cg_gate_lists *a, const struct cg_gate_lists *b);
/* Adds the lists given as arguments to the config's lists of the same name; 0 or -1. */
int cg_pam_args_apply(const struct cg_pam_args *args, struct cg_config *cfg);

/* ---- what an earlier call found (gate_note.c) --------------------------------------------- */

/* True when an earlier call on this handle found that lists gate user (the same account
 * name, the same names in the same order). Never says "exempt". */
bool cg_pam_gate_note_says_gated(pam_handle_t *pamh, const char *user,
				 const struct cg_gate_lists *lists, struct cg_gate_result *res);
/* Notes on the handle that lists gate user (copies both, and res's why and unknown_exempt,
 * which the says_gated of a later call hands back in res); on any failure notes nothing. */
void cg_pam_gate_note_gated(pam_handle_t *pamh, const char *user,
			    const struct cg_gate_lists *lists, const struct cg_gate_result *res);

/* ---- one call's context (module_context.c) ------------------------------------------------ */

enum cg_pam_phase {
	CG_PAM_AUTH,
	CG_PAM_ACCOUNT,
	CG_PAM_SESSION_OPEN,
	CG_PAM_SESSION_CLOSE,
};

struct cg_pam_ctx {
	pam_handle_t *pamh;
	enum cg_pam_phase phase;
	int flags;                      /* the PAM flags of this call (PAM_SILENT) */
	struct cg_pam_args args;
	const char *user;               /* the account's canonical name when the name
					   service knows it (canon), else the name as typed */
	char canon[CG_CLAIM_MAX + 1];
	const char *service, *rhost, *tty;
	bool config_loaded;
	struct cg_config cfg;
};

/* What cg_pam_ctx_open found out. */
enum cg_pam_gate {
	CG_PAM_NOT_GATED,               /* return PAM_IGNORE */
	CG_PAM_GATED,                   /* config loaded, the user must present a token */
	CG_PAM_GATED_BROKEN,            /* gated (or cannot tell) and cannot judge: deny */
};

/* Parses arguments, finds the user, decides whether the user is gated, loads the config.
 * On CG_PAM_GATED_BROKEN, dec is filled with the reason (config_error) for the denial. */
enum cg_pam_gate cg_pam_ctx_open(struct cg_pam_ctx *ctx, pam_handle_t *pamh,
				 enum cg_pam_phase phase, int flags, int argc, const char **argv,
				 struct cg_decision *dec);
void cg_pam_ctx_close(struct cg_pam_ctx *ctx);
/* The record directory: rundir= or CG_RUNDIR. */
const char *cg_pam_rundir(const struct cg_pam_ctx *ctx);
/* Fills dec as a denial with reason r and the given detail (printf-style, trusted format). */
void cg_pam_deny_with(struct cg_decision *dec, cg_reason r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the token's way through the stack (token_prompt.c, token_handoff.c) ------------------ */

/* Asks for the token through the conversation (echo off), with the prompt of
 * cg_login_prompt_format, and again with the continuation prompt while an answer is exactly
 * CG_SSH_ANSWER_MAX bytes (the ssh client's cut), appending the answers. Returns 0 with a
 * malloc'd, NUL-terminated *token (cg_wipe_free_str it) or -1 with dec filled: no_token for a
 * failed conversation or nothing at all, too_large past CG_TOKEN_MAX or too many rounds. */
int cg_pam_prompt_token(struct cg_pam_ctx *ctx, char **token, size_t *len,
			struct cg_decision *dec);
/* Hands a verified token to the later steps: pam_set_data (same process) and the PAM
 * environment (sshd's forked auth child). 0 or -1. */
int cg_pam_token_stash(pam_handle_t *pamh, const char *token, size_t len);
/* The token auth stashed: this process's data first, else the PAM environment. A malloc'd
 * copy (cg_wipe_free_str it), or NULL when there is none or it is too large. */
char *cg_pam_token_fetch(pam_handle_t *pamh, size_t *len);
/* Removes the token from the PAM environment (libpam wipes the entry) and wipes our data. */
void cg_pam_token_drop(pam_handle_t *pamh);

/* ---- one verification per process (verify_memo.c) ---------------------------------------- */

/* Keeps an allow's claims and key identity, and the token, on the handle. */
void cg_pam_memo_keep(struct cg_pam_ctx *ctx, const char *token, size_t len,
		      const struct cg_decision *dec);
/* True with dec an allow when this handle verified this very token for this user before and
 * cg_verify_again allows req from it; false: verify in full. */
bool cg_pam_memo_use(struct cg_pam_ctx *ctx, const char *token, size_t len,
		     const struct cg_request *req, struct cg_decision *dec);

/* ---- the SSH key of this login (ssh_key.c) ----------------------------------------------- */

struct cg_pam_ssh {
	struct cg_ssh_auth auth;        /* what SSH_AUTH_INFO_0 said (auth, account) */
	const char *fp;                 /* the authenticating key's fingerprint, or NULL */
	const char *none;               /* when fp is NULL: why, for the key_mismatch detail */
};

/* auth and account: reads SSH_AUTH_INFO_0; session: the key account noted. Never fails. */
void cg_pam_ssh_read(struct cg_pam_ctx *ctx, struct cg_pam_ssh *k);
/* Moves the token of the certificate that authenticated the login to *token (the caller
 * then owns and wipes it): 0, or -1 when there is none (prompt as before). */
int cg_pam_ssh_take_token(struct cg_pam_ssh *k, char **token, size_t *len);
/* Keeps the key account checked for session open (PAM data, and the PAM environment for
 * sshd's monitor); without a key, removes it. */
void cg_pam_ssh_note(struct cg_pam_ctx *ctx, const struct cg_pam_ssh *k);
/* Removes that note (cg_pam_token_drop calls it: the key goes wherever the token goes). */
void cg_pam_ssh_forget(pam_handle_t *pamh);
void cg_pam_ssh_free(struct cg_pam_ssh *k);

/* ---- the login's ticket in its session (session_ticket.c) ------------------------------- */

/* After session open verified the token: records it for sudo under the kernel audit session
 * id (logged, not fatal, when that fails: sudo then asks again), sets CHANGEGATE_TICKET and
 * CHANGEGATE_EXPIRES, keeps what the close needs, tells the user. ssh_key: the key account
 * checked for this login (cg_pam_ssh_read), or NULL. */
void cg_pam_session_publish(struct cg_pam_ctx *ctx, const char *token, size_t len,
			    const struct cg_decision *dec, const char *ssh_key);
/* At close: removes the record and fills dec for the log line (reason ok, with the ticket
 * the open saw when this process saw it). PAM_SUCCESS or PAM_SESSION_ERR. */
int cg_pam_session_forget(struct cg_pam_ctx *ctx, struct cg_decision *dec);
/* Hands the ticket's end to pam_systemd (PAM data "systemd.runtime_max_sec", seconds as
 * text): logind then stops the login's scope at exp + leeway by itself. */
void cg_pam_session_limit(struct cg_pam_ctx *ctx, const struct cg_decision *dec);
/* The seconds it gives: exp + leeway - now, at least 1. */
long long cg_pam_runtime_max(long long exp, long leeway, time_t now);

/* ---- telling people (decision_log.c) ------------------------------------------------------ */

/* One syslog line (and one audit_log object when configured) for this decision. */
void cg_pam_log_decision(struct cg_pam_ctx *ctx, const struct cg_decision *dec,
			 bool audit_only);
/* Tells the user why, in plain words, unless PAM_SILENT. */
void cg_pam_tell_denial(struct cg_pam_ctx *ctx, const struct cg_decision *dec);

#endif /* PAM_CHANGEGATE_H */
