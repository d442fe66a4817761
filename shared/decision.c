/* Releasing a decision. Kept apart from the verifier: the sudo plugin's front end frees
 * decisions it made itself without loading the token pipeline (sudo_plugin/verifier_load.c). */
#include <string.h>

#include "changegate.h"

void cg_decision_free(struct cg_decision *d)
{
	if (d == NULL)
		return;
	cg_ticket_clear(&d->ticket);
	d->have_claims = false;
	d->verified = false;
}

int cg_ticket_copy(struct cg_ticket *dst, const struct cg_ticket *src)
{
	*dst = *src;
	dst->aud = dst->hosts = dst->cmds = dst->runas = dst->runas_groups = dst->ssh_fp =
		(struct cg_strlist){ NULL, 0 };
	if (cg_strlist_copy(&dst->aud, &src->aud) != 0 ||
	    cg_strlist_copy(&dst->hosts, &src->hosts) != 0 ||
	    cg_strlist_copy(&dst->cmds, &src->cmds) != 0 ||
	    cg_strlist_copy(&dst->runas, &src->runas) != 0 ||
	    cg_strlist_copy(&dst->runas_groups, &src->runas_groups) != 0 ||
	    cg_strlist_copy(&dst->ssh_fp, &src->ssh_fp) != 0)
		return -1;
	return 0;
}

void cg_ticket_clear(struct cg_ticket *t)
{
	if (t == NULL)
		return;
	cg_strlist_free(&t->aud);
	cg_strlist_free(&t->hosts);
	cg_strlist_free(&t->cmds);
	cg_strlist_free(&t->runas);
	cg_strlist_free(&t->runas_groups);
	cg_strlist_free(&t->ssh_fp);
	explicit_bzero(t, sizeof(*t));
}
