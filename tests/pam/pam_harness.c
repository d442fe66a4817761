/* See pam_harness.h. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/pem.h>
#include <security/pam_appl.h>

#include "pam_harness.h"

#ifndef CG_PAM_MODULE
#error "CG_PAM_MODULE must name the built pam_changegate.so"
#endif

#define DIR_ENV "CG_PAM_TEST_DIR"

struct cg_test_env pt_env;
EVP_PKEY *pt_key;
static const struct pt_service *pt_services;

static int put_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && chmod(path, mode) != 0)
		rc = -1;
	return rc;
}

static int join(char *dst, size_t len, const char *dir, const char *name)
{
	int n = snprintf(dst, len, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The derived paths, exactly as cg_test_env_init lays them out. */
static int env_from_dir(struct cg_test_env *env, const char *dir)
{
	memset(env, 0, sizeof(*env));
	if (strlen(dir) >= sizeof(env->dir))
		return -1;
	strcpy(env->dir, dir);
	if (join(env->keys_dir, sizeof(env->keys_dir), dir, "keys") != 0 ||
	    join(env->state_dir, sizeof(env->state_dir), dir, "state") != 0 ||
	    join(env->run_dir, sizeof(env->run_dir), dir, "run") != 0 ||
	    join(env->config_path, sizeof(env->config_path), dir, "changegate.conf") != 0 ||
	    join(env->revocation_path, sizeof(env->revocation_path), dir, "revoked") != 0 ||
	    join(env->audit_path, sizeof(env->audit_path), dir, "audit.log") != 0)
		return -1;
	return 0;
}

/* "config=<dir>/<config> rundir=<dir>/run <args>" */
static char *module_args(const struct pt_service *s)
{
	char *out = NULL;
	int n;

	if (s->config != NULL)
		n = asprintf(&out, "config=%s/%s rundir=%s %s", pt_env.dir, s->config,
			     pt_env.run_dir, s->args != NULL ? s->args : "");
	else
		n = asprintf(&out, "rundir=%s %s", pt_env.run_dir, s->args != NULL ? s->args : "");
	return n < 0 ? NULL : out;
}

static const char *after_service, *after_module;

void pt_session_after(const char *service, const char *module)
{
	after_service = service;
	after_module = module;
}

static int write_services(const char *svc_dir)
{
	static const char *const types[] = {"auth", "account", "session"};
	char other[512];

	/* libpam looks for "other" while loading any service; without it, it complains */
	if (join(other, sizeof(other), svc_dir, "other") != 0 ||
	    put_file(other, "auth required pam_deny.so\naccount required pam_deny.so\n"
		     "session required pam_deny.so\n", 0644) != 0)
		return -1;
	for (const struct pt_service *s = pt_services; s->name != NULL; s++) {
		char path[512], text[4096];
		size_t off = 0;
		char *args = module_args(s);
		if (args == NULL || join(path, sizeof(path), svc_dir, s->name) != 0) {
			free(args);
			return -1;
		}
		for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
			bool after = i == 2 && after_service != NULL &&
				     strcmp(s->name, after_service) == 0;
			int n = snprintf(text + off, sizeof(text) - off,
					 "%s required %s %s\n%s%s%s%s optional pam_permit.so\n",
					 types[i], CG_PAM_MODULE, args,
					 after ? "session required " : "",
					 after ? after_module : "", after ? "\n" : "", types[i]);
			if (n < 0 || (size_t)n >= sizeof(text) - off) {
				free(args);
				return -1;
			}
			off += (size_t)n;
		}
		free(args);
		if (put_file(path, text, 0644) != 0)
			return -1;
	}
	return 0;
}

/* Extra configs beside the good one: single_use, a signed revocation list that is missing,
 * and a broken one. A missing one is simply
 * a name that is never written. */
