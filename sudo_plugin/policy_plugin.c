/*
 * changegate_policy: a policy plugin that wraps another one (sudoers.so's sudoers_policy by
 * default) for sudo versions without approval plugins. Every callback goes to the delegate
 * first; check_policy adds the ticket gate only after the delegate allows, so a sudoers
 * denial stays a denial. On allow the command gets a sudo timeout= that ends it when the
 * ticket expires.
 *
 * command_info: the delegate owns its array and strings until its close(). When we add the
 * timeout we hand sudo a copy of the array (pointers to the delegate's strings, plus one
 * string of ours) and free only the copy and our string, after the delegate's close().
 */
#include <config.h>

#include <dlfcn.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "cg_sudo.h"
#include "trusted_dlopen.h"

#define DELEGATE_SYMBOL "sudoers_policy"

static struct policy_plugin *delegate;
/* what the delegate was loaded through: open for the life of sudo, as the delegate is */
static int delegate_fd = -1;
static struct cgs_ctx ctx;
static bool opened;
static char **our_info;       /* the command_info we returned, or NULL */
static char *our_timeout;     /* the "timeout=N" string in it */
static char *empty_options[] = { NULL };
/* when sudo will end the command because its ticket ends (0: it will not), and what ran
 * (meaningful only while ticket_timeout_at is set: a check that allowed it) */
static time_t ticket_timeout_at;
static struct cgs_command checked_cmd;
/* sudo registers hooks when it loads us, before open() names the delegate: keep them */
static int hook_version;
static int (*hook_register)(struct sudo_hook *hook);

/* sudo fills in our event_alloc when it loads us (API >= 1.15): pass it on */
CG_EXPORT struct policy_plugin changegate_policy;

static void say_error(sudo_printf_t say, const char *text)
{
	if (say != NULL)
		say(SUDO_CONV_ERROR_MSG, "changegate: %s\n", text);
}

/* Splits an absolute path into its directory and its last component; -1 when it has none. */
static int split_path(const char *path, char *dir, size_t dirlen, const char **name)
{
	const char *slash = strrchr(path, '/');

	if (path[0] != '/' || slash == NULL || slash[1] == '\0')
		return -1;
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= dirlen)
		return -1;
	memcpy(dir, path, n);
	dir[n] = '\0';
	*name = slash + 1;
	return 0;
}

/* The delegate runs as root inside sudo for every user, root included, so it passes the
 * checks the verifier passes (cgs_dlopen_trusted). One that fails them is never loaded and
 * sudo cannot start through this plugin: a sudoers.so others could write would be their
 * code as root, and there is no policy to fall back on (root keeps su and the console). */
static int load_delegate(const char *path, sudo_printf_t say, const char **errstr)
{
	static char err[768];
	char dir[PATH_MAX], why[512];
	const char *name;
	void *h;

	if (split_path(path, dir, sizeof(dir), &name) != 0) {
		snprintf(err, sizeof(err), "cannot load the delegate policy %.300s: not a file's "
			 "absolute path", path);
		goto fail;
	}
	h = cgs_dlopen_trusted(dir, name, path, &delegate_fd, why, sizeof(why));
	if (h == NULL) {
		snprintf(err, sizeof(err), "cannot load the delegate policy %.200s: %s", path, why);
		goto fail;
	}
	delegate = dlsym(h, DELEGATE_SYMBOL);
	if (delegate == NULL || delegate->type != SUDO_POLICY_PLUGIN ||
	    SUDO_API_VERSION_GET_MAJOR(delegate->version) != SUDO_API_VERSION_MAJOR ||
	    delegate->version < SUDO_API_MKVERSION(1, 2) || delegate->open == NULL ||
	    delegate->check_policy == NULL) {
		snprintf(err, sizeof(err), "%s has no usable policy plugin " DELEGATE_SYMBOL, path);
		delegate = NULL;
		/* delegate_fd stays open: sudo may have loaded this object too (trusted_dlopen.h) */
		dlclose(h);
		goto fail;
	}
	/* the delegate stays loaded for the life of sudo: its hooks may still be called */
	return 0;
fail:
	*errstr = err;
	say_error(say, err);
	return -1;
}

