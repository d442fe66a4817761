/*
 * The module asks the name service whether a user is gated once per call when the config
 * leaves exactly the lists the PAM line gave (module_context.c). These tests hold that
 * shortcut to its condition: any list the config adds or changes must be judged again, so a
 * config-level exemption still exempts and a config-level enforce list still narrows.
 *
 * The module also keeps, on the PAM handle, a note that the PAM line's lists gate an account
 * (gate_note.c), for the next call in the same process: part three makes several calls on one
 * handle and changes the account or the lists between them.
 *
 * Part one compiles pam_module/module_args.c in and checks the list comparison itself; parts two and
 * three run the built module under pam_wrapper (tests/pam/pam_harness.c).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>

#include <CUnit/Basic.h>
#include <security/pam_appl.h>
#include <security/pam_modules.h>

#include "pam_changegate.h"
#include "pam_harness.h"

/* bin, mail and news are Debian base-passwd accounts (as in tests/pam); group daemon has no
 * members, so the PAM line's exempt_groups=daemon exempts none of them. */
static const struct pt_service services[] = {
	/* the PAM line's list only: the shortcut applies */
	{"cg-line", "changegate.conf", "exempt_groups=daemon"},
	/* the config adds exempt_users = bin */
	{"cg-conf-exempt", "conf-exempt.conf", "exempt_groups=daemon"},
	/* the config narrows the gate to enforce_users = news */
	{"cg-conf-enforce", "conf-enforce.conf", "exempt_groups=daemon"},
	/* issue 14 item 7: a typo in the config's enforce list; the line exempts mail */
	{"cg-typo", "typo.conf", "exempt_users=mail"},
	/* issue 14 item 8, the shipped profile: the config exempts ssl-cert (postgres is in it,
	 * and in the enforced group postgres); the line adds exempt_groups=daemon */
	{"cg-profile", "profile.conf", "exempt_groups=daemon"},
	/* issue 14 item 8 (review): a list given twice on the line adds up, as in sudo.conf */
	{"cg-twice", "changegate.conf", "exempt_users=mail exempt_users=news"},
	{NULL, NULL, NULL},
};

/* ---- part one: the comparison ------------------------------------------------------------- */

static void parse(struct cg_pam_args *a, const char *const *argv, int argc)
{
	CU_ASSERT_EQUAL(cg_pam_args_parse(a, argc, (const char **)argv, NULL, NULL), 0);
	CU_ASSERT_FALSE(a->bad);
}

static void test_lists_same(void)
{
	static const char *const line[] = {"exempt_groups=daemon,adm", "exempt_users=mail"};
	struct cg_pam_args a;
	struct cg_gate_lists view, cfg;

	parse(&a, line, 2);
	cg_pam_args_exempt_lists(&a, &view);
	memset(&cfg, 0, sizeof(cfg));
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_groups, "daemon"), 0);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_groups, "adm"), 0);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_users, "mail"), 0);
	CU_ASSERT_TRUE(cg_pam_gate_lists_same(&view, &cfg));

	/* one more name anywhere: not the same */
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.enforce_users, "news"), 0);
	CU_ASSERT_FALSE(cg_pam_gate_lists_same(&view, &cfg));
	cg_strlist_free(&cfg.enforce_users);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.enforce_groups, "staff"), 0);
	CU_ASSERT_FALSE(cg_pam_gate_lists_same(&view, &cfg));
	cg_strlist_free(&cfg.enforce_groups);
	CU_ASSERT_TRUE(cg_pam_gate_lists_same(&view, &cfg));

	/* another name, or the same names in another order or in another list */
	cg_strlist_free(&cfg.exempt_users);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_users, "bin"), 0);
	CU_ASSERT_FALSE(cg_pam_gate_lists_same(&view, &cfg));
	cg_strlist_free(&cfg.exempt_users);
	cg_strlist_free(&cfg.exempt_groups);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_groups, "adm"), 0);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_groups, "daemon"), 0);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_users, "mail"), 0);
	CU_ASSERT_FALSE(cg_pam_gate_lists_same(&view, &cfg));
	cg_strlist_free(&cfg.exempt_groups);
	CU_ASSERT_EQUAL_FATAL(cg_strlist_add(&cfg.exempt_users, "daemon"), 0);
	CU_ASSERT_FALSE(cg_pam_gate_lists_same(&view, &cfg));

	cg_gate_lists_free(&cfg);
	cg_pam_args_free(&a);
}

