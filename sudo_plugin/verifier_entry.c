/*
 * changegate_sudo_verify.so: the token pipeline of the core, and libjwt and OpenSSL under
 * it, for the sudo plugin's front end to open when a gated user's token must be checked
 * (verifier_load.c). Its one exported symbol says which build it belongs to.
 */
#include <config.h>

#include "cg_sudo.h"
#include "sudo_plugin/verifier_abi.h"

CG_EXPORT const struct cgs_verifier changegate_sudo_verifier = {
	.abi = CGS_VERIFIER_ABI,
	.version = PACKAGE_VERSION,
	.layout = CGS_VERIFIER_LAYOUT,
	.config_size = sizeof(struct cg_config),
	.request_size = sizeof(struct cg_request),
	.decision_size = sizeof(struct cg_decision),
	.verify = cg_verify_token,
};
