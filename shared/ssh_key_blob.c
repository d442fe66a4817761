/* An OpenSSH public key or user certificate blob (RFC 4253 section 6.6, PROTOCOL.certkeys),
 * read strictly: every length checked against what is left and against a cap, the key's
 * fields as its type requires them, nothing after the last field. It is untrusted input
 * (SSH_AUTH_INFO_0 carries it from sshd, and a PAM environment can be written by other
 * modules), so it is read by an allow list of key types and nothing is taken on trust. No
 * cryptography here: the fingerprint is ssh_fingerprint.c's, the certificate's signature and
 * validity are sshd's business (TrustedUserCAKeys); what we take from a certificate is the
 * certified key and the changegate-token@changegate extension. */
#include <stdint.h>
#include <string.h>

#include "changegate.h"

#define CERT_SUFFIX "-cert-v01@openssh.com"
#define SSH2_CERT_TYPE_USER 1
#define FIELD_MAX 2048          /* one key field: an RSA modulus of 16384 bits is 2049 */
#define CERT_TEXT_MAX 8192      /* key id, principals, critical options */

/* What a key type's fields are, in the order its blob holds them. */
enum field { F_END = 0, F_ED25519, F_MPINT, F_CURVE, F_POINT, F_APPLICATION };

struct key_kind {
	const char *plain;      /* the public key's type name, also its certificate's stem */
	const char *curve;      /* ECDSA: the curve name the blob must repeat */
	enum field fields[4];
};

/* The allow list: what OpenSSH 8 and 9 authenticate users with. DSA is gone from OpenSSH. */
static const struct key_kind kinds[] = {
	{"ssh-ed25519", NULL, {F_ED25519}},
	{"ssh-rsa", NULL, {F_MPINT, F_MPINT}},
	{"ecdsa-sha2-nistp256", "nistp256", {F_CURVE, F_POINT}},
	{"ecdsa-sha2-nistp384", "nistp384", {F_CURVE, F_POINT}},
	{"ecdsa-sha2-nistp521", "nistp521", {F_CURVE, F_POINT}},
	{"sk-ssh-ed25519@openssh.com", NULL, {F_ED25519, F_APPLICATION}},
	{"sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", {F_CURVE, F_POINT, F_APPLICATION}},
};

struct reader {
	const unsigned char *p;
	size_t left;
};

static bool get_u32(struct reader *r, uint32_t *v)
{
	if (r->left < 4)
		return false;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 |
	     (uint32_t)r->p[3];
	r->p += 4;
	r->left -= 4;
	return true;
}