/* Before the config is read only the arguments' exemptions count: the config's enforce
 * lists add to the arguments' (the union rule), so these never settle who is gated. */
static void test_view_enforce_rule(void)
{
	static const char *const both[] = {"enforce_users=alice", "enforce_groups=staff",
					   "exempt_users=mail"};
	struct cg_pam_args a;
	struct cg_gate_lists view;

	parse(&a, both, 3);
	cg_pam_args_exempt_lists(&a, &view);
	CU_ASSERT_EQUAL(view.enforce_users.count, 0);
	CU_ASSERT_EQUAL(view.enforce_groups.count, 0);
	CU_ASSERT_EQUAL(view.exempt_users.count, 1);
	cg_pam_args_free(&a);
}

/* The arguments' lists are added to the config's, never replace them. */
static void test_args_add_to_config(void)
{
	static const char *const line[] = {"exempt_groups=changegate-exempt", "enforce_users=bob"};
	struct cg_pam_args a;
	struct cg_config cfg;
	char err[256];
	static const char conf[] = "issuer = https://i\naudience = a\nkeys_dir = /k\n"
				   "exempt_groups = sre\nenforce_groups = developers\n";

	parse(&a, line, 2);
	CU_ASSERT_EQUAL_FATAL(cg_config_init(&cfg), 0);
	CU_ASSERT_EQUAL_FATAL(cg_config_parse(&cfg, "t", conf, sizeof(conf) - 1, err,
					      sizeof(err)), 0);
	CU_ASSERT_EQUAL(cg_pam_args_apply(&a, &cfg), 0);
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.exempt_groups, "sre"));
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.exempt_groups, "changegate-exempt"));
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.enforce_groups, "developers"));
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.enforce_users, "bob"));
	cg_config_free(&cfg);
	cg_pam_args_free(&a);
}

/* A list argument given twice adds up, as a sudo.conf option does (sudo_options.c): the
 * second never takes back the first's exemptions. */
static void test_args_twice_add_up(void)
{
	static const char *const line[] = {"exempt_users=dev1", "exempt_users=nobody",
					   "enforce_groups=a", "enforce_groups=b,a"};
	struct cg_pam_args a;

	parse(&a, line, 4);
	CU_ASSERT_EQUAL(a.gate.exempt_users.count, 2);
	CU_ASSERT_TRUE(cg_strlist_contains(&a.gate.exempt_users, "dev1"));
	CU_ASSERT_TRUE(cg_strlist_contains(&a.gate.exempt_users, "nobody"));
	CU_ASSERT_EQUAL(a.gate.enforce_groups.count, 2);
	cg_pam_args_free(&a);
}

/* ---- part two: the module ----------------------------------------------------------------- */

static const char *const every_step[] = {"authenticate", "acct_mgmt", "open_session",
					 "close_session"};

static void expect_ignored(const char *service, const char *user)
{
	for (size_t i = 0; i < sizeof(every_step) / sizeof(*every_step); i++) {
		struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
		int rc = pt_call(every_step[i], service, user, &conv, 0, NULL);
		if (rc != PAM_IGNORE)
			fprintf(stderr, "%s %s %s: %d\n", service, user, every_step[i], rc);
		CU_ASSERT_EQUAL(rc, PAM_IGNORE);
		CU_ASSERT_EQUAL(conv.prompts, 0);
	}
}

/* Gated: auth prompts and refuses a bad token, account refuses without one. */
static void expect_gated(const char *service, const char *user)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
	CU_ASSERT_EQUAL(pt_call("authenticate", service, user, &conv, 0, NULL), PAM_AUTH_ERR);
	CU_ASSERT_EQUAL(conv.prompts, 1);
	memset(&conv, 0, sizeof(conv));
	conv.mode = PT_REPLY;
	conv.reply = "not-a-token";
	CU_ASSERT_EQUAL(pt_call("acct_mgmt", service, user, &conv, 0, NULL), PAM_PERM_DENIED);
}

static void test_line_lists_only(void)
{
	expect_gated("cg-line", "bin");
	expect_gated("cg-line", "mail");
	expect_ignored("cg-line", "root");
}

