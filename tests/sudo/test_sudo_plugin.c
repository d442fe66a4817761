/*
 * changegate_sudo.so driven through its two exported structs, as sudo would: fake
 * settings, user_info and command_info, a scripted conversation, a printf that captures
 * what the user would see, and a fake delegate policy (fake_delegate.so) under
 * changegate_policy. Keys, config and tokens are made now in a private temp tree.
 */
#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <sudo_plugin.h>

#include "fake_delegate.h"
#include "plugin_harness.h"

static void *plugin;
static struct approval_plugin *appr;
static struct policy_plugin *pol;
static struct fake_delegate_state *fake;
static char delegate_opt[400], broken_opt[400];

/* ---- what the user would see ------------------------------------------------------------ */

static const char *conv_reply;    /* NULL: the user just presses return */
static int conv_calls, conv_type;

static int fake_conv(int num_msgs, const struct sudo_conv_message msgs[],
		     struct sudo_conv_reply replies[], struct sudo_conv_callback *callback)
{
	(void)callback;
	conv_calls++;
	for (int i = 0; i < num_msgs; i++) {
		conv_type = msgs[i].msg_type;
		replies[i].reply = conv_reply != NULL ? strdup(conv_reply) : NULL;
	}
	return 0;
}

static void reset(void)
{
	if (getenv("CG_TEST_VERBOSE") != NULL && seen_len > 0)
		fprintf(stderr, "--- user saw:\n%s", seen);
	seen_clear();
	conv_reply = NULL;
	conv_calls = 0;
	conv_type = 0;
}

/* ---- tokens ----------------------------------------------------------------------------- */

static char env_var[CG_TOKEN_MAX + 64];

static char *token_env(const char *token)
{
	snprintf(env_var, sizeof(env_var), "CHANGEGATE_TOKEN=%s", token);
	return env_var;
}

/* ---- sudo's arrays ---------------------------------------------------------------------- */

static char *settings_int[] = { "progname=sudo", NULL };
static char *no_env[] = { "PATH=/usr/bin", NULL };
static char *info_systemctl[] = { "command=/usr/bin/systemctl", "runas_uid=0",
				  "runas_user=root", NULL };
static char *argv_systemctl[] = { "systemctl", "restart", "postgresql", NULL };
static char *info_pg[] = { "command=/usr/bin/id", "runas_uid=104", "runas_user=postgres", NULL };

static int approval_run(char *options[], char *settings[], char *user_info[], char *envp[],
			char *info[], char *argv[])
{
	return sudo_approval_call(appr, fake_conv, options, settings, user_info, 0, argv, envp,
				  info, argv, envp);
}

/* ---- the tests -------------------------------------------------------------------------- */

static void test_exports(void)
{
	CU_ASSERT_PTR_NOT_NULL(dlsym(plugin, "changegate_approval"));
	CU_ASSERT_PTR_NOT_NULL(dlsym(plugin, "changegate_policy"));
	CU_ASSERT_PTR_NULL(dlsym(plugin, "cgs_gate_check"));
	CU_ASSERT_PTR_NULL(dlsym(plugin, "cgs_kv_get"));
	CU_ASSERT_PTR_NULL(dlsym(plugin, "cg_verify_token"));
	CU_ASSERT_PTR_NULL(dlsym(plugin, "cg_config_load"));
	CU_ASSERT_EQUAL(appr->type, SUDO_APPROVAL_PLUGIN);
	CU_ASSERT_EQUAL(pol->type, SUDO_POLICY_PLUGIN);
}

static void test_open_errors(void)
{
	char *rel[] = { "config=etc/changegate.conf", NULL };
	const char *errstr = NULL;

	/* never 0: that would make sudo drop the plugin and run the command */
	reset();
	CU_ASSERT_EQUAL(appr->open(SUDO_API_MKVERSION(2, 0), fake_conv, seen_printf, settings_int,
				   user_gated, 0, argv_id, no_env, NULL, &errstr), -1);
	CU_ASSERT_EQUAL(appr->open(SUDO_API_VERSION, fake_conv, seen_printf, settings_int,
				   settings_int, 0, argv_id, no_env, NULL, &errstr), -1);
	/* a relative config= is an option error: gated users denied */
	CU_ASSERT_EQUAL(approval_run(rel, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
}

/* Issue 17: what sudo logs with a refusal says the decision's real reason: it said "no
 * approved change ticket covers this command" for a broken config too. */
static void test_errstr_reason(void)
{
	char *rel[] = { "config=etc/changegate.conf", NULL };
	char *opts[] = { sudo_config_opt, NULL };
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *old = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, -3600);
	char *envp[] = { token_env(tok), NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(rel, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_STRING_EQUAL(sudo_errstr, "changegate: changegate's configuration on this "
			       "host is unusable (config_error)");
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_systemctl,
				     argv_systemctl), 0);
	CU_ASSERT_STRING_EQUAL(sudo_errstr, "changegate: the token does not cover this command "
			       "(command_denied)");
	envp[0] = token_env(old);
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(sudo_errstr, "(expired)"));
	free(tok);
	free(old);
}

