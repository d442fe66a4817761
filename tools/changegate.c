/* `changegate`: the reference issuer and the administrator's tool. This file only finds the
 * subcommand; each one lives in its own cmd_*.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "keygen", cmd_keygen, "make a signing key pair for the change-approval service" },
	{ "issue", cmd_issue, "mint a signed change-ticket token (the reference issuer)" },
	{ "verify", cmd_verify, "judge a token from standard input as the PAM module and sudo would" },
	{ "inspect", cmd_inspect, "decode a token from standard input without trusting it" },
	{ "check-config", cmd_check_config, "validate the configuration, keys and file modes" },
	{ "revoke", cmd_revoke, "add a ticket or token id to the revocation list" },
	{ "revocations", cmd_revocations, "install, show or sign a signed revocation list" },
	{ "token", cmd_token, "keep your tokens for changegate-askpass (add, list, prune)" },
	{ "reaper", cmd_reaper, "end every ticketed login when its ticket ends (root daemon)" },
	{ "sessions", cmd_sessions, "list the live gated logins" },
	{ "end-session", cmd_end_session, "end a gated login now (root)" },
	{ "audit", cmd_audit, "who did what under a ticket: the audit log as a timeline" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: changegate COMMAND [OPTION]...\n"
	      "       changegate COMMAND --help\n"
	      "\n"
	      "Keeps people out of production hosts unless an approved, short-lived change ticket\n"
	      "says they may come in. The PAM module and the sudo plugin verify the tickets; this\n"
	      "command makes keys, mints and checks tokens, and checks the host's configuration.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		"Options:\n"
		"  -h, --help     show this help and exit\n"
		"  -V, --version  show the version and exit\n"
		"\n"
		"Tokens are read from standard input, never from the command line, where every\n"
		"user on the host could read them. The configuration file is\n"
		"  %s\n"
		"unless --config names another.\n"
		"\n"
		"Exit status: 0 success or allow; 1 deny, problems found, or failure; 2 usage or\n"
		"configuration error.\n", cg_default_config_path());
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
		printf("changegate %s\n", PACKAGE_VERSION);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(name, commands[i].name) == 0) {
			/* getopt_long sees the subcommand's own options, with the subcommand as
			 * its program name in messages. */
			char prog[64];
			snprintf(prog, sizeof(prog), "changegate %s", commands[i].name);
			argv[1] = prog;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fputs("changegate: unknown command '", stderr);
	cli_put_safe(stderr, name);
	fputs("'\nTry 'changegate --help' for the list of commands.\n", stderr);
	return CLI_EXIT_USAGE;
}
