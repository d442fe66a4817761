/* Whether a key file's text fits the pinned algorithm, read from its DER rather than from an
 * OpenSSL key object: OpenSSL 3 takes about 0.3 ms to decode a PEM key and libjwt decodes the
 * same text again to verify, so decoding it here too was the one avoidable cost of a verify
 * (docs/performance.md). For libjwt's decode to see exactly the bytes checked here, the file
 * must be one RFC 7468 "PUBLIC KEY" block in the strict layout (64-character lines, canonical
 * base64, only white space around it) holding one DER SubjectPublicKeyInfo (minimal lengths,
 * nothing after it) whose AlgorithmIdentifier is, byte for byte, that of the pinned family:
 * id-ecPublicKey with the curve's named OID, or rsaEncryption with NULL parameters. An RSA
 * key never verifies an ES256 token, a P-384 key never an ES256 one, RSA below 2048 bits
 * never. Whether an EC point lies on its curve is left to that one decode, which fails
 * closed (bad_signature). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"

#define RSA_MIN_BITS 2048
/* larger keys only cost verification time: refuse them rather than let a key file slow
 * every login */
#define RSA_MAX_BITS 16384

#define PEM_BEGIN "-----BEGIN PUBLIC KEY-----"
#define PEM_END "-----END PUBLIC KEY-----"
#define PEM_LINE 64

