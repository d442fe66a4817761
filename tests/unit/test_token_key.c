/*
 * The key file's fit, read from its DER without decoding the key (shared/token_key.c,
 * cg_token_key_fits): which files are one strict PEM "PUBLIC KEY" block, which
 * SubjectPublicKeyInfo fits which algorithm, and that what it accepts is what OpenSSL (inside
 * libjwt, the one real decode) reads as a key of that type, curve and size. Keys are made
 * here; odd encodings are built byte by byte from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "changegate.h"
#include "core_fixture.h"
#include "testlib.h"
#include "token_internal.h"

#define ASSERT_REASON(got, want) CU_ASSERT_STRING_EQUAL(cg_reason_code(got), cg_reason_code(want))

static struct cg_test_env env;
static struct cg_config cfg;
static EVP_PKEY *p256, *p384, *p521, *k1, *rsa, *rsa1024, *ed;

struct buf {
	unsigned char b[4096];
	size_t n;
};

static void put(struct buf *o, const void *p, size_t n)
{
	CU_ASSERT_FATAL(o->n + n <= sizeof(o->b));
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

/* A DER TLV of tag around n bytes, with a minimal length. */
static void put_tlv(struct buf *o, unsigned char tag, const void *p, size_t n)
{
	unsigned char h[4] = {tag};
	size_t hl = 2;
	if (n < 0x80) {
		h[1] = (unsigned char)n;
	} else if (n < 0x100) {
		h[1] = 0x81;
		h[2] = (unsigned char)n;
		hl = 3;
	} else {
		h[1] = 0x82;
		h[2] = (unsigned char)(n >> 8);
		h[3] = (unsigned char)n;
		hl = 4;
	}
	put(o, h, hl);
	put(o, p, n);
}

/* SEQUENCE { algid, BIT STRING { unused, key } } */
static void spki(struct buf *o, const void *algid, size_t alen, unsigned char unused,
		 const void *key, size_t klen)
{
	struct buf in = {.n = 0}, bits = {.n = 0};
	put(&bits, &unused, 1);
	put(&bits, key, klen);
	put(&in, algid, alen);
	put_tlv(&in, 0x03, bits.b, bits.n);
	o->n = 0;
	put_tlv(o, 0x30, in.b, in.n);
}

static void der_of(EVP_PKEY *k, struct buf *o)
{
	/* written whole first: callers pass a fresh buffer, which cppcheck's whole-program pass
	 * otherwise takes for a read of uninitialised memory */
	memset(o, 0, sizeof(*o));
	unsigned char *p = o->b;
	int n = i2d_PUBKEY(k, NULL);
	CU_ASSERT_FATAL(n > 0 && (size_t)n <= sizeof(o->b));
	CU_ASSERT_FATAL(i2d_PUBKEY(k, &p) == n);
	o->n = (size_t)n;
}

/* The AlgorithmIdentifier TLV and the bit string's key bytes inside a well-formed SPKI. */
static void split(const struct buf *s, struct buf *algid, struct buf *key)
{
	size_t off = s->b[1] & 0x80 ? 2 + (s->b[1] & 0x7f) : 2;
	size_t alen = 2 + s->b[off + 1];
	algid->n = key->n = 0;
	put(algid, s->b + off, alen);
	off += alen;
	size_t bl = s->b[off + 1], bh = 2;
	if (bl & 0x80) {
		bh = 2 + (bl & 0x7f);
		bl = bl == 0x81 ? s->b[off + 2] : (size_t)s->b[off + 2] << 8 | s->b[off + 3];
	}
	put(key, s->b + off + bh + 1, bl - 1);
}

/* PEM text of der under label, with lines of width characters ending in eol. */
static char *pem_of(const void *der, size_t n, const char *label, size_t width,
		    const char *eol)
{
	size_t b64len = 4 * ((n + 2) / 3);
	char *b64 = malloc(b64len + 1);
	char *out = malloc(b64len * 3 + 256);
	CU_ASSERT_FATAL(b64 != NULL && out != NULL);
	EVP_EncodeBlock((unsigned char *)b64, der, (int)n);
	size_t o = (size_t)sprintf(out, "-----BEGIN %s-----%s", label, eol);
	for (size_t i = 0; i < b64len; i += width) {
		size_t l = b64len - i < width ? b64len - i : width;
		memcpy(out + o, b64 + i, l);
		o += l;
		o += (size_t)sprintf(out + o, "%s", eol);
	}
	sprintf(out + o, "-----END %s-----%s", label, eol);
	free(b64);
	return out;
}

