/* Remembering, on the PAM handle, that the module arguments' lists gate a user.
 *
 * sshd runs auth and account in one process and session open and close in another; each call
 * asked the name service the same question (getgrouplist, getgrnam for every listed group:
 * 0.3 to 1 ms a call with nss-systemd). The second call of a process now reuses the first
 * one's answer, under three conditions: it was "gated" (a note never exempts anyone, so at
 * worst a stale one asks a user for a token once more), the account is the same, and the
 * lists are the same names in the same order. Anything else asks again. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pam_changegate.h"

/* a key no other module would choose, and a magic number checked before anything is read:
 * module data is one namespace for the whole stack */
#define NOTE_KEY "pam_changegate/gated_by_arguments/v1"
#define NOTE_MAGIC 0x63676e31u

struct gate_note {
	unsigned magic;
	char user[CG_CLAIM_MAX + 1];
	struct cg_gate_lists lists;
	struct cg_gate_result res;      /* its answer is always CG_GATE_GATED */
};

static void free_note(pam_handle_t *pamh, void *data, int error_status)
{
	struct gate_note *n = data;

	(void)pamh;
	(void)error_status;
	if (n == NULL)
		return;
	cg_gate_lists_free(&n->lists);
	free(n);
}

bool cg_pam_gate_note_says_gated(pam_handle_t *pamh, const char *user,
				 const struct cg_gate_lists *lists, struct cg_gate_result *res)
{
	const void *data = NULL;

	if (user == NULL ||
	    pam_get_data(pamh, NOTE_KEY, &data) != PAM_SUCCESS || data == NULL)
		return false;
	const struct gate_note *n = data;
	if (n->magic != NOTE_MAGIC || strcmp(n->user, user) != 0 ||
	    n->res.answer != CG_GATE_GATED || !cg_pam_gate_lists_same(&n->lists, lists))
		return false;
	*res = n->res;
	return true;
}

void cg_pam_gate_note_gated(pam_handle_t *pamh, const char *user,
			    const struct cg_gate_lists *lists, const struct cg_gate_result *res)
{
	struct gate_note *n;

	/* only "gated" is ever noted: a stale note can ask for a token once more, never
	 * exempt anyone, nor hide a list it cannot judge */
	if (user == NULL || res->answer != CG_GATE_GATED || (n = calloc(1, sizeof(*n))) == NULL)
		return;
	if (cg_strlcpy(n->user, user, sizeof(n->user)) >= sizeof(n->user)) {
		free(n);
		return;
	}
	n->magic = NOTE_MAGIC;
	n->res = *res;
	/* no note at all rather than a partial one: the next call then asks again */
	if (cg_strlist_copy(&n->lists.enforce_users, &lists->enforce_users) != 0 ||
	    cg_strlist_copy(&n->lists.enforce_groups, &lists->enforce_groups) != 0 ||
	    cg_strlist_copy(&n->lists.exempt_users, &lists->exempt_users) != 0 ||
	    cg_strlist_copy(&n->lists.exempt_groups, &lists->exempt_groups) != 0 ||
	    pam_set_data(pamh, NOTE_KEY, n, free_note) != PAM_SUCCESS)
		free_note(pamh, n, 0);
}
