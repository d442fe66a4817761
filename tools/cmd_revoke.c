/* `changegate revoke`: take back a ticket, or one token, before it expires. The append is the
 * core's (atomic, to the configured revocation_file), so the PAM module and sudo see exactly
 * what was written here. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CMD "revoke"

static void usage(void)
{
	printf("Usage: changegate revoke [--config FILE] --ticket CHANGE\n"
	       "       changegate revoke [--config FILE] --jti ID\n"
	       "\n"
	       "Appends a change ticket id or a token id to this host's revocation list (the\n"
	       "configuration's revocation_file), atomically. From then on every token of that\n"
	       "ticket, or that one token, is denied with reason \"revoked\" at login and at sudo.\n"
	       "A running `changegate reaper` ends the sessions open under it within 5 seconds.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE    configuration file (default:\n"
	       "                       %s)\n"
	       "  -t, --ticket CHANGE  revoke every token for this change ticket (claim chg;\n"
	       "                       1-255 characters)\n"
	       "  -j, --jti ID         revoke the one token with this id (claim jti, 1-128\n"
	       "                       characters; see `changegate inspect`)\n"
	       "  -h, --help           show this help and exit\n"
	       "Give exactly one of --ticket and --jti. Either is a letter or digit, then\n"
	       "letters, digits and . _ : -, which is every id a host accepts.\n"
	       "\n"
	       "Exit status: 0 appended; 1 the revocation list could not be written; 2 usage error,\n"
	       "or a configuration that cannot be used or has no revocation_file.\n"
	       "\n"
	       "Example:\n"
	       "  changegate revoke --ticket CHG0012345\n",
	       cg_default_config_path());
}

static int revoke(const char *config, const char *what, const char *value)
{
	struct cg_config cfg;
	char err[512];
	if (cli_load_config(&cfg, config, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return CLI_EXIT_USAGE;
	}
	int rc = CLI_EXIT_OK;
	if (cfg.revocation_file == NULL) {
		cli_error(CMD, "%s sets no revocation_file; nothing can be revoked on this host",
			  cfg.source ? cfg.source : "the configuration");
		rc = CLI_EXIT_USAGE;
	} else if (cg_revocation_append(cfg.revocation_file, value, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		rc = CLI_EXIT_FAIL;
	} else {
		printf("revoked %s ", what);
		cli_put_safe(stdout, value);
		printf(" (appended to %s)\n", cfg.revocation_file);
	}
	cg_config_free(&cfg);
	return rc;
}

int cmd_revoke(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "ticket", required_argument, NULL, 't' },
		{ "jti", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *ticket = NULL, *jti = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:t:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 't':
			ticket = optarg;
			break;
		case 'j':
			jti = optarg;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (optind != argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		return cli_usage_error(CMD);
	}
	if ((ticket == NULL) == (jti == NULL)) {
		cli_error(CMD, "give exactly one of --ticket and --jti");
		return cli_usage_error(CMD);
	}
	/* the verifier's limits: every id a host accepts can be revoked, and nothing else */
	const char *opt = ticket != NULL ? "ticket" : "jti";
	const char *value = ticket != NULL ? ticket : jti;
	char why[80];
	if (!cg_id_valid(value, strlen(value), ticket != NULL ? CG_CLAIM_MAX : CG_JTI_MAX, why,
			 sizeof(why))) {
		cli_error(CMD, "--%s %s: an id is a letter or digit, then letters, digits and "
			  "._:-", opt, why);
		return cli_usage_error(CMD);
	}
	return ticket ? revoke(config, "ticket", ticket) : revoke(config, "jti", jti);
}
