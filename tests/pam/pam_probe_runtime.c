/*
 * A PAM module for the tests only. Placed after pam_changegate in a session stack, where
 * pam_systemd would be, it copies the PAM data item "systemd.runtime_max_sec" (what
 * pam_systemd reads) into the PAM environment as PROBE_RUNTIME_MAX_SEC, where a test can see
 * it: PAM data is readable by modules only.
 */
#include <stdio.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define PROBE_EXPORT __attribute__((visibility("default")))

PROBE_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *v = NULL;
	char entry[64];

	(void)flags;
	(void)argc;
	(void)argv;
	if (pam_get_data(pamh, "systemd.runtime_max_sec", &v) != PAM_SUCCESS || v == NULL)
		return PAM_SUCCESS;
	snprintf(entry, sizeof(entry), "PROBE_RUNTIME_MAX_SEC=%.40s", (const char *)v);
	return pam_putenv(pamh, entry) == PAM_SUCCESS ? PAM_SUCCESS : PAM_SESSION_ERR;
}

PROBE_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
				      const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
