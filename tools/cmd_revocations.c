/* `changegate revocations`: the signed revocation list. `install` is the host's side (what a
 * fetcher or Ansible calls with a list it received), `show` what an operator or a monitor
 * asks, `sign` the publisher's side (revocations_sign.c). The judging is the core's, so that
 * install refuses exactly what the PAM module and sudo would deny on. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define CMD "revocations"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: changegate revocations install [--config FILE] FILE|-\n"
		"       changegate revocations show [--config FILE] [--json]\n"
		"       changegate revocations sign --key FILE --kid KID --iss ISSUER --aud AUDIENCE\n"
		"           --seq N --ttl DURATION [--chg ID]... [--jti ID]... [--from FILE]\n"
		"           [--alg ALG]\n"
		"\n"
		"A signed revocation list is a JWS signed like a token by a key in keys_dir; its\n"
		"seq only goes up and its exp is the time of the next update, after which the list\n"
		"is stale and gated users are refused (docs/token-format.md, section 8).\n"
		"\n"
		"  install  verify the list (signature, issuer, audience, times, limits), check its\n"
		"           seq is higher than the installed one (the same seq only for the same\n"
		"           list, as a no-op), then replace the configuration's revocation_list\n"
		"           atomically and record the seq in state_dir\n"
		"  show     the installed list: seq, issued, next update, stale or time left, how\n"
		"           many ids, which key signed it\n"
		"  sign     print a list signed with the issuer's private key\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  install, show: configuration file (default:\n"
		"                     %s)\n"
		"  --json             show: one JSON object instead of text\n"
		"  -h, --help         show this help and exit\n"
		"Options of sign (`changegate revocations sign --help` says more):\n"
		"  -k, --key FILE     PEM private key of the issuer\n"
		"  -K, --kid KID      key id: hosts look for <keys_dir>/KID.pem\n"
		"  -a, --alg ALG      RS256 (default), RS384 or RS512\n"
		"  -i, --iss ISSUER   the hosts' issuer\n"
		"  -A, --aud AUDIENCE the hosts' audience; repeat for several\n"
		"  -n, --seq N        the list's number, higher than every one before\n"
		"  -T, --ttl DURATION until the next update (exp)\n"
		"  -t, --chg ID       a revoked change ticket; repeat for more\n"
		"  -j, --jti ID       a revoked token id; repeat for more\n"
		"  -f, --from FILE    more ids, one a line: \"chg ID\" or \"jti ID\"\n"
		"\n"
		"Exit status: 0 installed (or unchanged), shown valid and fresh, signed; 1 refused\n"
		"(the reason printed), or a list that is missing, invalid, stale or rolled back;\n"
		"2 usage or configuration error.\n",
		cg_default_config_path());
}

/* The list from FILE or standard input ("-"). */
static int read_list(const char *arg, char **buf, size_t *len)
{
	int fd = strcmp(arg, "-") == 0 ? STDIN_FILENO
				       : open(arg, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		cli_error(CMD, "cannot open %s", arg);
		return -1;
	}
	int rc = cli_read_all(fd, CG_REVLIST_FILE_MAX + 2, buf, len);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc == 1)
		cli_error(CMD, "%s is larger than the %d bytes a list may have", arg,
			  CG_REVLIST_FILE_MAX);
	return rc == 0 ? 0 : -1;
}

static int install(const char *config, const char *arg)
{
	struct cg_config cfg;
	char err[CG_DETAIL_MAX];
	if (cli_load_config(&cfg, config, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return CLI_EXIT_USAGE;
	}
	if (cfg.revocation_list == NULL) {
		cli_error(CMD, "%s sets no revocation_list", cfg.source ? cfg.source : "the "
			  "configuration");
		cg_config_free(&cfg);
		return CLI_EXIT_USAGE;
	}
	char *text = NULL;
	size_t len = 0;
	if (read_list(arg, &text, &len) != 0) {
		cg_config_free(&cfg);
		return CLI_EXIT_FAIL;
	}
	struct cg_revlist_info info;
	bool unchanged = false;
	cg_reason r = cg_revlist_install(&cfg, text, len, time(NULL), &info, &unchanged, err,
					 sizeof(err));
	free(text);
	int rc = CLI_EXIT_OK;
	if (r == CG_OK) {
		printf("%s seq %lld (%zu chg, %zu jti, signed by %s) %s\n", unchanged ?
		       "unchanged:" : "installed:", info.seq, info.nchg, info.njti, info.kid,
		       cfg.revocation_list);
	} else {
		printf("refused: %s\n", cg_reason_code(r));
		cli_put_safe(stdout, err);
		putchar('\n');
		rc = CLI_EXIT_FAIL;
	}
	cg_config_free(&cfg);
	return rc;
}

static int run_install(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (argc - optind != 1) {
		cli_error(CMD, "install takes one FILE, or - for standard input");
		return cli_usage_error(CMD);
	}
	return install(config, argv[optind]);
}

int cmd_revocations(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	/* getopt sees the action's own options, "changegate revocations" naming the program */
	argv[1] = argv[0];
	if (strcmp(sub, "install") == 0)
		return run_install(argc - 1, argv + 1);
	if (strcmp(sub, "show") == 0)
		return cli_revocations_show(argc - 1, argv + 1);
	if (strcmp(sub, "sign") == 0)
		return cli_revocations_sign(argc - 1, argv + 1);
	cli_error(CMD, "unknown action; use install, show or sign");
	return cli_usage_error(CMD);
}
