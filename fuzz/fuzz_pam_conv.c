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

/* The module's prompt for the rest of a token cut at ssh's answer length. */
static bool is_continuation(const char *text)
{
	struct cg_login_prompt p;

	return text != NULL && cg_login_prompt_parse(text, &p) == 0 && p.offset > 0;
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
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF) {
			if (is_continuation(text))
				c->continuations++;
			else
				c->token_prompts++;
		}
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
		/* the whole reply at once, then nothing: the module's token is the reply, as
		 * the core's verdict on it (the expectation) assumes */
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = dup_or_die(is_continuation(msg[i]->msg) ? "" : c->reply);
		else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = dup_or_die(c->login);
	}
	*resp = r;
	return PAM_SUCCESS;
}
