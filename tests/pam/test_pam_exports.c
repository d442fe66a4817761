/*
 * pam_changegate.so exposes the PAM entry points and nothing else: the core linked into it
 * (token verification, config parsing) must not be reachable, or interposable, from outside.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include <CUnit/Basic.h>

#ifndef CG_PAM_MODULE
#error "CG_PAM_MODULE must name the built pam_changegate.so"
#endif

static void *mod;

static void test_entry_points_present(void)
{
	static const char *const wanted[] = {"pam_sm_authenticate", "pam_sm_setcred",
					     "pam_sm_acct_mgmt", "pam_sm_open_session",
					     "pam_sm_close_session"};
	for (size_t i = 0; i < sizeof(wanted) / sizeof(*wanted); i++) {
		if (dlsym(mod, wanted[i]) == NULL)
			fprintf(stderr, "missing: %s\n", wanted[i]);
		CU_ASSERT_PTR_NOT_NULL(dlsym(mod, wanted[i]));
	}
}

static void test_core_hidden(void)
{
	static const char *const hidden[] = {"cg_verify_token", "cg_config_load", "cg_wipe_free",
					     "cg_gate_judge", "cg_login_record_write",
					     "cg_pam_args_parse", "cg_pam_prompt_token",
					     "pam_sm_chauthtok"};
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++) {
		if (dlsym(mod, hidden[i]) != NULL)
			fprintf(stderr, "exported: %s\n", hidden[i]);
		CU_ASSERT_PTR_NULL(dlsym(mod, hidden[i]));
	}
}

int main(void)
{
	mod = dlopen(CG_PAM_MODULE, RTLD_NOW | RTLD_LOCAL);
	if (mod == NULL) {
		fprintf(stderr, "dlopen %s: %s\n", CG_PAM_MODULE, dlerror());
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("pam_changegate exports", NULL, NULL);
	if (s == NULL || CU_add_test(s, "entry points present", test_entry_points_present) == NULL ||
	    CU_add_test(s, "core symbols hidden", test_core_hidden) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	dlclose(mod);
	return failures == 0 ? 0 : 1;
}
