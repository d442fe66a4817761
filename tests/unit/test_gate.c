/* Who is gated: the rule on given facts (table-driven), then on the real name service. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"
#include "fake_nss.h"

static void lists_set(struct cg_gate_lists *g, const char *eu, const char *eg, const char *xu,
		      const char *xg)
{
	memset(g, 0, sizeof(*g));
	CU_ASSERT_FATAL(cg_strlist_split(&g->enforce_users, eu, ", ") == 0);
	CU_ASSERT_FATAL(cg_strlist_split(&g->enforce_groups, eg, ", ") == 0);
	CU_ASSERT_FATAL(cg_strlist_split(&g->exempt_users, xu, ", ") == 0);
	CU_ASSERT_FATAL(cg_strlist_split(&g->exempt_groups, xg, ", ") == 0);
}

static const struct gate_case {
	const char *enforce_users, *enforce_groups, *exempt_users, *exempt_groups;
	const char *user;
	unsigned uid;
	const char *groups; /* comma separated */
	bool gated;
} cases[] = {
	/* empty enforce lists: everyone but root */
	{"", "", "", "", "alice", 1000, "alice", true},
	{"", "", "", "", "root", 0, "root", false},
	{"", "", "", "", "toor", 0, "wheel", false},  /* uid 0 under another name */
	{"", "", "", "", "", 1000, "", true},          /* no name: fail closed */
	/* exempt lists win */
	{"", "", "deploy", "", "deploy", 1001, "deploy", false},
	{"", "", "", "breakglass", "bob", 1002, "bob,breakglass", false},
	{"bob", "devs", "bob", "", "bob", 1002, "devs", false},
	{"", "devs", "", "devs", "carol", 1003, "devs", false},
	/* enforce lists gate only their members */
	{"alice", "", "", "", "alice", 1000, "alice", true},
	{"alice", "", "", "", "bob", 1002, "bob", false},
	{"", "devs,ops", "", "", "bob", 1002, "bob,ops", true},
	{"", "devs,ops", "", "", "bob", 1002, "bob,users", false},
	{"alice", "devs", "", "", "dave", 1004, "devs", true},
	{"alice", "devs", "", "", "root", 0, "devs", false},
	/* names compare exactly */
	{"Alice", "", "", "", "alice", 1000, "alice", false},
	{"", "", "alice", "", "alice2", 1000, "alice2", true},
	{"", "", "", "Devs", "erin", 1005, "devs", true},
};

static void test_rule_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gate_case *c = &cases[i];
		struct cg_gate_lists g;
		lists_set(&g, c->enforce_users, c->enforce_groups, c->exempt_users,
			  c->exempt_groups);
		struct cg_strlist groups = {0};
		CU_ASSERT_FATAL(cg_strlist_split(&groups, c->groups, ",") == 0);
		bool got = cg_user_is_gated_with(&g, c->user, c->uid,
						 (const char *const *)groups.items, groups.count);
		if (got != c->gated)
			fprintf(stderr, "case %zu (%s): got %d\n", i, c->user, got);
		CU_ASSERT_EQUAL(got, c->gated);
		cg_strlist_free(&groups);
		cg_gate_lists_free(&g);
	}
}

static void test_rule_edges(void)
{
	/* NULL lists are the defaults: everyone but root */
	CU_ASSERT_TRUE(cg_user_is_gated_with(NULL, "alice", 1000, NULL, 0));
	CU_ASSERT_FALSE(cg_user_is_gated_with(NULL, "root", 0, NULL, 0));
	CU_ASSERT_TRUE(cg_user_is_gated_with(NULL, NULL, 1000, NULL, 0));
	struct cg_gate_lists g;
	lists_set(&g, "", "", "", "ops");
	/* a NULL groups array with a count is treated as no groups */
	CU_ASSERT_TRUE(cg_user_is_gated_with(&g, "alice", 1000, NULL, 3));
	const char *const with_null[] = {NULL, "ops"};
	CU_ASSERT_FALSE(cg_user_is_gated_with(&g, "alice", 1000, with_null, 2));
	cg_gate_lists_free(&g);
	cg_gate_lists_free(&g);
	cg_gate_lists_free(NULL);
}