/* A typo in sudo.conf denies gated users only: root and exempt users keep sudo (finding 4). */
static void test_option_typo(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *envp[] = { token_env(tok), NULL };
	char *bad[] = { sudo_config_opt, "audit-only", "exempt_users=daemon", NULL };
	char *deleg[] = { sudo_config_opt, delegate_opt, NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(bad, settings_n, user_daemon, no_env, info_id, argv_id), 1);
	CU_ASSERT_STRING_EQUAL(seen, "");
	/* root, who can fix it, is told */
	CU_ASSERT_EQUAL(approval_run(bad, settings_n, user_root, no_env, info_id, argv_id), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "unknown plugin option audit-only"));
	/* even a valid token does not help the gated user while the options are wrong */
	CU_ASSERT_EQUAL(approval_run(bad, settings_n, user_gated, envp, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	/* delegate= means nothing to the approval plugin: an option error too */
	reset();
	CU_ASSERT_EQUAL(approval_run(deleg, settings_n, user_root, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(deleg, settings_n, user_gated, envp, info_id, argv_id), 0);
	free(tok);
}

static void test_env_token_allows(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *envp[] = { "PATH=/usr/bin", token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(conv_calls, 0);
	CU_ASSERT_PTR_NULL(strstr(seen, tok));
	CU_ASSERT_STRING_EQUAL(seen, "");
	/* debug names the source and the result, never the token */
	{
		char *dbg[] = { sudo_config_opt, "debug", NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(dbg, settings_int, user_gated, envp, info_id, argv_id), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "debug: token from CHANGEGATE_TOKEN: ok"));
		CU_ASSERT_PTR_NULL(strstr(seen, tok));
	}
	free(tok);
}

static void test_uncovered_named(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_systemctl,
				     argv_systemctl), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "CHG0012345"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "/usr/bin/systemctl restart postgresql"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "command_denied"));
	CU_ASSERT_PTR_NULL(strstr(seen, tok));
	free(tok);
}

static void test_denials(void)
{
	char *opts[] = { sudo_config_opt, NULL };
	char *tok;

	/* absent runas means root only */
	tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	{
		char *envp[] = { token_env(tok), NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_pg, argv_id), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "runas_denied"));
	}
	free(tok);
	tok = sudo_mint(GATED, NULL, NULL, -600);
	{
		char *envp[] = { token_env(tok), NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_id, argv_id), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "expired"));
	}
	free(tok);
	tok = sudo_mint("someoneelse", NULL, NULL, 3600);
	{
		char *envp[] = { token_env(tok), NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_id, argv_id), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "wrong_user"));
	}
	free(tok);
	/* sudo described the command in a way we cannot judge: denied */
	tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	{
		char *envp[] = { token_env(tok), NULL };
		char *info_nocmd[] = { "runas_uid=0", "runas_user=root", NULL };
		char *info_nouid[] = { "command=/usr/bin/id", NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_nocmd,
					     argv_id), 0);
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_nouid,
					     argv_id), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "no target user"));
		/* and the same token for what sudo would really run is fine */
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_id, argv_id), 1);
	}
	free(tok);
	/* a shell only when named */
	tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	{
		char *envp[] = { token_env(tok), NULL };
		char *info_sh[] = { "command=/bin/bash", "runas_uid=0", "runas_user=root", NULL };
		char *argv_sh[] = { "-bash", NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, envp, info_sh, argv_sh), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "command_denied"));
	}
	free(tok);
}

static void test_no_token(void)
{
	char *opts[] = { sudo_config_opt, NULL };

	/* sudo -n: nothing to offer, no prompt */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_EQUAL(conv_calls, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "no_token"));
	/* interactive, the user enters nothing */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_EQUAL(conv_calls, 1);
	CU_ASSERT_EQUAL(conv_type & 0xff, SUDO_CONV_PROMPT_ECHO_OFF);
}

static void test_prompt(void)
{
	char *opts[] = { sudo_config_opt, NULL };
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char big[1100];

	reset();
	conv_reply = tok;
	CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(conv_calls, 1);
	CU_ASSERT_EQUAL(conv_type, SUDO_CONV_PROMPT_ECHO_OFF);
	free(tok);

	/* what sudo hands back when a longer token was pasted: exactly 1023 bytes */
	memset(big, 'A', SUDO_CONV_REPL_MAX);
	big[SUDO_CONV_REPL_MAX] = '\0';
	reset();
	conv_reply = big;
	CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "1023"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "cut off"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "CHANGEGATE_TOKEN_FILE"));
}

