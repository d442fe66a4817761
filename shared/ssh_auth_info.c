/* SSH_AUTH_INFO_0: what sshd (auth2.c, auth2_update_session_info) writes into the PAM
 * environment about the methods that completed, one line each:
 *
 *     publickey ssh-ed25519-cert-v01@openssh.com AAAA...\n
 *     keyboard-interactive/pam\n
 *
 * that is, the method (with "/submethod"), then for publickey the key as sshkey_format_text
 * writes it (type name, standard base64 of its blob), then any text sshd adds. Untrusted:
 * another PAM module can set the variable too. So it is read strictly, with a cap on its
 * size and its lines, and only one publickey line is accepted: with two, which key
 * authenticated is not one answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "token_internal.h"

#define LINES_MAX 32

/* What a method name is made of: "publickey", "keyboard-interactive/pam", "gssapi-with-mic". */
static bool method_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '/' ||
	       c == '@' || c == '.';
}

static void no_key(struct cg_ssh_auth *a, const char *why)
{
	cg_ssh_auth_free(a);
	cg_strlcpy(a->why, why, sizeof(a->why));
}

/* "TYPE BASE64[ more]" of a publickey line (the text after "publickey "). */
static int read_key(struct cg_ssh_auth *a, const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	if (sp == NULL || sp == s) {
		no_key(a, "its publickey entry names no key");
		return -1;
	}
	const char *b = sp + 1;
	const char *end = memchr(b, ' ', n - (size_t)(b - s));
	size_t blen = (size_t)((end != NULL ? end : s + n) - b);
	if (blen == 0 || blen > CG_SSH_BLOB_MAX / 3 * 4 + 4) {
		no_key(a, "its publickey entry holds no key or too long a key");
		return -1;
	}
	unsigned char *blob = malloc(blen / 4 * 3 + 1);
	if (blob == NULL) {
		no_key(a, "out of memory");
		return -1;
	}
	size_t len = cg_b64_decode_padded(b, blen, blob);
	struct cg_ssh_key k;
	char why[sizeof(a->why) - 32];
	int rc = -1;
	if (len == 0) {
		no_key(a, "its publickey entry's key is not base64");
	} else if (cg_ssh_key_parse(blob, len, &k, why, sizeof(why)) != 0) {
		cg_ssh_auth_free(a);
		snprintf(a->why, sizeof(a->why), "its publickey entry: %s", why);
	} else if (strlen(k.type) != (size_t)(sp - s) || memcmp(k.type, s, (size_t)(sp - s)) != 0) {
		no_key(a, "its publickey entry names another key type than its key");
	} else if (cg_ssh_key_fingerprint(&k, a->fp) != 0) {
		no_key(a, "the key's fingerprint could not be computed");
	} else if (k.token != NULL && memchr(k.token, '\0', k.token_len) != NULL) {
		/* a NUL inside the extension would cut the token short */
		no_key(a, "the certificate's token holds a NUL byte");
	} else if (k.token != NULL && (a->token = malloc(k.token_len + 1)) == NULL) {
		no_key(a, "out of memory");
	} else {
		if (a->token != NULL) {
			memcpy(a->token, k.token, k.token_len);
			a->token[k.token_len] = '\0';
			a->token_len = k.token_len;
		}
		a->have_key = true;
		a->cert = k.cert;
		rc = 0;
	}
	cg_wipe_free(blob, blen / 4 * 3 + 1);
	return rc;
}

int cg_ssh_auth_info_parse(const char *info, struct cg_ssh_auth *a)
{
	memset(a, 0, sizeof(*a));
	if (info == NULL || info[0] == '\0') {
		no_key(a, "sshd reported no completed authentication method");
		return -1;
	}
	size_t total = strnlen(info, CG_SSH_AUTH_INFO_MAX + 1);
	if (total > CG_SSH_AUTH_INFO_MAX) {
		no_key(a, "SSH_AUTH_INFO_0 is too long");
		return -1;
	}
	const char *key = NULL;
	size_t keylen = 0, lines = 0;
	for (const char *p = info; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		if (nl == NULL || ++lines > LINES_MAX) {
			no_key(a, "SSH_AUTH_INFO_0 is not lines of methods");
			return -1;
		}
		size_t n = (size_t)(nl - p), m = 0;
		while (m < n && method_char(p[m]))
			m++;
		if (m == 0 || (m < n && p[m] != ' ')) {
			no_key(a, "SSH_AUTH_INFO_0 has a line that names no method");
			return -1;
		}
		for (size_t i = m; i < n; i++) {
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f) {
				no_key(a, "SSH_AUTH_INFO_0 holds control characters");
				return -1;
			}
		}
		if (m == 9 && memcmp(p, "publickey", 9) == 0) {
			if (key != NULL) {
				no_key(a, "more than one public key authenticated this login");
				return -1;
			}
			if (m == n) {
				no_key(a, "its publickey entry names no key");
				return -1;
			}
			key = p + m + 1;
			keylen = n - m - 1;
		}
		p = nl + 1;
	}
	if (key == NULL) {
		no_key(a, "no public key authenticated this login");
		return -1;
	}
	return read_key(a, key, keylen);
}

void cg_ssh_auth_free(struct cg_ssh_auth *a)
{
	if (a->token != NULL)
		cg_wipe_free(a->token, a->token_len + 1);
	memset(a, 0, sizeof(*a));
}
