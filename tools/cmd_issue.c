/* `changegate issue`: the reference issuer that a change system's automation calls once a
 * change is approved. Every value is checked as the verifier will check it, so a bad ticket
 * fails here, loudly, rather than at the host. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define CMD "issue"
#define ISSUE_DEFAULT_MAX_LIFETIME (4 * 3600L)
/* long options without a short form */
#define OPT_ALL_COMMANDS 256
#define OPT_SSH_PUBKEY 257
#define OPT_SSH_CA 258
#define OPT_SSH_CERT 259

static void usage(void)
{
	printf("Usage: changegate issue --key FILE --kid KID --iss ISSUER --aud AUDIENCE\n"
	       "           --sub USER --ticket CHANGE --approved-by APPROVER --scope SCOPES\n"
	       "           --ttl DURATION [--hosts PATTERN]... [--cmd COMMAND... | --all-commands]\n"
	       "           [--runas USER]... [--runas-group GROUP]... [--reason TEXT] [--emergency]\n"
	       "           [--jti ID] [--nbf EPOCH] [--alg ALG] [--config HOSTCONF]\n"
	       "           [--ssh-pubkey FILE [--ssh-ca CAKEY --ssh-cert OUT]]\n"
	       "\n"
	       "Mints a change-ticket token: a JWT signed with the change-approval service's\n"
	       "private key, that lets USER into the hosts whose configuration trusts KID, for\n"
	       "DURATION. Prints the token and a newline on standard output. Every value is checked\n"
	       "as the hosts will check it, so a token that no host would accept is never printed.\n"
	       "\n"
	       "Options:\n"
	       "  -k, --key FILE            PEM private key (from `changegate keygen`); group and\n"
	       "                            others must not be able to read it\n"
	       "  -K, --kid KID             key id for the header: hosts look for <keys_dir>/KID.pem;\n"
	       "                            1-64 of A-Z a-z 0-9 . _ - starting with a letter or digit\n"
	       "  -a, --alg ALG             RS256 (default), RS384 or RS512 for an RSA key; an EC key\n"
	       "                            always signs with its own curve's ES256/ES384/ES512\n"
	       "  -i, --iss ISSUER          the issuer name hosts are configured with (`issuer`)\n"
	       "  -A, --aud AUDIENCE        the environment (`audience`), e.g. prod-eu-1; repeat for\n"
	       "                            a token valid in several\n"
	       "  -s, --sub USER            the account the token is for\n"
	       "  -t, --ticket CHANGE       the change ticket id (claim `chg`), e.g. CHG0012345:\n"
	       "                            1-255 of A-Z a-z 0-9 . _ : - starting with a letter or\n"
	       "                            digit\n"
	       "  -b, --approved-by NAME    who approved the change; must not be USER, however\n"
	       "                            spelled (case, width, invisible characters, @domain);\n"
	       "                            required unless --emergency\n"
	       "  -S, --scope SCOPES        login, sudo, or login,sudo\n"
	       "  -T, --ttl DURATION        lifetime: seconds, or a number with s, m or h (e.g. 2h)\n"
	       "  -H, --hosts PATTERN       a host-name pattern (fnmatch, e.g. 'web-*.prod.example');\n"
	       "                            repeat for more; none means every host of the audience\n"
	       "  -c, --cmd COMMAND         a sudo command: '/usr/bin/systemctl' allows any\n"
	       "                            arguments, '/usr/bin/systemctl restart nginx' exactly\n"
	       "                            those, a last argument '*' any rest; repeat for more;\n"
	       "                            with --scope sudo and no --cmd, no command is allowed\n"
	       "      --all-commands        allow every sudo command, shells included (cmds [\"*\"]);\n"
	       "                            hosts log each use as unrestricted, at warning level\n"
	       "  -u, --runas USER          a sudo target user; repeat for more; none means root only\n"
	       "  -g, --runas-group GROUP   a group sudo may run the command with (sudo -g) beyond\n"
	       "                            the target user's own groups; repeat for more\n"
	       "  -r, --reason TEXT         why (free text, logged with each use)\n"
	       "  -e, --emergency           a break-glass token: needs --reason, needs no\n"
	       "                            --approved-by, and is accepted only when KID is listed in\n"
	       "                            the hosts' emergency_keys\n"
	       "  -j, --jti ID              the token id (default: 128 random bits in hex); the\n"
	       "                            revocation list and single-use records key on it;\n"
	       "                            1-128 characters, as for --ticket\n"
	       "  -n, --nbf EPOCH           valid from EPOCH (seconds since 1970) instead of now;\n"
	       "                            iat is set to the same time and exp to EPOCH + DURATION\n"
	       "      --ssh-pubkey FILE     bind the token to this OpenSSH public key (claim\n"
	       "                            cnf.ssh_fp): hosts accept it only in an SSH login that\n"
	       "                            this key authenticated, and in sudo within that login\n"
	       "      --ssh-ca CAKEY        also certify that key with this OpenSSH CA private key\n"
	       "                            (ssh-keygen -s), carrying the token in the extension\n"
	       "                            changegate-token@changegate: principal USER, valid\n"
	       "                            from nbf to exp; needs --ssh-cert and --scope login\n"
	       "      --ssh-cert OUT        where to write that certificate (e.g. the developer's\n"
	       "                            ~/.ssh/id_ed25519-cert.pub)\n"
	       "  -C, --config, --policy HOSTCONF\n"
	       "                            a host's changegate.conf: refuse, as such a host would,\n"
	       "                            a token whose alg is not in its `algorithms`, whose\n"
	       "                            lifetime exceeds its `max_lifetime`, whose ticket does\n"
	       "                            not match its `ticket_pattern`, whose --iss or --aud do\n"
	       "                            not name its issuer and audience, or an --emergency one\n"
	       "                            whose KID is not in its `emergency_keys`\n"
	       "  -h, --help                show this help and exit\n"
	       "\n"
	       "Exit status: 0 token printed (and the certificate written); 1 the key could not\n"
	       "be used, signing failed, or ssh-keygen -s failed; 2 usage error or a value the\n"
	       "hosts would refuse.\n"
	       "\n"
	       "Example:\n"
	       "  changegate issue --key /srv/approvals/issuer-2026.key --kid issuer-2026 \\\n"
	       "      --iss https://change.example.com --aud prod-eu-1 --sub alice \\\n"
	       "      --ticket CHG0012345 --approved-by bob --scope login,sudo --ttl 2h \\\n"
	       "      --hosts 'web-*.prod.example' --cmd '/usr/bin/systemctl restart nginx'\n");
}