/* The real lookups, on accounts every Debian system has. */
static void test_name_service(void)
{
	struct cg_gate_lists g;
	lists_set(&g, "", "", "", "");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "root"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "no-such-user-changegate"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, ""));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, NULL));
	CU_ASSERT_TRUE(cg_user_is_gated(NULL, "nobody"));
	cg_gate_lists_free(&g);

	lists_set(&g, "", "", "", "nogroup");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);

	/* a listed group that does not exist holds nobody; the other names still count */
	lists_set(&g, "", "", "", "no-such-group-changegate, nogroup");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);
	lists_set(&g, "", "no-such-group-changegate", "", "");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	cg_gate_lists_free(&g);

	lists_set(&g, "", "nogroup", "", "");
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "daemon"));
	/* an unknown user is gated even when the lists would not name it */
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "no-such-user-changegate"));
	cg_gate_lists_free(&g);

	lists_set(&g, "daemon", "", "nobody", "");
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "daemon"));
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "root"));
	cg_gate_lists_free(&g);

	/* a group the name service cannot look up gates everyone it might have exempted, but
	 * never a user exempt by name, and never root */
	lists_set(&g, "", "", "nobody", FAKE_NSS_BROKEN_GROUP ", nogroup");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "daemon"));
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "root"));
	cg_gate_lists_free(&g);
	lists_set(&g, "", FAKE_NSS_BROKEN_GROUP, "nobody", "");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);
	/* the same failure without the name: nobody, in nogroup, is gated (fail closed) */
	lists_set(&g, "", "", "", FAKE_NSS_BROKEN_GROUP ", nogroup");
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "nobody"));
	cg_gate_lists_free(&g);

	/* root stays ungated even when listed for enforcement */
	lists_set(&g, "root", "root", "", "");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "root"));
	cg_gate_lists_free(&g);
}

/* A name service that answers for "CAROL" with the account "carol" (fake_nss.c): the lists
 * name accounts, so the spelling typed must not slip past them. */
static void test_canonical_name(void)
{
	char out[64];
	CU_ASSERT_TRUE(cg_user_canonical("CAROL", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, FAKE_NSS_USER);
	CU_ASSERT_TRUE(cg_user_canonical("carol", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "carol");
	CU_ASSERT_TRUE(cg_user_canonical("root", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "root");
	CU_ASSERT_FALSE(cg_user_canonical("no-such-user-changegate", out, sizeof(out)));
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FALSE(cg_user_canonical("CAROL", out, 5)); /* does not fit: no name at all */
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_FALSE(cg_user_canonical("", out, sizeof(out)));
	CU_ASSERT_FALSE(cg_user_canonical(NULL, out, sizeof(out)));
	CU_ASSERT_FALSE(cg_user_canonical("carol", NULL, 0));

	struct cg_gate_lists g;
	/* enforced by name: every spelling is gated */
	lists_set(&g, "carol", "", "", "");
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "carol"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "CAROL"));
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "Carol"));
	cg_gate_lists_free(&g);
	/* exempt by name: every spelling is exempt, as the account is */
	lists_set(&g, "", "", "carol", "");
	CU_ASSERT_FALSE(cg_user_is_gated(&g, "CAROL"));
	cg_gate_lists_free(&g);
	/* a list that names the typed spelling names no account */
	lists_set(&g, "", "", "CAROL", "");
	CU_ASSERT_TRUE(cg_user_is_gated(&g, "CAROL"));
	cg_gate_lists_free(&g);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"rule table", test_rule_table},
		{"rule edges", test_rule_edges},
		{"name service", test_name_service},
		{"canonical account name", test_canonical_name},
		{NULL, NULL},
	};
	return cf_run("gate", tests);
}
