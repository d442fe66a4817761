/*
 * The login record parser (shared/login_record.c) on hostile bytes. The record is read by
 * root processes (sudo, the reaper), so beyond not crashing the parser must keep its promise
 * of one text per record: whatever it accepts, the writer writes back byte for byte. A
 * lenient parser would accept some text the writer never wrote, and this aborts on it.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_login_record r;
	char err[256];

	if (cg_login_record_parse((const char *)data, size, &r, err, sizeof(err)) != 0) {
		/* refused: nothing is left allocated, and the reason is one line of text */
		if (r.token != NULL || r.ticket.cmds.items != NULL || strchr(err, '\n') != NULL)
			abort();
		return 0;
	}
	char *text = NULL;
	size_t len = 0;
	if (cg_login_record_format(&r, &text, &len) != 0 || len != size ||
	    memcmp(text, data, size) != 0)
		abort();
	cg_wipe_free(text, len);
	cg_login_record_free(&r);
	return 0;
}
