/* The target-group rule: on facts given by hand (every branch, no name service), then the
 * facts the name service gives for real accounts and groups. */
#include <grp.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

/* A target with primary gid 100 and supplementary 200; groups 42 ("shadow") and 6 ("disk")
 * are not its own, 999 has no name. */
static void facts(struct cg_group_facts *f, const gid_t *set, size_t nset, const gid_t *supp,
		  size_t nsupp)
{
	memset(f, 0, sizeof(*f));
	f->target_gid = 100;
	f->target_groups[0] = 100;
	f->target_groups[1] = 200;
	f->ntarget = 2;
	if (nset > 0)
		memcpy(f->gids, set, nset * sizeof(*set));
	if (nsupp > 0)
		memcpy(f->gids + nset, supp, nsupp * sizeof(*supp));
	f->nset = nset;
	f->count = nset + nsupp;
	f->names[0].gid = 42;
	strcpy(f->names[0].name, "shadow");
	f->names[1].gid = 6;
	strcpy(f->names[1].name, "disk");
	f->names[2].gid = 200;
	strcpy(f->names[2].name, "staff");
	f->names[3].gid = 999; /* looked up, but the name service had no name */
	f->nnames = 4;
}

#define IDS(...) ((const gid_t[]){__VA_ARGS__}), (sizeof((const gid_t[]){__VA_ARGS__}) / sizeof(gid_t))
#define NONE NULL, 0

static const struct rule_case {
	const char *what;
	gid_t set[2];
	size_t nset;
	gid_t supp[3];
	size_t nsupp;
	const char *allowed;   /* space separated runas_groups, NULL: no claim */
	bool ok;
	const char *detail;    /* a piece of the denial's words */
} rule_cases[] = {
	{"own primary gid, own groups", {100}, 1, {100, 200}, 2, NULL, true, NULL},
	{"own primary gid as gid and egid", {100, 100}, 2, {0}, 0, NULL, true, NULL},
	{"no gid set at all", {0}, 0, {0}, 0, NULL, true, NULL},
	{"sudo -g shadow", {42}, 1, {100, 200}, 2, NULL, false, "group shadow"},
	{"sudo -g shadow, named", {42}, 1, {42, 100, 200}, 3, "shadow", true, NULL},
	{"named, among others", {42}, 1, {42}, 1, "disk shadow", true, NULL},
	{"another group named", {42}, 1, {0}, 0, "disk", false, "group shadow"},
	{"egid not the target's", {100, 6}, 2, {0}, 0, NULL, false, "group disk"},
	{"supplementary own group as primary", {200}, 1, {0}, 0, NULL, false, "group staff"},
	{"supplementary group not its own", {100}, 1, {6}, 1, NULL, false, "group disk"},
	{"supplementary group named", {100}, 1, {6}, 1, "disk", true, NULL},
	{"a gid without a name", {999}, 1, {0}, 0, "shadow", false, "#999, which the name"},
	{"a gid never looked up", {4242}, 1, {0}, 0, NULL, false, "#4242"},
	{"names are exact", {42}, 1, {0}, 0, "Shadow", false, "group shadow"},
};

static void test_rule_table(void)
{
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]); i++) {
		const struct rule_case *c = &rule_cases[i];
		struct cg_group_facts f;
		struct cg_strlist allowed = {NULL, 0};
		char detail[CG_DETAIL_MAX] = "";

		facts(&f, c->set, c->nset, c->supp, c->nsupp);
		if (c->allowed != NULL)
			CU_ASSERT_EQUAL_FATAL(cg_strlist_split(&allowed, c->allowed, " "), 0);
		cg_reason r = cg_runas_groups_check(&f, c->allowed ? &allowed : NULL, "ticket T",
						    detail, sizeof(detail));
		if ((r == CG_OK) != c->ok || (!c->ok && r != CG_RUNAS_DENIED) ||
		    (c->detail != NULL && strstr(detail, c->detail) == NULL))
			fprintf(stderr, "case '%s': %s, '%s'\n", c->what, cg_reason_code(r), detail);
		CU_ASSERT_EQUAL(r, c->ok ? CG_OK : CG_RUNAS_DENIED);
		if (c->detail != NULL)
			CU_ASSERT_PTR_NOT_NULL(strstr(detail, c->detail));
		cg_strlist_free(&allowed);
	}
}

