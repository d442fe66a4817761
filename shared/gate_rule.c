/*
 * Who must present a ticket, on given facts: the one rule both front ends and the command line
 * follow (docs/configuration.md). Root is never gated (it is the way back in when everything
 * else is broken); the exempt lists win over the enforce lists; empty enforce lists gate
 * everyone. A name in an enforce list that the name service does not know could only ever
 * narrow the gate (a typo of "developers" gates no developer), so it makes the answer
 * "cannot judge" for everyone not exempt; one in an exempt list exempts nobody, and is named
 * so that it can be reported.
 */
#include <stdio.h>
#include <string.h>

#include "changegate.h"

void cg_gate_lists_free(struct cg_gate_lists *g)
{
	if (g == NULL)
		return;
	cg_strlist_free(&g->enforce_users);
	cg_strlist_free(&g->enforce_groups);
	cg_strlist_free(&g->exempt_users);
	cg_strlist_free(&g->exempt_groups);
}

static int add_missing(struct cg_strlist *dst, const struct cg_strlist *add)
{
	for (size_t i = 0; i < add->count; i++) {
		if (add->items[i] != NULL && !cg_strlist_contains(dst, add->items[i]) &&
		    cg_strlist_add(dst, add->items[i]) != 0)
			return -1;
	}
	return 0;
}

int cg_gate_lists_add(struct cg_gate_lists *dst, const struct cg_gate_lists *add)
{
	if (dst == NULL || add == NULL)
		return -1;
	if (add_missing(&dst->enforce_users, &add->enforce_users) != 0 ||
	    add_missing(&dst->enforce_groups, &add->enforce_groups) != 0 ||
	    add_missing(&dst->exempt_users, &add->exempt_users) != 0 ||
	    add_missing(&dst->exempt_groups, &add->exempt_groups) != 0)
		return -1;
	return 0;
}

int cg_gate_lists_option(struct cg_gate_lists *g, const char *opt)
{
	static const char *const names[] = {"enforce_users", "enforce_groups", "exempt_users",
					    "exempt_groups"};
	struct cg_strlist *lists[] = {&g->enforce_users, &g->enforce_groups, &g->exempt_users,
				      &g->exempt_groups};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);
		struct cg_strlist more = {0};

		if (strncmp(opt, names[i], n) != 0 || opt[n] != '=')
			continue;
		/* split apart first: a bad value leaves the list as it was */
		if (opt[n + 1] == '\0' || cg_strlist_split(&more, opt + n + 1, ",") != 0 ||
		    more.count == 0) {
			cg_strlist_free(&more);
			return -1;
		}
		int rc = add_missing(lists[i], &more);
		cg_strlist_free(&more);
		return rc == 0 ? 1 : -1;
	}
	return 0;
}

