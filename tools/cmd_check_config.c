/* `changegate check-config`: like `sshd -t`, tells an administrator before a reload whether
 * the verifier can work with this host's files, and if not, each reason on its own line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CMD "check-config"

/* Each check looks at one part of the host's setup and reports through cli_problem. The host
 * wiring checks (sudo.conf, /etc/pam.d) join this table when the front ends define them. */
static void (*const checks[])(struct cli_check *ck) = {
	cli_check_keys,
	cli_check_revocation,
	cli_check_state_dir,
	cli_check_audit_log,
};

static void usage(void)
{
	printf("Usage: changegate check-config [--config FILE]\n"
	       "\n"
	       "Loads the configuration as the PAM module and the sudo plugin do, then checks\n"
	       "what it points at:\n"
	       "  - the file itself: root-owned, not group/other-writable, not a symbolic link,\n"
	       "    every key known, every value valid, no key twice (errors name file:line);\n"
	       "  - keys_dir: trusted; each <kid>.pem a public key (EC P-256/P-384/P-521 or RSA of\n"
	       "    at least 2048 bits) in a trusted file, described with the algorithms it serves;\n"
	       "    at least one key usable with `algorithms`; every emergency_keys entry present;\n"
	       "  - revocation_file: a trusted regular file;\n"
	       "  - state_dir: a trusted directory (needed when single_use is on);\n"
	       "  - audit_log: its directory trusted, the file (if present) root's and mode 0600.\n"
	       "Prints one line per problem, then \"config OK\" when there is none.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE   configuration file (default:\n"
	       "                      %s)\n"
	       "  -h, --help          show this help and exit\n"
	       "\n"
	       "Exit status: 0 no problem; 1 problems found (the verifier would deny everyone with\n"
	       "config_error, or part of the setup would not work); 2 usage error.\n"
	       "\n"
	       "Example:\n"
	       "  changegate check-config && systemctl reload ssh\n",
	       cg_default_config_path());
}

static const char *single_use_name(cg_single_use s)
{
	return s == CG_SINGLE_USE_ALWAYS ? "always" : s == CG_SINGLE_USE_LOGIN ? "login" : "no";
}

static void describe_config(struct cli_check *ck)
{
	const struct cg_config *cfg = ck->cfg;
	char algs[64] = "";
	for (unsigned bit = 1; bit <= CG_ALG_RS512; bit <<= 1) {
		const char *name = (cfg->algorithms & bit) ? cg_alg_name((cg_alg)bit) : NULL;
		if (name != NULL) {
			if (algs[0] != '\0')
				strncat(algs, " ", sizeof(algs) - strlen(algs) - 1);
			strncat(algs, name, sizeof(algs) - strlen(algs) - 1);
		}
	}
	cli_note(ck, "config: %s", cfg->source ? cfg->source : "-");
	cli_note(ck, "issuer: %s, audience: %s, hostname: %s", cfg->issuer, cfg->audience,
		 cfg->hostname ? cfg->hostname : "-");
	cli_note(ck, "algorithms: %s; max_lifetime: %lds; leeway: %lds; single_use: %s", algs,
		 cfg->max_lifetime, cfg->leeway, single_use_name(cfg->single_use));
}

static int check_config(const char *path)
{
	struct cg_config cfg;
	char err[512];
	struct cli_check ck = { .cfg = &cfg, .problems = 0 };
	if (cli_load_config(&cfg, path, err, sizeof(err)) != 0) {
		/* Nothing else can be judged without it; the verifier denies everyone now. */
		printf("problem: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	describe_config(&ck);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		checks[i](&ck);
	cg_config_free(&cfg);
	if (ck.problems == 0) {
		puts("config OK");
		return CLI_EXIT_OK;
	}
	printf("%u problem%s found\n", ck.problems, ck.problems == 1 ? "" : "s");
	return CLI_EXIT_FAIL;
}

int cmd_check_config(int argc, char **argv)
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
	return check_config(config);
}