static void test_rule_edges(void)
{
	struct cg_group_facts f;
	char detail[CG_DETAIL_MAX] = "";

	/* no facts: the front end sets no group */
	CU_ASSERT_EQUAL(cg_runas_groups_check(NULL, NULL, NULL, detail, sizeof(detail)), CG_OK);
	/* facts that could not be gathered deny, whatever the ticket names */
	facts(&f, IDS(100), NONE);
	snprintf(f.fault, sizeof(f.fault), "the name service is down");
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, "ticket T", detail, sizeof(detail)),
			CG_RUNAS_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "the name service is down"));
	/* counts that do not add up are refused, not read past */
	facts(&f, IDS(100), NONE);
	f.nset = 5;
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)),
			CG_RUNAS_DENIED);
	facts(&f, IDS(100), NONE);
	f.count = CG_GROUPS_MAX + 1;
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)),
			CG_RUNAS_DENIED);
}

/* root, whose primary group is root; "disk" exists on every Debian and RPM system. */
static void test_name_service(void)
{
	struct cg_group_facts f;
	struct cg_strlist allowed = {NULL, 0};
	char detail[CG_DETAIL_MAX] = "";
	struct group gr, *disk = NULL;
	char buf[4096];
	const gid_t root_gid = 0;

	CU_ASSERT_EQUAL_FATAL(getgrnam_r("disk", &gr, buf, sizeof(buf), &disk), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(disk);
	const gid_t disk_gid = disk->gr_gid;

	/* the lookup clears only the counts and strings (changegate.h): garbage in the arrays
	 * beyond them, as a reused struct holds, must change nothing below */
	memset(&f, 0xa5, sizeof(f));
	/* sudo -u root: gid 0 and root's groups */
	cg_group_facts_lookup(&f, "root", 0, &root_gid, 1, &root_gid, 1);
	CU_ASSERT_STRING_EQUAL(f.fault, "");
	CU_ASSERT_STRING_EQUAL(f.shown, "root");
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)), CG_OK);
	/* sudo -g disk */
	cg_group_facts_lookup(&f, "root", 0, &disk_gid, 1, &root_gid, 1);
	CU_ASSERT_STRING_EQUAL(f.shown, "disk");
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)),
			CG_RUNAS_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "group disk"));
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&allowed, "disk"), 0);
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, &allowed, NULL, detail, sizeof(detail)), CG_OK);
	/* disk among the supplementary groups: named, it passes; as root's own it would too */
	cg_group_facts_lookup(&f, "root", 0, &root_gid, 1, &disk_gid, 1);
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, &allowed, NULL, detail, sizeof(detail)), CG_OK);
	cg_strlist_free(&allowed);
	/* a gid with no group: shown by number, never allowed */
	const gid_t nameless = 3999999;
	cg_group_facts_lookup(&f, "root", 0, &nameless, 1, NULL, 0);
	CU_ASSERT_STRING_EQUAL(f.shown, "#3999999");
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)),
			CG_RUNAS_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(detail, "#3999999"));
	/* a target the name service does not know, or whose uid is not the one sudo gives */
	cg_group_facts_lookup(&f, "no-such-user-changegate", 4321, &root_gid, 1, NULL, 0);
	CU_ASSERT_NOT_EQUAL(f.fault[0], '\0');
	CU_ASSERT_EQUAL(cg_runas_groups_check(&f, NULL, NULL, detail, sizeof(detail)),
			CG_RUNAS_DENIED);
	cg_group_facts_lookup(&f, "root", 4321, &root_gid, 1, NULL, 0);
	CU_ASSERT_NOT_EQUAL(f.fault[0], '\0');
	cg_group_facts_lookup(&f, NULL, 0, &root_gid, 1, NULL, 0);
	CU_ASSERT_NOT_EQUAL(f.fault[0], '\0');
	/* no gid given: nothing to show */
	cg_group_facts_lookup(&f, "root", 0, NULL, 0, NULL, 0);
	CU_ASSERT_STRING_EQUAL(f.shown, "-");
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"rule table", test_rule_table},
		{"rule edges", test_rule_edges},
		{"name service", test_name_service},
		{NULL, NULL},
	};
	return cf_run("runas group", tests);
}