static bool in(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; names != NULL && i < n; i++) {
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

/* The first name of l that is in names, or NULL. */
static const char *first_in(const struct cg_strlist *l, const char *const *names, size_t n)
{
	for (size_t i = 0; i < l->count; i++) {
		if (l->items[i] != NULL && in(names, n, l->items[i]))
			return l->items[i];
	}
	return NULL;
}

static void set(struct cg_gate_result *out, cg_gate_answer a, const char *list,
		const char *entry, const char *why)
{
	char clean[CG_CLAIM_MAX + 1];

	out->answer = a;
	out->list = list;
	cg_sanitize(clean, sizeof(clean), entry != NULL ? entry : "");
	cg_strlcpy(out->entry, entry != NULL ? clean : "", sizeof(out->entry));
	if (list != NULL && entry != NULL)
		snprintf(out->why, sizeof(out->why), "%s %s %s", why, list, clean);
	else
		cg_strlcpy(out->why, why, sizeof(out->why));
}

/* Appends "list name" to buf for every name of l in unknown, ", "-separated. */
static void name_unknown(char *buf, size_t len, const char *list, const struct cg_strlist *l,
			 const char *const *unknown, size_t n)
{
	for (size_t i = 0; i < l->count; i++) {
		char clean[CG_CLAIM_MAX + 1];
		size_t used = strlen(buf);

		if (l->items[i] == NULL || !in(unknown, n, l->items[i]))
			continue;
		cg_sanitize(clean, sizeof(clean), l->items[i]);
		snprintf(buf + used, len - used, "%s%s %s", used > 0 ? ", " : "", list, clean);
	}
}

void cg_gate_judge_with(const struct cg_gate_lists *lists, const char *user,
			const struct cg_gate_facts *facts, struct cg_gate_result *out)
{
	static const struct cg_gate_facts none = { .uid = (uid_t)-1 };
	const char *name;

	memset(out, 0, sizeof(*out));
	if (facts == NULL)
		facts = &none;
	if (facts->uid == 0) {
		set(out, CG_GATE_NOT_GATED, NULL, NULL, "root is never gated");
		return;
	}
	if (user == NULL || user[0] == '\0') {
		set(out, CG_GATE_GATED, NULL, NULL, "no user name: gated (fail closed)");
		return;
	}
	if (lists == NULL) {
		set(out, CG_GATE_GATED, NULL, NULL, "no lists: everyone is gated");
		return;
	}
	if (cg_strlist_contains(&lists->exempt_users, user)) {
		set(out, CG_GATE_NOT_GATED, "exempt_users", user, "in");
		return;
	}
	name_unknown(out->unknown_exempt, sizeof(out->unknown_exempt), "exempt_users",
		     &lists->exempt_users, facts->unknown_users, facts->nunknown_users);
	name_unknown(out->unknown_exempt, sizeof(out->unknown_exempt), "exempt_groups",
		     &lists->exempt_groups, facts->unknown_groups, facts->nunknown_groups);
	if (facts->nss_failed) {
		/* the groups that might exempt this user could not be read: fail closed */
		set(out, CG_GATE_GATED, NULL, NULL, "the name service failed: gated (fail closed)");
		return;
	}
	if ((name = first_in(&lists->exempt_groups, facts->groups, facts->ngroups)) != NULL) {
		set(out, CG_GATE_NOT_GATED, "exempt_groups", name, "in");
		return;
	}
	char unknown[CG_DETAIL_MAX] = "";
	name_unknown(unknown, sizeof(unknown), "enforce_users", &lists->enforce_users,
		     facts->unknown_users, facts->nunknown_users);
	name_unknown(unknown, sizeof(unknown), "enforce_groups", &lists->enforce_groups,
		     facts->unknown_groups, facts->nunknown_groups);
	if (unknown[0] != '\0') {
		const char *list = first_in(&lists->enforce_users, facts->unknown_users,
					    facts->nunknown_users) != NULL ? "enforce_users"
									   : "enforce_groups";
		name = first_in(&lists->enforce_users, facts->unknown_users, facts->nunknown_users);
		if (name == NULL)
			name = first_in(&lists->enforce_groups, facts->unknown_groups,
					facts->nunknown_groups);
		set(out, CG_GATE_UNJUDGED, list, name, "");
		snprintf(out->why, sizeof(out->why), "%s: the name service does not know %s",
			 unknown, unknown[strcspn(unknown, ",")] != '\0' ? "these names" : "this name");
		return;
	}
	if (lists->enforce_users.count == 0 && lists->enforce_groups.count == 0) {
		set(out, CG_GATE_GATED, NULL, NULL,
		    "enforce_users and enforce_groups are empty: everyone is gated");
		return;
	}
	if (cg_strlist_contains(&lists->enforce_users, user)) {
		set(out, CG_GATE_GATED, "enforce_users", user, "in");
		return;
	}
	if ((name = first_in(&lists->enforce_groups, facts->groups, facts->ngroups)) != NULL) {
		set(out, CG_GATE_GATED, "enforce_groups", name, "in");
		return;
	}
	set(out, CG_GATE_NOT_GATED, NULL, NULL, "in neither enforce_users nor enforce_groups");
}
