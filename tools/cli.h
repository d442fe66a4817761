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

/* ---- cli_io.c ------------------------------------------------------------------------- */

/* The most a token reader accepts from stdin: the cap, plus the "\r\n" we forgive. */
#define CLI_STDIN_MAX (CG_TOKEN_MAX + 2)

/* Reads the token from stdin: at most CLI_STDIN_MAX bytes, then removes exactly one trailing
 * "\n" or "\r\n" and nothing else. *buf is malloc'd (wipe it with cg_wipe_free(*buf, cap)
 * where cap is CLI_STDIN_MAX + 2). Returns 0, 1 when stdin held more than CLI_STDIN_MAX
 * bytes (*buf NULL), or -1 on a read error (message printed). */
int cli_read_token(char **buf, size_t *len);
/* The size to pass to cg_wipe_free for a buffer from cli_read_token. */
#define CLI_TOKEN_BUF (CLI_STDIN_MAX + 2)

/* Writes s to f with every byte outside printable ASCII as \xNN: claims are untrusted and
 * must not drive the terminal. NULL prints "-". */
void cli_put_safe(FILE *f, const char *s);
/* "2026-11-26 04:55:00 UTC" into buf; "-" for 0. */
void cli_format_time(long long t, char *buf, size_t buflen);
/* "in 2 hours 3 minutes" / "5 minutes ago" relative to now. */
void cli_format_relative(long long t, time_t now, char *buf, size_t buflen);

/* ---- cli_args.c ----------------------------------------------------------------------- */

/* A whole decimal number of seconds since the epoch, 0 .. 2^53; false on anything else. */
bool cli_parse_epoch(const char *s, long long *out);
/* kid as the verifier wants it: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ */
bool cli_valid_kid(const char *s);
/* 1..max bytes, every byte printable ASCII or UTF-8 (no control characters). */
bool cli_valid_text(const char *s, size_t max);
/* jti: 1..CG_JTI_MAX printable ASCII, no space. */
bool cli_valid_jti(const char *s);
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
	char curve[32];         /* OpenSSL group name, e.g. "prime256v1" */
	const char *ec_alg;     /* "ES256" .. "ES512" for the three curves we use, else NULL */
};

/* Fills info from a key (public or private). 0, or -1 for a key type we never use. */
int cli_key_describe(const EVP_PKEY *key, struct cli_key_info *info);

#endif /* CG_CLI_H */