static char *pem_std(const struct buf *der)
{
	return pem_of(der->b, der->n, "PUBLIC KEY", 64, "\n");
}

static cg_reason fits_text(const char *pem, cg_alg alg)
{
	char detail[CG_DETAIL_MAX] = "";
	cg_reason r = cg_token_key_fits("test.pem", "test", alg, pem, strlen(pem), detail,
					sizeof(detail));
	/* a denial always says why */
	if (r != CG_OK)
		CU_ASSERT_NOT_EQUAL(detail[0], '\0');
	return r;
}

/* OpenSSL's own reading of the same file: the type and, for EC, the curve's NID, for RSA
 * the bits. What cg_token_key_fits accepts must read so. */
static void assert_openssl_agrees(const char *pem, cg_alg alg)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	static const int nid[] = {[CG_ALG_ES256] = NID_X9_62_prime256v1,
				  [CG_ALG_ES384] = NID_secp384r1,
				  [CG_ALG_ES512] = NID_secp521r1};
	if (alg == CG_ALG_ES256 || alg == CG_ALG_ES384 || alg == CG_ALG_ES512) {
		char group[64] = "";
		size_t gl = 0;
		CU_ASSERT_EQUAL(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
		CU_ASSERT_EQUAL(EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME,
							       group, sizeof(group), &gl), 1);
		CU_ASSERT_EQUAL(OBJ_sn2nid(group), nid[alg]);
	} else {
		CU_ASSERT_EQUAL(EVP_PKEY_get_base_id(k), EVP_PKEY_RSA);
		CU_ASSERT_TRUE(EVP_PKEY_get_bits(k) >= 2048 && EVP_PKEY_get_bits(k) <= 16384);
	}
	EVP_PKEY_free(k);
}

static cg_reason fits_der(const struct buf *der, cg_alg alg)
{
	char *pem = pem_std(der);
	cg_reason r = fits_text(pem, alg);
	free(pem);
	return r;
}

static void test_fitting_keys(void)
{
	static const struct {
		EVP_PKEY **key;
		cg_alg alg;
	} ok[] = {
		{&p256, CG_ALG_ES256}, {&p384, CG_ALG_ES384}, {&p521, CG_ALG_ES512},
		{&rsa, CG_ALG_RS256}, {&rsa, CG_ALG_RS384}, {&rsa, CG_ALG_RS512},
	};
	struct buf d = {.n = 0};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		der_of(*ok[i].key, &d);
		char *pem = pem_std(&d);
		ASSERT_REASON(fits_text(pem, ok[i].alg), CG_OK);
		assert_openssl_agrees(pem, ok[i].alg);
		free(pem);
		/* CRLF line ends, and white space around the block */
		pem = pem_of(d.b, d.n, "PUBLIC KEY", 64, "\r\n");
		ASSERT_REASON(fits_text(pem, ok[i].alg), CG_OK);
		assert_openssl_agrees(pem, ok[i].alg);
		char *padded = malloc(strlen(pem) + 16);
		CU_ASSERT_PTR_NOT_NULL_FATAL(padded);
		sprintf(padded, "\n \t\n%s\n\n  ", pem);
		ASSERT_REASON(fits_text(padded, ok[i].alg), CG_OK);
		free(padded);
		free(pem);
	}
}

/* The wrong family is unknown_key (as before the DER check), whatever it is. */
static void test_wrong_type_or_curve(void)
{
	static const struct {
		EVP_PKEY **key;
		cg_alg alg;
	} bad[] = {
		{&p384, CG_ALG_ES256}, {&p256, CG_ALG_ES384}, {&p384, CG_ALG_ES512},
		{&p521, CG_ALG_ES384}, {&k1, CG_ALG_ES256}, {&rsa, CG_ALG_ES256},
		{&p256, CG_ALG_RS256}, {&ed, CG_ALG_ES256}, {&ed, CG_ALG_RS256},
		{&rsa1024, CG_ALG_RS256},
	};
	struct buf d = {.n = 0};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		der_of(*bad[i].key, &d);
		ASSERT_REASON(fits_der(&d, bad[i].alg), CG_UNKNOWN_KEY);
	}
	/* the RSA key under the RSASSA-PSS OID (no parameters), and rsaEncryption without its
	 * NULL: not rsaEncryption exactly */
	static const unsigned char pss[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
					    0xf7, 0x0d, 0x01, 0x01, 0x0a};
	static const unsigned char no_null[] = {0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						0xf7, 0x0d, 0x01, 0x01, 0x01};
	struct buf algid, key, s;
	der_of(rsa, &d);
	split(&d, &algid, &key);
	spki(&s, pss, sizeof(pss), 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_RS256), CG_UNKNOWN_KEY);
	spki(&s, no_null, sizeof(no_null), 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_RS256), CG_UNKNOWN_KEY);
	/* P-256 written with explicit curve parameters instead of the named OID */
	EVP_PKEY *x = EVP_PKEY_dup(p256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_set_utf8_string_param(x, OSSL_PKEY_PARAM_EC_ENCODING,
							     OSSL_PKEY_EC_ENCODING_EXPLICIT), 1);
	der_of(x, &d);
	ASSERT_REASON(fits_der(&d, CG_ALG_ES256), CG_UNKNOWN_KEY);
	EVP_PKEY_free(x);
}

