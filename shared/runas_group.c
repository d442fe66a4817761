/*
 * The group a sudo command runs with. sudoers lets `sudo -u svc1 -g shadow` through any
 * (ALL:ALL) rule, and a ticket that allows "as svc1" must not become "as svc1 with shadow's
 * or disk's files". So: the gid (and egid) must be the target's own primary gid, every
 * supplementary gid one of the target's own groups, unless the ticket names the group in
 * runas_groups. Judged on facts alone (runas_group_nss.c gathers them), so the tests reach
 * every branch without a name service. A gid with no name can never be named: denied.
 */
#include <stdio.h>
#include <string.h>

#include "changegate.h"
#include "error_text.h"

static bool gid_in(gid_t gid, const gid_t *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (list[i] == gid)
			return true;
	}
	return false;
}

/* The name the facts hold for a gid the target does not own; NULL when there is none. */
static const char *name_of(const struct cg_group_facts *f, gid_t gid)
{
	for (size_t i = 0; i < f->nnames && i < CG_LIST_MAX; i++) {
		if (f->names[i].gid == gid && f->names[i].name[0] != '\0')
			return f->names[i].name;
	}
	return NULL;
}

bool cg_group_facts_owned(const struct cg_group_facts *f, size_t i)
{
	gid_t gid = f->gids[i];

	if (gid == f->target_gid)
		return true;
	/* the primary gid is the target's passwd gid, nothing else it happens to be in */
	return i >= f->nset && gid_in(gid, f->target_groups, f->ntarget);
}

cg_reason cg_runas_groups_check(const struct cg_group_facts *f, const struct cg_strlist *allowed,
				const char *ticket, char *detail, size_t detlen)
{
	char group[80];

	if (ticket == NULL)
		ticket = "the token";
	if (f == NULL)
		return CG_OK; /* the front end sets no group: nothing beyond the target's own */
	if (f->fault[0] != '\0') {
		cg_set_err(detail, detlen, "%s: cannot judge the target group: %s", ticket, f->fault);
		return CG_RUNAS_DENIED;
	}
	if (f->count > CG_GROUPS_MAX || f->nset > f->count || f->ntarget > CG_GROUPS_MAX) {
		cg_set_err(detail, detlen, "%s: cannot judge the target group: too many groups",
			   ticket);
		return CG_RUNAS_DENIED;
	}
	for (size_t i = 0; i < f->count; i++) {
		if (cg_group_facts_owned(f, i))
			continue;
		const char *name = name_of(f, f->gids[i]);
		if (name == NULL) {
			cg_set_err(detail, detlen, "%s does not allow running with group #%u, which "
				   "the name service cannot name", ticket, (unsigned)f->gids[i]);
			return CG_RUNAS_DENIED;
		}
		if (allowed != NULL && cg_strlist_contains(allowed, name))
			continue;
		cg_sanitize(group, sizeof(group), name);
		cg_set_err(detail, detlen, "%s does not allow running with group %s (the ticket "
			   "must name it in runas_groups)", ticket, group);
		return CG_RUNAS_DENIED;
	}
	return CG_OK;
}