static void test_not_gated(void)
{
	char *opts[] = { sudo_config_opt, NULL };
	char *broken[] = { broken_opt, NULL };
	char *broken_exempt[] = { broken_opt, "exempt_users=daemon", NULL };
	char *broken_group[] = { broken_opt, "exempt_groups=wheel,daemon", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_root, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(broken, settings_n, user_root, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(broken_exempt, settings_n, user_daemon, no_env, info_id,
				     argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(broken_group, settings_n, user_daemon, no_env, info_id,
				     argv_id), 1);
	CU_ASSERT_STRING_EQUAL(seen, "");
	/* a broken config denies the gated, and says so without the file's details */
	CU_ASSERT_EQUAL(approval_run(broken, settings_int, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_EQUAL(approval_run(broken_exempt, settings_n, user_gated, no_env, info_id,
				     argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	CU_ASSERT_EQUAL(conv_calls, 0);
}

static void test_exempt_by_config(void)
{
	struct cg_test_env env2;
	char opt[400];
	char *opts[] = { opt, NULL };

	CU_ASSERT_FATAL(cg_test_env_init(&env2) == 0);
	CU_ASSERT_FATAL(cg_test_write_config(&env2, "exempt_users = daemon\n") == 0);
	snprintf(opt, sizeof(opt), "config=%s", env2.config_path);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_daemon, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, no_env, info_id, argv_id), 0);
	cg_test_env_cleanup(&env2);
}

/* Issue 14 item 7: an enforce list naming a group the name service does not know refuses
 * everyone not exempt with config_error; the sudo.conf-exempt and root keep sudo. */
static void test_enforce_typo(void)
{
	struct cg_test_env env2;
	char opt[400];
	char *opts[] = { opt, "exempt_users=daemon", NULL };

	CU_ASSERT_FATAL(cg_test_env_init(&env2) == 0);
	CU_ASSERT_FATAL(cg_test_write_config(&env2, "enforce_groups = nogroup, "
					     "no-such-group-changegate\n") == 0);
	snprintf(opt, sizeof(opt), "config=%s", env2.config_path);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	CU_ASSERT_EQUAL(conv_calls, 0);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_daemon, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_root, no_env, info_id, argv_id), 1);
	CU_ASSERT_STRING_EQUAL(seen, "");
	cg_test_env_cleanup(&env2);
}

/* Enforce lists in sudo.conf add to the config's (empty here: everyone) as on the PAM line:
 * enforce_users=daemon gates daemon only. Before the config is read they let nobody through,
 * so a broken config still refuses nobody-the-ungated as well as daemon. An unknown name
 * there is config_error, as in the config. */
static void test_enforce_options(void)
{
	char *opts[] = { sudo_config_opt, "enforce_users=daemon", NULL };
	char *broken[] = { broken_opt, "enforce_users=daemon", NULL };
	char *typo[] = { sudo_config_opt, "enforce_groups=no-such-group-changegate",
			 "exempt_users=daemon", NULL };
	char *empty[] = { sudo_config_opt, "exempt_users=", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_daemon, no_env, info_id, argv_id), 0);
	reset();
	CU_ASSERT_EQUAL(approval_run(broken, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	reset();
	CU_ASSERT_EQUAL(approval_run(typo, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	CU_ASSERT_EQUAL(approval_run(typo, settings_n, user_daemon, no_env, info_id, argv_id), 1);
	/* a list option with no names is an error: gated users are refused */
	reset();
	CU_ASSERT_EQUAL(approval_run(empty, settings_n, user_gated, no_env, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
}

/* Issue 14 item 8, the shipped profile: the config exempts ssl-cert, sudo.conf adds
 * exempt_groups=daemon; postgres (in ssl-cert and in the enforced group postgres) is not
 * gated, as at SSH (tests/pam/test_gate_lists.c), and bin is. */
static void test_shipped_profile(void)
{
	struct cg_test_env env2;
	char opt[400];
	char *opts[] = { opt, "exempt_groups=daemon", NULL };
	char *user_pg[] = { "user=postgres", "uid=101", "gid=104", "groups=104,103", "cwd=/",
			    NULL };
	char *user_bin[] = { "user=bin", "uid=2", "gid=2", "groups=2", "cwd=/", NULL };

	CU_ASSERT_FATAL(cg_test_env_init(&env2) == 0);
	CU_ASSERT_FATAL(cg_test_write_config(&env2, "exempt_groups = ssl-cert\n"
					     "enforce_groups = postgres, bin\n") == 0);
	snprintf(opt, sizeof(opt), "config=%s", env2.config_path);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_pg, no_env, info_id, argv_id), 1);
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_bin, no_env, info_id, argv_id), 0);
	cg_test_env_cleanup(&env2);
}

static void test_audit_only(void)
{
	char *opts[] = { sudo_config_opt, "audit_only", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, no_env, info_id, argv_id), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "audit only"));
}

static int write_token_file(const char *path, const char *tok, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, tok, strlen(tok)) == (ssize_t)strlen(tok) && write(fd, "\n", 1) == 1;
	return close(fd) == 0 && ok && chmod(path, mode) == 0 ? 0 : -1;
}

static void test_token_file(void)
{
	char dir[] = "/tmp/cg-sudo-file-XXXXXX";
	char readable[128], secret[128], link[128], var1[160], var2[160], var3[160];
	char *opts[] = { sudo_config_opt, NULL };
	char *tok;

	/* becoming another user needs root; CI runs as root */
	if (geteuid() != 0) {
		fprintf(stderr, "(not root: CHANGEGATE_TOKEN_FILE cases not run) ");
		return;
	}
	tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL && chmod(dir, 0755) == 0);
	snprintf(readable, sizeof(readable), "%s/mine", dir);
	snprintf(secret, sizeof(secret), "%s/rootonly", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	CU_ASSERT_FATAL(write_token_file(readable, tok, 0644) == 0);
	CU_ASSERT_FATAL(write_token_file(secret, tok, 0600) == 0);
	CU_ASSERT_FATAL(symlink(readable, link) == 0);
	snprintf(var1, sizeof(var1), "CHANGEGATE_TOKEN_FILE=%s", readable);
	snprintf(var2, sizeof(var2), "CHANGEGATE_TOKEN_FILE=%s", secret);
	snprintf(var3, sizeof(var3), "CHANGEGATE_TOKEN_FILE=%s", link);
	{
		char *e1[] = { var1, NULL }, *e2[] = { var2, NULL }, *e3[] = { var3, NULL };
		char *e4[] = { "CHANGEGATE_TOKEN_FILE=/etc/shadow", NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, e1, info_id, argv_id), 1);
		/* root can read it, the user cannot: refused, and the prompt is not offered */
		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_int, user_gated, e2, info_id, argv_id), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "cannot be opened by you"));
		CU_ASSERT_EQUAL(conv_calls, 0);
		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, e3, info_id, argv_id), 0);
		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, e4, info_id, argv_id), 0);
		CU_ASSERT_PTR_NULL(strstr(seen, "root:"));
		CU_ASSERT_PTR_NULL(strstr(seen, tok));
	}
	unlink(link);
	unlink(readable);
	unlink(secret);
	rmdir(dir);
	free(tok);
}