static bool get_u64(struct reader *r, uint64_t *v)
{
	uint32_t hi, lo;
	if (!get_u32(r, &hi) || !get_u32(r, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* An SSH string of at most max bytes, pointing into the blob. */
static bool get_string(struct reader *r, size_t max, const unsigned char **s, size_t *n)
{
	uint32_t len;
	if (!get_u32(r, &len) || len > r->left || len > max)
		return false;
	*s = r->p;
	*n = len;
	r->p += len;
	r->left -= len;
	return true;
}

static bool string_is(const unsigned char *s, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* A positive mpint in its minimal form (RFC 4251 section 5): no needless leading zero. */
static bool mpint_ok(const unsigned char *s, size_t n)
{
	if (n == 0 || (s[0] & 0x80) != 0)
		return false;
	return s[0] != 0 || (n > 1 && (s[1] & 0x80) != 0);
}

static bool read_field(struct reader *r, enum field f, const struct key_kind *k)
{
	const unsigned char *s;
	size_t n;
	if (!get_string(r, FIELD_MAX, &s, &n))
		return false;
	switch (f) {
	case F_ED25519:
		return n == 32;
	case F_MPINT:
		return mpint_ok(s, n);
	case F_CURVE:
		return string_is(s, n, k->curve);
	case F_POINT:
		return n > 1 && s[0] == 0x04;   /* uncompressed, as OpenSSH writes it */
	case F_APPLICATION:
		return n > 0 && n <= 1024;
	case F_END:
		break;
	}
	return false;
}

/* A list of (name, data) pairs, as critical options and extensions are; remembers the
 * changegate extension's value when want_token. Names are refused twice, as sshd refuses. */
static bool read_options(const unsigned char *s, size_t n, bool want_token, struct cg_ssh_key *k,
			 char *why, size_t whylen)
{
	struct reader r = {s, n};
	const unsigned char *prev = NULL;
	size_t prevlen = 0;
	while (r.left > 0) {
		const unsigned char *name, *data;
		size_t namelen, datalen;
		if (!get_string(&r, 256, &name, &namelen) || namelen == 0 ||
		    !get_string(&r, CG_SSH_BLOB_MAX, &data, &datalen)) {
			cg_strlcpy(why, "a certificate option is cut short", whylen);
			return false;
		}
		/* PROTOCOL.certkeys: "lexically ordered"; ssh-keygen writes them so. In order,
		 * a name given twice is next to itself. */
		if (prev != NULL) {
			int c = memcmp(prev, name, prevlen < namelen ? prevlen : namelen);
			if (c > 0 || (c == 0 && prevlen >= namelen)) {
				cg_strlcpy(why, "certificate options out of order or given twice",
					   whylen);
				return false;
			}
		}
		prev = name;
		prevlen = namelen;
		if (!want_token || !string_is(name, namelen, CG_SSH_TOKEN_EXT))
			continue;
		/* a non-empty extension's data is itself one string */
		struct reader d = {data, datalen};
		if (!get_string(&d, CG_TOKEN_MAX, &k->token, &k->token_len) || d.left != 0 ||
		    k->token_len == 0) {
			cg_strlcpy(why, "the " CG_SSH_TOKEN_EXT " extension is not one string of "
				   "1 to 8192 bytes", whylen);
			return false;
		}
	}
	return true;
}

/* Everything after a certificate's key fields (PROTOCOL.certkeys). */
static bool read_cert_tail(struct reader *r, struct cg_ssh_key *k, char *why, size_t whylen)
{
	uint64_t serial, after, before;
	uint32_t type;
	const unsigned char *s, *opts, *exts, *sig;
	size_t n, optslen, extslen, siglen;

	if (!get_u64(r, &serial) || !get_u32(r, &type) ||
	    !get_string(r, CERT_TEXT_MAX, &s, &n) ||      /* key id */
	    !get_string(r, CERT_TEXT_MAX, &s, &n) ||      /* principals */
	    !get_u64(r, &after) || !get_u64(r, &before) ||
	    !get_string(r, CERT_TEXT_MAX, &opts, &optslen) ||
	    !get_string(r, CG_SSH_BLOB_MAX, &exts, &extslen) ||
	    !get_string(r, CERT_TEXT_MAX, &s, &n) ||      /* reserved */
	    !get_string(r, CERT_TEXT_MAX, &s, &n) ||      /* the CA's key */
	    !get_string(r, CERT_TEXT_MAX, &sig, &siglen)) {
		cg_strlcpy(why, "the certificate is cut short or a field is too long", whylen);
		return false;
	}
	if (type != SSH2_CERT_TYPE_USER) {
		cg_strlcpy(why, "the certificate is not a user certificate", whylen);
		return false;
	}
	if (siglen == 0 || after >= before) {
		cg_strlcpy(why, "the certificate has no signature or no validity", whylen);
		return false;
	}
	return read_options(opts, optslen, false, k, why, whylen) &&
	       read_options(exts, extslen, true, k, why, whylen);
}

static const struct key_kind *find_kind(const unsigned char *name, size_t n, bool *cert)
{
	size_t sl = strlen(CERT_SUFFIX);
	*cert = n > sl && memcmp(name + n - sl, CERT_SUFFIX, sl) == 0;
	size_t stem = *cert ? n - sl : n;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const char *p = kinds[i].plain;
		/* the certificate name of an sk- key drops the plain name's "@openssh.com" */
		size_t pl = strcspn(p, "@");
		if (*cert ? stem == pl && memcmp(name, p, pl) == 0 : string_is(name, n, p))
			return &kinds[i];
	}
	return NULL;
}

int cg_ssh_key_parse(const unsigned char *blob, size_t len, struct cg_ssh_key *k, char *why,
		     size_t whylen)
{
	struct reader r = {blob, len};
	const unsigned char *name, *s;
	size_t namelen, n;

	memset(k, 0, sizeof(*k));
	cg_strlcpy(why, "", whylen);
	if (len > CG_SSH_BLOB_MAX || !get_string(&r, 64, &name, &namelen)) {
		cg_strlcpy(why, "the key is too long or has no type", whylen);
		return -1;
	}
	const struct key_kind *kind = find_kind(name, namelen, &k->cert);
	if (kind == NULL) {
		cg_strlcpy(why, "the key is of a type changegate does not know", whylen);
		return -1;
	}
	memcpy(k->type, name, namelen);
	k->type[namelen] = '\0';
	k->plain_type = kind->plain;
	if (k->cert && !get_string(&r, 256, &s, &n)) {     /* the nonce */
		cg_strlcpy(why, "the certificate is cut short", whylen);
		return -1;
	}
	k->fields = r.p;
	for (size_t i = 0; i < 4 && kind->fields[i] != F_END; i++) {
		if (!read_field(&r, kind->fields[i], kind)) {
			cg_strlcpy(why, "a field of the key is malformed", whylen);
			return -1;
		}
	}
	k->fieldslen = (size_t)(r.p - k->fields);
	if (k->cert && !read_cert_tail(&r, k, why, whylen))
		return -1;
	if (r.left != 0) {
		cg_strlcpy(why, "the key has bytes after its last field", whylen);
		return -1;
	}
	return 0;
}
