/*
 * pam_changegate's entry points through a real libpam stack (pam_start_confdir over a service
 * in the fuzzer's tree) with a scripted conversation. The stack's one module is a shim that
 * hands each call back here, to the module's code compiled into this target (see
 * fuzz_pam_world.h for why). The input is cut at NUL bytes into fields, all optional after
 * the first:
 *
 *   reply NUL user NUL rhost NUL tty NUL args NUL modes
 *
 *   reply  the conversation's answer at the token prompt (mode p: planted in the PAM
 *          environment instead, as a client of sshd's monitor could try)
 *   user   PAM_USER; empty: unset, so the module asks and the conversation says "alice"
 *   rhost, tty  PAM_RHOST, PAM_TTY; empty: unset
 *   args   module arguments, space-separated; config= and rundir= naming the fuzzer's tree
 *          always follow, so they win
 *   modes  letters: n/r/f the conversation answers with no array / a NULL text / an error;
 *          p plant the reply; a authenticate twice; s PAM_SILENT; o single_use = always
 *          (otherwise single_use = no, so a valid token can reach the session every time)
 *
 * Each input runs pam_authenticate (unless p), pam_acct_mgmt, pam_open_session and
 * pam_close_session on one handle, as sshd does. Properties, besides memory errors and leaks:
 *   - PAM_SUCCESS only when the core, asked the same question (same config, user, clock),
 *     verifies the reply; account and session only after authenticate said yes (or p);
 *   - the other way round on the plain path (user alice, no args, a normal conversation): a
 *     reply the core verifies is let in;
 *   - a verified token's signature never shows in a syslog line, a conversation message, the
 *     audit log or the environment the session leaves behind, and the token variable itself
 *     is gone once a session was judged.
 *
 * The clock is fixed at CG_FUZZ_NOW (fuzz_pam_world.h). CG_FUZZ_MINT_DIR=dir mints seeds.
 */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h> /* pam_sm_*: the module's code is linked in */

#include "changegate.h"
#include "fuzz_input.h"
#include "fuzz_pam_world.h"
#include "fuzz_token_ring.h"
#include "testlib.h"

#ifndef CG_FUZZ_PAM_SHIM
#error "CG_FUZZ_PAM_SHIM must name the built fuzz_pam_shim.so"
#endif

#define SERVICE "cg-fuzz"
#define TOKEN_ENV "CHANGEGATE_LOGIN_TOKEN" /* pam_changegate.h's CG_PAM_TOKEN_ENV */
#define PROMPTED_USER "alice"
#define MAX_ARGS 16

static struct cg_config cfg_once;       /* the ring's config: single_use = always */
static struct cg_config cfg_reuse;      /* the same with single_use = no */
static char reuse_path[512], svc_dir[512];
static char arg_config_once[600], arg_config_reuse[600], arg_rundir[600];

/* One input, cut into what it asks for. */
struct run {
	const char *reply;
	size_t reply_len;
	const char *user;               /* for pam_start; NULL: asked */
	const char *judged;             /* the name the module judges (canonical when known) */
	char canon[CG_CLAIM_MAX + 1];
	const char *rhost, *tty;
	const char *argv[MAX_ARGS + 2];
	int argc;
	int flags;
	bool plant, twice, plain;
	const struct cg_config *cfg;
	struct cg_fuzz_conv conv;
	int module_rc;                  /* what the module returned to the last dispatch */
	bool dispatched;
};

static struct run *current;             /* the input being run, for the dispatch */
static void *shim;

static void die(const char *what)
{
	fprintf(stderr, "fuzz_pam: %s\n", what);
	abort();
}

/* The files this target adds go with the ring's tree, which the ring removes at exit. */
static void cleanup(void)
{
	if (shim != NULL)
		dlclose(shim);
	cg_config_free(&cfg_reuse);
}

/* One stack: the shim for each type. "other" exists so that libpam does not complain. */
static void make_services(const char *dir, const char *shim_path)
{
	static const char other[] = "# unused: fuzz_pam runs the " SERVICE " service only\n";
	char path[600], text[4096];

	snprintf(svc_dir, sizeof(svc_dir), "%s/pam.d", dir);
	if (mkdir(svc_dir, 0700) != 0)
		die("cannot create the service directory");
	int n = snprintf(text, sizeof(text), "auth required %s\naccount required %s\n"
			 "session required %s\n", shim_path, shim_path, shim_path);
	snprintf(path, sizeof(path), "%s/" SERVICE, svc_dir);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    cg_fuzz_write_file(path, (const uint8_t *)text, (size_t)n) != 0)
		die("cannot write the service file");
	snprintf(path, sizeof(path), "%s/other", svc_dir);
	if (cg_fuzz_write_file(path, (const uint8_t *)other, sizeof(other) - 1) != 0)
		die("cannot write the service file");
}

