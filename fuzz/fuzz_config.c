/*
 * cg_config_parse on arbitrary text: the operator's file, and whatever a broken deploy tool
 * writes there. A parse either succeeds or fails with a "name:line: ..." message; a failure
 * must leave the message set, and a success must hold the keys the parser calls required.
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

/* fuzz/findings/config-regcomp-slow-*: ticket_pattern sources that made glibc's regcomp run
 * for minutes; the parser now accepts only a linear subset, so they stay in the corpus. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > CG_CONFIG_FILE_MAX)
		return 0; /* the file reader refuses these before the parser sees them */
	struct cg_config cfg;
	char err[512];
	if (cg_config_init(&cfg) != 0)
		abort();
	err[0] = '\0';
	int rc = cg_config_parse(&cfg, "fuzz.conf", (const char *)data, size, err, sizeof(err));
	if (rc != 0 && strncmp(err, "fuzz.conf", 9) != 0)
		abort();
	if (rc == 0 && (cfg.issuer == NULL || cfg.audience == NULL || cfg.keys_dir == NULL))
		abort();
	cg_config_free(&cfg);
	return 0;
}