static void opts_free(struct cli_issue *o)
{
	cg_strlist_free(&o->aud);
	cg_strlist_free(&o->hosts);
	cg_strlist_free(&o->cmds);
	cg_strlist_free(&o->runas);
	cg_strlist_free(&o->runas_groups);
}

static void bad_text(const char *opt, size_t max, bool allow_space)
{
	cli_error(CMD, "--%s: empty, longer than %zu bytes, or holds control characters%s", opt,
		  max, allow_space ? "" : " or spaces");
}

/* Lists: cmds keep their spaces, host patterns and user names have none. */
static bool add_item(struct cg_strlist *l, const char *opt, const char *v, size_t max)
{
	bool allow_space = max == CG_CMD_MAX;
	if (!cli_valid_text(v, max, allow_space)) {
		bad_text(opt, max, allow_space);
		return false;
	}
	if (cg_strlist_add(l, v) != 0) {
		cli_error(CMD, "--%s: more than %d values", opt, CG_LIST_MAX);
		return false;
	}
	return true;
}

/* Names (iss, sub, chg, approved_by) hold no space; only the free-text reason may. */
static bool check_text(const char *opt, const char *v, size_t max, bool required)
{
	bool allow_space = max == CG_TEXT_MAX;
	if (v == NULL) {
		if (required)
			cli_error(CMD, "--%s is required", opt);
		return !required;
	}
	if (!cli_valid_text(v, max, allow_space)) {
		bad_text(opt, max, allow_space);
		return false;
	}
	return true;
}

/* Ticket and token ids: the alphabet every host and the revocation list share. */
static bool check_id(const char *opt, const char *v, size_t max)
{
	char why[80];
	if (v == NULL) {
		cli_error(CMD, "--%s is required", opt);
		return false;
	}
	if (!cg_id_valid(v, strlen(v), max, why, sizeof(why))) {
		cli_error(CMD, "--%s %s: an id is a letter or digit, then letters, digits and ._:-",
			  opt, why);
		return false;
	}
	return true;
}

