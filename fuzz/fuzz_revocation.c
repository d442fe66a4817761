/*
 * cg_revocation_check over a file written from the input: the list `changegate revoke`
 * appends to, but also whatever else ends up in it. The first line of the input doubles as
 * the jti asked about, so lookups that should hit are tried too: an id that is listed on a
 * line of its own must come back CG_REVOKED, and a list with a line that is neither blank, a
 * comment nor an id must deny (CG_CONFIG_ERROR).
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
	/* a list with a line that is not an id denies, whatever is asked */
	char err[256];
	bool valid = cg_revocation_list_valid((const char *)data, size, err, sizeof(err)) == 0;
	if (!valid && r != CG_CONFIG_ERROR)
		abort();
	/* in a valid list, an id alone on the first line, followed by more lines, is revoked */
	const uint8_t *nl = memchr(data, '\n', size);
	bool plain = valid && n == 2 && nl != NULL && (size_t)(nl - data) == strlen(first) &&
		     cg_id_valid(first, strlen(first), CG_JTI_MAX, NULL, 0);
	if (plain && r != CG_REVOKED)
		abort();
	free(owner);
	return 0;
}
