/*
 * The one module of fuzz_pam's PAM stack: libpam calls it as it calls any module (so the
 * module may keep data on the handle), and it passes each call to the fuzz target, which
 * runs pam_changegate's code with the input's arguments. The stack's own arguments are
 * ignored: the target supplies them.
 */
#include <security/pam_modules.h>

#include "fuzz_pam_world.h"

CG_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return cg_fuzz_pam_dispatch(pamh, CG_FUZZ_AUTH, flags);
}

CG_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}

CG_EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return cg_fuzz_pam_dispatch(pamh, CG_FUZZ_ACCOUNT, flags);
}

CG_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return cg_fuzz_pam_dispatch(pamh, CG_FUZZ_OPEN_SESSION, flags);
}

CG_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)argc;
	(void)argv;
	return cg_fuzz_pam_dispatch(pamh, CG_FUZZ_CLOSE_SESSION, flags);
}
