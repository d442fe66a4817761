/*
 * changegate_approval: a sudo (>= 1.9) approval plugin. sudoers (or any policy) says who may
 * run what; this adds "and only under an approved ticket that covers it". sudo opens the
 * plugin just around one check(), so the state below lives for one command.
 *
 * open() returns -1 on every error, never 0: sudo takes 0 as "disable this plugin" and would
 * run the command unchecked.
 */
#include <config.h>

#include <string.h>

#include "cg_sudo.h"

static struct cgs_ctx ctx;
static bool opened;

static int approval_open(unsigned int version, sudo_conv_t conversation,
			 sudo_printf_t plugin_printf, char *const settings[],
			 char *const user_info[], int submit_optind, char *const submit_argv[],
			 char *const submit_envp[], char *const plugin_options[],
			 const char **errstr)
{
	if (SUDO_API_VERSION_GET_MAJOR(version) != SUDO_API_VERSION_MAJOR) {
		*errstr = "changegate_approval: incompatible sudo plugin API";
		if (plugin_printf != NULL)
			plugin_printf(SUDO_CONV_ERROR_MSG, "%s\n", *errstr);
		return -1;
	}
	if (opened)
		cgs_ctx_close(&ctx);
	opened = false;
	if (cgs_ctx_open(&ctx, conversation, plugin_printf, settings, user_info, submit_envp,
			 plugin_options, false, errstr) != 0)
		return -1;
	opened = true;
	/* sudo gives approval plugins no env_add: the assignments are in the submit argv */
	cgs_scan_cmdline(&ctx, submit_optind, submit_argv);
	return 1;
}

static void approval_close(void)
{
	if (opened)
		cgs_ctx_close(&ctx);
	opened = false;
}

static int approval_check(char *const command_info[], char *const run_argv[],
			  char *const run_envp[], const char **errstr)
{
	static struct cgs_command cmd;
	char msg[512];
	long long expires;

	if (!opened) {
		*errstr = "changegate_approval: check before open";
		return -1;
	}
	if (!ctx.gated)
		return 1;
	if (cgs_command_from_sudo(&cmd, command_info, run_argv, msg, sizeof(msg)) != 0) {
		cgs_gate_refuse(&ctx, msg);
		*errstr = "changegate: cannot judge this command";
		return 0;
	}
	if (cgs_invocation_check(&ctx, &cmd, NULL, run_envp, msg, sizeof(msg)) != 0) {
		cgs_gate_refuse_cmd(&ctx, &cmd, msg);
		*errstr = "changegate: not allowed under a change ticket";
		return 0;
	}
	if (!cgs_gate_check(&ctx, &cmd, &expires)) {
		*errstr = ctx.errstr;
		return 0;
	}
	/* no timeout here: a token that is not the login's is handed to the reaper */
	cgs_lease_register(&ctx);
	return 1;
}

static int approval_show_version(int verbose)
{
	(void)verbose;
	if (opened && ctx.say != NULL)
		ctx.say(SUDO_CONV_INFO_MSG, "changegate approval plugin version %s\n",
			PACKAGE_VERSION);
	return 1;
}

CG_EXPORT struct approval_plugin changegate_approval = {
	.type = SUDO_APPROVAL_PLUGIN,
	.version = SUDO_API_VERSION,
	.open = approval_open,
	.close = approval_close,
	.check = approval_check,
	.show_version = approval_show_version,
};
