/* The shared half of the sudo plugin tests (plugin_harness.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "plugin_harness.h"

struct cg_test_env sudo_env;
EVP_PKEY *sudo_key;
char sudo_config_opt[400];
char seen[32768];
size_t seen_len;

char *settings_n[] = { "progname=sudo", "noninteractive=true", NULL };
/* a gated user where the directory rule lets commands run: in "/" (cd /, or what sudoers'
 * runcwd=/ gives); user_gated_tmp stands in /tmp, which root does not control */
char *user_gated[] = { "user=" GATED, "uid=" GATED_UID, "gid=65534", "groups=65534",
		       "cwd=/", "tty=/dev/pts/3", NULL };
char *user_gated_tmp[] = { "user=" GATED, "uid=" GATED_UID, "gid=65534", "groups=65534",
			   "cwd=/tmp", "tty=/dev/pts/3", NULL };
char *user_root[] = { "user=root", "uid=0", "gid=0", "groups=0", "cwd=/", NULL };
char *user_daemon[] = { "user=daemon", "uid=1", "gid=1", "groups=1", "cwd=/", NULL };
char *info_id[] = { "command=/usr/bin/id", "runas_uid=0", "runas_user=root", NULL };
char *argv_id[] = { "id", NULL };

int sudo_fixture_init(void)
{
	if (cg_test_env_init(&sudo_env) != 0 || cg_test_write_config(&sudo_env, NULL) != 0 ||
	    (sudo_key = cg_test_keygen(&sudo_env, "ES256", "issuer-1")) == NULL) {
		fprintf(stderr, "cannot set up the test tree\n");
		return -1;
	}
	snprintf(sudo_config_opt, sizeof(sudo_config_opt), "config=%s", sudo_env.config_path);
	return 0;
}

void sudo_fixture_cleanup(void)
{
	EVP_PKEY_free(sudo_key);
	sudo_key = NULL;
	cg_test_env_cleanup(&sudo_env);
}

int seen_printf(int msg_type, const char *fmt, ...)
{
	va_list ap;

	(void)msg_type;
	va_start(ap, fmt);
	int n = vsnprintf(seen + seen_len, sizeof(seen) - seen_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		seen_len += (size_t)n < sizeof(seen) - seen_len ? (size_t)n
								: sizeof(seen) - seen_len - 1;
	return n;
}

void seen_clear(void)
{
	seen[0] = '\0';
	seen_len = 0;
}

char *sudo_mint(const char *user, const char *cmds_json, const char *runas_json, long ttl)
{
	struct cg_test_claims c;
	time_t now = time(NULL);

	cg_test_claims_default(&c, user, now);
	c.cmds_json = cmds_json;
	c.runas_json = runas_json;
	c.exp = now + ttl;
	if (ttl < 0)
		c.iat = c.nbf = now - 7200;
	return cg_test_mint(sudo_key, "ES256", "issuer-1", &c);
}

char sudo_errstr[256];

int sudo_approval_call(struct approval_plugin *appr, sudo_conv_t conv, char *options[],
		       char *settings[], char *user_info[], int optind, char *submit_argv[],
		       char *user_env[], char *info[], char *run_argv[], char *run_envp[])
{
	const char *errstr = NULL;
	int rc = appr->open(SUDO_API_VERSION, conv, seen_printf, settings, user_info, optind,
			    submit_argv, user_env, options, &errstr);

	if (rc != 1)
		return rc == -1 ? -100 : rc;
	rc = appr->check(info, run_argv, run_envp, &errstr);
	/* errstr may point into the plugin's state: read it before close */
	snprintf(sudo_errstr, sizeof(sudo_errstr), "%s", errstr != NULL ? errstr : "");
	appr->close();
	return rc;
}
