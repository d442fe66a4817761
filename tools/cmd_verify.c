/* `changegate verify`: the verifier the PAM module and the sudo plugin run, on a token from
 * stdin, with the request given on the command line. It only peeks at single-use records:
 * checking a token must never use it up. */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CMD "verify"

enum { OPT_SUDO_CONF = 256, OPT_PAM_DIR, OPT_SSH_PUBKEY, OPT_CWD };

struct verify_opts {
	const char *config, *user, *host, *command, *runas, *cwd;
	const char *ssh_pubkey;         /* judge as a login this key authenticated */
	char ssh_fp[CG_SSH_FP_LEN + 1];
	struct cli_wiring wiring;       /* where the fronts' own gate lists are read */
	bool json, have_at;
	long long at;
	unsigned scope;
};

static void usage(void)
{
	printf("Usage: changegate verify [--config FILE] --user USER --scope login\n"
	       "           [--host HOST] [--at EPOCH] [--json] < token\n"
	       "       changegate verify [--config FILE] --user USER --scope sudo\n"
	       "           --command \"PATH ARG...\" [--runas USER] [--cwd DIR] [--host HOST]\n"
	       "           [--at EPOCH] [--json] < token\n"
	       "       (either form also takes [--sudo-conf FILE] [--pam-dir DIR]\n"
	       "        [--ssh-pubkey FILE])\n"
	       "\n"
	       "Reads one token from standard input and judges it exactly as the PAM module (scope\n"
	       "login) or the sudo plugin (scope sudo) would for USER on this host: signature, key,\n"
	       "issuer, audience, user, times, scope, host, command, target user, revocation and\n"
	       "single use. The token is never taken from the command line, where every user could\n"
	       "read it. One trailing newline (\"\\n\" or \"\\r\\n\") is removed; any other byte is\n"
	       "part of the token. A single-use token is only looked up, never used up.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE     configuration file (default:\n"
	       "                        %s)\n"
	       "  -u, --user USER       the person logging in, or running sudo\n"
	       "  -s, --scope SCOPE     login or sudo\n"
	       "  -H, --host HOST       judge for this host name (default: hostname from the\n"
	       "                        configuration, else gethostname(), without DNS)\n"
	       "  -C, --command CMD     sudo (required): the command, split on spaces; the first\n"
	       "                        word is an absolute path, e.g.\n"
	       "                        \"/usr/bin/systemctl restart nginx\"\n"
	       "  -r, --runas USER      sudo only: the target user (default root)\n"
	       "  --cwd DIR             sudo only: the directory the command would run in, which\n"
	       "                        must be root-controlled (default: the current directory;\n"
	       "                        give / where sudoers sets runcwd=/)\n"
	       "  -t, --at EPOCH        judge at this time (seconds since 1970) instead of now\n"
	       "  --ssh-pubkey FILE     judge as in an SSH login this OpenSSH public key\n"
	       "                        authenticated (or sudo in it): a token bound to other\n"
	       "                        keys is key_mismatch; without it, every bound token is\n"
	       "                        key_mismatch\n"
	       "  -j, --json            print one JSON object: decision, reason, detail, verified,\n"
	       "                        ticket, jti, sub, approver, expires, runas, runas_groups,\n"
	       "                        emergency, unrestricted, gated\n"
	       "  --sudo-conf FILE      sudo's front-end config, for the lists its changegate\n"
	       "                        Plugin line adds (default: /etc/sudo.conf)\n"
	       "  --pam-dir DIR         PAM configuration directory, for the lists the\n"
	       "                        pam_changegate line of its sshd file adds\n"
	       "                        (default: /etc/pam.d)\n"
	       "  -h, --help            show this help and exit\n"
	       "\n"
	       "Output: the first line is \"allow\" or \"deny: REASON\", REASON one of the stable codes\n"
	       "(no_token, malformed, too_large, bad_alg, unknown_key, bad_signature, bad_issuer,\n"
	       "bad_audience, wrong_user, expired, not_yet_valid, lifetime_too_long, missing_claim,\n"
	       "bad_claim, self_approved, scope_denied, host_denied, command_denied, runas_denied,\n"
	       "key_mismatch, revoked, replayed, revocation_invalid, revocation_stale,\n"
	       "revocation_rollback, reaper_down, config_error); then the reason in plain words,\n"
	       "and what the token says: ticket, jti, sub, approver, expiry; then, per front (ssh,\n"
	       "sudo), whether USER is gated and why (\"sudo: alice is gated: in enforce_groups\n"
	       "developers (changegate.conf)\").\n"
	       "\n"
	       "Exit status: 0 allow; 1 deny; 2 usage error, or a configuration that cannot be used\n"
	       "(\"deny: config_error\" on standard output, the file and line on standard error).\n"
	       "\n"
	       "Examples:\n"
	       "  changegate verify --user alice --scope login < token\n"
	       "  changegate verify --user alice --scope sudo --command \"/usr/bin/systemctl restart nginx\" \\\n"
	       "      --runas root --json < token\n",
	       cg_default_config_path());
}