/* Writes the fields joined by NUL bytes as one seed file. */
static int write_seed(const char *dir, const char *name, const char *const *fields, size_t n)
{
	char path[4096], buf[CG_TOKEN_MAX + 1024];
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(fields[i]);
		if (off + len + 1 > sizeof(buf))
			return -1;
		memcpy(buf + off, fields[i], len);
		off += len;
		if (i + 1 < n)
			buf[off++] = '\0';
	}
	snprintf(path, sizeof(path), "%s/pam-%s", dir, name);
	return cg_fuzz_write_file(path, (const uint8_t *)buf, off);
}

static int mint_seeds(const char *dir)
{
	if (cg_fuzz_ring_mint_seeds(dir) < 0)
		return -1;
	char *tok = cg_fuzz_ring_mint_valid("alice");
	if (tok == NULL)
		return -1;
	const char *items[][6] = {
		{tok, "alice", "203.0.113.9", "ssh", "debug", ""},
		{tok, "alice", "", "", "", "o"},
		{tok, "", "", "", "", "p"},
		{tok, "alice", "", "", "", "po"},
		{tok, "alice", "h\n%s%n", "/dev/pts/0", "exempt_users=bob enforce_users=alice,carol",
		 "s"},
		{tok, "alice", "", "", "audit_only bogus=1", ""},
		{tok, "alice", "", "", "config=relative", "a"},
		{tok, "root", "", "", "", ""},
		{tok, "bob", "", "", "", ""},
		{tok, "", "", "", "", "n"},
		{tok, "alice", "", "", "", "r"},
		{tok, "alice", "", "", "", "f"},
		{"", "alice", "", "", "", ""},
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		char name[16];
		snprintf(name, sizeof(name), "%02zu", i);
		bad |= write_seed(dir, name, items[i], 6);
	}
	cg_wipe_free_str(tok);
	return bad ? -1 : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cg_fuzz_ring_setup(&cfg_once);
	const struct cg_test_env *env = cg_fuzz_ring_env();
	snprintf(reuse_path, sizeof(reuse_path), "%s/reuse.conf", env->dir);
	if (cg_fuzz_ring_write_config(reuse_path, "no") != 0 || cg_config_init(&cfg_reuse) != 0)
		die("cannot write the second config");
	char err[512];
	if (cg_config_load(&cfg_reuse, reuse_path, err, sizeof(err)) != 0)
		die(err);
	/* CG_FUZZ_PAM_SHIM overrides the built-in path (a moved build tree) */
	const char *shim_path = getenv("CG_FUZZ_PAM_SHIM");
	if (shim_path == NULL)
		shim_path = CG_FUZZ_PAM_SHIM;
	/* held open for the whole run, so that libpam's dlopen per handle is only a count */
	shim = dlopen(shim_path, RTLD_NOW | RTLD_LOCAL);
	if (shim == NULL)
		die(dlerror());
	make_services(env->dir, shim_path);
	atexit(cleanup);
	snprintf(arg_config_once, sizeof(arg_config_once), "config=%s", env->config_path);
	snprintf(arg_config_reuse, sizeof(arg_config_reuse), "config=%s", reuse_path);
	snprintf(arg_rundir, sizeof(arg_rundir), "rundir=%s", env->run_dir);
	const char *mint = getenv("CG_FUZZ_MINT_DIR");
	if (mint != NULL && mint_seeds(mint) != 0)
		die("cannot mint the seeds");
	return 0;
}

static void read_modes(struct run *r, const char *modes)
{
	r->conv.mode = CG_FUZZ_CONV_REPLY;
	r->cfg = &cfg_reuse;
	for (const char *m = modes; *m != '\0'; m++) {
		switch (*m) {
		case 'n': r->conv.mode = CG_FUZZ_CONV_NULL_ARRAY; break;
		case 'r': r->conv.mode = CG_FUZZ_CONV_NULL_TEXT; break;
		case 'f': r->conv.mode = CG_FUZZ_CONV_FAIL; break;
		case 'p': r->plant = true; break;
		case 'a': r->twice = true; break;
		case 's': r->flags |= PAM_SILENT; break;
		case 'o': r->cfg = &cfg_once; break;
		default: break;
		}
	}
}

/* Splits args in place on spaces; the fixed config= and rundir= come last. */
static void read_args(struct run *r, char *args)
{
	char *save = NULL;

	for (char *a = strtok_r(args, " ", &save); a != NULL && r->argc < MAX_ARGS;
	     a = strtok_r(NULL, " ", &save))
		r->argv[r->argc++] = a;
	r->argv[r->argc++] = r->cfg == &cfg_once ? arg_config_once : arg_config_reuse;
	r->argv[r->argc++] = arg_rundir;
}

