/*
 * The SSH parsers (shared/ssh_key_blob.c, shared/ssh_auth_info.c): what sshd, or anything
 * else that writes the PAM environment, can put in SSH_AUTH_INFO_0, and the key or
 * certificate blob inside it. The first byte chooses: 0 hands the rest to the blob parser as
 * raw bytes (the certificate fields without the base64 layer in the way), anything else
 * hands the rest to the SSH_AUTH_INFO_0 parser as text. Beyond "no crash, no leak", each
 * answer must hold together: a key has a fingerprint in ssh-keygen's form, a token lies
 * inside the blob and within the token cap, holds no NUL, and a refusal leaves nothing.
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

static void blob(const uint8_t *data, size_t size)
{
	struct cg_ssh_key k;
	char why[160], fp[CG_SSH_FP_LEN + 1];
	if (cg_ssh_key_parse(data, size, &k, why, sizeof(why)) != 0) {
		if (why[0] == '\0')
			abort();
		return;
	}
	if (k.fields < data || k.fields + k.fieldslen > data + size || k.plain_type == NULL)
		abort();
	if (k.token != NULL && (k.token < data || k.token + k.token_len > data + size ||
				k.token_len == 0 || k.token_len > CG_TOKEN_MAX || !k.cert))
		abort();
	if (cg_ssh_key_fingerprint(&k, fp) != 0 || !cg_ssh_fp_valid(fp))
		abort();
}

static void info(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	struct cg_ssh_auth a;
	int rc = cg_ssh_auth_info_parse(text, &a);
	if (rc == 0 && (!a.have_key || !cg_ssh_fp_valid(a.fp)))
		abort();
	if (rc != 0 && (a.have_key || a.token != NULL || a.why[0] == '\0'))
		abort();
	if (a.token != NULL && (strlen(a.token) != a.token_len || a.token_len > CG_TOKEN_MAX ||
				!a.cert))
		abort();
	cg_ssh_auth_free(&a);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] == 0)
		blob(data + 1, size - 1);
	else
		info(data + 1, size - 1);
	return 0;
}
