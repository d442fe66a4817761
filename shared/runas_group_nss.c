/*
 * The facts cg_runas_groups_check judges, from the name service: the target's primary gid
 * and groups, and the name of every gid the command would hold that the target does not own
 * (a ticket names groups by name). What the name service cannot answer stays unanswered, and
 * the rule denies it: fail closed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "nss_lookup.h"

/* 1 named (out filled), 0 no such group or a name too long, -1 error. */
static int group_name(gid_t gid, char *out, size_t outlen)
{
	return cg_nss_group(NULL, gid, NULL, out, outlen);
}

void cg_group_shown(gid_t gid, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0)
		return;
	if (group_name(gid, out, outlen) != 1)
		snprintf(out, outlen, "#%u", (unsigned)gid);
}

static void target_facts(struct cg_group_facts *f, const char *target, uid_t target_uid)
{
	char canon[CG_CLAIM_MAX + 1];
	gid_t *gids = NULL;
	uid_t uid;
	int n = 0;

	if (target == NULL || cg_nss_user(target, &uid, &f->target_gid, canon, sizeof(canon)) != 1 ||
	    uid != target_uid) {
		snprintf(f->fault, sizeof(f->fault), "the name service does not know the target "
			 "user's account");
		return;
	}
	if (cg_nss_user_gids(canon, f->target_gid, &gids, &n) != 0 || n < 0 ||
	    (size_t)n > CG_GROUPS_MAX) {
		snprintf(f->fault, sizeof(f->fault), "the name service cannot list the target "
			 "user's groups");
		free(gids);
		return;
	}
	memcpy(f->target_groups, gids, (size_t)n * sizeof(*gids));
	f->ntarget = (size_t)n;
	free(gids);
}

/* Names every gid the target does not own, once each. */
static void foreign_names(struct cg_group_facts *f)
{
	for (size_t i = 0; i < f->count; i++) {
		gid_t gid = f->gids[i];
		bool seen = false;

		if (cg_group_facts_owned(f, i))
			continue;
		for (size_t j = 0; j < f->nnames; j++)
			seen = seen || f->names[j].gid == gid;
		if (seen)
			continue;
		if (f->nnames >= CG_LIST_MAX) {
			/* a ticket names at most CG_LIST_MAX groups: this many can never all pass */
			snprintf(f->fault, sizeof(f->fault), "the command would hold more groups "
				 "outside the target's own than a ticket can name");
			return;
		}
		f->names[f->nnames].gid = gid;
		if (group_name(gid, f->names[f->nnames].name, sizeof(f->names[0].name)) != 1)
			f->names[f->nnames].name[0] = '\0';
		f->nnames++;
	}
}

void cg_group_facts_lookup(struct cg_group_facts *f, const char *target, uid_t target_uid,
			   const gid_t *set, size_t nset, const gid_t *supp, size_t nsupp)
{
	memset(f, 0, offsetof(struct cg_group_facts, target_groups)); /* changegate.h: why */
	snprintf(f->shown, sizeof(f->shown), "-");
	if (nset > 0)
		cg_group_shown(set[0], f->shown, sizeof(f->shown));
	if (nset > CG_GROUPS_MAX || nsupp > CG_GROUPS_MAX - nset) {
		snprintf(f->fault, sizeof(f->fault), "the command would hold more than %d groups",
			 CG_GROUPS_MAX);
		return;
	}
	if (nset > 0)
		memcpy(f->gids, set, nset * sizeof(*set));
	if (nsupp > 0)
		memcpy(f->gids + nset, supp, nsupp * sizeof(*supp));
	f->nset = nset;
	f->count = nset + nsupp;
	target_facts(f, target, target_uid);
	if (f->fault[0] == '\0')
		foreign_names(f);
}