/* RSA modulus sizes at and past both limits, on hand-built RSAPublicKeys (the check reads
 * the modulus's length; OpenSSL is not asked). */
static void test_rsa_sizes(void)
{
	static unsigned char n[2 + 16384 / 8 + 1];
	static const unsigned char e[] = {0x01, 0x00, 0x01};
	struct buf algid, key, d = {.n = 0}, s;
	der_of(rsa, &d);
	split(&d, &algid, &key);
	static const struct {
		size_t bits;
		cg_reason want;
	} cases[] = {{2047, CG_UNKNOWN_KEY}, {2048, CG_OK}, {4096, CG_OK},
		     {16384, CG_OK}, {16385, CG_UNKNOWN_KEY}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t bytes = (cases[i].bits + 7) / 8;
		size_t top = cases[i].bits % 8;
		memset(n, 0xab, sizeof(n));
		n[0] = 0;                          /* positive: a leading zero ... */
		n[1] = top == 0 ? 0x80 : (unsigned char)(1u << (top - 1));
		size_t off = n[1] & 0x80 ? 0 : 1;  /* ... only when the top bit is set */
		struct buf r = {.n = 0}, seq = {.n = 0};
		put_tlv(&r, 0x02, n + off, bytes + 1 - off);
		put_tlv(&r, 0x02, e, sizeof(e));
		put_tlv(&seq, 0x30, r.b, r.n);
		CU_ASSERT_FATAL(seq.n < sizeof(s.b) - 32);
		spki(&s, algid.b, algid.n, 0, seq.b, seq.n);
		ASSERT_REASON(fits_der(&s, CG_ALG_RS256), cases[i].want);
	}
}

/* A compressed P-256 point fits, and libjwt's decode verifies with it: what the DER check
 * accepts, the one real decode accepts too. */
