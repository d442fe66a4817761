/* `changegate check-config`: like `sshd -t`, tells an administrator before a reload whether
 * the verifier can work with this host's files, and if not, each reason on its own line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CMD "check-config"

/* Each check looks at one part of the host's setup and reports through cli_problem. */
static void (*const checks[])(struct cli_check *ck) = {
	cli_check_keys,
	cli_check_revocation,
	cli_check_revocation_list,
	cli_check_state_dir,
	cli_check_audit_log,
	cli_check_reaper,
};

enum { OPT_SUDO_CONF = 256, OPT_PAM_DIR, OPT_SSHD_CONFIG, OPT_WIRING, OPT_NO_WIRING, OPT_USER,
       OPT_SUDOERS, OPT_STAGE };

static void usage(void)
{
	printf("Usage: changegate check-config [--config FILE] [--sudo-conf FILE] [--pam-dir DIR]\n"
	       "                               [--sshd-config FILE] [--sudoers FILE]\n"
	       "                               [--wiring | --no-wiring] [--user USER]\n"
	       "                               [--stage keys|audit|enforce]\n"
	       "\n"
	       "Loads the configuration as the PAM module and the sudo plugin do, then checks\n"
	       "what it points at:\n"
	       "  - the file itself: root-owned, not group/other-writable, not a symbolic link,\n"
	       "    every key known, every value valid, no key twice (errors name file:line);\n"
	       "  - keys_dir: trusted; each <kid>.pem a public key (EC P-256/P-384/P-521 or RSA of\n"
	       "    at least 2048 bits) in a trusted file, described with the algorithms it serves;\n"
	       "    at least one key usable with `algorithms`; every emergency_keys entry present;\n"
	       "  - revocation_file: a trusted regular file;\n"
	       "  - revocation_list: present, validly signed for this issuer and audience, not\n"
	       "    rolled back (seq), not stale, and not near stale (less than a quarter of its\n"
	       "    lifetime left);\n"
	       "  - state_dir: a trusted directory (needed when single_use is on);\n"
	       "  - audit_log: its directory trusted, the file (if present) root's and mode 0600.\n"
	       "Then the host's wiring, without which nothing is gated:\n"
	       "  - sudo.conf: root-owned, not group/other-writable (sudo silently ignores an\n"
	       "    insecure one), a Plugin line loading changegate_sudo.so as changegate_approval\n"
	       "    or changegate_policy, and that plugin file root-owned and not writable by others;\n"
	       "    then a warning when no sudoers Defaults line sets runcwd (gated users' commands\n"
	       "    are refused outside root-controlled directories: they must cd / first);\n"
	       "  - pam.d/sshd: pam_changegate.so in auth, in account, and in session after\n"
	       "    pam_loginuid.so (@include, include and substack followed one level);\n"
	       "  - sshd_config (and its Include'd files): UsePAM yes, and keyboard-interactive in\n"
	       "    an AuthenticationMethods line or KbdInteractiveAuthentication yes.\n"
	       "Then who is gated, per front (ssh: the lists of the pam_changegate line in\n"
	       "pam.d/sshd, sudo: those of sudo.conf's Plugin line, each added to the config's):\n"
	       "the effective lists, or with --user whether that user is gated and why. A name\n"
	       "in an enforce list that the name service does not know is a problem (everyone\n"
	       "not exempt is refused with config_error); one in an exempt list a warning.\n"
	       "The wiring is checked when the default configuration is, or when a wiring option\n"
	       "is given.\n"
	       "Then the rollout stage (deployment.md): audit_only is flagged wherever it is\n"
	       "set, and a last \"stage:\" line says where the host is and what the next stage\n"
	       "needs. With --stage, what that stage needs is checked: keys, the configuration\n"
	       "and its files only; audit, the wiring too, with audit_only on every PAM line\n"
	       "and on sudo.conf's, and sshd not yet asking for tickets; enforce, everything,\n"
	       "and audit_only nowhere. Without it, a host with audit_only on every wired line\n"
	       "is judged as in the audit stage.\n"
	       "Prints one line per problem, then \"config OK\" when there is none.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE   configuration file (default:\n"
	       "                      %s)\n"
	       "  --sudo-conf FILE    sudo's front-end config (default: /etc/sudo.conf)\n"
	       "  --pam-dir DIR       PAM configuration directory (default: /etc/pam.d)\n"
	       "  --sshd-config FILE  sshd's configuration (default: /etc/ssh/sshd_config)\n"
	       "  --sudoers FILE      sudo's policy, with what it includes (default: /etc/sudoers)\n"
	       "  --wiring            check the wiring even with --config\n"
	       "  --no-wiring         check the configuration only\n"
	       "  --user USER         say, per front, whether USER is gated and why\n"
	       "  --stage STAGE       check what the rollout stage needs: keys, audit or enforce\n"
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

static int check_config(const char *path, const struct cli_wiring *wiring, const char *user,
			enum cli_stage stage)
{
	struct cg_config cfg;
	char err[512];
	struct cli_check ck = { .cfg = &cfg, .wiring = wiring, .problems = 0, .stage = stage };
	if (ck.stage == CLI_STAGE_ANY)
		ck.stage = cli_infer_stage(wiring);
	if (cli_load_config(&cfg, path, err, sizeof(err)) != 0) {
		/* Nothing it names can be judged without it; the verifier denies everyone now.
		 * The wiring does not depend on it, and is worth fixing in the same pass. */
		if (errno == ENOENT)
			cli_problem(&ck, "%s does not exist: the PAM module and the sudo plugin "
				    "refuse every gated user (config_error); write it from "
				    "/usr/share/doc/changegate/examples/changegate.conf (see "
				    "changegate.conf(5))", path != NULL ? path : cg_default_config_path());
		else
			cli_problem(&ck, "%s", err);
		ck.cfg = NULL;
		cli_check_wiring(&ck);
		cli_check_stage(&ck, 1);
	} else {
		describe_config(&ck);
		for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
			checks[i](&ck);
		unsigned before_wiring = ck.problems;
		cli_check_wiring(&ck);  /* sudo.conf, pam.d/sshd, sshd_config, when asked */
		unsigned wiring_problems = ck.problems - before_wiring;
		cli_check_gate(&ck, user); /* an unknown enforce name: the configuration's */
		cli_check_sshd_users(&ck);
		cli_check_stage(&ck, ck.problems - wiring_problems);
		cg_config_free(&cfg);
	}
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
		{ "sudo-conf", required_argument, NULL, OPT_SUDO_CONF },
		{ "pam-dir", required_argument, NULL, OPT_PAM_DIR },
		{ "sshd-config", required_argument, NULL, OPT_SSHD_CONFIG },
		{ "sudoers", required_argument, NULL, OPT_SUDOERS },
		{ "wiring", no_argument, NULL, OPT_WIRING },
		{ "no-wiring", no_argument, NULL, OPT_NO_WIRING },
		{ "user", required_argument, NULL, OPT_USER },
		{ "stage", required_argument, NULL, OPT_STAGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *user = NULL;
	struct cli_wiring wiring = {
		.sudo_conf = "/etc/sudo.conf",
		.pam_dir = "/etc/pam.d",
		.sshd_config = "/etc/ssh/sshd_config",
		.sudoers = "/etc/sudoers",
	};
	/* -1: decide from --config (a test or staged config is not the host's); 0/1: asked. */
	int want_wiring = -1;
	bool wiring_path = false;
	enum cli_stage stage = CLI_STAGE_ANY;
	int c;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case OPT_SUDO_CONF:
			wiring.sudo_conf = optarg;
			wiring_path = true;
			break;
		case OPT_PAM_DIR:
			wiring.pam_dir = optarg;
			wiring_path = true;
			break;
		case OPT_SSHD_CONFIG:
			wiring.sshd_config = optarg;
			wiring_path = true;
			break;
		case OPT_SUDOERS:
			wiring.sudoers = optarg;
			wiring_path = true;
			break;
		case OPT_WIRING:
			want_wiring = 1;
			break;
		case OPT_NO_WIRING:
			want_wiring = 0;
			break;
		case OPT_USER:
			user = optarg;
			break;
		case OPT_STAGE:
			if (!cli_parse_stage(optarg, &stage)) {
				cli_error(CMD, "--stage: keys, audit or enforce");
				return cli_usage_error(CMD);
			}
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
	/* the keys stage is before any wiring; the later ones are about it */
	if (stage == CLI_STAGE_KEYS && want_wiring == 1) {
		cli_error(CMD, "--stage keys checks no wiring: drop --wiring");
		return cli_usage_error(CMD);
	}
	if (stage > CLI_STAGE_KEYS && want_wiring == 0) {
		cli_error(CMD, "--stage audit and enforce check the wiring: drop --no-wiring");
		return cli_usage_error(CMD);
	}
	if (stage != CLI_STAGE_ANY)
		want_wiring = stage != CLI_STAGE_KEYS;
	if (want_wiring == -1)
		want_wiring = config == NULL || strcmp(config, cg_default_config_path()) == 0 ||
			      wiring_path;
	return check_config(config, want_wiring ? &wiring : NULL, user, stage);
}
