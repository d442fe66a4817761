/*
 * cg_token_inspect, which `changegate inspect` runs on any text a user pastes: decodes without
 * trusting. On CG_OK both texts must be there; otherwise neither.
 */
#include <stdlib.h>

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
	char *header = NULL, *payload = NULL;
	cg_reason r = cg_token_inspect((const char *)data, size, &header, &payload);
	if (r == CG_OK && (header == NULL || payload == NULL))
		abort();
	if (r != CG_OK && r != CG_TOO_LARGE && r != CG_MALFORMED)
		abort();
	free(header);
	free(payload);
	return 0;
}
