/*
 * What sudo will actually run, from command_info and the run argv (never from what the user
 * typed): the resolved path, the arguments, and the target the front end will switch to.
 */
#include <config.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cg_sudo.h"

/* sudoedit runs an editor on temporary copies; what the token must name is "sudoedit" and the
 * files, which sudoers passes after a "--" */
static int sudoedit_argv(struct cgs_command *cmd, char *const run_argv[])
{
	size_t i = 1;

	cmd->argv[0] = CGS_SUDOEDIT_PATH;
	cmd->argc = 1;
	while (run_argv[i] != NULL && strcmp(run_argv[i], "--") != 0)
		i++;
	if (run_argv[i] == NULL)
		return -1;
	for (i++; run_argv[i] != NULL; i++) {
		if (cmd->argc >= CGS_MAX_ARGS)
			return -1;
		cmd->argv[cmd->argc++] = run_argv[i];
	}
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

/* The groups sudo will give the command. An id we cannot parse is refused, not skipped:
 * a group we cannot read is a group we cannot judge. With preserve_groups the command keeps
 * the caller's own supplementary groups, which gain the caller nothing. */
static int groups_from_sudo(struct cgs_command *cmd, char *const command_info[])
{
	static const char *const set_keys[] = { "runas_gid", "runas_egid" };
	const char *v;
	unsigned id;

	for (size_t i = 0; i < sizeof(set_keys) / sizeof(set_keys[0]); i++) {
		v = cgs_kv_get(command_info, set_keys[i]);
		if (v == NULL)
			continue;
		if (!cgs_parse_id(v, &id))
			return -1;
		cmd->set_gids[cmd->nset++] = (gid_t)id;
	}
	v = cgs_kv_get(command_info, "runas_groups");
	if (!cgs_kv_true(command_info, "preserve_groups") &&
	    cgs_parse_gid_list(v, cmd->runas_groups, CGS_MAX_GROUPS, &cmd->nrunas_groups) != 0)
		return -1;
	cg_group_facts_lookup(&cmd->groups, cmd->runas_user, cmd->runas_uid, cmd->set_gids,
			      cmd->nset, cmd->runas_groups, cmd->nrunas_groups);
	return 0;
}

int cgs_command_from_sudo(struct cgs_command *cmd, char *const command_info[],
			  char *const run_argv[], char *msg, size_t msglen)
{
	const char *path = cgs_kv_get(command_info, "command");
	unsigned uid;

	memset(cmd, 0, offsetof(struct cgs_command, argv)); /* the rest: cg_sudo.h says why */
	if (path == NULL || path[0] != '/' || run_argv == NULL || run_argv[0] == NULL) {
		snprintf(msg, msglen, "sudo gave no resolved command to check");
		return -1;
	}
	if (!cgs_parse_id(cgs_kv_get(command_info, "runas_uid"), &uid)) {
		snprintf(msg, msglen, "sudo gave no target user to check");
		return -1;
	}
	cmd->runas_uid = (uid_t)uid;
	cmd->runas_user = cgs_kv_get(command_info, "runas_user");
	cmd->sudoedit = cgs_kv_true(command_info, "sudoedit");
	cmd->chroot = cgs_kv_get(command_info, "chroot");
	cmd->cwd = cgs_kv_get(command_info, "cwd");
	if (groups_from_sudo(cmd, command_info) != 0) {
		snprintf(msg, msglen, "sudo gave target groups that cannot be read");
		return -1;
	}
	if (cmd->sudoedit) {
		if (sudoedit_argv(cmd, run_argv) != 0) {
			snprintf(msg, msglen, "cannot tell which files sudoedit would edit");
			return -1;
		}
		return 0;
	}
	cmd->argv[0] = path;
	cmd->argc = 1;
	for (size_t i = 1; run_argv[i] != NULL; i++) {
		if (cmd->argc >= CGS_MAX_ARGS) {
			snprintf(msg, msglen, "the command has more than %d arguments", CGS_MAX_ARGS);
			return -1;
		}
		cmd->argv[cmd->argc++] = run_argv[i];
	}
	cmd->argv[cmd->argc] = NULL;
	return 0;
}

void cgs_join_argv(char *dst, size_t dstlen, const char *const *argv, size_t argc)
{
	size_t o = 0;

	if (dstlen == 0)
		return;
	for (size_t i = 0; i < argc && argv[i] != NULL; i++) {
		for (const char *p = argv[i]; *p != '\0' && o + 1 < dstlen; p++) {
			unsigned char ch = (unsigned char)*p;

			dst[o++] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		if (i + 1 < argc && argv[i + 1] != NULL && o + 1 < dstlen)
			dst[o++] = ' ';
	}
	dst[o] = '\0';
}

unsigned cgs_timeout_for(long long exp, time_t now, unsigned existing)
{
	long long left = exp - (long long)now;
	unsigned t;

	if (left < 1)
		left = 1;
	if (left > INT_MAX)
		left = INT_MAX;
	t = (unsigned)left;
	if (existing != 0 && existing < t)
		t = existing;
	return t;
}