/* ---- how the command would run (finding 1, 2, 3, 5) ----------------------------------------- */

static int approval_full(char *settings[], char *user_info[], char *user_env[], int optind,
			 char *submit_argv[], char *info[], char *argv[], char *run_envp[])
{
	char *opts[] = { sudo_config_opt, NULL };

	return sudo_approval_call(appr, fake_conv, opts, settings, user_info, optind, submit_argv,
				  user_env, info, argv, run_envp);
}

static void test_env_approval(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *uenv[] = { "PATH=/usr/bin", "LANG=C.UTF-8", "LD_PRELOAD=/tmp/x.so", token_env(tok),
			 NULL };
	char *sudoers_env[] = { "PATH=/usr/sbin:/usr/bin", "HOME=/root", "LANG=C.UTF-8",
				"SUDO_COMMAND=/usr/bin/id", "SUDO_USER=nobody", "TERM=unknown", NULL };
	char *preload[] = { "HOME=/root", "LD_PRELOAD=/tmp/x.so", NULL };
	char *changed[] = { "HOME=/root", "LANG=xx", NULL };
	char *plain[] = { "sudo", "/usr/bin/id", NULL };
	char *assign[] = { "sudo", "-n", "LD_PRELOAD=/tmp/x.so", "/usr/bin/id", NULL };
	char *keep[] = { "sudo", "--preserve-env=LD_PRELOAD", "/usr/bin/id", NULL };
	char *keep2[] = { "sudo", "--preserve-e=LD_PRELOAD", "/usr/bin/id", NULL };
	char *settings_e[] = { "progname=sudo", "noninteractive=true",
			       "preserve_environment=true", NULL };

	reset();
	/* what sudoers builds itself, and what it kept verbatim: allowed */
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, uenv, 1, plain, info_id, argv_id,
				      sudoers_env), 1);
	/* a variable the run environment gained from elsewhere (sudo VAR=value) */
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, no_env, 1, plain, info_id, argv_id,
				      preload), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "LD_PRELOAD"));
	/* a kept name with another value is not "kept" */
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, uenv, 1, plain, info_id, argv_id,
				      changed), 0);
	/* the assignment on the command line, even when sudoers left it out */
	reset();
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, uenv, 3, assign, info_id, argv_id,
				      sudoers_env), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "LD_PRELOAD on the sudo command line"));
	/* --preserve-env=LIST: the value equals the caller's, so only the argv tells */
	reset();
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, uenv, 2, keep, info_id, argv_id,
				      preload), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "--preserve-env"));
	CU_ASSERT_EQUAL(approval_full(settings_n, user_gated, uenv, 2, keep2, info_id, argv_id,
				      sudoers_env), 0);
	/* sudo -E */
	reset();
	CU_ASSERT_EQUAL(approval_full(settings_e, user_gated, uenv, 1, plain, info_id, argv_id,
				      sudoers_env), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "sudo -E"));
	/* root is not judged */
	CU_ASSERT_EQUAL(approval_full(settings_e, user_root, uenv, 3, assign, info_id, argv_id,
				      preload), 1);
	free(tok);
}

static void test_shell_mode(void)
{
	char *none = sudo_mint(GATED, NULL, NULL, 3600);
	char *named = sudo_mint(GATED, "[\"/usr/bin/perl\"]", NULL, 3600);
	char *all = sudo_mint(GATED, "[\"*\"]", NULL, 3600);
	char *e_none[] = { "SHELL=/usr/bin/perl", NULL }, *e_named[] = { NULL, NULL };
	char *e_all[] = { NULL, NULL };
	char *info_perl[] = { "command=/usr/bin/perl", "runas_uid=0", "runas_user=root", NULL };
	char *argv_perl[] = { "perl", NULL };
	char *set_s[] = { "progname=sudo", "noninteractive=true", "run_shell=true", NULL };
	char *set_i[] = { "progname=sudo", "noninteractive=true", "login_shell=true", NULL };
	char *opts[] = { sudo_config_opt, NULL };
	static char var_none[CG_TOKEN_MAX + 64], var_all[CG_TOKEN_MAX + 64];

	snprintf(var_none, sizeof(var_none), "CHANGEGATE_TOKEN=%s", none);
	e_none[0] = var_none;
	snprintf(var_all, sizeof(var_all), "CHANGEGATE_TOKEN=%s", all);
	e_all[0] = var_all;
	e_named[0] = token_env(named);
	reset();
	/* sudo -s with SHELL=/usr/bin/perl, a ticket without cmds: it names no command at all */
	CU_ASSERT_EQUAL(approval_run(opts, set_s, user_gated, e_none, info_perl, argv_perl), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "names no commands"));
	CU_ASSERT_EQUAL(approval_run(opts, set_i, user_gated, e_none, info_perl, argv_perl), 0);
	/* a "shell" no list of shells knows is just a command the ticket does not name */
	{
		char *info_awk[] = { "command=/usr/bin/awk", "runas_uid=0", "runas_user=root", NULL };
		char *argv_awk[] = { "awk", NULL };

		reset();
		CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, e_none, info_awk, argv_awk),
				0);
		CU_ASSERT_EQUAL(approval_run(opts, set_s, user_gated, e_named, info_awk, argv_awk), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "does not cover /usr/bin/awk"));
	}
	/* named in cmds: allowed */
	CU_ASSERT_EQUAL(approval_run(opts, set_s, user_gated, e_named, info_perl, argv_perl), 1);
	/* "*" says everything, sudo -s and -i included, and the user is told it is unrestricted */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, set_s, user_gated, e_all, info_perl, argv_perl), 1);
	CU_ASSERT_EQUAL(approval_run(opts, set_i, user_gated, e_all, info_perl, argv_perl), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "note: ticket CHG0012345, approved by approver, allows "
				      "any command (an unrestricted ticket"));
	/* an ordinary allow stays silent */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, set_s, user_gated, e_named, info_perl, argv_perl), 1);
	CU_ASSERT_EQUAL(seen_len, 0);
	free(none);
	free(named);
	free(all);
}

