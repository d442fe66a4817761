/* The SSH_AUTH_INFO_0 and OpenSSH key/certificate parsers (shared/ssh_*.c): golden keys and a
 * certificate made by ssh-keygen (OpenSSH 9.2) with the fingerprints ssh-keygen -l printed,
 * then certificates built here field by field, each broken one way. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

#define ED25519_PUB "AAAAC3NzaC1lZDI1NTE5AAAAIBe6kWOsJLru9m55/MnG9wblVId9pWZp/s1y9R1lnGpc"
#define ED25519_FP "SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc"
#define ECDSA_PUB "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBOgicqPqnOTuu5ExgAeER/" \
	"EbTdYQz6VZiVA0xOnw9E71VkIYTcUBPqh8CbYUpuS8+emrtxA7DaiqpEcjx8dL9Jc="
#define ECDSA_FP "SHA256:v+sC4hjmbLrdmCSy5mpeqFFy7/OloSRFEqiQW9oe0P4"
/* ssh-keygen -s ca -I alice:CHG1:j1 -n alice -O extension:changegate-token@changegate=abc.def.ghi
 * for the ed25519 key above */
#define ED25519_CERT \
	"AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIJsXN74JKhJywqC7Zs7GTjCeGiqH" \
	"9kq9gNqvwS4+6Ku3AAAAIBe6kWOsJLru9m55/MnG9wblVId9pWZp/s1y9R1lnGpcAAAAAAAAAAAAAAAB" \
	"AAAADWFsaWNlOkNIRzE6ajEAAAAJAAAABWFsaWNlAAAAAAYAAAAAAAAABwAAAAAAAAAAAAC0AAAAG2No" \
	"YW5nZWdhdGUtdG9rZW5AY2hhbmdlZ2F0ZQAAAA8AAAALYWJjLmRlZi5naGkAAAAVcGVybWl0LVgxMS1m" \
	"b3J3YXJkaW5nAAAAAAAAABdwZXJtaXQtYWdlbnQtZm9yd2FyZGluZwAAAAAAAAAWcGVybWl0LXBvcnQt" \
	"Zm9yd2FyZGluZwAAAAAAAAAKcGVybWl0LXB0eQAAAAAAAAAOcGVybWl0LXVzZXItcmMAAAAAAAAAAAAA" \
	"ADMAAAALc3NoLWVkMjU1MTkAAAAgl84WMR/jJBaN8lXBfrvzrvn5TBLcJupZ3hqL4cuqsh0AAABTAAAA" \
	"C3NzaC1lZDI1NTE5AAAAQMe4a58V8Tf8QY83yz9o+9k6mhrDMEg4pKrPNbsd2/MdDOvN97Ut3EYa1dyh" \
	"uEvxukQubbVGJ0upcdWMr86FqgM="

static int parse(const char *info, struct cg_ssh_auth *a)
{
	return cg_ssh_auth_info_parse(info, a);
}

static void test_golden(void)
{
	struct cg_ssh_auth a;
	CU_ASSERT_EQUAL(parse("publickey ssh-ed25519 " ED25519_PUB "\n", &a), 0);
	CU_ASSERT_TRUE(a.have_key);
	CU_ASSERT_FALSE(a.cert);
	CU_ASSERT_STRING_EQUAL(a.fp, ED25519_FP);
	CU_ASSERT_PTR_NULL(a.token);
	cg_ssh_auth_free(&a);

	CU_ASSERT_EQUAL(parse("publickey ecdsa-sha2-nistp256 " ECDSA_PUB "\n", &a), 0);
	CU_ASSERT_STRING_EQUAL(a.fp, ECDSA_FP);
	cg_ssh_auth_free(&a);

	/* the certificate: the certified key's fingerprint, and the token in the extension */
	CU_ASSERT_EQUAL(parse("publickey ssh-ed25519-cert-v01@openssh.com " ED25519_CERT
			      "\nkeyboard-interactive/pam\n", &a), 0);
	CU_ASSERT_TRUE(a.have_key);
	CU_ASSERT_TRUE(a.cert);
	CU_ASSERT_STRING_EQUAL(a.fp, ED25519_FP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.token);
	CU_ASSERT_STRING_EQUAL(a.token, "abc.def.ghi");
	CU_ASSERT_EQUAL(a.token_len, 11);
	cg_ssh_auth_free(&a);
	CU_ASSERT_PTR_NULL(a.token);

	/* sshd's own text after the key is not ours to read */
	CU_ASSERT_EQUAL(parse("keyboard-interactive/pam\npublickey ssh-ed25519 " ED25519_PUB
			      " more words\n", &a), 0);
	CU_ASSERT_STRING_EQUAL(a.fp, ED25519_FP);
	cg_ssh_auth_free(&a);
}

