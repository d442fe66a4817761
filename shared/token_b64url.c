/* Strict base64, in the two spellings a token and its key file use. libjwt's own decoder is
 * lenient (it skips or tolerates bytes outside the alphabet), so a token is accepted only when
 * every segment is in the one canonical spelling that RFC 7515 allows; otherwise two different
 * strings would verify as the same token. A key file's PEM body is held to the same rule in
 * the standard alphabet with its padding (RFC 4648 section 4), for the same reason. */
#include <stdlib.h>

#include "token_internal.h"

int cg_b64_value(unsigned char c, enum cg_b64_alphabet a)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (a == CG_B64_URL ? '-' : '+'))
		return 62;
	if (c == (a == CG_B64_URL ? '_' : '/'))
		return 63;
	return -1;
}

/* Unpadded in[0..len) into out, which has room for len / 4 * 3 + 2 bytes. */
static int decode(const char *in, size_t len, enum cg_b64_alphabet a, unsigned char *out,
		  size_t *outlen)
{
	/* one leftover character carries only 6 bits: never a whole byte */
	if (len % 4 == 1)
		return -1;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = cg_b64_value((unsigned char)in[i], a);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* the bits left over must be zero, or the same bytes have several spellings */
	if (acc != 0)
		return -1;
	*outlen = o;
	return 0;
}

int cg_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	size_t cap = len / 4 * 3 + 3;
	unsigned char *buf = malloc(cap);
	if (buf == NULL)
		return -1;
	if (decode(in, len, CG_B64_URL, buf, outlen) != 0) {
		cg_wipe_free(buf, cap);
		*outlen = 0;
		return -1;
	}
	*out = buf;
	return 0;
}

size_t cg_b64_decode_padded(const char *in, size_t len, unsigned char *out)
{
	size_t pad = 0, n = 0;

	if (len == 0 || len % 4 != 0)
		return 0;
	while (pad < 2 && in[len - 1 - pad] == '=')
		pad++;
	/* a third '=' is left in the data, where it is no letter of the alphabet */
	if (decode(in, len - pad, CG_B64_STD, out, &n) != 0)
		return 0;
	return n;
}