static void test_chroot_cwd(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 3600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, NULL };
	char *info_chroot[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root",
				"chroot=/tmp/jail", NULL };
	char *set_r[] = { "progname=sudo", "noninteractive=true", "cmnd_chroot=/tmp/jail", NULL };
	char *set_d[] = { "progname=sudo", "noninteractive=true", "cmnd_cwd=/root", NULL };
	char *set_d_same[] = { "progname=sudo", "noninteractive=true", "cmnd_cwd=/", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_chroot, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "chroot"));
	CU_ASSERT_EQUAL(approval_run(opts, set_r, user_gated, envp, info_id, argv_id), 0);
	CU_ASSERT_EQUAL(approval_run(opts, set_d, user_gated, envp, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "sudo -D"));
	/* the caller's own cwd (user_gated says /) changes nothing */
	CU_ASSERT_EQUAL(approval_run(opts, set_d_same, user_gated, envp, info_id, argv_id), 1);
	free(tok);
}

/* sudo -g and the groups sudoers hands on (runas_gid=, runas_groups=) are judged against
 * the target's own; relative words in cmds against the directory the command runs in
 * (command_info cwd=, else user_info cwd=). Issue 14, items 1 and 3. */
static void test_target_group_and_cwd(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\",\"/usr/bin/cat passwd\"]", NULL, 3600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, NULL };
	struct group gr, *disk = NULL;
	char grbuf[4096];
	char gid_disk[48], groups_disk[48], cwd_work[300], work[280], file[300];
	char *argv_cat[] = { "cat", "passwd", NULL };

	CU_ASSERT_EQUAL_FATAL(getgrnam_r("disk", &gr, grbuf, sizeof(grbuf), &disk), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(disk);
	snprintf(gid_disk, sizeof(gid_disk), "runas_gid=%u", (unsigned)disk->gr_gid);
	snprintf(groups_disk, sizeof(groups_disk), "runas_groups=0,%u", (unsigned)disk->gr_gid);
	char *info_g[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root", gid_disk,
			   "runas_groups=0", NULL };
	char *info_own[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root",
			     "runas_gid=0", "runas_groups=0", NULL };
	char *info_supp[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root",
			      "runas_gid=0", groups_disk, NULL };
	char *info_kept[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root",
			      "runas_gid=0", "preserve_groups=true", NULL };
	char *info_bad[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root",
			     "runas_gid=0", "runas_groups=0,x", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_g, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "does not allow running with group disk"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "runas_denied"));
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_supp, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "group disk"));
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_own, argv_id), 1);
	/* preserve_groups: the caller keeps its own groups, gaining nothing */
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_kept, argv_id), 1);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_bad, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "target groups that cannot be read"));

	/* cat passwd: /etc/passwd is root's; GATED's own file in a directory it owns is not */
	snprintf(work, sizeof(work), "%s/work", sudo_env.dir);
	snprintf(cwd_work, sizeof(cwd_work), "cwd=%s", work);
	snprintf(file, sizeof(file), "%s/passwd", work);
	CU_ASSERT_EQUAL_FATAL(mkdir(work, 0755), 0);
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(chown(work, (uid_t)atoi(GATED_UID), (gid_t)atoi(GATED_UID)), 0);
	CU_ASSERT_EQUAL(chown(file, (uid_t)atoi(GATED_UID), (gid_t)atoi(GATED_UID)), 0);
	char *info_etc[] = { "command=/usr/bin/cat", "runas_uid=0", "runas_user=root",
			     "runas_gid=0", "cwd=/etc", NULL };
	char *info_work[] = { "command=/usr/bin/cat", "runas_uid=0", "runas_user=root",
			      "runas_gid=0", cwd_work, NULL };
	char *user_work[] = { "user=" GATED, "uid=" GATED_UID, "gid=" GATED_UID, cwd_work, NULL };
	char *info_nocwd[] = { "command=/usr/bin/cat", "runas_uid=0", "runas_user=root",
			       "runas_gid=0", NULL };
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_etc, argv_cat), 1);
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated, envp, info_work, argv_cat), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "the command would run in "));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "a directory root does not control"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "command_denied"));
	/* no cwd= from sudoers: the caller's own directory is where the command runs, for any
	 * covered command (id reads nothing, but make would read ./Makefile) */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_work, envp, info_nocwd, argv_cat), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "a directory root does not control"));
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_gated_tmp, envp, info_own, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "the command would run in /tmp"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "`Defaults runcwd=/`"));
	/* sudoers' runcwd=/ (command_info cwd=/) pins it whatever the caller's directory */
	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_work, envp, info_etc, argv_cat), 1);
	unlink(file);
	rmdir(work);
	free(tok);
}