static const struct {
	const char *info;
	const char *why;        /* a word of the reason */
} refused[] = {
	{NULL, "no completed"},
	{"", "no completed"},
	{"keyboard-interactive/pam\n", "no public key"},
	{"password\n", "no public key"},
	{"publickey ssh-ed25519 " ED25519_PUB, "not lines"},                 /* no newline */
	{"publickey ssh-ed25519 " ED25519_PUB "\npublickey ecdsa-sha2-nistp256 " ECDSA_PUB "\n",
	 "more than one"},
	{"publickey\n", "names no key"},
	{"publickey ssh-ed25519\n", "names no key"},
	{"publickey  " ED25519_PUB "\n", "names no key"},
	{"publickey ssh-rsa " ED25519_PUB "\n", "another key type"},
	{"publickey ssh-ed25519 " ED25519_PUB "x\n", "base64"},
	{"publickey ssh-ed25519 AAAA\n", "publickey entry"},
	{"Publickey ssh-ed25519 " ED25519_PUB "\n", "names no method"},
	{"publickey\tssh-ed25519 " ED25519_PUB "\n", "names no method"},
	{"publickey ssh-ed25519 " ED25519_PUB " \x1b[2J\n", "control"},
	{"\n", "names no method"},
};

static void test_refused(void)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct cg_ssh_auth a;
		int rc = parse(refused[i].info, &a);
		if (rc == 0 || strstr(a.why, refused[i].why) == NULL)
			fprintf(stderr, "case %zu: rc %d why \"%s\"\n", i, rc, a.why);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_FALSE(a.have_key);
		CU_ASSERT_PTR_NULL(a.token);
		CU_ASSERT_PTR_NOT_NULL(strstr(a.why, refused[i].why));
		cg_ssh_auth_free(&a);
	}
	/* too long as a whole */
	size_t n = CG_SSH_AUTH_INFO_MAX + 2;
	char *big = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, 'a', n - 2);
	big[n - 2] = '\n';
	big[n - 1] = '\0';
	struct cg_ssh_auth a;
	CU_ASSERT_EQUAL(parse(big, &a), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "too long"));
	free(big);
}

/* ---- certificates built field by field ----------------------------------------------- */

struct cert_buf {
	unsigned char b[16384];
	size_t n;
};

static void cb_u32(struct cert_buf *b, uint32_t v)
{
	b->b[b->n++] = (unsigned char)(v >> 24);
	b->b[b->n++] = (unsigned char)(v >> 16);
	b->b[b->n++] = (unsigned char)(v >> 8);
	b->b[b->n++] = (unsigned char)v;
}

static void cb_u64(struct cert_buf *b, uint64_t v)
{
	cb_u32(b, (uint32_t)(v >> 32));
	cb_u32(b, (uint32_t)v);
}