static bool has(size_t offset)
{
	/* members past what the delegate's API version knows must not be read */
	if (offset >= offsetof(struct policy_plugin, event_alloc))
		return delegate->version >= SUDO_API_MKVERSION(1, 15);
	return true;
}

static void free_ours(void)
{
	free(our_info);
	free(our_timeout);
	our_info = NULL;
	our_timeout = NULL;
}

static int policy_open(unsigned int version, sudo_conv_t conversation,
		       sudo_printf_t plugin_printf, char *const settings[], char *const user_info[],
		       char *const user_env[], char *const plugin_options[], const char **errstr)
{
	int rc;

	if (SUDO_API_VERSION_GET_MAJOR(version) != SUDO_API_VERSION_MAJOR) {
		*errstr = "changegate_policy: incompatible sudo plugin API";
		say_error(plugin_printf, *errstr);
		return -1;
	}
	if (opened)
		cgs_ctx_close(&ctx);
	opened = false;
	free_ours();
	if (cgs_ctx_open(&ctx, conversation, plugin_printf, settings, user_info, user_env,
			 plugin_options, true, errstr) != 0)
		return -1;
	opened = true;
	if (delegate == NULL && load_delegate(ctx.opts.delegate, plugin_printf, errstr) != 0)
		return -1;
	if (has(offsetof(struct policy_plugin, event_alloc)))
		delegate->event_alloc = changegate_policy.event_alloc;
	if (hook_register != NULL && delegate->register_hooks != NULL) {
		delegate->register_hooks(hook_version, hook_register);
		hook_register = NULL;
	}
	rc = delegate->open(version, conversation, plugin_printf, settings, user_info, user_env,
			    empty_options, errstr);
	return rc;
}

static void policy_close(int exit_status, int error)
{
	/* sudo ends a command at its timeout with SIGHUP (then SIGTERM, SIGKILL): without a
	 * word the user sees only "Hangup", so say why, and log it */
	if (opened && ticket_timeout_at != 0 && error == 0 && WIFSIGNALED(exit_status) &&
	    time(NULL) + 1 >= ticket_timeout_at)
		cgs_gate_ended_at_expiry(&ctx, &checked_cmd);
	ticket_timeout_at = 0;
	if (delegate != NULL && delegate->close != NULL)
		delegate->close(exit_status, error);
	free_ours();
	if (opened)
		cgs_ctx_close(&ctx);
	opened = false;
}

static int policy_show_version(int verbose)
{
	if (ctx.say != NULL)
		ctx.say(SUDO_CONV_INFO_MSG, "changegate policy wrapper version %s\n",
			PACKAGE_VERSION);
	if (delegate != NULL && delegate->show_version != NULL)
		return delegate->show_version(verbose);
	return 1;
}

/* Replaces *info with a copy whose timeout= is the smaller of the delegate's and ours. */
static int set_timeout(char ***info, long long expires)
{
	char **in = *info, **out;
	unsigned existing = 0, t;
	size_t n = 0, o = 0;

	for (n = 0; in != NULL && in[n] != NULL; n++) {
		if (n >= CGS_KV_SCAN_MAX)
			return -1;
		if (strncmp(in[n], "timeout=", 8) == 0 && !cgs_parse_id(in[n] + 8, &existing))
			existing = 0;
	}
	t = cgs_timeout_for(expires, time(NULL), existing);
	/* sudoers' own shorter timeout is not the ticket's end: say nothing about that one */
	ticket_timeout_at = existing == 0 || existing > t ? time(NULL) + (time_t)t : 0;
	free_ours();
	out = calloc(n + 2, sizeof(*out));
	if (out == NULL || asprintf(&our_timeout, "timeout=%u", t) < 0) {
		free(out);
		our_timeout = NULL;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (strncmp(in[i], "timeout=", 8) != 0)
			out[o++] = in[i];
	}
	out[o++] = our_timeout;
	out[o] = NULL;
	our_info = out;
	*info = out;
	return 0;
}