static void test_config_exemption_still_counts(void)
{
	expect_ignored("cg-conf-exempt", "bin");
	expect_gated("cg-conf-exempt", "mail");
}

static void test_config_enforce_still_counts(void)
{
	expect_ignored("cg-conf-enforce", "mail");
	expect_ignored("cg-conf-enforce", "bin");
	expect_gated("cg-conf-enforce", "news");
}

/* Issue 14 item 7: enforce_groups names a group the name service does not know. Everyone not
 * exempt is refused with config_error (never prompted: nothing could be judged); the
 * line-exempt and root are let through. */
static void test_enforce_typo(void)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
	CU_ASSERT_EQUAL(pt_call("authenticate", "cg-typo", "news", &conv, 0, NULL), PAM_AUTH_ERR);
	CU_ASSERT_EQUAL(conv.prompts, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(conv.errors, "(config_error)"));
	memset(&conv, 0, sizeof(conv));
	conv.mode = PT_REPLY;
	CU_ASSERT_EQUAL(pt_call("acct_mgmt", "cg-typo", "bin", &conv, 0, NULL), PAM_PERM_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(conv.errors, "(config_error)"));
	expect_ignored("cg-typo", "mail");
	expect_ignored("cg-typo", "root");
}

/* Issue 14 item 8: the line's exempt_groups adds to the config's; postgres, in the config's
 * exempt group ssl-cert and its enforced group postgres, is exempt, as at sudo. */
static void test_shipped_profile(void)
{
	expect_ignored("cg-profile", "postgres");
	expect_gated("cg-profile", "bin");
}

/* The same through the module: both lines' users are exempt, anyone else is gated. */
static void test_line_lists_twice(void)
{
	expect_ignored("cg-twice", "mail");
	expect_ignored("cg-twice", "news");
	expect_gated("cg-twice", "bin");
}

/* ---- part three: several calls on one handle ---------------------------------------------- */

/* Every getgrouplist the module makes (the gate asks it once per judgement of group lists)
 * comes here first: exported, so that the dlopen()ed module binds to it, as fake_nss.c does
 * for getpwnam_r in tests/pam. */
static unsigned grouplist_calls;

typedef int getgrouplist_fn(const char *, gid_t, gid_t *, int *);

__attribute__((visibility("default"))) int getgrouplist(const char *user, gid_t group,
							gid_t *groups, int *ngroups)
{
	getgrouplist_fn *real;

	grouplist_calls++;
	*(void **)&real = dlsym(RTLD_NEXT, "getgrouplist");
	if (real == NULL) {
		*ngroups = 0;
		return -1;
	}
	return real(user, group, groups, ngroups);
}

/* A service of our own whose PAM lines differ, written where pam_wrapper keeps its copy of
 * the service files (libpam reads them at pam_start). */
static int write_mixed_service(void)
{
	const char *dir = getenv("PAM_WRAPPER_RUNTIME_DIR");
	char path[512];
	if (dir == NULL || (size_t)snprintf(path, sizeof(path), "%s/cg-mixed", dir) >= sizeof(path))
		return -1;
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	static const char *const lines[][2] = {
		{"auth", "exempt_groups=daemon"},
		{"account", "exempt_groups=daemon exempt_users=mail"},
		{"session", "exempt_groups=daemon,mail"},
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		if (fprintf(f, "%s required %s config=%s rundir=%s %s\n%s optional pam_permit.so\n",
			    lines[i][0], CG_PAM_MODULE, pt_env.config_path, pt_env.run_dir,
			    lines[i][1], lines[i][0]) < 0)
			rc = -1;
	}
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* A note for mail says nothing about daemon, whom exempt_groups=daemon exempts. */
static void test_note_is_for_one_account(void)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
	struct pam_conv pc = {pt_conv_fn, &conv};
	pam_handle_t *pamh = NULL;

	CU_ASSERT_EQUAL_FATAL(pam_start("cg-line", "mail", &pc, &pamh), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
	CU_ASSERT_EQUAL(conv.prompts, 1);
	CU_ASSERT_EQUAL_FATAL(pam_set_item(pamh, PAM_USER, "daemon"), PAM_SUCCESS);
	/* the module says PAM_IGNORE, and the stack's pam_permit.so success */
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);
}

