/* check-config's look at the files the verifier reads and writes besides keys: the revocation
 * list, the single-use state directory and the audit log. Each must be something only root
 * could have changed, or the verifier denies everyone with config_error. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Far above any real list; only bounds how much check-config reads. */
#define REVOCATION_CHECK_MAX (64u << 20)

void cli_check_revocation(struct cli_check *ck)
{
	const char *path = ck->cfg->revocation_file;
	char err[512];
	char *buf = NULL;
	size_t len = 0;
	if (path == NULL) {
		cli_note(ck, "revocation_file: not set; tokens cannot be revoked before they "
			 "expire");
		return;
	}
	if (cg_read_trusted_file(path, REVOCATION_CHECK_MAX, &buf, &len, err, sizeof(err)) != 0) {
		cli_problem_file(ck, "revocation_file", path, errno, err, "every gated user is "
				 "refused (config_error) until it does",
				 "install -o root -g root -m 0644 /dev/null", "empty; the packages "
				 "do; or remove revocation_file from the configuration");
		return;
	}
	/* a line the verifier cannot read as an id makes it deny every token (config_error) */
	int bad = cg_revocation_list_valid(buf, len, err, sizeof(err));
	cg_wipe_free(buf, len + 1);
	if (bad != 0)
		cli_problem(ck, "revocation_file %s: %s", path, err);
	else
		cli_note(ck, "revocation_file: %s (%zu bytes)", path, len);
}

void cli_check_state_dir(struct cli_check *ck)
{
	const char *dir = ck->cfg->state_dir;
	bool used = ck->cfg->single_use != CG_SINGLE_USE_NO;
	char err[512];
	if (dir == NULL) {
		if (used)
			cli_problem(ck, "single_use is on but state_dir is not set");
		return;
	}
	if (cg_check_trusted_dir(dir, err, sizeof(err)) == 0) {
		cli_note(ck, "state_dir: %s%s", dir, used ? "" : " (unused while single_use = no)");
		return;
	}
	/* A missing or unsafe directory only matters when single use needs it. */
	if (used)
		cli_problem_file(ck, "state_dir", dir, errno, err, "single-use tokens cannot be "
				 "redeemed, so every gated user is refused",
				 "install -d -o root -g root -m 0700",
				 "the packages create /var/lib/changegate");
	else
		cli_note(ck, "state_dir: %s (unused while single_use = no)", err);
}

/* The audit log itself, when it exists: root's regular file that nobody else can touch. */
static void check_audit_file(struct cli_check *ck, const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT)
			cli_problem(ck, "audit_log %s: %s", path, strerror(errno));
		return;
	}
	if (S_ISLNK(st.st_mode))
		cli_problem(ck, "audit_log %s: is a symbolic link", path);
	else if (!S_ISREG(st.st_mode))
		cli_problem(ck, "audit_log %s: not a regular file", path);
	else if (st.st_uid != 0 && st.st_uid != geteuid())
		cli_problem(ck, "audit_log %s: owned by uid %lu, not root", path,
			    (unsigned long)st.st_uid);
	else if (st.st_mode & (S_IRWXG | S_IRWXO))
		cli_problem(ck, "audit_log %s: mode %04o; it should be 0600", path,
			    (unsigned)(st.st_mode & 07777));
}

void cli_check_audit_log(struct cli_check *ck)
{
	const char *path = ck->cfg->audit_log;
	char err[512];
	if (path == NULL)
		return;
	char *copy = strdup(path);
	if (copy == NULL) {
		cli_problem(ck, "out of memory");
		return;
	}
	const char *dir = dirname(copy);
	if (cg_check_trusted_dir(dir, err, sizeof(err)) != 0) {
		cli_problem_file(ck, "audit_log's directory", dir, errno, err, "no decision "
				 "reaches the JSON audit log (syslog still gets each one)",
				 "install -d -o root -g root -m 0750",
				 "the packages create /var/log/changegate");
	} else {
		cli_note(ck, "audit_log: %s", path);
	}
	free(copy);
	check_audit_file(ck, path);
}

void cli_check_reaper(struct cli_check *ck)
{
	int running = cg_reaper_running(CG_RUNDIR);
	const char *state = running == 1 ? "running" : running == 0 ? "not running"
				: "cannot be told (" CG_RUNDIR " or its lock is not root's)";
	if (ck->cfg->require_reaper && running != 1)
		cli_problem(ck, "require_reaper = yes and the session reaper is %s: every gated "
			    "login and sudo is refused (reaper_down); start changegate-reaper.service",
			    state);
	else
		cli_note(ck, "session reaper: %s%s", state, ck->cfg->require_reaper ? " (required)"
			 : running == 1 ? "" : " (sessions outlive their tickets until one runs)");
}
