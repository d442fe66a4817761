/*
 * The facts the gate rule (gate_rule.c) judges by, from the name service: the account, its
 * groups, and which listed names name nothing. An unknown account and a name-service error
 * gate: fail closed. The lists name accounts, so a name is judged by the account's own name
 * (pw_name), not as typed: a name service may answer for "ALICE" or "alice@corp" with the
 * account alice, and a listed "ALICE" names no account.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "nss_lookup.h"

#define GATE_GROUPS_MAX 65536 /* Linux's NGROUPS_MAX */
#define GATE_NAME_MAX 255     /* LOGIN_NAME_MAX - 1: a longer account name is not resolved */

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

int cg_user_account(const char *name, struct cg_account *out)
{
	memset(out, 0, sizeof(*out));
	if (name == NULL || name[0] == '\0')
		return 0;
	return cg_nss_user(name, &out->uid, &out->gid, out->name, sizeof(out->name));
}

bool cg_user_canonical(const char *name, char *out, size_t outlen)
{
	if (out == NULL || outlen == 0)
		return false;
	out[0] = '\0';
	struct cg_account a;
	if (cg_user_account(name, &a) != 1 || strlen(a.name) >= outlen)
		return false;
	memcpy(out, a.name, strlen(a.name) + 1);
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

/* Whether a listed user name names an account by its own name: 1 yes, 0 no, -1 error. */
static int user_known(const char *name)
{
	uid_t uid;
	gid_t gid;
	char canon[GATE_NAME_MAX + 1];
	int found = cg_nss_user(name, &uid, &gid, canon, sizeof(canon));
	if (found != 1)
		return found;
	return strcmp(canon, name) == 0;
}

/* What the name service says about the lists and one user, gathered into facts. The arrays
 * point into lists; each listed group is resolved once by name (a login used to open
 * /etc/group dozens of times when every one of the user's groups was resolved instead, and
 * resolving by name is exact when two group names share one gid). */
struct gathered {
	const char **held, **unknown_users, **unknown_groups;
	size_t nheld, nuu, nug;
};

static void gathered_free(struct gathered *g)
{
	free(g->held);
	free(g->unknown_users);
	free(g->unknown_groups);
}

static int users_known(const struct cg_strlist *l, const char *user, struct gathered *g)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->items[i], user) == 0)
			continue; /* the account itself: known */
		int k = user_known(l->items[i]);
		if (k < 0)
			return -1;
		if (k == 0)
			g->unknown_users[g->nuu++] = l->items[i];
	}
	return 0;
}

static int groups_held(const struct cg_strlist *l, const gid_t *gids, int n, struct gathered *g)
{
	for (size_t i = 0; i < l->count; i++) {
		gid_t gid;
		int found = group_gid(l->items[i], &gid);
		if (found < 0)
			return -1;
		if (found == 0)
			g->unknown_groups[g->nug++] = l->items[i];
		for (int j = 0; found == 1 && j < n; j++) {
			if (gids[j] == gid) {
				g->held[g->nheld++] = l->items[i];
				break;
			}
		}
	}
	return 0;
}

static int gather(const struct cg_gate_lists *lists, const char *user, gid_t primary,
		  struct gathered *g)
{
	size_t nusers = lists->exempt_users.count + lists->enforce_users.count;
	size_t ngroups = lists->exempt_groups.count + lists->enforce_groups.count;
	gid_t *gids = NULL;
	int n = 0;
	int rc = -1;

	g->held = calloc(ngroups + 1, sizeof(*g->held));
	g->unknown_groups = calloc(ngroups + 1, sizeof(*g->unknown_groups));
	g->unknown_users = calloc(nusers + 1, sizeof(*g->unknown_users));
	if (g->held == NULL || g->unknown_groups == NULL || g->unknown_users == NULL)
		return -1;
	if (ngroups > 0 && cg_nss_user_gids(user, primary, &gids, &n) != 0)
		return -1;
	if (users_known(&lists->exempt_users, user, g) == 0 &&
	    users_known(&lists->enforce_users, user, g) == 0 &&
	    groups_held(&lists->exempt_groups, gids, n, g) == 0 &&
	    groups_held(&lists->enforce_groups, gids, n, g) == 0)
		rc = 0;
	free(gids);
	return rc;
}