static void cb_bytes(struct cert_buf *b, const void *p, size_t n)
{
	cb_u32(b, (uint32_t)n);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void cb_str(struct cert_buf *b, const char *s)
{
	cb_bytes(b, s, strlen(s));
}

static void cb_buf(struct cert_buf *b, const struct cert_buf *in)
{
	cb_bytes(b, in->b, in->n);
}

/* One way to break a certificate, or none. */
struct cert_spec {
	uint32_t type;                  /* 1 user, 2 host */
	const char *exts[4][2];         /* name, value ("" for a flag, NULL for none) */
	bool raw_value;                 /* write the token value without its inner string */
	bool no_signature;
	uint64_t after, before;
	size_t pk_len;
};

static size_t build_cert(const struct cert_spec *s, struct cert_buf *out)
{
	static const unsigned char pk[40] = {1, 2, 3};
	struct cert_buf ext = {.n = 0}, crit = {.n = 0}, ca = {.n = 0};
	out->n = 0;
	cb_str(out, "ssh-ed25519-cert-v01@openssh.com");
	cb_str(out, "nonce-nonce-nonce-nonce-nonce-00");
	cb_bytes(out, pk, s->pk_len);
	cb_u64(out, 7);
	cb_u32(out, s->type);
	cb_str(out, "alice:CHG1");
	struct cert_buf pr = {.n = 0};
	cb_str(&pr, "alice");
	cb_buf(out, &pr);
	cb_u64(out, s->after);
	cb_u64(out, s->before);
	cb_buf(out, &crit);
	for (size_t i = 0; i < 4 && s->exts[i][0] != NULL; i++) {
		cb_str(&ext, s->exts[i][0]);
		if (s->exts[i][1][0] == '\0') {
			cb_u32(&ext, 0);
		} else if (s->raw_value) {
			cb_str(&ext, s->exts[i][1]);
		} else {
			struct cert_buf v = {.n = 0};
			cb_str(&v, s->exts[i][1]);
			cb_buf(&ext, &v);
		}
	}
	cb_buf(out, &ext);
	cb_u32(out, 0);                        /* reserved */
	cb_str(&ca, "ssh-ed25519");
	cb_bytes(&ca, pk, 32);
	cb_buf(out, &ca);
	cb_str(out, s->no_signature ? "" : "signature-bytes");
	return out->n;
}

static void default_spec(struct cert_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->type = 1;
	s->exts[0][0] = CG_SSH_TOKEN_EXT;
	s->exts[0][1] = "aaa.bbb.ccc";
	s->exts[1][0] = "permit-pty";
	s->exts[1][1] = "";
	s->after = 100;
	s->before = 200;
	s->pk_len = 32;
}

static int parse_cert(const struct cert_spec *s, struct cg_ssh_key *k, char *why, size_t wl)
{
	static struct cert_buf b;
	build_cert(s, &b);
	return cg_ssh_key_parse(b.b, b.n, k, why, wl);
}

static void test_cert_fields(void)
{
	struct cert_spec s;
	struct cg_ssh_key k;
	char why[160];

	default_spec(&s);
	CU_ASSERT_EQUAL_FATAL(parse_cert(&s, &k, why, sizeof(why)), 0);
	CU_ASSERT_TRUE(k.cert);
	CU_ASSERT_STRING_EQUAL(k.plain_type, "ssh-ed25519");
	CU_ASSERT_EQUAL(k.token_len, 11);
	CU_ASSERT_EQUAL(memcmp(k.token, "aaa.bbb.ccc", 11), 0);

	/* no changegate extension: a certificate, and no token */
	default_spec(&s);
	s.exts[0][0] = "permit-pty";
	s.exts[0][1] = "";
	s.exts[1][0] = NULL;
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), 0);
	CU_ASSERT_PTR_NULL(k.token);

	default_spec(&s);
	s.type = 2;
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a user certificate"));

	default_spec(&s);
	s.raw_value = true;                     /* the value not wrapped as a string */
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);

	default_spec(&s);
	s.exts[0][1] = "";                       /* the extension as a flag: no token */
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, CG_SSH_TOKEN_EXT));

	default_spec(&s);                        /* given twice */
	s.exts[1][0] = CG_SSH_TOKEN_EXT;
	s.exts[1][1] = "ddd.eee.fff";
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "twice"));

	default_spec(&s);                        /* out of order */
	s.exts[0][0] = "permit-pty";
	s.exts[0][1] = "";
	s.exts[1][0] = CG_SSH_TOKEN_EXT;
	s.exts[1][1] = "aaa.bbb.ccc";
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);

	default_spec(&s);
	s.no_signature = true;
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);

	default_spec(&s);
	s.after = 200;
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);

	default_spec(&s);
	s.pk_len = 31;                           /* an ed25519 key is 32 bytes */
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);

	/* a token as long as a token may be, and one byte more */
	char *tok = malloc(CG_TOKEN_MAX + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tok);
	memset(tok, 'a', CG_TOKEN_MAX + 1);
	tok[CG_TOKEN_MAX] = '\0';
	default_spec(&s);
	s.exts[0][1] = tok;
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), 0);
	CU_ASSERT_EQUAL(k.token_len, CG_TOKEN_MAX);
	tok[CG_TOKEN_MAX] = 'a';
	tok[CG_TOKEN_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(parse_cert(&s, &k, why, sizeof(why)), -1);
	free(tok);
}