static int write_configs(void)
{
	char path[512], text[8192];

	if (cg_test_write_config(&pt_env, NULL) != 0)
		return -1;
	FILE *f = fopen(pt_env.config_path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 64, f);
	fclose(f);
	text[n] = '\0';
	size_t base = strlen(text);
	strcat(text, "single_use = login\n");
	if (join(path, sizeof(path), pt_env.dir, "single.conf") != 0 ||
	    put_file(path, text, 0600) != 0)
		return -1;
	/* a signed revocation list that was never installed */
	snprintf(text + base, sizeof(text) - base, "revocation_list = %s/never-installed.jws\n",
		 pt_env.dir);
	if (join(path, sizeof(path), pt_env.dir, "nolist.conf") != 0 ||
	    put_file(path, text, 0600) != 0)
		return -1;
	/* the same as changegate.conf, plus require_reaper (issue 12) */
	snprintf(text + base, sizeof(text) - base, "require_reaper = yes\n");
	if (join(path, sizeof(path), pt_env.dir, "reaper.conf") != 0 ||
	    put_file(path, text, 0600) != 0)
		return -1;
	if (join(path, sizeof(path), pt_env.dir, "broken.conf") != 0 ||
	    put_file(path, "issuer = https://change.example.test\nthis is not a key\n", 0600) != 0)
		return -1;
	return put_file(pt_env.revocation_path, "# revoked by the tests\n", 0600);
}

static int parent(char **argv)
{
	char svc_dir[512], key_path[512];
	int status = 1;

	const char *wrapper = getenv("PAM_WRAPPER_SO");
	if (wrapper == NULL || access(wrapper, R_OK) != 0) {
		fprintf(stderr, "PAM_WRAPPER_SO must name libpam_wrapper.so (make check sets it)\n");
		return 1;
	}
	if (cg_test_env_init(&pt_env) != 0) {
		fprintf(stderr, "cannot create the test tree\n");
		return 1;
	}
	pt_key = cg_test_keygen(&pt_env, "ES256", "issuer-1");
	if (pt_key == NULL || join(svc_dir, sizeof(svc_dir), pt_env.dir, "pam.d") != 0 ||
	    join(key_path, sizeof(key_path), pt_env.dir, "issuer-1.key") != 0 ||
	    mkdir(svc_dir, 0700) != 0 || cg_test_write_private_key(pt_key, key_path) != 0 ||
	    write_configs() != 0 || write_services(svc_dir) != 0) {
		fprintf(stderr, "cannot set the test tree up in %s\n", pt_env.dir);
		goto out;
	}

	pid_t pid = fork();
	if (pid < 0)
		goto out;
	if (pid == 0) {
		setenv("PAM_WRAPPER", "1", 1);
		setenv("PAM_WRAPPER_SERVICE_DIR", svc_dir, 1);
		setenv("LD_PRELOAD", wrapper, 1);
		setenv(DIR_ENV, pt_env.dir, 1);
#ifdef __SANITIZE_ADDRESS__
		/* pam_wrapper is preloaded ahead of the ASan runtime, and its RTLD_DEEPBIND
		 * dlopen of libpam is refused by ASan (pam_wrapper 1.1.4 reads uid_wrapper's
		 * variable name for turning it off) */
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 0);
		setenv("UID_WRAPPER_DISABLE_DEEPBIND", "1", 1);
		setenv("PAM_WRAPPER_DISABLE_DEEPBIND", "1", 1);
#endif
		/* argv[0], not /proc/self/exe: under valgrind the latter is valgrind itself */
		execv(strchr(argv[0], '/') != NULL ? argv[0] : "/proc/self/exe", argv);
		perror("execv");
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
out:
	EVP_PKEY_free(pt_key);
	cg_test_env_cleanup(&pt_env);
	return status;
}

int pt_main(int argc, char **argv, const struct pt_service *services, int (*run)(void))
{
	(void)argc;
	pt_services = services;
	const char *dir = getenv(DIR_ENV);
	if (dir == NULL)
		return parent(argv);

	char key_path[512];
	if (env_from_dir(&pt_env, dir) != 0 ||
	    join(key_path, sizeof(key_path), dir, "issuer-1.key") != 0) {
		fprintf(stderr, "bad %s\n", DIR_ENV);
		return 1;
	}
	FILE *f = fopen(key_path, "r");
	if (f == NULL)
		return 1;
	pt_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pt_key == NULL)
		return 1;
	int rc = run();
	EVP_PKEY_free(pt_key);
	return rc;
}

