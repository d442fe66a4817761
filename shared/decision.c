/* Releasing a decision. Kept apart from the verifier: the sudo plugin's front end frees
 * decisions it made itself without loading the token pipeline (sudo_plugin/verifier_load.c). */
#include <string.h>

#include "changegate.h"

void cg_decision_free(struct cg_decision *d)
{
	if (d == NULL)
		return;
	cg_strlist_free(&d->ticket.aud);
	cg_strlist_free(&d->ticket.hosts);
	cg_strlist_free(&d->ticket.cmds);
	cg_strlist_free(&d->ticket.runas);
	cg_strlist_free(&d->ticket.runas_groups);
	cg_strlist_free(&d->ticket.ssh_fp);
	explicit_bzero(&d->ticket, sizeof(d->ticket));
	d->have_claims = false;
	d->verified = false;
}
