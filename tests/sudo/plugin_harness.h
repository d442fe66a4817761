/*
 * What the tests of changegate_sudo.so share: a private tree with a config and an ES256 key
 * made now, what the user would see (sudo's printf, captured), the arrays sudo hands a
 * plugin, and one approval call from open to close.
 */
#ifndef CGS_PLUGIN_HARNESS_H
#define CGS_PLUGIN_HARNESS_H

#include <stddef.h>

#include <sudo_plugin.h>

#include "testlib.h"

#define GATED "nobody"           /* a real account, so the file test can become it */
#define GATED_UID "65534"

extern struct cg_test_env sudo_env;
extern EVP_PKEY *sudo_key;
extern char sudo_config_opt[400];  /* "config=" the tree's config */

/* The tree, its default config and key issuer-1; 0 or -1 (said on stderr). */
int sudo_fixture_init(void);
void sudo_fixture_cleanup(void);

/* What the user saw since seen_clear(). */
extern char seen[32768];
extern size_t seen_len;
int seen_printf(int msg_type, const char *fmt, ...);
void seen_clear(void);

extern char *settings_n[];      /* sudo -n */
extern char *user_gated[], *user_gated_tmp[], *user_root[], *user_daemon[];
extern char *info_id[], *argv_id[];

/* A token for user from issuer-1 with these cmds and runas (JSON, NULL: none), living ttl
 * seconds (negative: expired). Free it. */
char *sudo_mint(const char *user, const char *cmds_json, const char *runas_json, long ttl);

/* approval_plugin open, check, close; open's -1 comes back as -100. The check's *errstr
 * (what sudo logs with a refusal) is copied to sudo_errstr ("" when none). */
extern char sudo_errstr[256];
int sudo_approval_call(struct approval_plugin *appr, sudo_conv_t conv, char *options[],
		       char *settings[], char *user_info[], int optind, char *submit_argv[],
		       char *user_env[], char *info[], char *run_argv[], char *run_envp[]);

#endif
