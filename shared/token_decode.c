/* Steps 1 and 2 of verification, before any signature code sees the token: the size cap,
 * the shape (exactly three non-empty strict base64url segments, nothing else), and a strict
 * parse of header and payload (no duplicate members, no NUL, valid UTF-8, objects only).
 * libjwt parses leniently and uses alloca on the token's length, so it must only ever see
 * what passed here. */
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"

static bool is_token_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Checks the charset and cuts text into three segments. */
static cg_reason split(struct cg_token_parts *parts, char *detail, size_t detlen)
{
	size_t dots = 0;
	for (size_t i = 0; i < parts->len; i++) {
		unsigned char c = (unsigned char)parts->text[i];
		if (!is_token_char(c)) {
			/* never which byte or where: a mistyped password may be sitting here */
			cg_detail(detail, detlen, "the token is not base64url (a JWT uses only "
				  "letters, digits, '-', '_' and two dots)");
			return CG_MALFORMED;
		}
		if (c == '.')
			dots++;
	}
	if (dots != 2) {
		cg_detail(detail, detlen, "the token is not three segments separated by dots");
		return CG_MALFORMED;
	}
	const char *p = parts->text;
	for (int s = 0; s < 3; s++) {
		size_t n = strcspn(p, ".");
		if (n == 0) {
			cg_detail(detail, detlen,
				  "the token is not three segments separated by dots");
			return CG_MALFORMED;
		}
		parts->seg[s] = p;
		parts->seglen[s] = n;
		p += n + 1;
	}
	return CG_OK;
}

static cg_reason parse_json(const unsigned char *raw, size_t rawlen, const char *what,
			    json_t **out, char *detail, size_t detlen)
{
	/* jansson would reject an escaped \u0000; a raw NUL byte must not cut the text short */
	if (memchr(raw, '\0', rawlen) != NULL) {
		cg_detail(detail, detlen, "the token's %s holds a NUL byte", what);
		return CG_MALFORMED;
	}
	json_error_t jerr;
	json_t *j = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL) {
		/* neither jansson's message nor its position: both describe the input */
		cg_detail(detail, detlen, "the token's %s is not strict JSON", what);
		return CG_MALFORMED;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		cg_detail(detail, detlen, "the token's %s is not a JSON object", what);
		return CG_MALFORMED;
	}
	*out = j;
	return CG_OK;
}

cg_reason cg_token_decode(const char *token, size_t len, struct cg_token_parts *parts,
			  char *detail, size_t detlen)
{
	return cg_jws_decode(token, len, CG_TOKEN_MAX, parts, detail, detlen);
}

cg_reason cg_jws_decode(const char *token, size_t len, size_t max, struct cg_token_parts *parts,
			char *detail, size_t detlen)
{
	memset(parts, 0, sizeof(*parts));
	if (token == NULL || len == 0) {
		cg_detail(detail, detlen, "no change ticket token was given");
		return CG_NO_TOKEN;
	}
	if (len > max) {
		cg_detail(detail, detlen, "the token is longer than the %zu bytes allowed", max);
		return CG_TOO_LARGE;
	}
	parts->text = malloc(len + 1);
	if (parts->text == NULL) {
		cg_detail(detail, detlen, "out of memory while reading the token");
		return CG_CONFIG_ERROR;
	}
	memcpy(parts->text, token, len);
	parts->text[len] = '\0';
	parts->len = len;
	cg_reason r = split(parts, detail, detlen);
	if (r != CG_OK)
		return r;

	static const char *const names[3] = {"header", "payload", "signature"};
	unsigned char *raw[3] = {NULL, NULL, NULL};
	size_t rawlen[3] = {0, 0, 0};
	for (int s = 0; s < 3; s++) {
		if (cg_b64url_decode(parts->seg[s], parts->seglen[s], &raw[s], &rawlen[s]) != 0) {
			cg_detail(detail, detlen, "the token's %s is not canonical base64url",
				  names[s]);
			r = CG_MALFORMED;
			break;
		}
	}
	parts->header_raw = raw[0];
	parts->header_rawlen = rawlen[0];
	parts->payload_raw = raw[1];
	parts->payload_rawlen = rawlen[1];
	/* the signature bytes are libjwt's business; decoding them only proved they are canonical */
	cg_wipe_free(raw[2], rawlen[2]);
	if (r != CG_OK)
		return r;
	r = parse_json(parts->header_raw, parts->header_rawlen, names[0], &parts->header, detail,
		       detlen);
	if (r != CG_OK)
		return r;
	return parse_json(parts->payload_raw, parts->payload_rawlen, names[1], &parts->payload,
			  detail, detlen);
}

void cg_token_parts_free(struct cg_token_parts *parts)
{
	json_decref(parts->header);
	json_decref(parts->payload);
	cg_wipe_free(parts->header_raw, parts->header_rawlen);
	cg_wipe_free(parts->payload_raw, parts->payload_rawlen);
	cg_wipe_free(parts->text, parts->len + 1);
	memset(parts, 0, sizeof(*parts));
}
