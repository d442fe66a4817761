/* The scripted conversation of the PAM fuzz target: answers the token prompt with the fuzz
 * input (or fails in one of the ways a client can), answers pam_get_user's prompt, and puts
 * every message meant for the user through the token watch. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_pam_world.h"

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);
	if (d == NULL)
		abort(); /* out of memory in a fuzzer is a finding, not a path to test */
	return d;
}

int cg_fuzz_conv(int n, const struct pam_message **msg, struct pam_response **resp,
		 void *data)
{
	struct cg_fuzz_conv *c = data;

	if (n <= 0 || n > PAM_MAX_NUM_MSG || resp == NULL)
		return PAM_CONV_ERR;
	for (int i = 0; i < n; i++) {
		const char *text = msg[i]->msg != NULL ? msg[i]->msg : "";
		cg_fuzz_check_text("a conversation message", text, strlen(text));
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			c->token_prompts++;
	}
	if (c->mode == CG_FUZZ_CONV_FAIL)
		return PAM_CONV_ERR;
	if (c->mode == CG_FUZZ_CONV_NULL_ARRAY) {
		*resp = NULL;
		return PAM_SUCCESS;
	}
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		if (c->mode == CG_FUZZ_CONV_NULL_TEXT)
			continue;
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = dup_or_die(c->reply);
		else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = dup_or_die(c->login);
	}
	*resp = r;
	return PAM_SUCCESS;
}
