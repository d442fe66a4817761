/*
 * A tiny policy plugin standing in for sudoers.so under changegate_policy: it allows or
 * denies as the test says, reports a fixed command_info, and counts every callback so the
 * tests can see what the wrapper forwarded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sudo_plugin.h>

#include "fake_delegate.h"

#define FAKE_EXPORT __attribute__((visibility("default")))

FAKE_EXPORT struct fake_delegate_state fake_delegate_state = {
	.check_result = 1,
	.command = "/usr/bin/id",
	.runas_user = "root",
	.runas_uid = "0",
};

static void drop_info(void)
{
	for (size_t i = 0; i < 8; i++) {
		free(fake_delegate_state.info[i]);
		fake_delegate_state.info[i] = NULL;
	}
}

static int fake_open(unsigned int version, sudo_conv_t conversation, sudo_printf_t plugin_printf,
		     char *const settings[], char *const user_info[], char *const user_env[],
		     char *const plugin_options[], const char **errstr)
{
	(void)version; (void)conversation; (void)plugin_printf; (void)settings;
	(void)user_info; (void)user_env; (void)errstr;
	/* the wrapper must not pass its own options on */
	if (plugin_options != NULL && plugin_options[0] != NULL)
		return -1;
	fake_delegate_state.opens++;
	return 1;
}

static void fake_close(int exit_status, int error)
{
	(void)exit_status; (void)error;
	fake_delegate_state.closes++;
	drop_info();
}

static int add(size_t *n, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	if (asprintf(&fake_delegate_state.info[*n], "%s=%s", key, value) < 0)
		return -1;
	(*n)++;
	return 0;
}

static int fake_check(int argc, char *const argv[], char *env_add[], char **command_info[],
		      char **argv_out[], char **user_env_out[], const char **errstr)
{
	static char *env_out[] = { NULL };
	size_t n = 0;

	(void)env_add; (void)errstr;
	fake_delegate_state.checks++;
	drop_info();
	if (add(&n, "command", fake_delegate_state.command) || add(&n, "runas_uid",
	    fake_delegate_state.runas_uid) || add(&n, "runas_user", fake_delegate_state.runas_user) ||
	    add(&n, "timeout", fake_delegate_state.timeout) || add(&n, "cwd", "/"))
		return -1;
	for (int i = 0; i < argc && i < 7; i++)
		fake_delegate_state.argv_out[i] = argv[i];
	fake_delegate_state.argv_out[argc < 7 ? argc : 7] = NULL;
	*command_info = fake_delegate_state.info;
	*argv_out = fake_delegate_state.argv_out;
	*user_env_out = fake_delegate_state.env_out != NULL ? fake_delegate_state.env_out : env_out;
	return fake_delegate_state.check_result;
}

static int fake_list(int argc, char *const argv[], int verbose, const char *user,
		     const char **errstr)
{
	(void)argc; (void)argv; (void)verbose; (void)user; (void)errstr;
	fake_delegate_state.lists++;
	return 1;
}

static int fake_validate(const char **errstr)
{
	(void)errstr;
	fake_delegate_state.validates++;
	return 1;
}

static void fake_invalidate(int rmcred)
{
	(void)rmcred;
	fake_delegate_state.invalidates++;
}

static int fake_init_session(struct passwd *pwd, char **user_env_out[], const char **errstr)
{
	(void)pwd; (void)user_env_out; (void)errstr;
	fake_delegate_state.init_sessions++;
	return 1;
}

static void fake_register_hooks(int version, int (*register_hook)(struct sudo_hook *hook))
{
	(void)version; (void)register_hook;
	fake_delegate_state.hooks++;
}

FAKE_EXPORT struct policy_plugin sudoers_policy = {
	.type = SUDO_POLICY_PLUGIN,
	.version = SUDO_API_VERSION,
	.open = fake_open,
	.close = fake_close,
	.check_policy = fake_check,
	.list = fake_list,
	.validate = fake_validate,
	.invalidate = fake_invalidate,
	.init_session = fake_init_session,
	.register_hooks = fake_register_hooks,
};
