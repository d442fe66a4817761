/*
 * Running pam_changegate.so under pam_wrapper, without root and without touching /etc/pam.d.
 *
 * pam_wrapper copies PAM_WRAPPER_SERVICE_DIR when it is loaded, so the service files must
 * exist before the test process starts: pt_main builds the test tree (keys, configs, service
 * files) in a parent process, then runs the tests in a child started with LD_PRELOAD of
 * pam_wrapper, and removes the tree when the child is done.
 */
#ifndef CG_PAM_HARNESS_H
#define CG_PAM_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <security/pam_appl.h>

#include "testlib.h"

/* One service file: every PAM type runs the module with "config=<dir>/<config> rundir=<dir>/run"
 * and then args; config NULL leaves config= out. A final "optional pam_permit.so" line per
 * type turns the module's PAM_IGNORE into success, so that only a denial fails the stack. */
struct pt_service {
	const char *name;
	const char *config;
	const char *args;
};

/* Before pt_main: service's session stack also runs module (a path) right after the
 * changegate line, where pam_systemd would be. One such service at most. */
void pt_session_after(const char *service, const char *module);

/* The tree of the running test: env paths, the issuer's private key (kid "issuer-1"). */
extern struct cg_test_env pt_env;
extern EVP_PKEY *pt_key;

/* Parent: builds the tree and the services, re-runs argv[0] under pam_wrapper, cleans up,
 * returns the child's exit status. Child: loads the tree and returns run(). */
int pt_main(int argc, char **argv, const struct pt_service *services, int (*run)(void));

/* What the scripted conversation does when asked for the token. */
enum pt_mode {
	PT_REPLY,            /* answers reply */
	PT_NULL_REPLY,       /* success, but a NULL response array */
	PT_NULL_RESP,        /* success, a response whose text is NULL */
	PT_FAIL,             /* returns PAM_CONV_ERR */
	PT_SSH_CUT,          /* answers reply the way the ssh client and changegate-askpass do:
				each prompt gets the next CG_SSH_ANSWER_MAX bytes, then "" */
};

struct pt_conv {
	enum pt_mode mode;
	const char *reply;
	int prompts;         /* echo-off prompts seen */
	char prompt[512];    /* the last one */
	char first[512];     /* the first one */
	size_t given;        /* PT_SSH_CUT: bytes of reply answered so far */
	char errors[4096];   /* every PAM_ERROR_MSG, one a line */
	char infos[4096];    /* every PAM_TEXT_INFO, one a line */
};

int pt_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp, void *data);

/* A valid token for user, with the claims changed by tweak (may be NULL). malloc'd. */
char *pt_token(const char *user, void (*tweak)(struct cg_test_claims *c));
/* The last line of the audit log, parsed: the value of key as a string ("" when absent,
 * "true"/"false" for booleans). Returns false when there is no line. */
bool pt_audit_last(const char *key, char *out, size_t outlen);
/* Number of lines in the audit log. */
size_t pt_audit_lines(void);

/* The module itself, dlopen()ed, for exact return codes: calls pam_sm_<what> with a handle
 * from pam_start(service, user, conv). Returns the module's return code. */
int pt_call(const char *what, const char *service, const char *user, struct pt_conv *conv,
	    int argc, const char **argv);

#endif /* CG_PAM_HARNESS_H */
