/*
 * The `hosts` and `cmds` matchers on token-supplied patterns. Input lines: a host pattern, a
 * host name, a command pattern, then the command's words (argv[0] first). Checks the rule
 * that must never bend: a pattern allows only the absolute program path it starts with.
 */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "fuzz_input.h"

#define MAX_FIELDS (3 + 32)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 4 * CG_CMD_MAX)
		return 0;
	char *f[MAX_FIELDS], *owner;
	size_t n = cg_fuzz_split(data, size, '\n', f, MAX_FIELDS, &owner);

	struct cg_strlist hosts = {0};
	if (cg_strlist_add(&hosts, f[0]) != 0)
		abort();
	if (n > 1)
		(void)cg_host_matches(&hosts, f[1]);
	cg_strlist_free(&hosts);

	if (n > 3) {
		const char *const *argv = (const char *const *)&f[3];
		size_t argc = n - 3;
		bool m = cg_command_matches(f[2], argv, argc);
		/* whatever follows it, a pattern only ever allows the program it names first */
		const char *w = f[2] + strspn(f[2], " \t");
		size_t wn = strcspn(w, " \t");
		if (m && (strlen(argv[0]) != wn || memcmp(w, argv[0], wn) != 0 || w[0] != '/'))
			abort();
	}
	free(owner);
	return 0;
}
