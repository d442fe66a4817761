/* SSH_AUTH_INFO_0 as sshd writes it, for the PAM and sudo tests: one publickey line with an
 * Ed25519 key or an OpenSSH user certificate for it (the changegate token in its extension,
 * as `ssh-keygen -O extension:changegate-token@changegate=TOKEN` writes it). The signature is
 * not a real one: checking it is sshd's business, never the module's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "testlib.h"

struct blob {
	unsigned char *b;
	size_t n, cap;
};

static void blob_put(struct blob *o, const void *p, size_t n)
{
	if (o->b == NULL || o->n + n > o->cap)
		abort();
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void blob_u32(struct blob *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};
	blob_put(o, b, 4);
}

static void blob_string(struct blob *o, const void *p, size_t n)
{
	blob_u32(o, (uint32_t)n);
	blob_put(o, p, n);
}

static void blob_cstr(struct blob *o, const char *s)
{
	blob_string(o, s, strlen(s));
}

char *cg_test_ssh_auth_info(const unsigned char pk[32], const char *token)
{
	static const unsigned char ca[32] = {0xca};
	struct blob o = {malloc(CG_TOKEN_MAX + 1024), 0, CG_TOKEN_MAX + 1024};
	struct blob ext = {malloc(CG_TOKEN_MAX + 128), 0, CG_TOKEN_MAX + 128};
	struct blob sub = {malloc(CG_TOKEN_MAX + 64), 0, CG_TOKEN_MAX + 64};
	const char *type = token != NULL ? "ssh-ed25519-cert-v01@openssh.com" : "ssh-ed25519";

	blob_cstr(&o, type);
	if (token != NULL)
		blob_cstr(&o, "nonce-nonce-nonce-nonce-nonce-00");
	blob_string(&o, pk, 32);
	if (token != NULL) {
		blob_u32(&o, 0);
		blob_u32(&o, 1);                 /* serial 1 */
		blob_u32(&o, 1);                 /* a user certificate */
		blob_cstr(&o, "test certificate");
		blob_u32(&sub, 9);
		blob_cstr(&sub, "alice");
		blob_put(&o, sub.b, sub.n);          /* principals: one string, "alice" */
		blob_u32(&o, 0);
		blob_u32(&o, 0);                 /* valid after 0 */
		blob_u32(&o, 0xffffffff);
		blob_u32(&o, 0xffffffff);        /* valid before forever */
		blob_u32(&o, 0);                 /* no critical options */
		sub.n = 0;
		blob_cstr(&sub, token);
		blob_cstr(&ext, "changegate-token@changegate");
		blob_string(&ext, sub.b, sub.n);
		blob_cstr(&ext, "permit-pty");
		blob_u32(&ext, 0);
		blob_string(&o, ext.b, ext.n);
		blob_u32(&o, 0);                 /* reserved */
		sub.n = 0;
		blob_cstr(&sub, "ssh-ed25519");
		blob_string(&sub, ca, 32);
		blob_string(&o, sub.b, sub.n);   /* the CA's key */
		blob_cstr(&o, "not a signature");
	}
	size_t b64len = 4 * ((o.n + 2) / 3);
	size_t linelen = strlen("publickey ") + strlen(type) + 1 + b64len + 2;
	char *line = malloc(linelen);
	if (line != NULL) {
		size_t at = (size_t)snprintf(line, linelen, "publickey %s ", type);
		EVP_EncodeBlock((unsigned char *)line + at, o.b, (int)o.n);
		memcpy(line + at + b64len, "\n", 2);
	}
	free(o.b);
	free(ext.b);
	free(sub.b);
	return line;
}
