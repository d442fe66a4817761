/* The fingerprint `ssh-keygen -l` prints: "SHA256:" and the unpadded base64 of the SHA-256 of
 * the public key's blob. For a certificate it is the certified key's own fingerprint, so
 * that one cnf.ssh_fp names the key whether it logs in bare or inside a certificate. In
 * libcgcore (libcrypto): the sudo front end never needs it. */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "changegate.h"

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int cg_ssh_key_fingerprint(const struct cg_ssh_key *k, char out[CG_SSH_FP_LEN + 1])
{
	size_t tl = strlen(k->plain_type);
	unsigned char len[4] = {(unsigned char)(tl >> 24), (unsigned char)(tl >> 16),
				(unsigned char)(tl >> 8), (unsigned char)tl};
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	int ok = 0;

	out[0] = '\0';
	/* the plain key's blob: its type name as an SSH string, then the same fields */
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (c != NULL)
		ok = EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
		     EVP_DigestUpdate(c, len, sizeof(len)) == 1 &&
		     EVP_DigestUpdate(c, k->plain_type, tl) == 1 &&
		     EVP_DigestUpdate(c, k->fields, k->fieldslen) == 1 &&
		     EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(c);
	if (!ok)
		return -1;
	memcpy(out, "SHA256:", 7);
	size_t o = 7;
	for (size_t i = 0; i < 32; i += 3) {
		uint32_t v = (uint32_t)md[i] << 16;
		size_t take = 32 - i < 3 ? 32 - i : 3;
		if (take > 1)
			v |= (uint32_t)md[i + 1] << 8;
		if (take > 2)
			v |= md[i + 2];
		for (size_t j = 0; j <= take; j++)
			out[o++] = b64[(v >> (18 - 6 * j)) & 63];
	}
	out[o] = '\0';
	return 0;
}
