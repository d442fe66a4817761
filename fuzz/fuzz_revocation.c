/*
 * cg_revocation_check over a file written from the input: the list `changegate revoke`
 * appends to, but also whatever else ends up in it. The first line of the input doubles as
 * the jti asked about, so lookups that should hit are tried too: a value that is listed on a
 * line of its own must come back CG_REVOKED.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "fuzz_input.h"

static char dir[4096];
static char path[sizeof(dir) + 16];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/cg-fuzz-revocation.XXXXXX",
		 tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/revoked", dir);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (cg_fuzz_write_file(path, data, size) != 0)
		abort();
	cg_reason r = cg_revocation_check(path, "jti-1", "CHG0012345", NULL);
	if (r != CG_OK && r != CG_REVOKED && r != CG_CONFIG_ERROR)
		abort();

	char *fields[2], *owner;
	size_t n = cg_fuzz_split(data, size, '\n', fields, 2, &owner);
	const char *first = fields[0];
	r = cg_revocation_check(path, first, "CHG0000000", NULL);
	if (r != CG_OK && r != CG_REVOKED && r != CG_CONFIG_ERROR)
		abort();
	/* a plain value alone on the first line, followed by more lines, is revoked */
	const uint8_t *nl = memchr(data, '\n', size);
	bool plain = n == 2 && nl != NULL && (size_t)(nl - data) == strlen(first) &&
		     first[0] != '\0' && first[0] != '#' && strlen(first) <= CG_JTI_MAX;
	for (const char *p = first; plain && *p != '\0'; p++)
		plain = *p > ' ' && *p < 0x7f;
	if (plain && r != CG_REVOKED)
		abort();
	free(owner);
	return 0;
}