static void test_compressed_point_verifies(void)
{
	EVP_PKEY *c = EVP_PKEY_dup(p256);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL_FATAL(EVP_PKEY_set_utf8_string_param(
		c, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
		OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_COMPRESSED), 1);
	struct buf d = {.n = 0};
	der_of(c, &d);
	EVP_PKEY_free(c);
	CU_ASSERT_EQUAL(d.n, 59u);
	char *pem = pem_std(&d);
	ASSERT_REASON(fits_text(pem, CG_ALG_ES256), CG_OK);
	assert_openssl_agrees(pem, CG_ALG_ES256);
	char path[512];
	snprintf(path, sizeof(path), "%s/p256c.pem", env.keys_dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(pem, f);
	fclose(f);
	chmod(path, 0644);
	free(pem);
	struct cg_test_claims cl;
	time_t now = time(NULL);
	cg_test_claims_default(&cl, "alice", now);
	char *tok = cg_test_mint(p256, "ES256", "p256c", &cl);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	struct cg_request req = {.scope = CG_SCOPE_LOGIN, .user = "alice", .now = now,
				 .replay = CG_REPLAY_PEEK};
	struct cg_decision dec;
	ASSERT_REASON(cg_verify_token(&cfg, tok, strlen(tok), &req, &dec), CG_OK);
	cg_decision_free(&dec);
	free(tok);
	/* signed by another P-256 key: the same file refuses it */
	EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	tok = cg_test_mint(other, "ES256", "p256c", &cl);
	ASSERT_REASON(cg_verify_token(&cfg, tok, strlen(tok), &req, &dec), CG_BAD_SIGNATURE);
	cg_decision_free(&dec);
	free(tok);
	EVP_PKEY_free(other);
	unlink(path);
}

/* Broken DER inside a well-formed PEM block: config_error, never a guess. */
static void test_malformed_der(void)
{
	struct buf d = {.n = 0}, algid, key, s;
	der_of(p256, &d);
	split(&d, &algid, &key);
	/* truncated: one byte less, and only the outer SEQUENCE header */
	struct buf t = d;
	t.n--;
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	t.n = 2;
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* trailing data after the SubjectPublicKeyInfo, and inside it after the bit string */
	t = d;
	put(&t, "\0", 1);
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	struct buf in = {.n = 0};
	put(&in, d.b + 2, d.n - 2);
	put(&in, "\x05\x00", 2);
	s.n = 0;
	put_tlv(&s, 0x30, in.b, in.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* the outer length in a non-minimal long form (81 59 for 59) */
	t.n = 0;
	put(&t, "\x30\x81", 2);
	put(&t, d.b + 1, d.n - 1);
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* an indefinite length */
	t = d;
	t.b[1] = 0x80;
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* not a SEQUENCE; bit string with unused bits; an empty bit string */
	t = d;
	t.b[0] = 0x31;
	ASSERT_REASON(fits_der(&t, CG_ALG_ES256), CG_CONFIG_ERROR);
	spki(&s, algid.b, algid.n, 1, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	spki(&s, algid.b, algid.n, 0, key.b, 0);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* EC points of the wrong size or form */
	spki(&s, algid.b, algid.n, 0, key.b, key.n - 1);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	key.b[0] = 0x05;
	spki(&s, algid.b, algid.n, 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	key.b[0] = 0x02;  /* a compressed tag on an uncompressed length */
	spki(&s, algid.b, algid.n, 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_CONFIG_ERROR);
	/* RSAPublicKeys: a negative modulus, a non-minimal leading zero, no exponent, a third
	 * INTEGER, a zero exponent */
	der_of(rsa, &d);
	split(&d, &algid, &key);
	struct buf rk = key, mod = {.n = 0};
	/* key is 30 82 LL LL 02 82 01 01 00 <256 bytes> 02 03 01 00 01 */
	CU_ASSERT_FATAL(rk.b[4] == 0x02 && rk.b[5] == 0x82 && rk.b[8] == 0x00);
	put(&mod, rk.b + 9, 256);
	static const unsigned char e[] = {0x01, 0x00, 0x01};
	struct {
		int neg, extra_zero, exps;
		unsigned char e0;
	} bad[] = {{1, 0, 1, 1}, {0, 1, 1, 1}, {0, 0, 0, 1}, {0, 0, 2, 1}, {0, 0, 1, 0}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf ints = {.n = 0}, nbuf = {.n = 0}, seq = {.n = 0};
		if (!bad[i].neg)
			put(&nbuf, "\0", 1);
		if (bad[i].extra_zero)
			put(&nbuf, "\0", 1);
		put(&nbuf, mod.b, mod.n);
		put_tlv(&ints, 0x02, nbuf.b, nbuf.n);
		for (int j = 0; j < bad[i].exps; j++)
			put_tlv(&ints, 0x02, bad[i].e0 ? e : (const unsigned char *)"\0",
				bad[i].e0 ? sizeof(e) : 1);
		put_tlv(&seq, 0x30, ints.b, ints.n);
		spki(&s, algid.b, algid.n, 0, seq.b, seq.n);
		ASSERT_REASON(fits_der(&s, CG_ALG_RS256), CG_CONFIG_ERROR);
	}
	/* the control: the same builder with good values gives back the key's own DER */
	struct buf ints = {.n = 0}, nbuf = {.n = 0}, seq = {.n = 0};
	put(&nbuf, "\0", 1);
	put(&nbuf, mod.b, mod.n);
	put_tlv(&ints, 0x02, nbuf.b, nbuf.n);
	put_tlv(&ints, 0x02, e, sizeof(e));
	put_tlv(&seq, 0x30, ints.b, ints.n);
	spki(&s, algid.b, algid.n, 0, seq.b, seq.n);
	CU_ASSERT_TRUE(s.n == d.n && memcmp(s.b, d.b, d.n) == 0);
	ASSERT_REASON(fits_der(&s, CG_ALG_RS256), CG_OK);
}

/* An OID one byte off: the curve (prime256v1 -> prime239v1, ...03 01 04) or the key type
 * (id-ecPublicKey -> id-ecDH ...02 01 -> 1.3.132.1.12 is another arc; here ...02 02) */
static void test_wrong_oid(void)
{
	struct buf d = {.n = 0}, algid, key, s;
	der_of(p256, &d);
	split(&d, &algid, &key);
	spki(&s, algid.b, algid.n, 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_OK);
	algid.b[algid.n - 1] = 0x04;
	spki(&s, algid.b, algid.n, 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_UNKNOWN_KEY);
	algid.b[algid.n - 1] = 0x07;
	algid.b[10] = 0x02;
	spki(&s, algid.b, algid.n, 0, key.b, key.n);
	ASSERT_REASON(fits_der(&s, CG_ALG_ES256), CG_UNKNOWN_KEY);
}

/* Replaces the first occurrence of from in text by to; malloc'd. */
static char *subst(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	char *out = malloc(strlen(text) + strlen(to) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

static void expect_text(const char *pem, cg_alg alg, cg_reason want)
{
	ASSERT_REASON(fits_text(pem, alg), want);
}

/* The PEM layer: exactly one strict "PUBLIC KEY" block, only white space around it. */
static void test_pem_framing(void)
{
	struct buf d = {.n = 0};
	der_of(p256, &d);
	char *good = pem_std(&d);
	expect_text(good, CG_ALG_ES256, CG_OK);
	char *two = malloc(2 * strlen(good) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(two);
	sprintf(two, "%s%s", good, good);
	expect_text(two, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(two);
	char *s;
	static const struct {
		const char *from, *to;
	} edits[] = {
		{"-----BEGIN PUBLIC KEY-----", "comment\n-----BEGIN PUBLIC KEY-----"},
		{"-----END PUBLIC KEY-----\n", "-----END PUBLIC KEY-----\ntrailing\n"},
		{"-----BEGIN PUBLIC KEY-----\n", "-----BEGIN PUBLIC KEY----- \n"},
		{"-----BEGIN PUBLIC KEY-----", "-----BEGIN public key-----"},
		{"-----BEGIN PUBLIC KEY-----\n", "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\n"},
		{"-----END PUBLIC KEY-----", "-----END RSA PUBLIC KEY-----"},
		{"-----END PUBLIC KEY-----\n", ""},
		{"\n-----END", "\n\n-----END"},
		{"\n-----END", "=\n-----END"},
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		s = subst(good, edits[i].from, edits[i].to);
		expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
		free(s);
	}
	/* the base64 itself: a character outside the alphabet, '=' inside, and padding bits
	 * set (P-256's 91 bytes end in "X==", X carrying 2 bits of data and 4 of padding) */
	s = strdup(good);
	s[40] = '*';
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	s[40] = '=';
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	const char *end = strstr(good, "==\n-----END");
	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	s = strdup(good);
	char *last = s + (end - good) - 1;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int v = (int)(strchr(b64, *last) - b64);
	CU_ASSERT_EQUAL(v & 0xf, 0);
	*last = b64[v | 1];
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	/* lines of 76 (RFC 2045's width) and of 63 characters; a short line in the middle */
	s = pem_of(d.b, d.n, "PUBLIC KEY", 76, "\n");
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	s = pem_of(d.b, d.n, "PUBLIC KEY", 63, "\n");
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	s = pem_of(d.b, d.n, "PUBLIC KEY", 64, "\r");
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	/* empty, white space only, BEGIN only */
	expect_text("", CG_ALG_ES256, CG_CONFIG_ERROR);
	expect_text(" \n\n", CG_ALG_ES256, CG_CONFIG_ERROR);
	expect_text("-----BEGIN PUBLIC KEY-----\n", CG_ALG_ES256, CG_CONFIG_ERROR);
	expect_text("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n", CG_ALG_ES256,
		    CG_CONFIG_ERROR);
	free(good);
}

static char *pem_private(EVP_PKEY *k, bool traditional)
{
	BIO *bio = BIO_new(BIO_s_mem());
	CU_ASSERT_PTR_NOT_NULL_FATAL(bio);
	int ok = traditional ? PEM_write_bio_PrivateKey_traditional(bio, k, NULL, NULL, 0, NULL, NULL)
			     : PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(ok, 1);
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	char *out = strndup(data, (size_t)n);
	BIO_free(bio);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	return out;
}

/* Private keys, and PKCS #1 RSA public keys, are not "PUBLIC KEY" blocks. */
static void test_not_public_key_blocks(void)
{
	char *s = pem_private(p256, false);
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	s = pem_private(p256, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "EC PRIVATE KEY"));
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	s = pem_private(rsa, false);
	expect_text(s, CG_ALG_RS256, CG_CONFIG_ERROR);
	free(s);
	/* the public block after a private one: still refused */
	struct buf d = {.n = 0}, algid, key;
	der_of(p256, &d);
	char *priv = pem_private(p256, false), *pub = pem_std(&d);
	s = malloc(strlen(priv) + strlen(pub) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	sprintf(s, "%s%s", priv, pub);
	expect_text(s, CG_ALG_ES256, CG_CONFIG_ERROR);
	free(s);
	free(priv);
	free(pub);
	/* PKCS #1 RSAPublicKey under its own label, and its DER under "PUBLIC KEY" */
	der_of(rsa, &d);
	split(&d, &algid, &key);
	s = pem_of(key.b, key.n, "RSA PUBLIC KEY", 64, "\n");
	expect_text(s, CG_ALG_RS256, CG_CONFIG_ERROR);
	free(s);
	s = pem_of(key.b, key.n, "PUBLIC KEY", 64, "\n");
	expect_text(s, CG_ALG_RS256, CG_CONFIG_ERROR);
	free(s);
}

/* Through cg_verify_token, from the key file: the reasons the PAM module and sudo see. */
static void test_reasons_through_verify(void)
{
	struct cg_test_claims cl;
	time_t now = time(NULL);
	cg_test_claims_default(&cl, "alice", now);
	struct cg_request req = {.scope = CG_SCOPE_LOGIN, .user = "alice", .now = now,
				 .replay = CG_REPLAY_PEEK};
	struct buf d = {.n = 0};
	der_of(p256, &d);
	char *pub = pem_std(&d), *priv = pem_private(p256, false);
	char *two = malloc(2 * strlen(pub) + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(two);
	sprintf(two, "%s%s", pub, pub);
	static const struct {
		const char *name;
		int which;
		cg_reason want;
	} cases[] = {
		{"one", 0, CG_OK}, {"twice", 1, CG_CONFIG_ERROR}, {"private", 2, CG_CONFIG_ERROR},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *text = cases[i].which == 0 ? pub : cases[i].which == 1 ? two : priv;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s.pem", env.keys_dir, cases[i].name);
		FILE *f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fputs(text, f);
		fclose(f);
		chmod(path, 0644);
		char *tok = cg_test_mint(p256, "ES256", cases[i].name, &cl);
		CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
		struct cg_decision dec;
		ASSERT_REASON(cg_verify_token(&cfg, tok, strlen(tok), &req, &dec), cases[i].want);
		if (cases[i].want != CG_OK)
			CU_ASSERT_PTR_NOT_NULL(strstr(dec.detail, "does not hold a PEM public key"));
		cg_decision_free(&dec);
		free(tok);
		unlink(path);
	}
	free(two);
	free(pub);
	free(priv);
}

static int setup(void)
{
	if (cg_test_env_init(&env) != 0 || cg_test_write_config(&env, NULL) != 0 ||
	    cg_test_load_config(&env, &cfg) != 0)
		return -1;
	p256 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	p521 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	k1 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	rsa1024 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	return p256 && p384 && p521 && k1 && rsa && rsa1024 && ed ? 0 : -1;
}

int main(void)
{
	if (setup() != 0) {
		fprintf(stderr, "test_token_key: set-up failed\n");
		return 1;
	}
	static const struct cf_test tests[] = {
		{"fitting keys, LF and CRLF, white space around", test_fitting_keys},
		{"wrong type or curve: unknown_key", test_wrong_type_or_curve},
		{"RSA modulus sizes at the limits", test_rsa_sizes},
		{"a compressed P-256 point verifies", test_compressed_point_verifies},
		{"malformed DER: truncated, trailing, lengths, points, RSA", test_malformed_der},
		{"an OID one byte off", test_wrong_oid},
		{"PEM framing: one strict PUBLIC KEY block", test_pem_framing},
		{"private keys and PKCS #1 blocks", test_not_public_key_blocks},
		{"reasons through cg_verify_token", test_reasons_through_verify},
		{NULL, NULL},
	};
	int rc = cf_run("token_key", tests);
	cg_config_free(&cfg);
	EVP_PKEY *keys[] = {p256, p384, p521, k1, rsa, rsa1024, ed};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		EVP_PKEY_free(keys[i]);
	cg_test_env_cleanup(&env);
	return rc;
}