/* The name gated and verified is the account's own: one the name service does not know is
 * denied, even with a token minted for exactly that spelling (finding 5). */
static void test_unknown_user(void)
{
	char *tok = sudo_mint("cg-no-such-user", NULL, NULL, 3600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, NULL };
	char *user_ghost[] = { "user=cg-no-such-user", "uid=65534", "gid=65534", "groups=65534",
			       "cwd=/tmp", NULL };

	reset();
	CU_ASSERT_EQUAL(approval_run(opts, settings_n, user_ghost, envp, info_id, argv_id), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "no account"));
	free(tok);
}

/* ---- the policy wrapper ----------------------------------------------------------------- */

static int policy_open_as(char *options[], char *settings[], char *user_info[], char *envp[])
{
	const char *errstr = NULL;

	return pol->open(SUDO_API_VERSION, fake_conv, seen_printf, settings, user_info, envp,
			 options, &errstr);
}

static int policy_check_id(char ***info)
{
	char **argv_out = NULL, **env_out = NULL;
	const char *errstr = NULL;

	*info = NULL;
	return pol->check_policy(1, argv_id, NULL, info, &argv_out, &env_out, &errstr);
}

static int count_prefix(char **list, const char *prefix, const char **last)
{
	int n = 0;

	for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
		if (strncmp(list[i], prefix, strlen(prefix)) == 0) {
			n++;
			*last = list[i] + strlen(prefix);
		}
	}
	return n;
}

/* Runs before any other policy test: the wrapper keeps the first delegate it loads. */
static void test_policy_bad_delegate(void)
{
	char notthere[] = "delegate=/nonexistent/sudoers.so";
	char wrong[450];
	char *opts1[] = { sudo_config_opt, notthere, NULL };
	char *opts2[] = { sudo_config_opt, wrong, NULL };

	/* a shared object without sudoers_policy: the plugin itself */
	snprintf(wrong, sizeof(wrong), "delegate=%s", CGS_PLUGIN_SO);
	reset();
	CU_ASSERT_EQUAL(policy_open_as(opts1, settings_n, user_root, no_env), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "cannot load the delegate policy"));
	pol->close(0, 0);
	CU_ASSERT_EQUAL(policy_open_as(opts2, settings_n, user_root, no_env), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "has no usable policy plugin sudoers_policy"));
	pol->close(0, 0);
}

/* A copy of the fake delegate as dir/sudoers.so (a fresh directory under the test tree),
 * with the file's and the directory's modes; its "delegate=" option goes to opt. */
static int delegate_copy(const char *name, mode_t fmode, mode_t dmode, char *opt, size_t optlen)
{
	char dir[400], cmd[1200];

	snprintf(dir, sizeof(dir), "%s/%s", sudo_env.dir, name);
	snprintf(opt, optlen, "delegate=%s/sudoers.so", dir);
	if (mkdir(dir, 0755) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/sudoers.so' && chmod %o '%s/sudoers.so'",
		 CGS_FAKE_DELEGATE_SO, dir, (unsigned)fmode, dir);
	return system(cmd) == 0 && chmod(dir, dmode) == 0 ? 0 : -1;
}

/* open fails for root and for a gated user, saying why; the delegate never runs. */
static void delegate_refused(char *opt, const char *why)
{
	char *opts[] = { sudo_config_opt, opt, NULL };
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 600);
	char *envp[] = { token_env(tok), NULL };
	int opens = fake->opens;

	reset();
	CU_ASSERT_EQUAL(policy_open_as(opts, settings_n, user_root, no_env), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "cannot load the delegate policy"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, why));
	if (strstr(seen, why) == NULL)
		fprintf(stderr, "%s: the message does not say \"%s\": %s\n", opt, why, seen);
	pol->close(0, 0);
	reset();
	CU_ASSERT_EQUAL(policy_open_as(opts, settings_n, user_gated, envp), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, why));
	pol->close(0, 0);
	CU_ASSERT_EQUAL(fake->opens, opens);
	free(tok);
}

/* Runs before any policy test that loads a delegate: the wrapper keeps the first it loads.
 * The delegate runs as root for everyone, so it must pass the verifier's trust checks. */
static void test_policy_untrusted_delegate(void)
{
	char opt[500], target[500];

	CU_ASSERT_FATAL(delegate_copy("deleg-writable", 0666, 0755, opt, sizeof(opt)) == 0);
	delegate_refused(opt, "writable by group or others");
	CU_ASSERT_FATAL(delegate_copy("deleg-opendir", 0644, 0777, opt, sizeof(opt)) == 0);
	delegate_refused(opt, "writable by group or others");
	/* a symbolic link, even to an object that would pass */
	CU_ASSERT_FATAL(delegate_copy("deleg-symlink", 0644, 0755, target, sizeof(target)) == 0);
	snprintf(opt, sizeof(opt), "delegate=%s/deleg-symlink/link.so", sudo_env.dir);
	CU_ASSERT_FATAL(symlink(target + strlen("delegate="), opt + strlen("delegate=")) == 0);
	delegate_refused(opt, "is a symbolic link");
	/* a directory given as a symbolic link */
	snprintf(opt, sizeof(opt), "%s/deleg-dirlink", sudo_env.dir);
	CU_ASSERT_FATAL(symlink("deleg-symlink", opt) == 0);
	snprintf(opt, sizeof(opt), "delegate=%s/deleg-dirlink/sudoers.so", sudo_env.dir);
	delegate_refused(opt, "not a directory (or a symbolic link)");
	/* only root can give a file away; CI runs as root */
	if (geteuid() == 0) {
		CU_ASSERT_FATAL(delegate_copy("deleg-owner", 0644, 0755, opt, sizeof(opt)) == 0);
		CU_ASSERT_FATAL(chown(opt + strlen("delegate="), 65534, 65534) == 0);
		delegate_refused(opt, "owned by uid 65534");
	}
}

