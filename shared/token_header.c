/* The JOSE header: the only members a change token may carry are alg, typ and kid. Anything
 * that could point the verifier at another key (jku, x5u, jwk, x5c) or demand extensions we
 * do not implement (crit) is refused, and so is any member we do not know. */
#include <string.h>

#include "token_internal.h"

static bool kid_is_valid(const char *kid)
{
	size_t n = strlen(kid);
	if (n == 0 || n > CG_KID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)kid[i];
		bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			     (c >= '0' && c <= '9');
		/* the first character is alphanumeric, so no kid is "." or ".." or hidden */
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static cg_reason check_alg(const struct cg_config *cfg, json_t *header, struct cg_ticket *t,
			   cg_alg *alg, char *detail, size_t detlen)
{
	json_t *j = json_object_get(header, "alg");
	if (j == NULL) {
		cg_detail(detail, detlen, "the token's header names no algorithm");
		return CG_BAD_ALG;
	}
	if (!json_is_string(j)) {
		cg_detail(detail, detlen, "the token's algorithm is not a string");
		return CG_BAD_ALG;
	}
	char shown[32];
	cg_sanitize(shown, sizeof(shown), json_string_value(j));
	if (!cg_alg_from_name(json_string_value(j), alg)) {
		cg_detail(detail, detlen,
			  "the token is signed with %s; only ES256, ES384, ES512, RS256, RS384 "
			  "and RS512 are accepted",
			  shown);
		return CG_BAD_ALG;
	}
	cg_strlcpy(t->alg, cg_alg_name(*alg), sizeof(t->alg));
	if ((cfg->algorithms & (unsigned)*alg) == 0) {
		cg_detail(detail, detlen, "the token is signed with %s, which this host's "
			  "algorithms setting does not allow", shown);
		return CG_BAD_ALG;
	}
	return CG_OK;
}

static cg_reason check_members(json_t *header, char *detail, size_t detlen)
{
	const char *name;
	json_t *value;
	json_object_foreach(header, name, value) {
		if (strcmp(name, "alg") == 0 || strcmp(name, "typ") == 0 ||
		    strcmp(name, "kid") == 0)
			continue;
		char shown[64];
		cg_sanitize(shown, sizeof(shown), name);
		cg_detail(detail, detlen, "the token's header carries \"%s\", which is not allowed",
			  shown);
		return CG_MALFORMED;
	}
	json_t *typ = json_object_get(header, "typ");
	if (typ != NULL && !(json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)) {
		cg_detail(detail, detlen, "the token's typ must be \"JWT\" or absent");
		return CG_MALFORMED;
	}
	return CG_OK;
}

static cg_reason check_kid(json_t *header, struct cg_ticket *t, char *detail, size_t detlen)
{
	json_t *j = json_object_get(header, "kid");
	if (j == NULL) {
		cg_detail(detail, detlen, "the token's header names no key (kid)");
		return CG_UNKNOWN_KEY;
	}
	if (!json_is_string(j) || !kid_is_valid(json_string_value(j))) {
		char shown[80];
		cg_sanitize(shown, sizeof(shown), json_is_string(j) ? json_string_value(j) : "?");
		cg_detail(detail, detlen, "the token's key id \"%s\" is not a valid key name",
			  shown);
		return CG_UNKNOWN_KEY;
	}
	cg_strlcpy(t->kid, json_string_value(j), sizeof(t->kid));
	return CG_OK;
}

cg_reason cg_token_check_header(const struct cg_config *cfg, json_t *header,
				struct cg_ticket *t, cg_alg *alg, char *detail, size_t detlen)
{
	cg_reason r = check_alg(cfg, header, t, alg, detail, detlen);
	if (r == CG_OK)
		r = check_members(header, detail, detlen);
	if (r == CG_OK)
		r = check_kid(header, t, detail, detlen);
	return r;
}
