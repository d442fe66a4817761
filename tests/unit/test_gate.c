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

static cg_gate_answer judge(const struct cg_gate_lists *g, const char *user)
{
	struct cg_gate_result r, ra;
	struct cg_account a;
	cg_gate_judge(g, user, &r);
	/* a front end that has looked the account up (the sudo plugin) judges it alike */
	if (cg_user_account(user, &a) == 1) {
		cg_gate_judge_account(g, &a, &ra);
		CU_ASSERT_EQUAL(ra.answer, r.answer);
		CU_ASSERT_STRING_EQUAL(ra.why, r.why);
	}
	return r.answer;
}

static bool is_gated(const struct cg_gate_lists *g, const char *user)
{
	return judge(g, user) == CG_GATE_GATED;
}

static bool is_exempt(const struct cg_gate_lists *g, const char *user)
{
	return judge(g, user) == CG_GATE_NOT_GATED;
}

/* The rule on given facts: true unless "not gated" (a "cannot judge" denies too). */
static bool gated_with(const struct cg_gate_lists *g, const char *user, unsigned uid,
		       const char *const *groups, size_t n)
{
	struct cg_gate_facts f = { .uid = uid, .groups = groups, .ngroups = n };
	struct cg_gate_result r;
	cg_gate_judge_with(g, user, &f, &r);
	return r.answer != CG_GATE_NOT_GATED;
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
		bool got = gated_with(&g, c->user, c->uid,
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
	CU_ASSERT_TRUE(gated_with(NULL, "alice", 1000, NULL, 0));
	CU_ASSERT_FALSE(gated_with(NULL, "root", 0, NULL, 0));
	CU_ASSERT_TRUE(gated_with(NULL, NULL, 1000, NULL, 0));
	struct cg_gate_lists g;
	lists_set(&g, "", "", "", "ops");
	/* a NULL groups array with a count is treated as no groups */
	CU_ASSERT_TRUE(gated_with(&g, "alice", 1000, NULL, 3));
	const char *const with_null[] = {NULL, "ops"};
	CU_ASSERT_FALSE(gated_with(&g, "alice", 1000, with_null, 2));
	cg_gate_lists_free(&g);
	cg_gate_lists_free(&g);
	cg_gate_lists_free(NULL);
}

/* The real lookups, on accounts every Debian system has. */
static void test_name_service(void)
{
	struct cg_gate_lists g;
	lists_set(&g, "", "", "", "");
	CU_ASSERT_TRUE(is_exempt(&g, "root"));
	CU_ASSERT_TRUE(is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(is_gated(&g, "no-such-user-changegate"));
	CU_ASSERT_TRUE(is_gated(&g, ""));
	CU_ASSERT_TRUE(is_gated(&g, NULL));
	CU_ASSERT_TRUE(is_gated(NULL, "nobody"));
	cg_gate_lists_free(&g);

	lists_set(&g, "", "", "", "nogroup");
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_TRUE(is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);

	/* a listed group that does not exist holds nobody; the other names still count */
	lists_set(&g, "", "", "", "no-such-group-changegate, nogroup");
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_TRUE(is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);
	/* ... but one in an enforce list cannot be judged: a typo must not narrow the gate */
	lists_set(&g, "", "no-such-group-changegate", "", "");
	CU_ASSERT_EQUAL(judge(&g, "nobody"), CG_GATE_UNJUDGED);
	cg_gate_lists_free(&g);

	lists_set(&g, "", "nogroup", "", "");
	CU_ASSERT_TRUE(is_gated(&g, "nobody"));
	CU_ASSERT_TRUE(is_exempt(&g, "daemon"));
	/* an unknown user is gated even when the lists would not name it */
	CU_ASSERT_TRUE(is_gated(&g, "no-such-user-changegate"));
	cg_gate_lists_free(&g);

	lists_set(&g, "daemon", "", "nobody", "");
	CU_ASSERT_TRUE(is_gated(&g, "daemon"));
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_TRUE(is_exempt(&g, "root"));
	cg_gate_lists_free(&g);

	/* a group the name service cannot look up gates everyone it might have exempted, but
	 * never a user exempt by name, and never root */
	lists_set(&g, "", "", "nobody", FAKE_NSS_BROKEN_GROUP ", nogroup");
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_TRUE(is_gated(&g, "daemon"));
	CU_ASSERT_TRUE(is_exempt(&g, "root"));
	cg_gate_lists_free(&g);
	lists_set(&g, "", FAKE_NSS_BROKEN_GROUP, "nobody", "");
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_TRUE(is_gated(&g, "daemon"));
	cg_gate_lists_free(&g);
	/* the same failure without the name: nobody, in nogroup, is gated (fail closed) */
	lists_set(&g, "", "", "", FAKE_NSS_BROKEN_GROUP ", nogroup");
	CU_ASSERT_TRUE(is_gated(&g, "nobody"));
	cg_gate_lists_free(&g);

	/* root stays ungated even when listed for enforcement */
	lists_set(&g, "root", "root", "", "");
	CU_ASSERT_TRUE(is_exempt(&g, "root"));
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
	struct cg_account a;
	CU_ASSERT_EQUAL(cg_user_account("CAROL", &a), 1);
	CU_ASSERT_STRING_EQUAL(a.name, FAKE_NSS_USER);
	CU_ASSERT_EQUAL(cg_user_account("root", &a), 1);
	CU_ASSERT_EQUAL(a.uid, 0);
	CU_ASSERT_EQUAL(cg_user_account("no-such-user-changegate", &a), 0);
	CU_ASSERT_EQUAL(cg_user_account("", &a), 0);
	CU_ASSERT_EQUAL(cg_user_account(NULL, &a), 0);

	struct cg_gate_lists g;
	/* enforced by name: every spelling is gated */
	lists_set(&g, "carol", "", "", "");
	CU_ASSERT_TRUE(is_gated(&g, "carol"));
	CU_ASSERT_TRUE(is_gated(&g, "CAROL"));
	CU_ASSERT_TRUE(is_gated(&g, "Carol"));
	cg_gate_lists_free(&g);
	/* exempt by name: every spelling is exempt, as the account is */
	lists_set(&g, "", "", "carol", "");
	CU_ASSERT_TRUE(is_exempt(&g, "CAROL"));
	cg_gate_lists_free(&g);
	/* a list that names the typed spelling names no account */
	lists_set(&g, "", "", "CAROL", "");
	CU_ASSERT_TRUE(is_gated(&g, "CAROL"));
	cg_gate_lists_free(&g);
}

/* Issue 14 item 7: a listed name the name service does not know, on given facts. */
static void test_unknown_names_rule(void)
{
	struct cg_gate_lists g;
	struct cg_gate_result r;
	const char *const unknown_group[] = {"developpers"};
	const char *const unknown_user[] = {"alcie"};
	const char *const dev_groups[] = {"developers"};
	const char *const sre_groups[] = {"sre"};
	struct cg_gate_facts f = { .uid = 1000, .groups = dev_groups, .ngroups = 1,
				   .unknown_groups = unknown_group, .nunknown_groups = 1 };

	/* the typo: nobody is in "developpers", so it must not read as "gate nobody" */
	lists_set(&g, "", "developpers", "bob", "sre");
	cg_gate_judge_with(&g, "alice", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_UNJUDGED);
	CU_ASSERT_STRING_EQUAL(r.list, "enforce_groups");
	CU_ASSERT_STRING_EQUAL(r.entry, "developpers");
	CU_ASSERT_PTR_NOT_NULL(strstr(r.why, "enforce_groups developpers"));
	/* the exempt still are: by name, by group, and root */
	cg_gate_judge_with(&g, "bob", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_NOT_GATED);
	f.groups = sre_groups;
	cg_gate_judge_with(&g, "carol", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_NOT_GATED);
	CU_ASSERT_STRING_EQUAL(r.why, "in exempt_groups sre");
	f.uid = 0;
	cg_gate_judge_with(&g, "root", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_NOT_GATED);
	cg_gate_lists_free(&g);

	/* the same for enforce_users */
	struct cg_gate_facts fu = { .uid = 1000, .unknown_users = unknown_user,
				    .nunknown_users = 1 };
	lists_set(&g, "alcie", "", "", "");
	cg_gate_judge_with(&g, "dave", &fu, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_UNJUDGED);
	CU_ASSERT_STRING_EQUAL(r.entry, "alcie");
	cg_gate_lists_free(&g);

	/* an unknown exempt name exempts nobody, and is named for the warning */
	lists_set(&g, "", "", "alcie", "");
	cg_gate_judge_with(&g, "alice", &fu, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_GATED);
	CU_ASSERT_STRING_EQUAL(r.unknown_exempt, "exempt_users alcie");
	cg_gate_lists_free(&g);

	/* a name-service error gates, as before (not config_error) */
	struct cg_gate_facts fe = { .uid = 1000, .nss_failed = true };
	lists_set(&g, "", "developers", "", "sre");
	cg_gate_judge_with(&g, "alice", &fe, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_GATED);
	cg_gate_lists_free(&g);
	/* an unset result denies */
	CU_ASSERT_EQUAL(CG_GATE_UNJUDGED, 0);
}

/* The same on the real name service. */
static void test_unknown_names_nss(void)
{
	struct cg_gate_lists g;
	struct cg_gate_result r;
	char enforce[256], exempt[256];

	lists_set(&g, "", "nogroup, no-such-group-changegate", "", "");
	cg_gate_judge(&g, "daemon", &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_UNJUDGED);
	CU_ASSERT_STRING_EQUAL(r.entry, "no-such-group-changegate");
	CU_ASSERT_TRUE(is_exempt(&g, "root"));
	CU_ASSERT_EQUAL(cg_gate_lists_unknown(&g, enforce, sizeof(enforce), exempt,
					      sizeof(exempt)), 0);
	CU_ASSERT_STRING_EQUAL(enforce, "enforce_groups no-such-group-changegate");
	CU_ASSERT_STRING_EQUAL(exempt, "");
	cg_gate_lists_free(&g);

	/* an enforce_users name that is only a spelling the name service accepts names no
	 * account: it cannot be judged either */
	lists_set(&g, "no-such-user-changegate", "", "nobody", "");
	CU_ASSERT_EQUAL(judge(&g, "daemon"), CG_GATE_UNJUDGED);
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	cg_gate_lists_free(&g);
	lists_set(&g, "CAROL", "", "", "");
	CU_ASSERT_EQUAL(judge(&g, "daemon"), CG_GATE_UNJUDGED);
	cg_gate_lists_free(&g);

	/* unknown exempt names exempt nobody; the others still do */
	lists_set(&g, "", "", "no-such-user-changegate", "no-such-group-changegate, nogroup");
	cg_gate_judge(&g, "daemon", &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_GATED);
	CU_ASSERT_STRING_EQUAL(r.unknown_exempt, "exempt_users no-such-user-changegate, "
			       "exempt_groups no-such-group-changegate");
	CU_ASSERT_TRUE(is_exempt(&g, "nobody"));
	CU_ASSERT_EQUAL(cg_gate_lists_unknown(&g, enforce, sizeof(enforce), exempt,
					      sizeof(exempt)), 0);
	CU_ASSERT_STRING_EQUAL(enforce, "");
	CU_ASSERT_STRING_EQUAL(exempt, "exempt_users no-such-user-changegate, "
			       "exempt_groups no-such-group-changegate");
	cg_gate_lists_free(&g);
}

/* Issue 14 item 8: lists of a PAM line or sudo.conf add to the config's, never replace. */
static void test_union_rule(void)
{
	struct cg_gate_lists cfg, line;
	struct cg_gate_result r;
	const char *const groups[] = {"sre", "developers"};
	struct cg_gate_facts f = { .uid = 1000, .groups = groups, .ngroups = 2 };

	/* the shipped profile: config exempts sre, the line exempts changegate-exempt */
	lists_set(&cfg, "", "developers", "", "sre");
	lists_set(&line, "", "", "", "changegate-exempt");
	CU_ASSERT_EQUAL_FATAL(cg_gate_lists_add(&cfg, &line), 0);
	CU_ASSERT_EQUAL(cfg.exempt_groups.count, 2);
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.exempt_groups, "sre"));
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.exempt_groups, "changegate-exempt"));
	CU_ASSERT_EQUAL(cfg.enforce_groups.count, 1);
	cg_gate_judge_with(&cfg, "alice", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_NOT_GATED);
	CU_ASSERT_STRING_EQUAL(r.why, "in exempt_groups sre");
	/* adding again adds nothing twice */
	CU_ASSERT_EQUAL(cg_gate_lists_add(&cfg, &line), 0);
	CU_ASSERT_EQUAL(cfg.exempt_groups.count, 2);
	cg_gate_lists_free(&line);

	/* enforce lists add up too: the line cannot narrow the config's gate */
	lists_set(&line, "bob", "", "", "");
	CU_ASSERT_EQUAL_FATAL(cg_gate_lists_add(&cfg, &line), 0);
	const char *const dev[] = {"developers"};
	f.groups = dev;
	f.ngroups = 1;
	cg_gate_judge_with(&cfg, "dave", &f, &r);
	CU_ASSERT_EQUAL(r.answer, CG_GATE_GATED);
	CU_ASSERT_STRING_EQUAL(r.why, "in enforce_groups developers");
	cg_gate_lists_free(&line);
	cg_gate_lists_free(&cfg);

	/* more than CG_LIST_MAX names together: an error, never a shortened list */
	memset(&cfg, 0, sizeof(cfg));
	memset(&line, 0, sizeof(line));
	for (int i = 0; i < CG_LIST_MAX; i++) {
		char name[32];
		snprintf(name, sizeof(name), "u%d", i);
		CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_users, name), 0);
	}
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&line.exempt_users, "one-more"), 0);
	CU_ASSERT_EQUAL(cg_gate_lists_add(&cfg, &line), -1);
	cg_gate_lists_free(&line);
	cg_gate_lists_free(&cfg);
}

static void test_list_option(void)
{
	struct cg_gate_lists g = {0};

	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "exempt_groups=a,b"), 1);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "exempt_groups=b,c"), 1);
	CU_ASSERT_EQUAL(g.exempt_groups.count, 3);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "exempt_groups=z"), 1);
	CU_ASSERT_EQUAL(g.exempt_groups.count, 4);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "enforce_users=alice"), 1);
	CU_ASSERT_EQUAL(g.enforce_users.count, 1);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "enforce_users="), -1);
	CU_ASSERT_EQUAL(g.enforce_users.count, 1); /* a bad value leaves the list as it was */
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "enforce_groups=,"), -1);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "enforce_userz=alice"), 0);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "exempt_groups"), 0);
	CU_ASSERT_EQUAL(cg_gate_lists_option(&g, "debug"), 0);
	cg_gate_lists_free(&g);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"rule table", test_rule_table},
		{"rule edges", test_rule_edges},
		{"name service", test_name_service},
		{"canonical account name", test_canonical_name},
		{"unknown names: rule", test_unknown_names_rule},
		{"unknown names: name service", test_unknown_names_nss},
		{"union rule", test_union_rule},
		{"list option", test_list_option},
		{NULL, NULL},
	};
	return cf_run("gate", tests);
}
