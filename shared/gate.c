/*
 * Who must present a ticket. Root is never gated (it is the way back in when everything else
 * is broken); the exempt lists win over the enforce lists; empty enforce lists gate everyone.
 * Anything we cannot resolve (unknown user, name service error) gates: fail closed. The lists
 * name accounts, so a name is judged by the account's own name (pw_name), not as typed: a name
 * service may answer for "ALICE" or "alice@corp" with the account alice.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "nss_lookup.h"

#define GATE_GROUPS_MAX 65536 /* Linux's NGROUPS_MAX */
#define GATE_NAME_MAX 255     /* LOGIN_NAME_MAX - 1: a longer account name is not resolved */

void cg_gate_lists_free(struct cg_gate_lists *g)
{
	if (g == NULL)
		return;
	cg_strlist_free(&g->enforce_users);
	cg_strlist_free(&g->enforce_groups);
	cg_strlist_free(&g->exempt_users);
	cg_strlist_free(&g->exempt_groups);
}

static bool any_group_in(const struct cg_strlist *l, const char *const *groups, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (groups[i] != NULL && cg_strlist_contains(l, groups[i]))
			return true;
	}
	return false;
}

bool cg_user_is_gated_with(const struct cg_gate_lists *lists, const char *user, uid_t uid,
			   const char *const *groups, size_t ngroups)
{
	if (uid == 0)
		return false;
	if (user == NULL || user[0] == '\0')
		return true;
	if (lists == NULL)
		return true;
	if (groups == NULL)
		ngroups = 0;
	if (cg_strlist_contains(&lists->exempt_users, user) ||
	    any_group_in(&lists->exempt_groups, groups, ngroups))
		return false;
	if (lists->enforce_users.count == 0 && lists->enforce_groups.count == 0)
		return true;
	return cg_strlist_contains(&lists->enforce_users, user) ||
	       any_group_in(&lists->enforce_groups, groups, ngroups);
}

int cg_nss_user(const char *user, uid_t *uid, gid_t *gid, char *canon, size_t canonlen)
{
	size_t sz = CG_NSS_BUF_START;
	for (;;) {
		char *buf = malloc(sz);
		if (buf == NULL)
			return -1;
		struct passwd pw, *res = NULL;
		int rc = getpwnam_r(user, &pw, buf, sz, &res);
		int found = 0;
		if (rc == 0 && res != NULL && pw.pw_name != NULL && pw.pw_name[0] != '\0' &&
		    strlen(pw.pw_name) < canonlen) {
			*uid = pw.pw_uid;
			*gid = pw.pw_gid;
			memcpy(canon, pw.pw_name, strlen(pw.pw_name) + 1);
			found = 1;
		}
		free(buf);
		if (rc == ERANGE && sz < CG_NSS_BUF_MAX) {
			sz *= 2;
			continue;
		}
		if (rc != 0)
			return -1;
		return found;
	}
}

bool cg_user_canonical(const char *name, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	if (name == NULL || name[0] == '\0')
		return false;
	uid_t uid;
	gid_t gid;
	char canon[GATE_NAME_MAX + 1];
	if (cg_nss_user(name, &uid, &gid, canon, sizeof(canon)) != 1 || strlen(canon) >= outlen)
		return false;
	memcpy(out, canon, strlen(canon) + 1);
	return true;
}

int cg_nss_group(const char *name, gid_t gid, gid_t *gid_out, char *name_out, size_t outlen)
{
	size_t sz = CG_NSS_BUF_START;
	for (;;) {
		char *buf = malloc(sz);
		if (buf == NULL)
			return -1;
		struct group gr, *res = NULL;
		int rc = name != NULL ? getgrnam_r(name, &gr, buf, sz, &res)
				      : getgrgid_r(gid, &gr, buf, sz, &res);
		int found = 0;
		if (rc == 0 && res != NULL && (name_out == NULL ||
		    (gr.gr_name != NULL && gr.gr_name[0] != '\0' && strlen(gr.gr_name) < outlen))) {
			if (gid_out != NULL)
				*gid_out = gr.gr_gid;
			if (name_out != NULL)
				memcpy(name_out, gr.gr_name, strlen(gr.gr_name) + 1);
			found = 1;
		}
		free(buf);
		if (rc == ERANGE && sz < CG_NSS_BUF_MAX) {
			sz *= 2;
			continue;
		}
		if (rc != 0)
			return -1;
		return found;
	}
}

/* The gid of the group called name: 1 found, 0 no such group, -1 error. */
static int group_gid(const char *name, gid_t *gid)
{
	return cg_nss_group(name, 0, gid, NULL, 0);
}

int cg_nss_user_gids(const char *user, gid_t primary, gid_t **out, int *count)
{
	int n = 64;
	for (;;) {
		gid_t *gids = calloc((size_t)n, sizeof(*gids));
		if (gids == NULL)
			return -1;
		int want = n;
		if (getgrouplist(user, primary, gids, &want) >= 0) {
			*out = gids;
			*count = want;
			return 0;
		}
		free(gids);
		/* -1 with want > n: the list did not fit; want now holds the size needed */
		if (want <= n || want > GATE_GROUPS_MAX)
			return -1;
		n = want;
	}
}

/* Of the group names in l, those the user belongs to (gid in gids) are appended to out. The
 * lists are short and the user's groups may be many, so each listed name is resolved once,
 * rather than every one of the user's groups: a login used to open /etc/group dozens of
 * times. Resolving by name is also exact when two group names share one gid. -1 on error. */
static int listed_groups_held(const struct cg_strlist *l, const gid_t *gids, int n,
			      const char **out, size_t *nout)
{
	for (size_t i = 0; i < l->count; i++) {
		gid_t gid;
		int found = group_gid(l->items[i], &gid);
		if (found < 0)
			return -1;
		for (int j = 0; found == 1 && j < n; j++) {
			if (gids[j] == gid) {
				out[(*nout)++] = l->items[i];
				break;
			}
		}
	}
	return 0;
}

bool cg_user_is_gated(const struct cg_gate_lists *lists, const char *user)
{
	if (user == NULL || user[0] == '\0')
		return true;
	uid_t uid;
	gid_t gid;
	/* the lists name accounts: judge the account's own name, never the spelling typed */
	char canon[GATE_NAME_MAX + 1];
	if (cg_nss_user(user, &uid, &gid, canon, sizeof(canon)) != 1)
		return true;
	if (uid == 0)
		return false;
	user = canon;
	/* an exempt name needs no group lookup, so a listed group the name service cannot
	 * resolve (a typo, sssd down) can gate everyone else but never an exempt user */
	if (lists == NULL || (lists->exempt_groups.count == 0 && lists->enforce_groups.count == 0) ||
	    cg_strlist_contains(&lists->exempt_users, user))
		return cg_user_is_gated_with(lists, user, uid, NULL, 0);
	gid_t *gids = NULL;
	int n = 0;
	if (cg_nss_user_gids(user, gid, &gids, &n) != 0)
		return true;
	/* any name service error gates: fail closed */
	size_t cap = lists->exempt_groups.count + lists->enforce_groups.count, held = 0;
	const char **names = calloc(cap, sizeof(*names));
	bool gated = true;
	if (names != NULL &&
	    listed_groups_held(&lists->exempt_groups, gids, n, names, &held) == 0 &&
	    listed_groups_held(&lists->enforce_groups, gids, n, names, &held) == 0)
		gated = cg_user_is_gated_with(lists, user, uid, names, held);
	free(names);
	free(gids);
	return gated;
}
