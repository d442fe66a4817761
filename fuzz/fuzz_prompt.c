/*
 * The login prompt's parser (shared/login_prompt.c) on what a server sends: changegate-askpass
 * runs it on every keyboard-interactive prompt of every host a developer connects to, and
 * prints a token only when it says yes. Checks: what it accepts has fields in their bounds,
 * without the characters that delimit them, and the module's own wording of those fields
 * parses back to the same answer.
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
	if (size > 2 * CG_LOGIN_PROMPT_MAX)
		return 0;
	char *prompt = malloc(size + 1);
	if (prompt == NULL)
		abort();
	memcpy(prompt, data, size);
	prompt[size] = '\0';

	struct cg_login_prompt p, again;
	if (cg_login_prompt_parse(prompt, &p) == 0) {
		if (p.user[0] == '\0' || p.host[0] == '\0' || p.audience[0] == '\0' ||
		    strpbrk(p.user, " ()") != NULL || strpbrk(p.host, " ()") != NULL ||
		    strpbrk(p.audience, "()") != NULL || p.offset > CG_TOKEN_MAX)
			abort();
		char built[CG_LOGIN_PROMPT_MAX];
		if (cg_login_prompt_format(built, sizeof(built), p.user, p.host, p.audience,
					   p.offset) != 0 ||
		    cg_login_prompt_parse(built, &again) != 0 ||
		    strcmp(again.user, p.user) != 0 || strcmp(again.host, p.host) != 0 ||
		    strcmp(again.audience, p.audience) != 0 || again.offset != p.offset)
			abort();
	}
	free(prompt);
	return 0;
}
