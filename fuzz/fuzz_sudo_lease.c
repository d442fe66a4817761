/*
 * The sudo lease parser (shared/sudo_lease.c) on hostile bytes. The reaper reads a lease as
 * root and signals the process tree it names, so beyond not crashing the parser must keep
 * its promise of one text per lease: whatever it accepts, the writer writes back byte for
 * byte, and what it refuses leaves no field behind that a careless caller could act on.
 */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "fuzz_input.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		if (b[i] != 0)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_sudo_lease l;
	char text[CG_SUDO_LEASE_MAX + 1];

	if (cg_sudo_lease_parse((const char *)data, size, &l) != 0) {
		/* refused: no pid, session or ticket survives to be signalled or logged */
		if (!all_zero(&l, sizeof(l)))
			abort();
		return 0;
	}
	/* accepted: never pid 0 or 1 (init), never the "no session" id, never an empty name */
	if (l.pid <= 1 || l.exp <= 0 || l.sessionid == 4294967295U || l.user[0] == '\0' ||
	    l.jti[0] == '\0' || l.chg[0] == '\0')
		abort();
	int n = cg_sudo_lease_format(&l, text, sizeof(text));
	if (n < 0 || (size_t)n != size || memcmp(text, data, size) != 0)
		abort();
	return 0;
}