/* Returns -1 to go on, else the exit status. */
static int parse_option(int c, struct verify_opts *o)
{
	switch (c) {
	case 'c': o->config = optarg; break;
	case 'u': o->user = optarg; break;
	case 'H': o->host = optarg; break;
	case 'C': o->command = optarg; break;
	case 'r': o->runas = optarg; break;
	case 'j': o->json = true; break;
	case OPT_SUDO_CONF: o->wiring.sudo_conf = optarg; break;
	case OPT_PAM_DIR: o->wiring.pam_dir = optarg; break;
	case OPT_SSH_PUBKEY: o->ssh_pubkey = optarg; break;
	case OPT_CWD: o->cwd = optarg; break;
	case 's':
		if (strcmp(optarg, "login") == 0) {
			o->scope = CG_SCOPE_LOGIN;
		} else if (strcmp(optarg, "sudo") == 0) {
			o->scope = CG_SCOPE_SUDO;
		} else {
			cli_error(CMD, "--scope: login or sudo");
			return cli_usage_error(CMD);
		}
		break;
	case 't':
		if (!cli_parse_epoch(optarg, &o->at)) {
			cli_error(CMD, "--at: seconds since 1970, a whole number");
			return cli_usage_error(CMD);
		}
		o->have_at = true;
		break;
	case 'h':
		usage();
		return CLI_EXIT_OK;
	default:
		return cli_usage_error(CMD);
	}
	return -1;
}

static bool check_opts(const struct verify_opts *o)
{
	if (o->user == NULL || o->user[0] == '\0' || o->scope == 0) {
		cli_error(CMD, "--user and --scope are required");
		return false;
	}
	if ((o->command != NULL || o->runas != NULL || o->cwd != NULL) &&
	    o->scope != CG_SCOPE_SUDO) {
		cli_error(CMD, "--command, --runas and --cwd only apply to --scope sudo");
		return false;
	}
	if (o->cwd != NULL && o->cwd[0] != '/') {
		cli_error(CMD, "--cwd: an absolute directory, as sudo would chdir to it");
		return false;
	}
	/* sudo always judges a command; without one every token would be refused. */
	if (o->scope == CG_SCOPE_SUDO && o->command == NULL) {
		cli_error(CMD, "--scope sudo needs --command, the command sudo would run");
		return false;
	}
	if (o->host != NULL && o->host[0] == '\0') {
		cli_error(CMD, "--host: empty");
		return false;
	}
	return true;
}

/* Fills the request's argv from --command; false (message printed) on a bad command. */
static bool split_command(const char *command, struct cg_strlist *words)
{
	if (command == NULL)
		return true;
	if (cg_strlist_split(words, command, " ") != 0) {
		cli_error(CMD, "--command: more than %d words", CG_LIST_MAX);
		return false;
	}
	if (words->count == 0 || words->items[0][0] != '/') {
		cli_error(CMD, "--command: the first word must be an absolute path, as sudo "
			  "resolves it");
		return false;
	}
	return true;
}

/* The target of sudo: a known user's uid, or an impossible uid that no rule can match. */
static void resolve_runas(const struct verify_opts *o, struct cg_request *req)
{
	req->runas_user = NULL;
	req->runas_uid = (uid_t)-1;
	if (o->scope != CG_SCOPE_SUDO)
		return;
	req->runas_user = o->runas ? o->runas : "root";
	struct passwd *pw = getpwnam(req->runas_user);
	if (pw != NULL)
		req->runas_uid = pw->pw_uid;
	else if (o->runas == NULL)
		req->runas_uid = 0;
}

static void too_large_decision(struct cg_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->reason = CG_TOO_LARGE;
	snprintf(d->detail, sizeof(d->detail),
		 "standard input held more than %d bytes; nothing was decoded", CLI_STDIN_MAX);
}