static void name_all(char *buf, size_t len, const char *list, const char *const *names,
		     size_t n, const struct cg_strlist *l)
{
	for (size_t i = 0; i < n; i++) {
		char clean[GATE_NAME_MAX + 1];
		size_t used = strlen(buf);

		if (!cg_strlist_contains(l, names[i]))
			continue;
		cg_sanitize(clean, sizeof(clean), names[i]);
		snprintf(buf + used, len - used, "%s%s %s", used > 0 ? ", " : "", list, clean);
	}
}

int cg_gate_lists_unknown(const struct cg_gate_lists *lists, char *enforce, size_t elen,
			  char *exempt, size_t xlen)
{
	size_t nusers = lists->exempt_users.count + lists->enforce_users.count;
	size_t ngroups = lists->exempt_groups.count + lists->enforce_groups.count;
	struct gathered g = { 0 };
	int rc = -1;

	enforce[0] = '\0';
	exempt[0] = '\0';
	g.held = calloc(ngroups + 1, sizeof(*g.held));
	g.unknown_groups = calloc(ngroups + 1, sizeof(*g.unknown_groups));
	g.unknown_users = calloc(nusers + 1, sizeof(*g.unknown_users));
	if (g.held != NULL && g.unknown_groups != NULL && g.unknown_users != NULL &&
	    users_known(&lists->exempt_users, "", &g) == 0 &&
	    users_known(&lists->enforce_users, "", &g) == 0 &&
	    groups_held(&lists->exempt_groups, NULL, 0, &g) == 0 &&
	    groups_held(&lists->enforce_groups, NULL, 0, &g) == 0)
		rc = 0;
	name_all(enforce, elen, "enforce_users", g.unknown_users, g.nuu, &lists->enforce_users);
	name_all(enforce, elen, "enforce_groups", g.unknown_groups, g.nug, &lists->enforce_groups);
	name_all(exempt, xlen, "exempt_users", g.unknown_users, g.nuu, &lists->exempt_users);
	name_all(exempt, xlen, "exempt_groups", g.unknown_groups, g.nug, &lists->exempt_groups);
	gathered_free(&g);
	return rc;
}

void cg_gate_judge(const struct cg_gate_lists *lists, const char *user,
		   struct cg_gate_result *out)
{
	/* the lists name accounts: judge the account's own name, never the spelling typed */
	struct cg_account a;

	if (cg_user_account(user, &a) != 1) {
		memset(out, 0, sizeof(*out));
		out->answer = CG_GATE_GATED;
		cg_strlcpy(out->why, "the name service knows no such account: gated (fail closed)",
			   sizeof(out->why));
		return;
	}
	cg_gate_judge_account(lists, &a, out);
}

void cg_gate_judge_account(const struct cg_gate_lists *lists, const struct cg_account *a,
			   struct cg_gate_result *out)
{
	struct cg_gate_facts f = { .uid = a->uid };
	const char *canon = a->name;

	/* root, and a name in exempt_users, need no further lookup: a listed group the name
	 * service cannot resolve (a typo, sssd down) never gates them */
	if (a->uid == 0 || lists == NULL || cg_strlist_contains(&lists->exempt_users, canon)) {
		cg_gate_judge_with(lists, canon, &f, out);
		return;
	}
	struct gathered g = { 0 };
	if (gather(lists, canon, a->gid, &g) != 0) {
		f.nss_failed = true; /* any name service error gates: fail closed */
	} else {
		f.groups = g.held;
		f.ngroups = g.nheld;
	}
	f.unknown_users = g.unknown_users;
	f.nunknown_users = g.nuu;
	f.unknown_groups = g.unknown_groups;
	f.nunknown_groups = g.nug;
	cg_gate_judge_with(lists, canon, &f, out);
	gathered_free(&g);
}
