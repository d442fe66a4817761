/*
 * The token pipeline's internal interfaces: one function per step of the verification order
 * in docs/token-format.md. Each step returns CG_OK or the reason to deny, and on a denial
 * writes a plain-words detail (never the token itself, and claim text only sanitised).
 */
#ifndef CG_TOKEN_INTERNAL_H
#define CG_TOKEN_INTERNAL_H

#include <stdarg.h>

#include <jansson.h>

#include "changegate.h"

/* A token cut into its three segments, with header and payload decoded and parsed. */
struct cg_token_parts {
	char *text;                 /* NUL-terminated copy of the token, wiped on free */
	size_t len;
	const char *seg[3];         /* into text */
	size_t seglen[3];
	unsigned char *header_raw;  /* decoded bytes, wiped on free */
	size_t header_rawlen;
	unsigned char *payload_raw;
	size_t payload_rawlen;
	json_t *header;             /* always an object once cg_token_decode succeeded */
	json_t *payload;
};

/* token_b64url.c: strict base64. CG_B64_URL is RFC 7515's base64url (the token), CG_B64_STD
 * the standard alphabet (a PEM body). */
enum cg_b64_alphabet { CG_B64_URL, CG_B64_STD };
/* A letter's value, 0..63, or -1 when c is not in the alphabet ('=' never is). */
int cg_b64_value(unsigned char c, enum cg_b64_alphabet a);
/* base64url: alphabet only, no padding, length mod 4 != 1, unused trailing bits zero. 0 with
 * a malloc'd *out, or -1. */
int cg_b64url_decode(const char *in, size_t len, unsigned char **out, size_t *outlen);
/* Standard base64 with its padding: length a multiple of 4, at most two '=' and only at the
 * end, unused bits zero. Writes at most len / 4 * 3 bytes to out; the byte count, or 0. */
size_t cg_b64_decode_padded(const char *in, size_t len, unsigned char *out);

/* token_decode.c: step 1 and the decoding half of step 2. CG_OK, CG_NO_TOKEN, CG_TOO_LARGE
 * or CG_MALFORMED. parts is always initialised; release it with cg_token_parts_free. */
cg_reason cg_token_decode(const char *token, size_t len, struct cg_token_parts *parts,
			  char *detail, size_t detlen);
void cg_token_parts_free(struct cg_token_parts *parts);
/* The same steps with another size cap: the signed revocation list (revocation_list.c) is a
 * JWS far larger than a token and goes through exactly these checks. */
cg_reason cg_jws_decode(const char *token, size_t len, size_t max, struct cg_token_parts *parts,
			char *detail, size_t detlen);

/* token_header.c: alg (allowed and configured), typ, kid, no other member. Fills t->alg and
 * t->kid and *alg. CG_OK, CG_BAD_ALG, CG_UNKNOWN_KEY or CG_MALFORMED. */
cg_reason cg_token_check_header(const struct cg_config *cfg, json_t *header,
				struct cg_ticket *t, cg_alg *alg, char *detail, size_t detlen);

/* token_key.c: the PEM text of <keys_dir>/<kid>.pem, checked to be a public key that fits
 * alg (cg_token_key_fits, in changegate.h), and the identity of the file it came from (for
 * the login record). *pem is freed with cg_wipe_free(*pem, *pemlen + 1). CG_OK,
 * CG_UNKNOWN_KEY or CG_CONFIG_ERROR. */
cg_reason cg_token_load_key(const struct cg_config *cfg, const char *kid, cg_alg alg,
			    char **pem, size_t *pemlen, struct cg_file_id *id, char *detail,
			    size_t detlen);

/* token_signature.c: step 3. CG_OK, CG_BAD_SIGNATURE or CG_BAD_ALG. */
cg_reason cg_token_check_signature(const struct cg_token_parts *parts, cg_alg alg,
				   const char *kid, const char *pem, size_t pemlen, char *detail,
				   size_t detlen);

/* jws_signature_evp.c: step 3 for a JWS too large for libjwt (the signed revocation list):
 * the same check with OpenSSL's EVP_DigestVerify. CG_OK, CG_BAD_SIGNATURE or CG_BAD_ALG. */
cg_reason cg_jws_check_signature_large(const struct cg_token_parts *parts, cg_alg alg,
				       const char *kid, const char *pem, size_t pemlen,
				       char *detail, size_t detlen);

/* The claim a payload carries when it is a signed revocation list: a token never does. */
#define CG_LIST_CLAIM "revocations"

/* token_claims_read.c: every claim's presence, JSON type and length, copied into t as far as
 * it goes. CG_OK, CG_MISSING_CLAIM or CG_BAD_CLAIM. */
cg_reason cg_token_read_claims(json_t *payload, struct cg_ticket *t, char *detail,
			       size_t detlen);
/* The signed revocation list's profile of the same reader: iss, aud, iat and exp into t, and
 * no member other than those and CG_LIST_CLAIM (whose content revocation_list_parse.c reads):
 * a list carries none of a token's claims. CG_OK, CG_MISSING_CLAIM or CG_BAD_CLAIM. */
cg_reason cg_list_read_claims(json_t *payload, struct cg_ticket *t, char *detail,
			      size_t detlen);

/* token_claims_check.c: the rules that need the config, the clock and the asker: issuer,
 * audience, user, validity window, lifetime, ticket pattern, break-glass (libcgbase). */
cg_reason cg_token_check_claims_config(const struct cg_config *cfg, const struct cg_ticket *t,
				       const struct cg_request *req, char *detail, size_t detlen);
/* token_four_eyes.c: all of the claim rules: the ones above, then four eyes (libcgcore). */
cg_reason cg_token_check_claims(const struct cg_config *cfg, const struct cg_ticket *t,
				const struct cg_request *req, char *detail, size_t detlen);

/* token_standing.c: after the claims, in this order: whether the ticket still stands
 * (revocation) and what it covers (cg_token_check_grant). *unrestricted as there. */
cg_reason cg_token_check_standing(const struct cg_config *cfg, const struct cg_ticket *t,
				  const struct cg_request *req, bool *unrestricted, char *detail,
				  size_t detlen);
/* The detail of an allow: "ticket X, approved by Y, allows this command for 40 minutes more". */
void cg_token_describe_allow(const struct cg_ticket *t, const struct cg_request *req,
			     bool unrestricted, char *detail, size_t detlen);

/* token_grant.c: what the request asks for: scope, host, command, target user. Sets
 * *unrestricted when the command was judged under a "*" cmds entry. */
cg_reason cg_token_check_grant(const struct cg_config *cfg, const struct cg_ticket *t,
			       const struct cg_request *req, bool *unrestricted, char *detail,
			       size_t detlen);

/* token_detail.c: writing the plain-words detail. */
void cg_detail(char *detail, size_t detlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "ticket CHG0012345" (sanitised), or "the token" when the ticket is not known. */
void cg_ticket_name(const struct cg_ticket *t, char *buf, size_t buflen);
/* "12 minutes", "40 seconds", "3 hours", "2 days": a coarse duration for people. */
void cg_duration_words(long long seconds, char *buf, size_t buflen);

/* cg_identity_fold; with ascii_path false every name goes through libunistring, so that the
 * tests can hold the ASCII path to the Unicode one (identity_fold.c). */
char *cg_identity_fold_with(const char *name, bool ascii_path);

#endif /* CG_TOKEN_INTERNAL_H */