/* The hosts' four-eyes rule (cg_identity_fold), so that a refused token is never minted. */
static bool check_four_eyes(const char *sub, const char *approver)
{
	char *a = cg_identity_fold(sub);
	char *b = cg_identity_fold(approver);
	bool ok = a != NULL && b != NULL && a[0] != '\0' && b[0] != '\0' && strcmp(a, b) != 0;
	if (a == NULL || b == NULL)
		cli_error(CMD, "--%s: not valid UTF-8", a == NULL ? "sub" : "approved-by");
	else if (a[0] == '\0' || b[0] == '\0')
		cli_error(CMD, "--%s names nobody once invisible characters, spaces and domain "
			  "parts are set aside", a[0] == '\0' ? "sub" : "approved-by");
	else if (!ok)
		cli_error(CMD, "--approved-by must differ from --sub, ignoring case, width, "
			  "invisible characters and spaces, and a domain part (user@domain, "
			  "DOMAIN\\user): nobody approves their own change "
			  "(for break-glass access use --emergency --reason and no --approved-by)");
	free(a);
	free(b);
	return ok;
}

/* A relative word names a file only through the directory sudo runs in. The hosts refuse one
 * that names a file root does not control there, but cannot see a file created after their
 * check (docs/token-format.md): say so for every such word, without refusing. */