/* Every prefix of a good certificate, and the whole with a byte more, is refused. */
static void test_cert_truncated(void)
{
	struct cert_spec s;
	static struct cert_buf b;
	struct cg_ssh_key k;
	char why[160];

	default_spec(&s);
	size_t n = build_cert(&s, &b);
	for (size_t len = 0; len < n; len++) {
		if (cg_ssh_key_parse(b.b, len, &k, why, sizeof(why)) != -1)
			fprintf(stderr, "prefix of %zu bytes parsed\n", len);
		CU_ASSERT_EQUAL(cg_ssh_key_parse(b.b, len, &k, why, sizeof(why)), -1);
	}
	CU_ASSERT_EQUAL(cg_ssh_key_parse(b.b, n, &k, why, sizeof(why)), 0);
	b.b[n] = 0;
	CU_ASSERT_EQUAL(cg_ssh_key_parse(b.b, n + 1, &k, why, sizeof(why)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "after its last field"));
}

/* A NUL inside the extension would shorten the token: the whole entry is refused. */
static void test_token_with_nul(void)
{
	struct cert_buf b = {.n = 0}, ext = {.n = 0}, v = {.n = 0}, ca = {.n = 0}, pr = {.n = 0};
	static const unsigned char pk[32] = {9};
	cb_str(&b, "ssh-ed25519-cert-v01@openssh.com");
	cb_str(&b, "n");
	cb_bytes(&b, pk, 32);
	cb_u64(&b, 1);
	cb_u32(&b, 1);
	cb_str(&b, "id");
	cb_str(&pr, "alice");
	cb_buf(&b, &pr);
	cb_u64(&b, 1);
	cb_u64(&b, 2);
	cb_u32(&b, 0);
	cb_str(&ext, CG_SSH_TOKEN_EXT);
	cb_bytes(&v, "a.b\0.c", 6);
	cb_buf(&ext, &v);
	cb_buf(&b, &ext);
	cb_u32(&b, 0);
	cb_str(&ca, "ssh-ed25519");
	cb_bytes(&ca, pk, 32);
	cb_buf(&b, &ca);
	cb_str(&b, "sig");

	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[2048];
	size_t o = (size_t)snprintf(line, sizeof(line), "publickey ssh-ed25519-cert-v01@openssh.com ");
	for (size_t i = 0; i < b.n; i += 3) {
		uint32_t x = (uint32_t)b.b[i] << 16 | (i + 1 < b.n ? (uint32_t)b.b[i + 1] << 8 : 0) |
			     (i + 2 < b.n ? b.b[i + 2] : 0);
		line[o++] = alpha[x >> 18 & 63];
		line[o++] = alpha[x >> 12 & 63];
		line[o++] = i + 1 < b.n ? alpha[x >> 6 & 63] : '=';
		line[o++] = i + 2 < b.n ? alpha[x & 63] : '=';
	}
	line[o++] = '\n';
	line[o] = '\0';
	struct cg_ssh_auth a;
	CU_ASSERT_EQUAL(parse(line, &a), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(a.why, "NUL"));
	CU_ASSERT_PTR_NULL(a.token);
	cg_ssh_auth_free(&a);
}

static void test_fp_valid(void)
{
	CU_ASSERT_TRUE(cg_ssh_fp_valid(ED25519_FP));
	CU_ASSERT_TRUE(cg_ssh_fp_valid(ECDSA_FP));
	CU_ASSERT_FALSE(cg_ssh_fp_valid(NULL));
	CU_ASSERT_FALSE(cg_ssh_fp_valid(""));
	CU_ASSERT_FALSE(cg_ssh_fp_valid("sha256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc"));
	CU_ASSERT_FALSE(cg_ssh_fp_valid("SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYh"));
	CU_ASSERT_FALSE(cg_ssh_fp_valid("SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc="));
	CU_ASSERT_FALSE(cg_ssh_fp_valid("SHA256:hXRe7HuWTIM-rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc"));
	/* unused low bits set: another spelling of the same digest */
	CU_ASSERT_FALSE(cg_ssh_fp_valid("SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhd"));
	CU_ASSERT_FALSE(cg_ssh_fp_valid("MD5:aa:bb"));
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"keys and a certificate from ssh-keygen", test_golden},
		{"SSH_AUTH_INFO_0 refused", test_refused},
		{"certificate fields", test_cert_fields},
		{"certificate cut short or too long", test_cert_truncated},
		{"a token holding NUL", test_token_with_nul},
		{"fingerprint form", test_fp_valid},
		{NULL, NULL},
	};
	return cf_run("ssh", tests);
}