static void read_run(struct run *r, char **f, size_t n)
{
	static char empty[] = "";

	memset(r, 0, sizeof(*r));
	for (size_t i = n; i < 6; i++)
		f[i] = empty;
	r->reply = f[0];
	r->reply_len = strlen(f[0]);
	r->user = f[1][0] != '\0' ? f[1] : NULL;
	r->rhost = f[2][0] != '\0' ? f[2] : NULL;
	r->tty = f[3][0] != '\0' ? f[3] : NULL;
	read_modes(r, f[5]);
	read_args(r, f[4]);
	/* as the module does: judge the account's own name when the name service knows it */
	const char *name = r->user != NULL ? r->user : PROMPTED_USER;
	r->judged = cg_user_canonical(name, r->canon, sizeof(r->canon)) ? r->canon : name;
	r->plain = strcmp(r->judged, PROMPTED_USER) == 0 && f[4][0] == '\0' &&
		   r->conv.mode == CG_FUZZ_CONV_REPLY;
	r->conv.reply = r->reply;
	r->conv.login = PROMPTED_USER;
}

/* What the core says about the reply, asked as the module asks. */
static cg_reason expect(const struct run *r, cg_replay_mode mode, bool *verified)
{
	struct cg_request req = {
		.scope = CG_SCOPE_LOGIN,
		.user = r->judged,
		.now = (time_t)CG_FUZZ_NOW,
		.replay = mode,
	};
	struct cg_decision d;
	cg_reason res = cg_verify_token(r->cfg, r->reply, r->reply_len, &req, &d);
	if (verified != NULL)
		*verified = d.verified;
	cg_decision_free(&d);
	return res;
}

/* rc must be one of the three a phase may return; an allow needs the core's yes. */
static void judge(const char *phase, int rc, int deny_rc, bool have_token, cg_reason want,
		  bool must_allow)
{
	char msg[128];

	if (rc != PAM_SUCCESS && rc != PAM_IGNORE && rc != deny_rc) {
		snprintf(msg, sizeof(msg), "%s returned %d", phase, rc);
		die(msg);
	}
	if (rc == PAM_SUCCESS && (!have_token || want != CG_OK)) {
		snprintf(msg, sizeof(msg), "%s allowed a token the core refuses (%s%s)", phase,
			 cg_reason_code(want), have_token ? "" : ", none was verified");
		die(msg);
	}
	if (must_allow && have_token && want == CG_OK && rc != PAM_SUCCESS) {
		snprintf(msg, sizeof(msg), "%s refused a token the core verifies (rc %d)", phase,
			 rc);
		die(msg);
	}
}

static void plant(pam_handle_t *pamh, const struct run *r)
{
	size_t len = sizeof(TOKEN_ENV) + r->reply_len + 1;
	char *entry = malloc(len);
	if (entry == NULL)
		abort();
	snprintf(entry, len, "%s=%s", TOKEN_ENV, r->reply);
	if (pam_putenv(pamh, entry) != PAM_SUCCESS)
		die("pam_putenv failed");
	cg_wipe_free(entry, len);
}

/* After a session was judged, the token must be gone from what the shell would inherit. */
static void check_env(pam_handle_t *pamh, const struct run *r, int open_rc)
{
	/* a user the module ignores keeps whatever was planted: the module never touched it */
	if (r->plant && open_rc == PAM_IGNORE)
		return;
	if (pam_getenv(pamh, TOKEN_ENV) != NULL)
		die("the token variable outlived session open");
	char **env = pam_getenvlist(pamh);
	if (env == NULL)
		return;
	for (char **e = env; *e != NULL; e++) {
		cg_fuzz_check_text("the session's environment", *e, strlen(*e));
		free(*e);
	}
	free(env);
}

int cg_fuzz_pam_dispatch(pam_handle_t *pamh, enum cg_fuzz_phase phase, int flags)
{
	struct run *r = current;
	int rc = PAM_SYSTEM_ERR;

	if (r == NULL)
		die("the shim was called outside an input");
	switch (phase) {
	case CG_FUZZ_AUTH: rc = pam_sm_authenticate(pamh, flags, r->argc, r->argv); break;
	case CG_FUZZ_ACCOUNT: rc = pam_sm_acct_mgmt(pamh, flags, r->argc, r->argv); break;
	case CG_FUZZ_OPEN_SESSION: rc = pam_sm_open_session(pamh, flags, r->argc, r->argv); break;
	case CG_FUZZ_CLOSE_SESSION:
		rc = pam_sm_close_session(pamh, flags, r->argc, r->argv);
		break;
	}
	r->module_rc = rc;
	r->dispatched = true;
	return rc;
}

