/* Strict base64url. libjwt's own decoder is lenient (it skips or tolerates bytes outside the
 * alphabet), so a token is accepted only when every segment is in the one canonical spelling
 * that RFC 7515 allows; otherwise two different strings would verify as the same token. */
#include <stdlib.h>

#include "token_internal.h"

static int b64url_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int cg_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	/* one leftover character carries only 6 bits: never a whole byte */
	if (len % 4 == 1)
		return -1;
	size_t cap = len / 4 * 3 + 3;
	unsigned char *buf = malloc(cap);
	if (buf == NULL)
		return -1;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = b64url_value((unsigned char)in[i]);
		if (v < 0) {
			cg_wipe_free(buf, cap);
			return -1;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* the bits left over must be zero, or the same bytes have several spellings */
	if (acc != 0) {
		cg_wipe_free(buf, cap);
		return -1;
	}
	*out = buf;
	*outlen = o;
	return 0;
}