/* AlgorithmIdentifier TLVs (RFC 5480, RFC 3279) */
static const unsigned char ALGID_P256[] = {
	0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const unsigned char ALGID_P384[] = {
	0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
static const unsigned char ALGID_P521[] = {
	0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
static const unsigned char ALGID_RSA[] = {
	0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
	0x05, 0x00};

struct key_family {
	const unsigned char *algid;
	size_t algid_len;
	size_t coord;               /* bytes per EC coordinate; 0 for RSA */
};

static const struct key_family *family_for(cg_alg alg)
{
	static const struct key_family p256 = {ALGID_P256, sizeof(ALGID_P256), 32};
	static const struct key_family p384 = {ALGID_P384, sizeof(ALGID_P384), 48};
	static const struct key_family p521 = {ALGID_P521, sizeof(ALGID_P521), 66};
	static const struct key_family rsa = {ALGID_RSA, sizeof(ALGID_RSA), 0};
	switch (alg) {
	case CG_ALG_ES256:
		return &p256;
	case CG_ALG_ES384:
		return &p384;
	case CG_ALG_ES512:
		return &p521;
	case CG_ALG_RS256:
	case CG_ALG_RS384:
	case CG_ALG_RS512:
		return &rsa;
	}
	return NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* p at a line's end: "\n" or "\r\n". Returns the length of that end, 0 if p is not there. */
static size_t eol_len(const char *p, const char *end)
{
	if (p < end && *p == '\n')
		return 1;
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		return 2;
	return 0;
}

/* The DER inside pem, which must be exactly one strict "PUBLIC KEY" block with only white
 * space around it. NULL with *derlen set, or why not. der has room for pemlen bytes. */
static const char *pem_to_der(const char *pem, size_t pemlen, unsigned char *der,
			      size_t *derlen)
{
	const char *p = pem, *end = pem + pemlen;
	while (p < end && is_space(*p))
		p++;
	size_t bl = strlen(PEM_BEGIN), el = strlen(PEM_END);
	if ((size_t)(end - p) < bl || memcmp(p, PEM_BEGIN, bl) != 0)
		return "it does not start with " PEM_BEGIN;
	p += bl;
	size_t e = eol_len(p, end);
	if (e == 0)
		return "the BEGIN line has more on it";
	p += e;
	/* the base64 text, copied without its line ends; it is shorter than the file */
	char *text = malloc(pemlen);
	if (text == NULL)
		return "out of memory";
	size_t tlen = 0;
	bool short_seen = false;
	const char *why = NULL;
	while (!((size_t)(end - p) >= 5 && memcmp(p, "-----", 5) == 0)) {
		const char *line = p;
		while (p < end && (cg_b64_value((unsigned char)*p, CG_B64_STD) >= 0 || *p == '='))
			p++;
		size_t n = (size_t)(p - line);
		e = eol_len(p, end);
		if (n == 0 || n > PEM_LINE || e == 0) {
			why = "a line of its base64 is malformed or too long";
			break;
		}
		if (short_seen) {
			why = "a short base64 line is not the last";
			break;
		}
		short_seen = n < PEM_LINE;
		memcpy(text + tlen, line, n);
		tlen += n;
		p += e;
	}
	if (why == NULL) {
		*derlen = cg_b64_decode_padded(text, tlen, der);
		if (*derlen == 0)
			why = "its base64 is not canonical";
	}
	free(text);
	if (why != NULL)
		return why;
	if ((size_t)(end - p) < el || memcmp(p, PEM_END, el) != 0)
		return "it does not end with " PEM_END;
	for (p += el; p < end; p++) {
		if (!is_space(*p))
			return "something follows the END line";
	}
	return NULL;
}

struct der {
	const unsigned char *p, *end;
};

/* Takes one TLV of the given tag from d into val: DER's definite, minimal length (at most
 * two length bytes: a key file is at most CG_KEY_FILE_MAX), within d. 0 or -1. */
static int der_take(struct der *d, unsigned char tag, struct der *val)
{
	const unsigned char *p = d->p;
	if (d->end - p < 2 || *p != tag)
		return -1;
	p++;
	size_t len = *p++;
	if (len & 0x80) {
		size_t n = len & 0x7f;
		if (n == 0 || n > 2 || (size_t)(d->end - p) < n || *p == 0)
			return -1;
		len = 0;
		for (size_t i = 0; i < n; i++)
			len = len << 8 | *p++;
		if (len < 0x80)
			return -1;
	}
	if ((size_t)(d->end - p) < len)
		return -1;
	val->p = p;
	val->end = p + len;
	d->p = p + len;
	return 0;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }, and nothing after
 * it: *algid is the AlgorithmIdentifier's whole TLV, *key the bit string's bytes. */
static int spki_split(const unsigned char *der, size_t len, struct der *algid,
		      struct der *key)
{
	struct der all = {der, der + len}, spki, inner, bits;
	if (der_take(&all, 0x30, &spki) != 0 || all.p != all.end)
		return -1;
	algid->p = spki.p;
	if (der_take(&spki, 0x30, &inner) != 0)
		return -1;
	algid->end = spki.p;
	if (der_take(&spki, 0x03, &bits) != 0 || spki.p != spki.end)
		return -1;
	/* no unused bits, and at least one byte of key */
	if (bits.end - bits.p < 2 || bits.p[0] != 0)
		return -1;
	key->p = bits.p + 1;
	key->end = bits.end;
	return 0;
}

/* An EC point of the curve's size: uncompressed (04 X Y) or compressed (02/03 X). */
static bool ec_point_fits(const struct der *key, size_t coord)
{
	size_t n = (size_t)(key->end - key->p);
	return (n == 1 + 2 * coord && key->p[0] == 0x04) ||
	       (n == 1 + coord && (key->p[0] == 0x02 || key->p[0] == 0x03));
}

/* A positive, minimally encoded DER INTEGER taken from d: its size in bits, or -1. */
static long der_uint_bits(struct der *d)
{
	struct der v;
	if (der_take(d, 0x02, &v) != 0 || v.p == v.end || (v.p[0] & 0x80) != 0)
		return -1;
	if (v.p[0] == 0) {
		if (v.end - v.p < 2 || (v.p[1] & 0x80) == 0)
			return -1;
		v.p++;
	}
	long bits = (long)(v.end - v.p) * 8;
	for (unsigned c = v.p[0]; (c & 0x80) == 0; c <<= 1)
		bits--;
	return bits;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }: the modulus's bits,
 * or -1 when it is not exactly that. */
static long rsa_modulus_bits(const struct der *key)
{
	struct der k = *key, seq;
	if (der_take(&k, 0x30, &seq) != 0 || k.p != k.end)
		return -1;
	long bits = der_uint_bits(&seq);
	if (bits < 0 || der_uint_bits(&seq) < 0 || seq.p != seq.end)
		return -1;
	return bits;
}

static cg_reason spki_fits(const char *path, const char *kid, cg_alg alg,
			   const unsigned char *der, size_t derlen, char *detail, size_t detlen)
{
	const struct key_family *f = family_for(alg);
	const char *name = cg_alg_name(alg);
	struct der algid, key;
	if (f == NULL) {
		cg_detail(detail, detlen, "internal error: no key family for the algorithm");
		return CG_CONFIG_ERROR;
	}
	if (spki_split(der, derlen, &algid, &key) != 0) {
		cg_detail(detail, detlen, "%s does not hold a PEM public key: its DER is not one "
			  "SubjectPublicKeyInfo", path);
		return CG_CONFIG_ERROR;
	}
	bool same = (size_t)(algid.end - algid.p) == f->algid_len &&
		    memcmp(algid.p, f->algid, f->algid_len) == 0;
	if (f->coord != 0) {
		if (!same) {
			cg_detail(detail, detlen, "key %s is not an EC key on the curve %s needs",
				  kid, name);
			return CG_UNKNOWN_KEY;
		}
		if (!ec_point_fits(&key, f->coord)) {
			cg_detail(detail, detlen, "%s does not hold a PEM public key: its EC point "
				  "is not one of the curve's size", path);
			return CG_CONFIG_ERROR;
		}
		return CG_OK;
	}
	if (!same) {
		cg_detail(detail, detlen, "key %s is not an RSA key, which %s needs", kid, name);
		return CG_UNKNOWN_KEY;
	}
	long bits = rsa_modulus_bits(&key);
	if (bits < 0) {
		cg_detail(detail, detlen, "%s does not hold a PEM public key: its RSA key is "
			  "malformed", path);
		return CG_CONFIG_ERROR;
	}
	if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
		cg_detail(detail, detlen, "key %s is a %ld-bit RSA key; %s needs %d to %d bits",
			  kid, bits, name, RSA_MIN_BITS, RSA_MAX_BITS);
		return CG_UNKNOWN_KEY;
	}
	return CG_OK;
}

cg_reason cg_token_key_fits(const char *path, const char *kid, cg_alg alg, const char *pem,
			    size_t pemlen, char *detail, size_t detlen)
{
	if (pem == NULL || pemlen == 0 || pemlen > CG_KEY_FILE_MAX) {
		cg_detail(detail, detlen, "%s does not hold a PEM public key", path);
		return CG_CONFIG_ERROR;
	}
	unsigned char *der = malloc(pemlen);
	if (der == NULL) {
		cg_detail(detail, detlen, "out of memory reading key %s", kid);
		return CG_CONFIG_ERROR;
	}
	size_t derlen = 0;
	const char *why = pem_to_der(pem, pemlen, der, &derlen);
	cg_reason r;
	if (why != NULL) {
		cg_detail(detail, detlen, "%s does not hold a PEM public key: %s", path, why);
		r = CG_CONFIG_ERROR;
	} else {
		r = spki_fits(path, kid, alg, der, derlen, detail, detlen);
	}
	free(der);
	return r;
}
