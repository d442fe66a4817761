/* Looking at a token without trusting it: `changegate inspect` (the same strict decoding as
 * verification, and nothing else; output is pure ASCII JSON, so that a hostile claim cannot
 * drive the reader's terminal) and the developer's helper (the claims, read as the verifier
 * reads them, to choose which token to offer). */
#include <stdlib.h>
#include <string.h>

#include "token_internal.h"

cg_reason cg_token_inspect(const char *token, size_t len, char **header_json,
			   char **payload_json)
{
	*header_json = NULL;
	*payload_json = NULL;
	struct cg_token_parts parts;
	char detail[CG_DETAIL_MAX];
	cg_reason r = cg_token_decode(token, len, &parts, detail, sizeof(detail));
	if (r == CG_NO_TOKEN)
		r = CG_MALFORMED;
	if (r == CG_OK) {
		size_t flags = JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER;
		*header_json = json_dumps(parts.header, flags);
		*payload_json = json_dumps(parts.payload, flags);
		if (*header_json == NULL || *payload_json == NULL) {
			free(*header_json);
			free(*payload_json);
			*header_json = NULL;
			*payload_json = NULL;
			r = CG_CONFIG_ERROR;
		}
	}
	cg_token_parts_free(&parts);
	return r;
}

cg_reason cg_token_peek(const char *token, size_t len, struct cg_ticket *t, char *detail,
			size_t detlen)
{
	struct cg_token_parts parts;

	memset(t, 0, sizeof(*t));
	cg_reason r = cg_token_decode(token, len, &parts, detail, detlen);
	if (r == CG_OK)
		r = cg_token_read_claims(parts.payload, t, detail, detlen);
	cg_token_parts_free(&parts);
	return r;
}