static void warn_relative_words(const char *entry)
{
	char words[CG_CMD_MAX + 1], *save = NULL;
	const char *w;

	cg_strlcpy(words, entry, sizeof(words));
	strtok_r(words, " \t", &save); /* the program's own absolute path */
	for (w = strtok_r(NULL, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (w[0] == '/' || w[0] == '-' || (strcmp(w, "*") == 0 && *save == '\0'))
			continue;
		cli_error(CMD, "warning: --cmd '%s': '%s' is a relative path if the command "
			  "reads it as a file, and then names whatever the directory sudo runs in "
			  "holds; name files by absolute path", entry, w);
	}
}

/* "*" means every command: it is written only for --all-commands, never slipped in as one
 * --cmd among others, and a sudo token without either allows nothing, which is said. */
static bool check_cmds(const struct cli_issue *o)
{
	if (o->all_commands && !(o->scopes & CG_SCOPE_SUDO)) {
		cli_error(CMD, "--all-commands only means something with --scope sudo");
		return false;
	}
	if (o->all_commands && o->cmds.count > 0) {
		cli_error(CMD, "--all-commands allows every command already; leave out --cmd, or "
			  "leave out --all-commands to allow only the --cmd commands");
		return false;
	}
	for (size_t i = 0; i < o->cmds.count; i++) {
		if (strcmp(o->cmds.items[i], CG_CMDS_ALL) == 0) {
			cli_error(CMD, "--cmd '*': a ticket for every command must say so: use "
				  "--all-commands");
			return false;
		}
		if (o->cmds.items[i][0] != '/') {
			cli_error(CMD, "--cmd: '%s' does not start with an absolute path",
				  o->cmds.items[i]);
			return false;
		}
		warn_relative_words(o->cmds.items[i]);
	}
	if (o->all_commands)
		cli_error(CMD, "warning: --all-commands: this token allows every sudo command, "
			  "shells included; hosts log each use as unrestricted");
	else if ((o->scopes & CG_SCOPE_SUDO) && o->cmds.count == 0)
		cli_error(CMD, "warning: --scope sudo without --cmd: this token allows no sudo "
			  "command (name each with --cmd, or use --all-commands)");
	return true;
}

/* --ssh-pubkey's fingerprint now, so that a key no host could match fails here; a
 * certificate only for a key-bound login token (its token in a certificate that anyone
 * holding the file could paste elsewhere would otherwise be a bearer token). */
static bool check_ssh(struct cli_issue *o)
{
	if ((o->ssh_ca != NULL || o->ssh_cert != NULL) &&
	    (o->ssh_ca == NULL || o->ssh_cert == NULL || o->ssh_pubkey == NULL)) {
		cli_error(CMD, "--ssh-ca and --ssh-cert go together, and with --ssh-pubkey");
		return false;
	}
	if (o->ssh_ca != NULL && !(o->scopes & CG_SCOPE_LOGIN)) {
		cli_error(CMD, "--ssh-ca: a certificate is for logging in; use --scope login or "
			  "login,sudo");
		return false;
	}
	return o->ssh_pubkey == NULL || cli_ssh_pubkey_fp(CMD, o->ssh_pubkey, o->ssh_fp) == 0;
}

/* The rules that tie options together: four eyes, break-glass, scope. */
static bool check_opts(struct cli_issue *o)
{
	if (o->key == NULL || o->kid == NULL || o->aud.count == 0 || o->ttl_text == NULL ||
	    o->scope_text == NULL) {
		cli_error(CMD, "--key, --kid, --iss, --aud, --sub, --ticket, --scope and --ttl are "
			  "required");
		return false;
	}
	cg_alg alg;
	if (o->alg != NULL && !cg_alg_from_name(o->alg, &alg)) {
		cli_error(CMD, "--alg: one of ES256 ES384 ES512 RS256 RS384 RS512");
		return false;
	}
	if (!cli_valid_kid(o->kid)) {
		cli_error(CMD, "--kid: must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
		return false;
	}
	if (!check_text("iss", o->iss, CG_CLAIM_MAX, true) ||
	    !check_text("sub", o->sub, CG_CLAIM_MAX, true) ||
	    !check_id("ticket", o->ticket, CG_CLAIM_MAX) ||
	    !check_text("approved-by", o->approved_by, CG_CLAIM_MAX, !o->emergency) ||
	    !check_text("reason", o->reason, CG_TEXT_MAX, o->emergency) ||
	    (o->jti != NULL && !check_id("jti", o->jti, CG_JTI_MAX)))
		return false;
	/* Four eyes hold for break-glass too: such a token simply names no approver. */
	if (o->approved_by != NULL && !check_four_eyes(o->sub, o->approved_by))
		return false;
	if (!cli_parse_scopes(o->scope_text, &o->scopes)) {
		cli_error(CMD, "--scope: login, sudo or login,sudo");
		return false;
	}
	if (!cg_parse_duration(o->ttl_text, &o->ttl) || o->ttl <= 0) {
		cli_error(CMD, "--ttl: a positive number of seconds, or with s, m or h (at most 30 "
			  "days)");
		return false;
	}
	/* Not an error: a host may configure a longer max_lifetime (--config says for sure). */
	if (o->ttl > ISSUE_DEFAULT_MAX_LIFETIME && o->policy == NULL)
		cli_error(CMD, "warning: --ttl is longer than the default max_lifetime (4h); hosts "
			  "that keep the default will refuse this token");
	if ((o->cmds.count > 0 || o->runas.count > 0 || o->runas_groups.count > 0) &&
	    !(o->scopes & CG_SCOPE_SUDO)) {
		cli_error(CMD, "--cmd, --runas and --runas-group only mean something with --scope "
			  "sudo");
		return false;
	}
	return check_cmds(o) && check_ssh(o);
}

/* --config: the host's own rules on the signed token, before anyone sees it. 0, or the exit
 * status with the reason printed. */
static int check_policy(const struct cli_issue *o, const char *token, long long now)
{
	struct cg_config cfg;
	char err[CG_DETAIL_MAX + 256];

	if (cli_load_config(&cfg, o->policy, err, sizeof(err)) != 0) {
		cli_error(CMD, "--config: %s", err);
		return CLI_EXIT_USAGE;
	}
	/* a token for a later window is judged as the host will judge it: when it opens */
	cg_reason r = cg_token_check_policy(&cfg, token, strlen(token),
					    (time_t)(o->have_nbf ? o->nbf : now), err, sizeof(err));
	if (r != CG_OK)
		cli_error(CMD, "a host with %s would refuse this token (%s): %s; nothing printed",
			  o->policy, cg_reason_code(r), err);
	cg_config_free(&cfg);
	return r == CG_OK ? 0 : CLI_EXIT_USAGE;
}

static int issue(struct cli_issue *o)
{
	char jti_buf[CG_JTI_MAX + 1];
	const char *jti = o->jti;
	long long now = (long long)time(NULL);
	if (jti == NULL) {
		if (!cli_random_jti(jti_buf, sizeof(jti_buf))) {
			cli_error(CMD, "getrandom failed");
			return CLI_EXIT_FAIL;
		}
		jti = jti_buf;
	}
	char *payload = cli_issue_payload(o, jti, now);
	if (payload == NULL) {
		cli_error(CMD, "cannot build the claims");
		return CLI_EXIT_USAGE;
	}
	char *token = cli_sign_token(CMD, o->key, o->alg, o->kid, payload);
	free(payload);
	if (token == NULL)
		return CLI_EXIT_FAIL;
	/* every host refuses a longer one (too_large) before reading it: never print it */
	size_t len = strlen(token);
	if (len > CG_TOKEN_MAX) {
		cli_error(CMD, "the token would be %zu bytes, over the %d that hosts accept "
			  "(they refuse it with too_large): name fewer or shorter --cmd and "
			  "--hosts entries, or split the change into several tickets", len,
			  CG_TOKEN_MAX);
		cg_wipe_free_str(token);
		return CLI_EXIT_USAGE;
	}
	int rc = o->policy != NULL ? check_policy(o, token, now) : CLI_EXIT_OK;
	/* the host's rules first: no certificate is written for a token a host would refuse */
	long long nbf = o->have_nbf ? o->nbf : now;
	if (rc == CLI_EXIT_OK && o->ssh_ca != NULL &&
	    cli_ssh_certify(o, token, jti, nbf, nbf + o->ttl) != 0)
		rc = CLI_EXIT_FAIL;
	if (rc == CLI_EXIT_OK && (printf("%s\n", token) < 0 || fflush(stdout) != 0))
		rc = CLI_EXIT_FAIL;
	cg_wipe_free_str(token);
	return rc;
}

/* Returns -1 to go on, else the exit status. */
static int parse_option(int c, struct cli_issue *o)
{
	switch (c) {
	case 'k': o->key = optarg; break;
	case 'K': o->kid = optarg; break;
	case 'a': o->alg = optarg; break;
	case 'i': o->iss = optarg; break;
	case 's': o->sub = optarg; break;
	case 't': o->ticket = optarg; break;
	case 'b': o->approved_by = optarg; break;
	case 'r': o->reason = optarg; break;
	case 'j': o->jti = optarg; break;
	case 'S': o->scope_text = optarg; break;
	case 'T': o->ttl_text = optarg; break;
	case 'e': o->emergency = true; break;
	case 'C': o->policy = optarg; break;
	case OPT_ALL_COMMANDS: o->all_commands = true; break;
	case OPT_SSH_PUBKEY: o->ssh_pubkey = optarg; break;
	case OPT_SSH_CA: o->ssh_ca = optarg; break;
	case OPT_SSH_CERT: o->ssh_cert = optarg; break;
	case 'A':
		return add_item(&o->aud, "aud", optarg, CG_CLAIM_MAX) ? -1 : CLI_EXIT_USAGE;
	case 'H':
		return add_item(&o->hosts, "hosts", optarg, CG_CLAIM_MAX) ? -1 : CLI_EXIT_USAGE;
	case 'c':
		return add_item(&o->cmds, "cmd", optarg, CG_CMD_MAX) ? -1 : CLI_EXIT_USAGE;
	case 'u':
		return add_item(&o->runas, "runas", optarg, CG_CLAIM_MAX) ? -1 : CLI_EXIT_USAGE;
	case 'g':
		return add_item(&o->runas_groups, "runas-group", optarg, CG_CLAIM_MAX) ? -1 :
		       CLI_EXIT_USAGE;
	case 'n':
		if (!cli_parse_epoch(optarg, &o->nbf)) {
			cli_error(CMD, "--nbf: seconds since 1970, a whole number");
			return CLI_EXIT_USAGE;
		}
		o->have_nbf = true;
		break;
	case 'h':
		usage();
		return CLI_EXIT_OK;
	default:
		return cli_usage_error(CMD);
	}
	return -1;
}

int cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "kid", required_argument, NULL, 'K' },
		{ "alg", required_argument, NULL, 'a' },
		{ "iss", required_argument, NULL, 'i' },
		{ "aud", required_argument, NULL, 'A' },
		{ "sub", required_argument, NULL, 's' },
		{ "ticket", required_argument, NULL, 't' },
		{ "approved-by", required_argument, NULL, 'b' },
		{ "scope", required_argument, NULL, 'S' },
		{ "ttl", required_argument, NULL, 'T' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "all-commands", no_argument, NULL, OPT_ALL_COMMANDS },
		{ "runas", required_argument, NULL, 'u' },
		{ "runas-group", required_argument, NULL, 'g' },
		{ "reason", required_argument, NULL, 'r' },
		{ "emergency", no_argument, NULL, 'e' },
		{ "jti", required_argument, NULL, 'j' },
		{ "nbf", required_argument, NULL, 'n' },
		{ "ssh-pubkey", required_argument, NULL, OPT_SSH_PUBKEY },
		{ "ssh-ca", required_argument, NULL, OPT_SSH_CA },
		{ "ssh-cert", required_argument, NULL, OPT_SSH_CERT },
		{ "config", required_argument, NULL, 'C' },
		{ "policy", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_issue o = { 0 };
	int c, rc = -1;
	while (rc < 0 && (c = getopt_long(argc, argv, "k:K:a:i:A:s:t:b:S:T:H:c:u:g:r:ej:n:C:h", opts,
					  NULL)) != -1)
		rc = parse_option(c, &o);
	if (rc < 0 && optind != argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		rc = cli_usage_error(CMD);
	}
	if (rc < 0 && !check_opts(&o))
		rc = cli_usage_error(CMD);
	if (rc < 0)
		rc = issue(&o);
	opts_free(&o);
	return rc;
}