static void test_policy_allow_timeout(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, delegate_opt, NULL };
	const char *t = NULL;
	char **info;
	int closes;

	reset();
	fake->check_result = 1;
	fake->timeout = NULL;
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, envp), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 1);
	CU_ASSERT_EQUAL(count_prefix(info, "timeout=", &t), 1);
	CU_ASSERT(t != NULL && atoi(t) > 590 && atoi(t) <= 600);
	CU_ASSERT_EQUAL(count_prefix(info, "command=", &t), 1);
	closes = fake->closes;
	pol->close(0, 0);
	CU_ASSERT_EQUAL(fake->closes, closes + 1);

	/* sudoers' own shorter timeout stays */
	fake->timeout = "60";
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, envp), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 1);
	CU_ASSERT_EQUAL(count_prefix(info, "timeout=", &t), 1);
	CU_ASSERT(t != NULL && strcmp(t, "60") == 0);
	pol->close(0, 0);
	fake->timeout = NULL;
	free(tok);
}

static void test_policy_delegate_decides_first(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, delegate_opt, NULL };
	char **info;
	const char *t = NULL;

	/* a sudoers denial stays a denial whatever the token */
	reset();
	fake->check_result = 0;
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_int, user_gated, envp), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 0);
	CU_ASSERT_EQUAL(conv_calls, 0);
	pol->close(0, 0);
	fake->check_result = 1;

	/* root: untouched, no timeout added, even with a broken config */
	{
		char *broken[] = { broken_opt, delegate_opt, NULL };

		CU_ASSERT_EQUAL_FATAL(policy_open_as(broken, settings_n, user_root, no_env), 1);
		CU_ASSERT_EQUAL(policy_check_id(&info), 1);
		CU_ASSERT_EQUAL(count_prefix(info, "timeout=", &t), 0);
		pol->close(0, 0);
		CU_ASSERT_EQUAL_FATAL(policy_open_as(broken, settings_n, user_gated, envp), 1);
		CU_ASSERT_EQUAL(policy_check_id(&info), 0);
		pol->close(0, 0);
	}
	/* validate (sudo -v) forwards, and does not let a later command through */
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, no_env), 1);
	{
		const char *errstr = NULL;
		int v = fake->validates;

		CU_ASSERT_EQUAL(pol->validate(&errstr), 1);
		CU_ASSERT_EQUAL(fake->validates, v + 1);
	}
	pol->close(0, 0);
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, no_env), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 0);
	pol->close(0, 0);
	free(tok);
}

static void test_policy_list_and_options(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\",\"/bin/true *\"]", NULL, 600);
	char *envp[] = { token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, delegate_opt, NULL };
	char *unknown[] = { sudo_config_opt, delegate_opt, "timeout=5", NULL };
	const char *errstr = NULL;
	int lists = fake->lists, inval = fake->invalidates;

	/* listed from /tmp: the listing judges the ticket; where a command runs is judged when
	 * it runs (sudoers' runcwd may pin it) */
	reset();
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated_tmp, envp), 1);
	CU_ASSERT_EQUAL(pol->list(0, NULL, 0, NULL, &errstr), 1);
	CU_ASSERT_EQUAL(fake->lists, lists + 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "change ticket CHG0012345"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "/bin/true *"));
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "valid until"));
	CU_ASSERT_PTR_NULL(strstr(seen, tok));
	pol->invalidate(1);
	CU_ASSERT_EQUAL(fake->invalidates, inval + 1);
	pol->close(0, 0);

	/* a "*" ticket is listed as what it is; one without cmds as good for nothing */
	{
		char *all = sudo_mint(GATED, "[\"*\"]", NULL, 600);
		char *none = sudo_mint(GATED, NULL, NULL, 600);
		char *e_all[] = { NULL, NULL }, *e_none[] = { NULL, NULL };
		static char var_all[CG_TOKEN_MAX + 64];

		snprintf(var_all, sizeof(var_all), "CHANGEGATE_TOKEN=%s", all);
		e_all[0] = var_all;
		e_none[0] = token_env(none);
		reset();
		CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, e_all), 1);
		CU_ASSERT_EQUAL(pol->list(0, NULL, 0, NULL, &errstr), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "commands: any command (an unrestricted ticket"));
		pol->close(0, 0);
		reset();
		CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, e_none), 1);
		CU_ASSERT_EQUAL(pol->list(0, NULL, 0, NULL, &errstr), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "no usable change ticket: ticket CHG0012345 names "
					      "no commands"));
		pol->close(0, 0);
		free(all);
		free(none);
	}

	/* an unknown option denies the gated user (the log names it), sudo keeps working */
	reset();
	CU_ASSERT_EQUAL_FATAL(policy_open_as(unknown, settings_n, user_gated, envp), 1);
	{
		char **info;

		CU_ASSERT_EQUAL(policy_check_id(&info), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(seen, "config_error"));
	}
	pol->close(0, 0);
	free(tok);
}