static int policy_check(int argc, char *const argv[], char *env_add[], char **command_info[],
			char **argv_out[], char **user_env_out[], const char **errstr)
{
	/* decoded straight into what policy_close may need: the struct is 60 KB, and a copy of
	 * it cost every call 62,000 instructions (callgrind) */
	struct cgs_command *cmd = &checked_cmd;
	char msg[512];
	long long expires;
	int rc;

	if (delegate == NULL || !opened) {
		*errstr = "changegate_policy: check before open";
		return -1;
	}
	rc = delegate->check_policy(argc, argv, env_add, command_info, argv_out, user_env_out,
				    errstr);
	if (rc != 1 || !ctx.gated)
		return rc;
	if (cgs_command_from_sudo(cmd, *command_info, *argv_out, msg, sizeof(msg)) != 0) {
		cgs_gate_refuse(&ctx, msg);
		*errstr = "changegate: cannot judge this command";
		return 0;
	}
	if (cgs_invocation_check(&ctx, cmd, env_add, *user_env_out, msg, sizeof(msg)) != 0) {
		cgs_gate_refuse_cmd(&ctx, cmd, msg);
		*errstr = "changegate: not allowed under a change ticket";
		return 0;
	}
	if (!cgs_gate_check(&ctx, cmd, &expires)) {
		*errstr = ctx.errstr;
		return 0;
	}
	/* audit_only let a denial through: there is no ticket expiry to enforce */
	if (expires != 0 && set_timeout(command_info, expires) != 0) {
		cgs_say(&ctx, SUDO_CONV_ERROR_MSG, "out of memory");
		*errstr = "changegate: out of memory";
		return -1;
	}
	return 1;
}

static int policy_list(int argc, char *const argv[], int verbose, const char *user,
		       const char **errstr)
{
	int rc;

	if (delegate == NULL || delegate->list == NULL) {
		*errstr = "changegate_policy: the delegate cannot list privileges";
		return -1;
	}
	rc = delegate->list(argc, argv, verbose, user, errstr);
	/* only about one's own ticket: root listing another user's rules learns nothing here */
	if (rc == 1 && user == NULL && argc == 0)
		cgs_gate_list(&ctx);
	return rc;
}

static int policy_validate(const char **errstr)
{
	/* sudo -v refreshes sudoers' credential cache only; every command is still gated */
	if (delegate == NULL || delegate->validate == NULL) {
		*errstr = "changegate_policy: the delegate does not support -v";
		return -1;
	}
	return delegate->validate(errstr);
}

static void policy_invalidate(int rmcred)
{
	if (delegate != NULL && delegate->invalidate != NULL)
		delegate->invalidate(rmcred);
}

static int policy_init_session(struct passwd *pwd, char **user_env_out[], const char **errstr)
{
	if (delegate == NULL || delegate->init_session == NULL)
		return 1;
	return delegate->init_session(pwd, user_env_out, errstr);
}

static void policy_register_hooks(int version, int (*register_hook)(struct sudo_hook *hook))
{
	if (delegate != NULL && delegate->register_hooks != NULL) {
		delegate->register_hooks(version, register_hook);
		return;
	}
	hook_version = version;
	hook_register = register_hook;
}

static void policy_deregister_hooks(int version, int (*deregister_hook)(struct sudo_hook *hook))
{
	if (delegate != NULL && delegate->deregister_hooks != NULL)
		delegate->deregister_hooks(version, deregister_hook);
}

struct policy_plugin changegate_policy = {
	.type = SUDO_POLICY_PLUGIN,
	.version = SUDO_API_VERSION,
	.open = policy_open,
	.close = policy_close,
	.show_version = policy_show_version,
	.check_policy = policy_check,
	.list = policy_list,
	.validate = policy_validate,
	.invalidate = policy_invalidate,
	.init_session = policy_init_session,
	.register_hooks = policy_register_hooks,
	.deregister_hooks = policy_deregister_hooks,
	.event_alloc = NULL,        /* filled in by sudo */
};