/* Runs one libpam call; the module's own return code (libpam maps PAM_IGNORE). */
static int call(struct run *r, int (*fn)(pam_handle_t *, int), pam_handle_t *pamh)
{
	r->dispatched = false;
	int stack_rc = fn(pamh, r->flags);
	if (!r->dispatched)
		die("libpam did not reach the module");
	/* the stack has one required module: its yes is the stack's yes, and only it (libpam
	 * judges close_session by the chain open_session froze: left out) */
	if (fn != pam_close_session &&
	    (stack_rc == PAM_SUCCESS) != (r->module_rc == PAM_SUCCESS)) {
		fprintf(stderr, "fuzz_pam: libpam said %d, the module %d\n", stack_rc,
			r->module_rc);
		die("libpam's answer differs from the module's");
	}
	return r->module_rc;
}

/* want: the core's answer to the reply (replay: peek) before anything ran. Authenticate
 * never records a redemption, so it stays the answer for account too; session skips the
 * replay check, which can only turn "replayed" into a yes. */
static void run_module(pam_handle_t *pamh, struct run *r, cg_reason want)
{
	bool have_token = r->plant;
	int rc;

	if (r->plant) {
		plant(pamh, r);
	} else {
		rc = call(r, pam_authenticate, pamh);
		judge("authenticate", rc, PAM_AUTH_ERR, true, want, r->plain);
		if (r->twice) {
			rc = call(r, pam_authenticate, pamh);
			judge("authenticate (again)", rc, PAM_AUTH_ERR, true, want, r->plain);
		}
		have_token = rc == PAM_SUCCESS;
	}
	/* account and session run whatever authenticate said, as after a public key login;
	 * without a token verified on this handle they must not allow */
	rc = call(r, pam_acct_mgmt, pamh);
	judge("acct_mgmt", rc, PAM_PERM_DENIED, have_token, want, r->plain);
	/* a denying account removes the token, and sshd would stop here anyway */
	have_token = have_token && rc == PAM_SUCCESS;

	if (want == CG_REPLAYED)
		want = expect(r, CG_REPLAY_SKIP, NULL);
	rc = call(r, pam_open_session, pamh);
	judge("open_session", rc, PAM_SESSION_ERR, have_token, want, r->plain);
	check_env(pamh, r, rc);

	rc = call(r, pam_close_session, pamh);
	if (rc != PAM_SUCCESS && rc != PAM_IGNORE && rc != PAM_SESSION_ERR)
		die("close_session returned an unexpected code");
	if (r->conv.token_prompts > (r->plant ? 0u : r->twice ? 2u : 1u))
		die("the token was asked for more often than authenticate ran");
	/* one continuation at most per prompt: only a reply exactly ssh's length gets one, and
	 * the "" that answers it ends the token */
	if (r->conv.continuations > r->conv.token_prompts)
		die("the token was asked to continue after an answer that ended it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cg_test_env *env = cg_fuzz_ring_env();
	char *f[6], *owner;
	struct run r;
	pam_handle_t *pamh = NULL;

	size_t n = cg_fuzz_split(data, size, '\0', f, 6, &owner);
	read_run(&r, f, n);
	/* watch a token that carries a valid signature: its third part must never be shown */
	bool verified = false;
	cg_reason want = expect(&r, CG_REPLAY_PEEK, &verified);
	const char *dot = memrchr(r.reply, '.', r.reply_len);
	if (verified && dot != NULL)
		cg_fuzz_watch(dot + 1, r.reply_len - (size_t)(dot + 1 - r.reply));

	if (truncate(env->audit_path, 0) != 0 && errno != ENOENT)
		die("cannot truncate the audit log");
	struct pam_conv pc = {cg_fuzz_conv, &r.conv};
	if (pam_start_confdir(SERVICE, r.user, &pc, svc_dir, &pamh) != PAM_SUCCESS)
		die("pam_start_confdir failed");
	if ((r.rhost != NULL && pam_set_item(pamh, PAM_RHOST, r.rhost) != PAM_SUCCESS) ||
	    (r.tty != NULL && pam_set_item(pamh, PAM_TTY, r.tty) != PAM_SUCCESS))
		die("pam_set_item failed");
	current = &r;
	run_module(pamh, &r, want);
	pam_end(pamh, PAM_SUCCESS);
	current = NULL;
	cg_fuzz_check_file("the audit log", env->audit_path);
	cg_fuzz_watch(NULL, 0);
	free(owner);
	return 0;
}
