/*
 * The floor of a gated sudo call (issue 7, bench/sudo_bench.sh): a sudo approval plugin that
 * does only what bench/cg_floor does, OpenSSL loading the PEM key and verifying the token's
 * signature, so that changegate inside sudo can be set against the least any signature-
 * checking plugin would cost there (loading libcrypto, starting OpenSSL, one verify).
 *   Plugin floor_approval /path/cg_floor_sudo.so key=/path/to/key.pem
 * The token comes from CHANGEGATE_TOKEN in the user's environment. Never install it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sudo_plugin.h>

#include "floor_verify.h"

static const char *token;
static char *pem;
static size_t pemlen;

static int floor_open(unsigned int version, sudo_conv_t conv, sudo_printf_t print,
		      char *const settings[], char *const user_info[], int submit_optind,
		      char *const submit_argv[], char *const submit_envp[],
		      char *const plugin_options[], const char **errstr)
{
	(void)version, (void)conv, (void)print, (void)settings, (void)user_info;
	(void)submit_optind, (void)submit_argv;
	const char *key = NULL;
	for (size_t i = 0; plugin_options != NULL && plugin_options[i] != NULL; i++)
		if (strncmp(plugin_options[i], "key=", 4) == 0)
			key = plugin_options[i] + 4;
	for (size_t i = 0; submit_envp != NULL && submit_envp[i] != NULL; i++)
		if (strncmp(submit_envp[i], "CHANGEGATE_TOKEN=", 17) == 0)
			token = submit_envp[i] + 17;
	FILE *f = key != NULL ? fopen(key, "rb") : NULL;
	if (f != NULL) {
		pem = malloc(65536);
		pemlen = pem != NULL ? fread(pem, 1, 65536, f) : 0;
		fclose(f);
	}
	if (pemlen == 0) {
		free(pem);
		pem = NULL;
		*errstr = "floor_approval: no key= file";
		return -1;
	}
	return 1;
}

static void floor_close(void)
{
	free(pem);
	pem = NULL;
}

static int floor_check(char *const command_info[], char *const run_argv[],
		       char *const run_envp[], const char **errstr)
{
	(void)command_info, (void)run_argv, (void)run_envp;
	if (token != NULL && floor_verify(pem, pemlen, token, strlen(token)))
		return 1;
	*errstr = "floor_approval: the token does not verify";
	return 0;
}

__attribute__((visibility("default"))) struct approval_plugin floor_approval = {
	.type = SUDO_APPROVAL_PLUGIN,
	.version = SUDO_API_VERSION,
	.open = floor_open,
	.close = floor_close,
	.check = floor_check,
};

/* Less than the floor: the same object, and libcrypto with it, loaded and nothing else done.
 * What loading OpenSSL alone costs a sudo call, before any key or signature.
 *   Plugin floor_load_approval /path/cg_floor_sudo.so */
static int load_open(unsigned int version, sudo_conv_t conv, sudo_printf_t print,
		     char *const settings[], char *const user_info[], int submit_optind,
		     char *const submit_argv[], char *const submit_envp[],
		     char *const plugin_options[], const char **errstr)
{
	(void)version, (void)conv, (void)print, (void)settings, (void)user_info;
	(void)submit_optind, (void)submit_argv, (void)submit_envp, (void)plugin_options;
	(void)errstr;
	return 1;
}

static void load_close(void)
{
}

static int load_check(char *const command_info[], char *const run_argv[],
		      char *const run_envp[], const char **errstr)
{
	(void)command_info, (void)run_argv, (void)run_envp, (void)errstr;
	return 1;
}

__attribute__((visibility("default"))) struct approval_plugin floor_load_approval = {
	.type = SUDO_APPROVAL_PLUGIN,
	.version = SUDO_API_VERSION,
	.open = load_open,
	.close = load_close,
	.check = load_check,
};
