/*
 * The pure half of asking systemd-logind to end a login (reaper_logind.c talks to the bus):
 * which of logind's sessions we may name, and which answers mean "nothing there". Kept apart
 * so that the unit tests reach it without a bus.
 */
#include <errno.h>
#include <string.h>

#include "reaper.h"

const char *rp_logind_word(enum rp_logind r)
{
	switch (r) {
	case RP_LOGIND_TERMINATED:
		return "terminated";
	case RP_LOGIND_ABSENT:
		return "absent";
	case RP_LOGIND_REFUSED:
		return "refused";
	case RP_LOGIND_FAILED:
		break;
	}
	return "failed";
}

const char *rp_logind_mismatch(unsigned sid, const char *user, unsigned audit,
			       const char *name)
{
	/* logind names a session after the audit id only when one is set; a session of that
	 * name with another Audit id (or none, 0) is somebody else's, whatever its name says */
	if (audit != sid)
		return "its Audit id is not the login's";
	if (user == NULL || name == NULL || strcmp(user, name) != 0)
		return "its user is not the login's";
	return NULL;
}

bool rp_logind_error_is_absent(const char *name, int err)
{
	if (name == NULL)
		return err == ENOENT || err == ECONNREFUSED || err == ENOTDIR;
	/* no bus activation of logind on the bus; logind runs but has no such session
	 * (never had, or closed it when our signals ended its processes) */
	static const char *const absent[] = {
		"org.freedesktop.DBus.Error.ServiceUnknown",
		"org.freedesktop.DBus.Error.NameHasNoOwner",
		"org.freedesktop.login1.NoSuchSession",
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (strcmp(name, absent[i]) == 0)
			return true;
	}
	return false;
}
