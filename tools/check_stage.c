/*
 * check-config's view of the rollout (deployment.md): keys and configuration first, then the
 * PAM lines and sudo.conf's line with audit_only (denials logged, nobody refused, sshd left
 * as it was), then enforcement. It flags audit_only wherever it is set, refuses what
 * contradicts the stage asked for, and ends with one line saying where the host is and what
 * the next stage needs, so that each step of the guide has a check that can pass.
 */
#include <string.h>

#include "cli.h"

bool cli_parse_stage(const char *s, enum cli_stage *out)
{
	static const struct {
		const char *name;
		enum cli_stage stage;
	} stages[] = {
		{ "keys", CLI_STAGE_KEYS },
		{ "audit", CLI_STAGE_AUDIT },
		{ "enforce", CLI_STAGE_ENFORCE },
	};
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		if (strcmp(s, stages[i].name) == 0) {
			*out = stages[i].stage;
			return true;
		}
	}
	return false;
}

/* audit_only on every wired line, and at least one line wired */
static bool all_audit_only(const struct cli_audit_only *ao)
{
	bool any = ao->pam_lines > 0 || ao->sudo_line;
	return any && ao->pam_audit_only == ao->pam_lines && ao->sudo_line == ao->sudo_audit_only;
}

enum cli_stage cli_infer_stage(const struct cli_wiring *w)
{
	struct cli_audit_only ao;
	if (w == NULL || cli_wiring_audit_only(w, &ao) != 0)
		return CLI_STAGE_ANY;
	return all_audit_only(&ao) ? CLI_STAGE_AUDIT : CLI_STAGE_ANY;
}

static void flag_audit_only(struct cli_check *ck, const struct cli_audit_only *ao)
{
	const struct cli_wiring *w = ck->wiring;

	if (ao->pam_audit_only > 0)
		cli_note(ck, "warning: audit_only on %u of the %u pam_changegate lines of %s/sshd: "
			 "SSH denials are logged, nobody is refused", ao->pam_audit_only,
			 ao->pam_lines, w->pam_dir);
	if (ao->sudo_audit_only)
		cli_note(ck, "warning: audit_only on the changegate Plugin line of %s: sudo "
			 "denials are logged, nobody is refused", w->sudo_conf);
	/* auth lets a user through that account then refuses, or the other way round */
	if (ao->pam_audit_only > 0 && ao->pam_audit_only < ao->pam_lines)
		cli_problem(ck, "PAM %s/sshd: audit_only on %u of its %u pam_changegate lines: "
			    "the others still refuse; set it on all of them or on none",
			    w->pam_dir, ao->pam_audit_only, ao->pam_lines);
	if (ck->stage == CLI_STAGE_AUDIT) {
		if (ao->pam_lines > 0 && ao->pam_audit_only == 0)
			cli_problem(ck, "PAM %s/sshd: its pam_changegate lines enforce; the audit "
				    "stage puts audit_only on each", w->pam_dir);
		if (ao->sudo_line && !ao->sudo_audit_only)
			cli_problem(ck, "sudo.conf %s: the changegate Plugin line enforces; the "
				    "audit stage puts audit_only on it", w->sudo_conf);
	} else if (ck->stage == CLI_STAGE_ENFORCE) {
		if (ao->pam_audit_only > 0)
			cli_problem(ck, "PAM %s/sshd: audit_only is still set: nobody is refused at "
				    "SSH; remove it to enforce", w->pam_dir);
		if (ao->sudo_audit_only)
			cli_problem(ck, "sudo.conf %s: audit_only is still set: nobody is refused "
				    "at sudo; remove it to enforce", w->sudo_conf);
	}
}

void cli_check_stage(struct cli_check *ck, unsigned config_problems)
{
	struct cli_audit_only ao = { 0 };
	bool facts = ck->wiring != NULL && cli_wiring_audit_only(ck->wiring, &ao) == 0;

	if (facts)
		flag_audit_only(ck, &ao);
	if (config_problems > 0) {
		cli_note(ck, "stage: keys not done: fix the configuration and key problems above "
			 "(deployment.md section 1)");
	} else if (ck->wiring == NULL) {
		cli_note(ck, "stage: keys%s; next, the audit stage: the PAM lines and sudo.conf's "
			 "line with audit_only (deployment.md section 7), then "
			 "`changegate check-config --stage audit`",
			 ck->problems == 0 ? " done" : " (see the problems above)");
	} else if (!facts) {
		cli_note(ck, "stage: cannot tell: the wiring files cannot be read (see above)");
	} else if (ao.pam_lines == 0 && !ao.sudo_line) {
		cli_note(ck, "stage: keys done, nothing wired yet; next, the audit stage: the PAM "
			 "lines and sudo.conf's line with audit_only (deployment.md section 7), "
			 "then `changegate check-config --stage audit`");
	} else if (all_audit_only(&ao)) {
		cli_note(ck, "stage: audit%s; next, once the logs show only the denials you want: "
			 "remove audit_only, add sshd's Match blocks (deployment.md sections 2 and "
			 "7), then `changegate check-config --stage enforce`",
			 ao.pam_lines == 0 ? " (sudo only: no PAM line yet)"
			 : !ao.sudo_line ? " (SSH only: no sudo.conf line yet)" : "");
	} else if (ao.pam_audit_only == 0 && !ao.sudo_audit_only) {
		cli_note(ck, "stage: enforce%s", ck->problems == 0 ? "" :
			 " (with the problems above)");
	} else {
		cli_note(ck, "stage: mixed: audit_only on %s but not on %s",
			 ao.sudo_audit_only ? "sudo.conf" : "the PAM lines",
			 ao.sudo_audit_only ? "the PAM lines" : "sudo.conf");
	}
}
