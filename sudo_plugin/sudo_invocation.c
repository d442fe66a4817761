/*
 * How a gated command would run, apart from which command it is: its environment, its root
 * directory and its working directory. A ticket covers "/usr/bin/id -u"; it does not cover
 * that command with LD_PRELOAD pointing at the caller's library, nor the caller's own
 * /usr/bin/id under sudo -R. These refusals hold whatever the token says.
 *
 * The environment rule (changegate_sudo(8) explains it to admins): a variable reaches the
 * command only when sudoers built it itself (the names its env.c sets: HOME, PATH, SUDO_*,
 * ...) or kept it verbatim from the caller's environment under its own env_keep policy.
 * Anything the caller asked for on sudo's command line is refused: VAR=value, -E and
 * --preserve-env=LIST. The policy plugin sees those in env_add; the approval plugin does
 * not, so it reads them from the submit argv and also refuses any run_envp entry that is in
 * neither the caller's environment nor sudoers' own set.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cg_sudo.h"

/* What sudoers 1.9's rebuild_env() sets on its own (plugins/sudoers/env.c), and SUDO_HOME
 * of later versions. Values come from sudoers, or from the caller through a command-line
 * assignment, which is refused before this list is consulted. */
static const char *const sudoers_names[] = {
	"HOME", "LOGNAME", "USER", "LOGIN", "SHELL", "MAIL", "PATH", "TERM", "PS1",
	"SUDO_COMMAND", "SUDO_USER", "SUDO_UID", "SUDO_GID", "SUDO_HOME",
};

/* "NAME" of "NAME=value", shown safely and bounded. */
static void shown_name(char *dst, size_t dstlen, const char *entry)
{
	size_t i;

	for (i = 0; i + 1 < dstlen && entry[i] != '\0' && entry[i] != '='; i++) {
		unsigned char ch = (unsigned char)entry[i];

		dst[i] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '?';
	}
	dst[i] = '\0';
}

static bool set_by_sudoers(const char *entry)
{
	for (size_t i = 0; i < sizeof(sudoers_names) / sizeof(sudoers_names[0]); i++) {
		size_t n = strlen(sudoers_names[i]);

		if (strncmp(entry, sudoers_names[i], n) == 0 && entry[n] == '=')
			return true;
	}
	return false;
}

static bool in_list(char *const list[], const char *entry)
{
	for (size_t i = 0; list != NULL && i < CGS_KV_SCAN_MAX && list[i] != NULL; i++) {
		if (strcmp(list[i], entry) == 0)
			return true;
	}
	return false;
}

void cgs_scan_cmdline(struct cgs_ctx *c, int submit_optind, char *const submit_argv[])
{
	c->cmdline_env[0] = '\0';
	if (submit_argv == NULL || submit_optind <= 1)
		return;
	for (int i = 1; i < submit_optind && i < CGS_KV_SCAN_MAX && submit_argv[i] != NULL; i++) {
		const char *a = submit_argv[i];
		const char *eq = strchr(a, '=');
		size_t n;

		if (eq == NULL)
			continue;
		/* sudo's own test for "an environment variable, not an option" (parse_args.c);
		 * an option's separate argument holding '=' is refused too: fail closed */
		if (a[0] != '-' && a[0] != '/' && a[0] != '=') {
			shown_name(c->cmdline_env, sizeof(c->cmdline_env), a);
			return;
		}
		/* --preserve-env=LIST, or any abbreviation getopt_long accepts */
		n = (size_t)(eq - a);
		if (n > 2 && a[1] == '-' && strncmp(a + 2, "preserve-env", n - 2) == 0) {
			snprintf(c->cmdline_env, sizeof(c->cmdline_env), "--preserve-env");
			return;
		}
	}
}

static int check_env(const struct cgs_ctx *c, char *const env_add[], char *const run_envp[],
		     char *why, size_t whylen)
{
	char name[64];

	if (c->preserve_env) {
		snprintf(why, whylen, "sudo -E is not allowed under a change ticket: the command "
			 "would run with your whole environment");
		return -1;
	}
	if (env_add != NULL && env_add[0] != NULL) {
		shown_name(name, sizeof(name), env_add[0]);
		snprintf(why, whylen, "setting %s for the command is not allowed under a change "
			 "ticket: sudo takes no variables from the command line for gated users",
			 name);
		return -1;
	}
	if (c->cmdline_env[0] != '\0') {
		snprintf(why, whylen, "%s on the sudo command line is not allowed under a change "
			 "ticket: sudo takes no variables from the command line for gated users",
			 c->cmdline_env);
		return -1;
	}
	for (size_t i = 0; run_envp != NULL && run_envp[i] != NULL; i++) {
		if (i >= CGS_KV_SCAN_MAX) {
			snprintf(why, whylen, "the command's environment is too large to judge");
			return -1;
		}
		if (set_by_sudoers(run_envp[i]) || in_list(c->user_env, run_envp[i]))
			continue;
		shown_name(name, sizeof(name), run_envp[i]);
		snprintf(why, whylen, "the command's environment sets %s, which neither sudoers nor "
			 "your environment gave it: not allowed under a change ticket", name);
		return -1;
	}
	return 0;
}

int cgs_invocation_check(const struct cgs_ctx *c, const struct cgs_command *cmd,
			 char *const env_add[], char *const run_envp[], char *why, size_t whylen)
{
	if (c->chroot_req != NULL || cmd->chroot != NULL) {
		/* the ticket names paths on this host, not below some other root */
		snprintf(why, whylen, "running a command in a chroot (sudo -R, sudoers CHROOT) is "
			 "not allowed under a change ticket");
		return -1;
	}
	if (c->cwd_req != NULL && (c->user.cwd == NULL || strcmp(c->cwd_req, c->user.cwd) != 0)) {
		snprintf(why, whylen, "choosing the working directory (sudo -D) is not allowed "
			 "under a change ticket");
		return -1;
	}
	return check_env(c, env_add, run_envp, why, whylen);
}
