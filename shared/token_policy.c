/* The issuer's dry run of a host's rules: what `changegate issue --config` asks before it
 * prints a token. The same steps as verification (token_verify.c) that need only the host's
 * configuration: the header (alg in `algorithms`, kid well-formed), the claims as read, and
 * the claim rules (issuer, audience, validity, max_lifetime, ticket_pattern, four eyes,
 * break-glass keys). The key file, the grant (scope, hosts, cmds) and the revocation and
 * single-use state are the host's alone. One set of rules: never a copy of them here. */
#include <string.h>

#include "token_internal.h"

cg_reason cg_token_check_policy(const struct cg_config *cfg, const char *token, size_t len,
				time_t now, char *detail, size_t detlen)
{
	struct cg_token_parts parts;
	struct cg_ticket t;
	cg_alg alg = CG_ALG_ES256;

	memset(&t, 0, sizeof(t));
	cg_reason r = cg_token_decode(token, len, &parts, detail, detlen);
	if (r == CG_OK)
		r = cg_token_check_header(cfg, parts.header, &t, &alg, detail, detlen);
	if (r == CG_OK)
		r = cg_token_read_claims(parts.payload, &t, detail, detlen);
	if (r == CG_OK) {
		/* the user is whoever the token names: the host checks it against the login */
		struct cg_request req = {
			.scope = (t.scopes & CG_SCOPE_LOGIN) ? CG_SCOPE_LOGIN : CG_SCOPE_SUDO,
			.user = t.sub,
			.now = now,
		};
		r = cg_token_check_claims(cfg, &t, &req, detail, detlen);
	}
	cg_ticket_clear(&t);
	cg_token_parts_free(&parts);
	return r;
}
