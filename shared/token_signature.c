/* Step 3: the signature, checked by libjwt with the one key the header's kid named. Its
 * decode of the PEM is the only one per verify (token_key.c checked the key's type, curve
 * and size on the DER alone). libjwt picks the algorithm from the header it parses itself,
 * and would verify an HS256 token keyed with the PEM text of a public key; so the algorithm
 * it used is compared with the one we pinned from our own strict parse, and anything else
 * is refused. */
#include <jwt.h>

#include "token_internal.h"

static jwt_alg_t jwt_alg_for(cg_alg alg)
{
	switch (alg) {
	case CG_ALG_ES256:
		return JWT_ALG_ES256;
	case CG_ALG_ES384:
		return JWT_ALG_ES384;
	case CG_ALG_ES512:
		return JWT_ALG_ES512;
	case CG_ALG_RS256:
		return JWT_ALG_RS256;
	case CG_ALG_RS384:
		return JWT_ALG_RS384;
	case CG_ALG_RS512:
		return JWT_ALG_RS512;
	}
	return JWT_ALG_INVAL;
}

cg_reason cg_token_check_signature(const struct cg_token_parts *parts, cg_alg alg,
				   const char *kid, const char *pem, size_t pemlen, char *detail,
				   size_t detlen)
{
	jwt_alg_t want = jwt_alg_for(alg);
	/* never a NULL or empty key: libjwt treats that as "no signature expected" */
	if (want == JWT_ALG_INVAL || pem == NULL || pemlen == 0 || pemlen > CG_KEY_FILE_MAX) {
		cg_detail(detail, detlen, "internal error: no key to verify the signature with");
		return CG_BAD_SIGNATURE;
	}
	jwt_t *jwt = NULL;
	int rc = jwt_decode(&jwt, parts->text, (const unsigned char *)pem, (int)pemlen);
	if (rc != 0 || jwt == NULL) {
		jwt_free(jwt);
		cg_detail(detail, detlen, "the token's signature does not verify with key %s",
			  kid);
		return CG_BAD_SIGNATURE;
	}
	jwt_alg_t used = jwt_get_alg(jwt);
	jwt_free(jwt);
	if (used != want) {
		cg_detail(detail, detlen, "the signature was checked as %s, not the pinned %s",
			  jwt_alg_str(used) != NULL ? jwt_alg_str(used) : "unknown",
			  cg_alg_name(alg));
		return CG_BAD_ALG;
	}
	return CG_OK;
}