static void append_line(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, "%s\n", text != NULL ? text : "(null)");
}

int pt_conv_fn(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct pt_conv *c = data;
	struct pam_response *r;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	for (int i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
			if (c->prompts++ == 0)
				snprintf(c->first, sizeof(c->first), "%s", msg[i]->msg);
			snprintf(c->prompt, sizeof(c->prompt), "%s", msg[i]->msg);
		} else if (msg[i]->msg_style == PAM_ERROR_MSG) {
			append_line(c->errors, sizeof(c->errors), msg[i]->msg);
		} else if (msg[i]->msg_style == PAM_TEXT_INFO) {
			append_line(c->infos, sizeof(c->infos), msg[i]->msg);
		}
	}
	if (c->mode == PT_FAIL)
		return PAM_CONV_ERR;
	if (c->mode == PT_NULL_REPLY) {
		*resp = NULL;
		return PAM_SUCCESS;
	}
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		bool prompt = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
			      msg[i]->msg_style == PAM_PROMPT_ECHO_ON;
		if (prompt && c->mode == PT_REPLY && c->reply != NULL)
			r[i].resp = strdup(c->reply);
		if (prompt && c->mode == PT_SSH_CUT && c->reply != NULL) {
			size_t rest = strlen(c->reply) - c->given;
			size_t cut = rest < CG_SSH_ANSWER_MAX ? rest : CG_SSH_ANSWER_MAX;
			r[i].resp = strndup(c->reply + c->given, cut);
			c->given += cut;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

char *pt_token(const char *user, void (*tweak)(struct cg_test_claims *c))
{
	struct cg_test_claims c;

	cg_test_claims_default(&c, user, time(NULL));
	if (tweak != NULL)
		tweak(&c);
	return cg_test_mint(pt_key, "ES256", "issuer-1", &c);
}

size_t pt_audit_lines(void)
{
	return cg_test_file_lines(pt_env.audit_path);
}

bool pt_audit_last(const char *key, char *out, size_t outlen)
{
	char last[8192];

	if (!cg_test_last_line(pt_env.audit_path, last, sizeof(last)))
		return false;
	json_t *o = json_loads(last, 0, NULL);
	if (o == NULL)
		return false;
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		snprintf(out, outlen, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(out, outlen, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_integer(v))
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
	else
		snprintf(out, outlen, "%s", "");
	json_decref(o);
	return true;
}

typedef int (*pam_sm_fn)(pam_handle_t *, int, int, const char **);

int pt_call(const char *what, const char *service, const char *user, struct pt_conv *conv,
	    int extra_argc, const char **extra_argv)
{
	const struct pt_service *s = pt_services;
	char sym[64], *args = NULL, *save = NULL;
	const char *argv[32];
	int argc = 0, rc = -1;
	pam_handle_t *pamh = NULL;
	struct pam_conv pc = {pt_conv_fn, conv};

	while (s->name != NULL && strcmp(s->name, service) != 0)
		s++;
	void *mod = dlopen(CG_PAM_MODULE, RTLD_NOW | RTLD_LOCAL);
	snprintf(sym, sizeof(sym), "pam_sm_%s", what);
	pam_sm_fn fn = mod != NULL ? (pam_sm_fn)dlsym(mod, sym) : NULL;
	if (s->name == NULL || fn == NULL || (args = module_args(s)) == NULL)
		goto out;
	for (char *a = strtok_r(args, " ", &save); a != NULL && argc < 24;
	     a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	for (int i = 0; i < extra_argc && argc < 31; i++)
		argv[argc++] = extra_argv[i];
	if (pam_start(service, user, &pc, &pamh) != PAM_SUCCESS)
		goto out;
	rc = fn(pamh, 0, argc, argv);
	pam_end(pamh, rc);
out:
	free(args);
	if (mod != NULL)
		dlclose(mod);
	return rc;
}