static int report(const struct verify_opts *o, const struct cg_config *cfg,
		  const struct cg_decision *d, time_t now, bool gated)
{
	if (o->json) {
		if (cli_print_decision_json(d, gated) != 0) {
			cli_error(CMD, "cannot build the JSON output");
			return CLI_EXIT_USAGE;
		}
	} else {
		cli_print_decision_text(d, now);
		/* per front: an allow means nothing to a user neither front asks */
		if (cfg != NULL)
			cli_print_gate_fronts(cfg, &o->wiring, o->user);
	}
	if (fflush(stdout) != 0)
		return CLI_EXIT_USAGE;
	if (d->reason == CG_OK)
		return CLI_EXIT_OK;
	return d->reason == CG_CONFIG_ERROR ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
}

static int verify(const struct verify_opts *o, const struct cg_config *cfg,
		  const struct cg_strlist *words)
{
	time_t now = o->have_at ? (time_t)o->at : time(NULL);
	if (isatty(STDIN_FILENO))
		fputs("changegate verify: reading the token from standard input (end with "
		      "Ctrl-D)\n", stderr);
	char *token = NULL;
	size_t len = 0;
	int r = cli_read_token(&token, &len);
	if (r < 0)
		return CLI_EXIT_USAGE;

	struct cg_decision d;
	if (r > 0) {
		too_large_decision(&d);
	} else {
		/* the directory rule judges where sudo would run the command: --cwd, else here */
		char cwd[4096];
		struct cg_request req = {
			.cwd = o->cwd != NULL ? o->cwd : getcwd(cwd, sizeof(cwd)),
			.scope = o->scope,
			.user = o->user,
			.host = o->host,
			.argv = (const char *const *)words->items,
			.argc = words->count,
			.now = now,
			.replay = CG_REPLAY_PEEK,
			.ssh_key_fp = o->ssh_pubkey != NULL ? o->ssh_fp : NULL,
			.ssh_key_none = "changegate verify was given no --ssh-pubkey",
		};
		resolve_runas(o, &req);
		cg_verify_token(cfg, token, len, &req, &d);
		cg_wipe_free(token, CLI_TOKEN_BUF);
	}
	/* JSON gets the gating answer too, from the front of --scope: a script must not read
	 * "allow" as "needs no token". */
	bool gated = cli_gate_front_says_gated(cfg, &o->wiring, o->user,
					       o->scope == CG_SCOPE_SUDO);
	int rc = report(o, cfg, &d, now, gated);
	cg_decision_free(&d);
	return rc;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "scope", required_argument, NULL, 's' },
		{ "host", required_argument, NULL, 'H' },
		{ "command", required_argument, NULL, 'C' },
		{ "runas", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "sudo-conf", required_argument, NULL, OPT_SUDO_CONF },
		{ "pam-dir", required_argument, NULL, OPT_PAM_DIR },
		{ "ssh-pubkey", required_argument, NULL, OPT_SSH_PUBKEY },
		{ "cwd", required_argument, NULL, OPT_CWD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct verify_opts o = {
		.wiring = { .sudo_conf = "/etc/sudo.conf", .pam_dir = "/etc/pam.d" },
	};
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, "c:u:s:H:C:r:t:jh", opts, NULL)) != -1)
		rc = parse_option(c, &o);
	if (rc >= 0)
		return rc;
	if (optind != argc) {
		/* Most likely a token pasted as an argument: refuse it, it is already exposed. */
		cli_error(CMD, "unexpected argument; the token is read from standard input only, "
			  "never from the command line");
		if (strchr(argv[optind], '.') != NULL)
			cli_error(CMD, "if that was a token, every user on this host could read it: "
				  "revoke it (changegate revoke --jti) and have a new one issued");
		return cli_usage_error(CMD);
	}
	if (!check_opts(&o))
		return cli_usage_error(CMD);
	if (o.ssh_pubkey != NULL && cli_ssh_pubkey_fp(CMD, o.ssh_pubkey, o.ssh_fp) != 0)
		return cli_usage_error(CMD);
	struct cg_strlist words = { 0 };
	if (!split_command(o.command, &words)) {
		cg_strlist_free(&words);
		return cli_usage_error(CMD);
	}
	struct cg_config cfg;
	char err[512];
	if (cli_load_config(&cfg, o.config, err, sizeof(err)) != 0) {
		/* Fail closed and say so in the same shape as any other denial. */
		struct cg_decision d = { .reason = CG_CONFIG_ERROR };
		cg_strlcpy(d.detail, err, sizeof(d.detail));
		fprintf(stderr, "changegate verify: %s\n", err);
		report(&o, NULL, &d, time(NULL), true);
		cg_strlist_free(&words);
		return CLI_EXIT_USAGE;
	}
	rc = verify(&o, &cfg, &words);
	cg_config_free(&cfg);
	cg_strlist_free(&words);
	return rc;
}