static void test_policy_env(void)
{
	char *tok = sudo_mint(GATED, "[\"/usr/bin/id\"]", NULL, 600);
	char *envp[] = { "LANG=C", token_env(tok), NULL };
	char *opts[] = { sudo_config_opt, delegate_opt, NULL };
	char *add[] = { "LD_PRELOAD=/tmp/x.so", NULL };
	char *gained[] = { "HOME=/root", "LANG=C", "PYTHONPATH=/tmp", NULL };
	char *kept[] = { "HOME=/root", "LANG=C", NULL };
	char **info, **argv_out = NULL, **env_out = NULL;
	const char *errstr = NULL;

	reset();
	fake->check_result = 1;
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, envp), 1);
	CU_ASSERT_EQUAL(pol->check_policy(1, argv_id, add, &info, &argv_out, &env_out, &errstr), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "setting LD_PRELOAD"));
	pol->close(0, 0);
	fake->env_out = gained;
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, envp), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen, "PYTHONPATH"));
	pol->close(0, 0);
	fake->env_out = kept;
	CU_ASSERT_EQUAL_FATAL(policy_open_as(opts, settings_n, user_gated, envp), 1);
	CU_ASSERT_EQUAL(policy_check_id(&info), 1);
	pol->close(0, 0);
	fake->env_out = NULL;
	/* a typo in the options: root still passes, the gated user is denied */
	{
		char *bad[] = { sudo_config_opt, delegate_opt, "audit-only", NULL };

		CU_ASSERT_EQUAL_FATAL(policy_open_as(bad, settings_n, user_root, no_env), 1);
		CU_ASSERT_EQUAL(policy_check_id(&info), 1);
		pol->close(0, 0);
		CU_ASSERT_EQUAL_FATAL(policy_open_as(bad, settings_n, user_gated, envp), 1);
		CU_ASSERT_EQUAL(policy_check_id(&info), 0);
		pol->close(0, 0);
	}
	free(tok);
}

/* ---- runner ----------------------------------------------------------------------------- */

int main(void)
{
	const char *so = CGS_PLUGIN_SO, *fake_so = CGS_FAKE_DELEGATE_SO;
	void *fake_h;
	unsigned failed;

	if (sudo_fixture_init() != 0)
		return 1;
	snprintf(broken_opt, sizeof(broken_opt), "config=%s/missing.conf", sudo_env.dir);
	snprintf(delegate_opt, sizeof(delegate_opt), "delegate=%s", fake_so);
	plugin = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	fake_h = dlopen(fake_so, RTLD_NOW | RTLD_LOCAL);
	if (plugin == NULL || fake_h == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		if (fake_h != NULL)
			dlclose(fake_h);
		return 1;
	}
	appr = dlsym(plugin, "changegate_approval");
	pol = dlsym(plugin, "changegate_policy");
	fake = dlsym(fake_h, "fake_delegate_state");
	if (appr == NULL || pol == NULL || fake == NULL) {
		fprintf(stderr, "missing symbols\n");
		dlclose(fake_h);
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		dlclose(fake_h);
		return 1;
	}
	CU_pSuite s = CU_add_suite("sudo_plugin", NULL, NULL);
	CU_add_test(s, "only the two structs are exported", test_exports);
	CU_add_test(s, "API errors make open return -1", test_open_errors);
	CU_add_test(s, "an option typo denies gated users only", test_option_typo);
	CU_add_test(s, "approval: environment from the command line, -E, gained vars",
		    test_env_approval);
	CU_add_test(s, "approval: sudo -s / -i need the shell named in cmds, or \"*\"",
		    test_shell_mode);
	CU_add_test(s, "approval: chroot and sudo -D refused", test_chroot_cwd);
	CU_add_test(s, "approval: an unknown user name is denied", test_unknown_user);
	CU_add_test(s, "approval: target group and working directory judged",
		    test_target_group_and_cwd);
	CU_add_test(s, "approval: token in the environment allows", test_env_token_allows);
	CU_add_test(s, "approval: uncovered command names ticket and command", test_uncovered_named);
	CU_add_test(s, "approval: runas, expired, wrong user, shell denied", test_denials);
	CU_add_test(s, "approval: no token denied, -n never prompts", test_no_token);
	CU_add_test(s, "approval: prompt, and a reply cut at 1023 bytes", test_prompt);
	CU_add_test(s, "root and option-exempt pass, broken config denies gated", test_not_gated);
	CU_add_test(s, "exempt_users in the config", test_exempt_by_config);
	CU_add_test(s, "unknown enforce group: config_error", test_enforce_typo);
	CU_add_test(s, "sudo's errstr names the real reason", test_errstr_reason);
	CU_add_test(s, "shipped profile: union rule", test_shipped_profile);
	CU_add_test(s, "enforce lists as plugin options", test_enforce_options);
	CU_add_test(s, "audit_only lets a denial through, saying so", test_audit_only);
	CU_add_test(s, "CHANGEGATE_TOKEN_FILE read with the user's privileges", test_token_file);
	CU_add_test(s, "policy: an untrusted delegate is never loaded, for root either",
		    test_policy_untrusted_delegate);
	CU_add_test(s, "policy: a delegate that cannot be used is an error",
		    test_policy_bad_delegate);
	CU_add_test(s, "policy: allow adds timeout=, keeps a shorter one", test_policy_allow_timeout);
	CU_add_test(s, "policy: delegate denial, root, broken config, -v",
		    test_policy_delegate_decides_first);
	CU_add_test(s, "policy: list shows the ticket; unknown option", test_policy_list_and_options);
	CU_add_test(s, "policy: env_add and gained variables refused", test_policy_env);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	dlclose(fake_h);
	sudo_fixture_cleanup();
	return failed == 0 ? 0 : 1;
}
