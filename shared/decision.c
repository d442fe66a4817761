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

void cg_ticket_clear(struct cg_ticket *t)
{
	if (t == NULL)
		return;
	cg_strlist_free(&t->aud);
	cg_strlist_free(&t->hosts);
	cg_strlist_free(&t->cmds);
	cg_strlist_free(&t->runas);
	cg_strlist_free(&t->runas_groups);
	explicit_bzero(t, sizeof(*t));
}
