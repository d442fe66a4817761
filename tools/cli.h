/*
 * The `changegate` command line: one entry point per subcommand, and the few helpers they
 * share. Private to tools/; the core's contract stays in shared/changegate.h.
 */
#ifndef CG_CLI_H
#define CG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "changegate.h"

/* Exit statuses shared by every subcommand. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1,      /* deny, problems found, not decodable */
	CLI_EXIT_USAGE = 2,     /* bad options, or a config we cannot use */
};

/* Each subcommand gets argv with argv[0] set to "changegate <name>". */
int cmd_keygen(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_revocations(int argc, char **argv);
/* `changegate revocations sign` (revocations_sign.c) and `show` (revocations_show.c). */
int cli_revocations_sign(int argc, char **argv);
int cli_revocations_show(int argc, char **argv);
int cmd_reaper(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_end_session(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* ---- cli_io.c ------------------------------------------------------------------------- */

/* The most a token reader accepts from stdin: the cap, plus the "\r\n" we forgive. */
#define CLI_STDIN_MAX (CG_TOKEN_MAX + 2)

/* The size of a buffer from cli_read_token, to pass to cg_wipe_free. */
#define CLI_TOKEN_BUF (CLI_STDIN_MAX + 2)
/* Reads the token from stdin: at most CLI_STDIN_MAX bytes, then removes exactly one trailing
 * "\n" or "\r\n" and nothing else. *buf is malloc'd and NUL-terminated; release it with
 * cg_wipe_free(*buf, CLI_TOKEN_BUF). Returns 0, 1 when stdin held more than CLI_STDIN_MAX
 * bytes (*buf NULL), or -1 on a read error (message printed). */
int cli_read_token(char **buf, size_t *len);

/* Reads all of fd (a list, not a secret), at most max bytes: 0 with a malloc'd,
 * NUL-terminated *buf (free it), 1 when fd held more than max, -1 on a read error (message
 * printed). */
int cli_read_all(int fd, size_t max, char **buf, size_t *len);

/* Writes s to f with every byte outside printable ASCII, and the backslash, as \xNN: claims
 * are untrusted and must not drive the terminal. NULL prints "-". */
void cli_put_safe(FILE *f, const char *s);
/* The same for pretty-printed JSON text: newlines and backslashes pass, since JSON's own
 * escapes already stand for every control character. */
void cli_put_safe_json(FILE *f, const char *s);
/* The same escaping into a malloc'd string (NULL on allocation failure). */
char *cli_escape(const char *s);
/* "2026-11-26 04:55:00 UTC" into buf; "-" for 0. */
void cli_format_time(long long t, char *buf, size_t buflen);
/* "in 2 hours" / "5 minutes ago": t relative to now, in one unit. */
void cli_format_relative(long long t, time_t now, char *buf, size_t buflen);

/* ---- cli_args.c ----------------------------------------------------------------------- */

/* A whole decimal number of seconds since the epoch, 0 .. 2^53; false on anything else. */
bool cli_parse_epoch(const char *s, long long *out);
/* kid as the verifier wants it: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ */
bool cli_valid_kid(const char *s);
/* 1..max bytes, no control characters (UTF-8 is fine), spaces only when allowed: the
 * verifier's rule for names (no space) and for free text (reason, cmds). */
bool cli_valid_text(const char *s, size_t max, bool allow_space);
/* "login", "sudo", "login,sudo": the cg_scope bit set; false on unknown or repeated names. */
bool cli_parse_scopes(const char *s, unsigned *out);
/* Prints "changegate <cmd>: " and the message to stderr. */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usual "unknown option; see --help" ending of a bad command line: returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd);

/* ---- cli_config.c --------------------------------------------------------------------- */

/* cg_config_init + cg_config_load of path (NULL: the compiled-in default). 0, or -1 with
 * err set ("path:line: message"). On -1 cfg has been freed. */
int cli_load_config(struct cg_config *cfg, const char *path, char *err, size_t errlen);

/* ---- keys: key_describe.c ------------------------------------------------------------- */

/* What a key is, for people and for choosing the JOSE alg. */
struct cli_key_info {
	bool is_rsa;
	bool is_ec;
	int bits;
	char curve[32];         /* "P-256", "P-384", "P-521", else OpenSSL's group name */
	const char *ec_alg;     /* "ES256" .. "ES512" for the three curves we use, else NULL */
};

/* Fills info from a key (public or private). 0, or -1 for a key type we never use. */
int cli_key_describe(const EVP_PKEY *key, struct cli_key_info *info);

/* ---- issue_claims.c ------------------------------------------------------------------ */

/* What `changegate issue` was asked to mint, once its options have been checked. */
struct cli_issue {
	const char *key, *kid, *alg, *iss, *sub, *ticket, *approved_by, *reason, *jti;
	const char *ttl_text, *scope_text;
	const char *policy;     /* --config: a host's changegate.conf to hold the token to */
	struct cg_strlist aud, hosts, cmds, runas, runas_groups;
	bool emergency, have_nbf;
	bool all_commands;          /* --all-commands: cmds ["*"], every command */
	const char *ssh_pubkey;     /* --ssh-pubkey: bind to this key (cnf.ssh_fp) */
	const char *ssh_ca, *ssh_cert; /* --ssh-ca, --ssh-cert: certify it, carrying the token */
	char ssh_fp[CG_SSH_FP_LEN + 1];
	long long nbf;
	long ttl;
	unsigned scopes;
};

/* 128 bits from the kernel's CSPRNG as hex into out (at least 33 bytes); false on failure. */
bool cli_random_jti(char *out, size_t outlen);
/* The payload JSON text (malloc'd) for o with this jti, iat = nbf = o->nbf or now; NULL with
 * the reason printed. */
char *cli_issue_payload(const struct cli_issue *o, const char *jti, long long now);

/* ---- issue_ssh.c --------------------------------------------------------------------- */
/* The fingerprint (as ssh-keygen -l prints it) of the OpenSSH public key file at path; 0,
 * or -1 with the reason printed (a certificate is refused: the key is wanted). */
int cli_ssh_pubkey_fp(const char *cmd, const char *path, char fp[CG_SSH_FP_LEN + 1]);
/* Writes o->ssh_cert: a user certificate for o->ssh_pubkey signed by o->ssh_ca through
 * `ssh-keygen -s`, principal sub, valid nbf..exp, key id naming sub, ticket and jti, with the
 * token in the changegate-token@changegate extension. 0, or -1 with the reason printed. */
int cli_ssh_certify(const struct cli_issue *o, const char *token, const char *jti,
		    long long nbf, long long exp);

/* ---- issue_sign.c -------------------------------------------------------------------- */

/* Signs payload_json as a compact JWS with header {alg, typ: "JWT", kid}, the alg taken from
 * the private key at key_path (EC: its curve; RSA: want_alg, default RS256). The key file must
 * be a regular file that group and others cannot read, at most CG_KEY_FILE_MAX bytes; its
 * bytes are wiped after use. Returns the malloc'd token (free with cg_wipe_free_str), or NULL
 * with the reason printed as cmd's ("issue", "revocations"). `revocations sign` signs its
 * lists here too, at any size (OpenSSL, not libjwt's encoder). */
char *cli_sign_token(const char *cmd, const char *key_path, const char *want_alg,
		     const char *kid, const char *payload_json);

/* ---- verify_output.c ------------------------------------------------------------------ */

/* Prints the decision for people: "allow" or "deny: <code>", a plain-words line, then what
 * the token claims (ticket, jti, sub, approver, expiry), each value escaped. */
void cli_print_decision_text(const struct cg_decision *d, time_t now);
/* Prints one JSON object: decision, reason, detail, verified, ticket, jti, sub, approver,
 * expires (null when unknown), emergency, unrestricted (the command was judged under a "*"
 * cmds entry), gated (whether the user must present a token at all). 0, or -1 when it could
 * not be built. */
int cli_print_decision_json(const struct cg_decision *d, bool gated);
/* A claim as a JSON string: null when empty, escaped (cli_escape) when not UTF-8. */
json_t *cli_json_claim(const char *s);

/* ---- check-config: check_report.c, check_keys.c, check_files.c ----------------------- */

/* The rollout stages of deployment.md: keys and configuration (section 1), the wiring with
 * audit_only everywhere (section 7), enforcement. CLI_STAGE_ANY: no stage asked for. */
enum cli_stage { CLI_STAGE_ANY = 0, CLI_STAGE_KEYS, CLI_STAGE_AUDIT, CLI_STAGE_ENFORCE };

/* One run of `changegate check-config`: what was loaded, and how many problems were found. */
struct cli_check {
	const struct cg_config *cfg;
	const struct cli_wiring *wiring;        /* NULL: the host's wiring is not checked */
	unsigned problems;
	bool quiet;                             /* count problems, print nothing */
	enum cli_stage stage;
};

/* The host files that decide whether sudo and sshd call changegate at all. */
struct cli_wiring {
	const char *sudo_conf;          /* /etc/sudo.conf */
	const char *pam_dir;            /* /etc/pam.d (its sshd file is checked) */
	const char *sshd_config;        /* /etc/ssh/sshd_config, with its Include'd files */
	const char *sudoers;            /* /etc/sudoers, with what it includes; NULL unchecked */
};

/* "problem: ..." on stdout, counted. */
void cli_problem(struct cli_check *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An informational line ("key issuer-1: EC P-256 ..."), not counted. */
void cli_note(struct cli_check *ck, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Once sudo.conf loads the plugin: a warning when no sudoers Defaults line sets runcwd
 * (check_runcwd.c). */
void cli_check_sudoers_runcwd(struct cli_check *ck);

/* A problem about path that the core reported as err with errno e: for a missing file
 * "WHAT PATH does not exist: CONSEQUENCE; create it: CREATE_CMD PATH (NOTE)", for one a
 * non-root user cannot read a hint to run as root, else WHAT and err. */
void cli_problem_file(struct cli_check *ck, const char *what, const char *path, int e,
		      const char *err, const char *consequence, const char *create_cmd,
		      const char *note);

/* keys_dir: trusted, every *.pem a public key a token can name, usable with the configured
 * algorithms; emergency_keys present. */
void cli_check_keys(struct cli_check *ck);
/* revocation_file, state_dir and the audit log's directory: present and trusted. */
void cli_check_revocation(struct cli_check *ck);
void cli_check_state_dir(struct cli_check *ck);
/* revocation_list (check_revlist.c): missing, badly signed, rolled back, stale, near stale. */
void cli_check_revocation_list(struct cli_check *ck);
void cli_check_audit_log(struct cli_check *ck);
/* Whether a `changegate reaper` runs: a problem when require_reaper says one must. */
void cli_check_reaper(struct cli_check *ck);

/* ---- check-config: check_wiring.c ------------------------------------------------------ */

/* sudo.conf trusted and loading changegate_sudo.so, a trusted plugin file. */
void cli_check_sudo_conf(struct cli_check *ck);
/* pam_dir/sshd calls pam_changegate.so in auth, account, and session after pam_loginuid.
 * Returns whether an auth line calls it. */
bool cli_check_pam_sshd(struct cli_check *ck);
/* UsePAM yes, and keyboard-interactive offered (AuthenticationMethods or KbdInteractive).
 * Without pam_auth (no auth line calls the module), warns about a Match block whose
 * AuthenticationMethods require keyboard-interactive: a lockout on key-only hosts. */
void cli_check_sshd_config(struct cli_check *ck, bool pam_auth);
/* All three, when ck->wiring is set. */
void cli_check_wiring(struct cli_check *ck);
/* The gate lists the first pam_changegate line of pam_dir/sshd passes (@include and include
 * followed as above), or that sudo.conf's changegate_sudo.so Plugin line passes: 1 found,
 * 0 no such line (out empty), -1 unreadable (the wiring checks say why), -2 a bad list. */
int cli_wiring_pam_lists(const char *pam_dir, struct cg_gate_lists *out);
/* Where audit_only is set: on how many of pam_dir/sshd's pam_changegate lines (of how many),
 * and on sudo.conf's changegate_sudo.so Plugin line. 0, or -1 when a file was unreadable
 * (the wiring checks say why). */
struct cli_audit_only {
	unsigned pam_lines, pam_audit_only;
	bool sudo_line, sudo_audit_only;
};
int cli_wiring_audit_only(const struct cli_wiring *w, struct cli_audit_only *out);

/* sshd's AuthenticationMethods as sshd_config (and its Include'd files) sets them: the
 * first value outside any Match block, and each Match block in order with its criteria and
 * its first value. Match criteria of more than CLI_SSHD_CRIT_MAX words are not kept. */
#define CLI_SSHD_BLOCKS_MAX 64
#define CLI_SSHD_CRIT_MAX 8
#define CLI_SSHD_METHODS_MAX 256
struct cli_sshd_block {
	char where[224];                        /* "file:line" of the Match line */
	char crit[CLI_SSHD_CRIT_MAX][128];      /* "Group", "developers,ops", ... */
	size_t ncrit;                           /* > CLI_SSHD_CRIT_MAX: too many to judge */
	bool have_methods, require_kbd;
	char methods[CLI_SSHD_METHODS_MAX];
};
struct cli_sshd_auth {
	bool have_global, global_require_kbd, global_offers_kbd;
	char global[CLI_SSHD_METHODS_MAX];
	struct cli_sshd_block blocks[CLI_SSHD_BLOCKS_MAX];
	size_t nblocks;
	bool truncated;                         /* more Match blocks than we keep */
};
/* 0, or -1 when a file could not be read (the wiring checks say why). */
int cli_wiring_sshd_auth(const char *sshd_config, struct cli_sshd_auth *out);

/* ---- who sshd asks for keyboard-interactive: check_sshd_users.c ------------------------ */

/* Cross-checks sshd's Match blocks against who is gated at ssh: an exempt user whom sshd
 * still asks for keyboard-interactive gets PAM's password prompt (a warning), a gated user
 * whom it never asks is refused at the account step (a warning). Group members are those the
 * group file lists. Not in the audit stage, where sshd is left as it was. */
void cli_check_sshd_users(struct cli_check *ck);

/* ---- the rollout stage: check_stage.c ------------------------------------------------- */

/* "keys", "audit", "enforce": false on anything else. */
bool cli_parse_stage(const char *s, enum cli_stage *out);
/* After the other checks: audit_only wherever it is set (a warning line), a problem where
 * it contradicts ck->stage, and a closing "stage:" line saying where the host is and what
 * the next stage needs. config_problems: those found before the wiring was checked. */
void cli_check_stage(struct cli_check *ck, unsigned config_problems);
/* Without --stage: CLI_STAGE_AUDIT when every wired line carries audit_only (sshd is then
 * rightly left without the ticket prompt), else CLI_STAGE_ANY. */
enum cli_stage cli_infer_stage(const struct cli_wiring *w);
int cli_wiring_sudo_lists(const char *sudo_conf, struct cg_gate_lists *out);

/* ---- who is gated, per front: gate_fronts.c -------------------------------------------- */

/* check-config: for each front (ssh: the pam.d/sshd line's lists, sudo: sudo.conf's, each
 * added to the config's), the effective lists, or with user whether user is gated and why;
 * a problem for each enforce name the name service does not know, a warning line for each
 * such exempt name. Without wiring, the config's lists alone. */
void cli_check_gate(struct cli_check *ck, const char *user);
/* verify --user: the same per-front answer lines for user. */
void cli_print_gate_fronts(const struct cg_config *cfg, const struct cli_wiring *wiring,
			   const char *user);
/* Whether the front (sudo, else ssh) would ask user for a token: "cannot judge" says yes,
 * since it refuses. */
bool cli_gate_front_says_gated(const struct cg_config *cfg, const struct cli_wiring *wiring,
			       const char *user, bool sudo);

#endif /* CG_CLI_H */