/* A note for the lists of one PAM line says nothing about another line's lists. */
static void test_note_is_for_one_set_of_lists(void)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
	struct pam_conv pc = {pt_conv_fn, &conv};
	pam_handle_t *pamh = NULL;

	CU_ASSERT_EQUAL_FATAL(write_mixed_service(), 0);
	CU_ASSERT_EQUAL_FATAL(pam_start("cg-mixed", "mail", &pc, &pamh), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
	CU_ASSERT_EQUAL(conv.prompts, 1);
	/* account: exempt_users=mail; session: mail's own group is listed */
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);
}

/* Where the note applies, the account is still gated at every step (no token, no way in; a
 * valid token, in), and the name service is asked once per handle, not once per call. */
static void test_note_keeps_the_gate(void)
{
	struct pt_conv conv = {.mode = PT_REPLY, .reply = "not-a-token"};
	struct pam_conv pc = {pt_conv_fn, &conv};
	pam_handle_t *pamh = NULL;

	CU_ASSERT_EQUAL_FATAL(pam_start("cg-line", "mail", &pc, &pamh), PAM_SUCCESS);
	grouplist_calls = 0;
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
	CU_ASSERT_EQUAL(grouplist_calls, 1);
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_PERM_DENIED);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SESSION_ERR);
	CU_ASSERT_EQUAL(grouplist_calls, 1);
	pam_end(pamh, PAM_SUCCESS);

	char *token = pt_token("mail", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(token);
	struct pt_conv ok = {.mode = PT_REPLY, .reply = token};
	struct pam_conv okc = {pt_conv_fn, &ok};
	CU_ASSERT_EQUAL_FATAL(pam_start("cg-line", "mail", &okc, &pamh), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);
	free(token);
}

/* The two configs: the good one plus one line each, written in the tree before any test. */
static int write_config(const char *name, const char *extra)
{
	char path[512], text[8192];
	FILE *f = fopen(pt_env.config_path, "r");
	if (f == NULL)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 128, f);
	fclose(f);
	text[n] = '\0';
	strcat(text, extra);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", pt_env.dir, name) >= sizeof(path))
		return -1;
	f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f) != 0 || chmod(path, 0600) != 0)
		rc = -1;
	return rc;
}

static int run_tests(void)
{
	if (write_config("conf-exempt.conf", "exempt_users = bin\n") != 0 ||
	    write_config("typo.conf", "enforce_groups = bin, no-such-group-changegate\n") != 0 ||
	    write_config("profile.conf", "exempt_groups = ssl-cert\n"
			 "enforce_groups = postgres, bin\n") != 0 ||
	    write_config("conf-enforce.conf", "enforce_users = news\n") != 0) {
		fprintf(stderr, "cannot write the test configs in %s\n", pt_env.dir);
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("pam_changegate gate lists", NULL, NULL);
	if (s == NULL ||
	    CU_add_test(s, "lists compared name by name", test_lists_same) == NULL ||
	    CU_add_test(s, "argument view: exemptions only", test_view_enforce_rule) == NULL ||
	    CU_add_test(s, "arguments add to the config", test_args_add_to_config) == NULL ||
	    CU_add_test(s, "a list given twice adds up", test_args_twice_add_up) == NULL ||
	    CU_add_test(s, "module: a list given twice adds up", test_line_lists_twice) == NULL ||
	    CU_add_test(s, "unknown enforce group: config_error", test_enforce_typo) == NULL ||
	    CU_add_test(s, "shipped profile: union rule", test_shipped_profile) == NULL ||
	    CU_add_test(s, "PAM line lists only", test_line_lists_only) == NULL ||
	    CU_add_test(s, "config exemption still counts",
			test_config_exemption_still_counts) == NULL ||
	    CU_add_test(s, "config enforce list still counts",
			test_config_enforce_still_counts) == NULL ||
	    CU_add_test(s, "note: one account", test_note_is_for_one_account) == NULL ||
	    CU_add_test(s, "note: one set of lists", test_note_is_for_one_set_of_lists) == NULL ||
	    CU_add_test(s, "note: still gated", test_note_keeps_the_gate) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failures == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	return pt_main(argc, argv, services, run_tests);
}
