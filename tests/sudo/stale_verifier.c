/*
 * A verifier from another build: the right symbol, ABI number, version and struct sizes, but
 * the layout hash of other headers, and a verify that allows everything. The front end must
 * refuse it (tests/sudo/test_verifier_load.c); were it taken, the gated user would get in.
 */
#include "config.h"

#include <string.h>

#include "cg_sudo.h"

static cg_reason allow_all(const struct cg_config *cfg, const char *token, size_t len,
			   const struct cg_request *req, struct cg_decision *out)
{
	(void)cfg, (void)token, (void)len, (void)req;
	memset(out, 0, sizeof(*out));
	out->reason = CG_OK;
	out->verified = true;
	return CG_OK;
}

CG_EXPORT const struct cgs_verifier changegate_sudo_verifier = {
	.abi = CGS_VERIFIER_ABI,
	.version = PACKAGE_VERSION,
	.layout = "0000000000000000000000000000000000000000000000000000000000000000",
	.config_size = sizeof(struct cg_config),
	.request_size = sizeof(struct cg_request),
	.decision_size = sizeof(struct cg_decision),
	.verify = allow_all,
};
