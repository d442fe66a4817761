/*
 * What the PAM fuzz target puts around pam_changegate's code: a fixed clock, the module's
 * syslog lines captured instead of sent, no kernel audit records from libpam, a scripted
 * conversation, and a watch for the token in everything the module says.
 *
 * The clock and syslog are swapped at link time (-Wl,--wrap=time,--wrap=pam_syslog), which
 * reaches only the objects linked into the target (the module's and the core's), never
 * libpam, libc or libFuzzer.
 */
#ifndef CG_FUZZ_PAM_WORLD_H
#define CG_FUZZ_PAM_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <security/pam_appl.h>

#include "changegate.h" /* CG_EXPORT */

/* ---- the watch --------------------------------------------------------------------------- */

/* From now on any text that contains these len bytes aborts the run (NULL or 0: no watch).
 * The bytes are not copied: keep them alive while the watch is on. */
void cg_fuzz_watch(const char *secret, size_t len);
/* Aborts, naming where, when text holds the watched bytes. */
void cg_fuzz_check_text(const char *where, const char *text, size_t len);
/* The same over a whole file (the audit log); a missing file holds nothing. */
void cg_fuzz_check_file(const char *where, const char *path);

/* ---- the conversation -------------------------------------------------------------------- */

enum cg_fuzz_conv_mode {
	CG_FUZZ_CONV_REPLY,      /* answers the token prompt with reply, and a continuation
				    prompt (after an answer of ssh's length) with "" */
	CG_FUZZ_CONV_NULL_ARRAY, /* PAM_SUCCESS with no response array */
	CG_FUZZ_CONV_NULL_TEXT,  /* PAM_SUCCESS, a response whose text is NULL */
	CG_FUZZ_CONV_FAIL,       /* PAM_CONV_ERR */
};

struct cg_fuzz_conv {
	enum cg_fuzz_conv_mode mode;
	const char *reply;       /* echo-off prompts (the token) */
	const char *login;       /* echo-on prompts (pam_get_user's "login:") */
	unsigned token_prompts;  /* echo-off prompts seen, continuations not counted */
	unsigned continuations;  /* continuation prompts seen (cg_login_prompt_parse, offset) */
};

/* A struct pam_conv's function; data is a struct cg_fuzz_conv. Every message shown to the
 * user goes through the watch. */
int cg_fuzz_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		 void *data);

/* ---- the way in ------------------------------------------------------------------------- */

/* libpam lets a module keep data (pam_set_data, pam_get_data) only while it runs the module
 * from a stack: called straight from the application they fail. So the target drives a real
 * stack whose one module, fuzz_pam_shim.so, hands each call back to the target here, where
 * pam_changegate's code (compiled into the target) runs with the input's arguments. */
enum cg_fuzz_phase {
	CG_FUZZ_AUTH,
	CG_FUZZ_ACCOUNT,
	CG_FUZZ_OPEN_SESSION,
	CG_FUZZ_CLOSE_SESSION,
};

/* Runs pam_changegate's entry point for phase; returns what it returned. */
CG_EXPORT int cg_fuzz_pam_dispatch(pam_handle_t *pamh, enum cg_fuzz_phase phase, int flags);

/* ---- the swapped functions ---------------------------------------------------------------- */

/* time(): always CG_FUZZ_NOW, so seeds minted for it stay valid and runs repeat. */
time_t __wrap_time(time_t *t);
/* pam_syslog(): formatted (so bad formats still show under the sanitizers), watched,
 * then dropped: a fuzzer must not flood the host's syslog. */
void __wrap_pam_syslog(const pam_handle_t *pamh, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* libaudit's audit_open, found by libpam before libaudit's own (the executable exports
 * it): fails as a kernel without audit does, so pam_end() neither writes an audit record
 * to the host's kernel log nor resolves the fuzzed PAM_RHOST through DNS. */
CG_EXPORT int audit_open(void);

#endif /* CG_FUZZ_PAM_WORLD_H */
