/* The stable reason codes: one table, used by syslog, the CLI and the tests alike. */
#include <string.h>

#include "changegate.h"

static const struct {
	const char *code;
	const char *summary;
} reasons[CG_REASON_COUNT] = {
	[CG_OK] = {"ok", "the token is valid and covers this request"},
	[CG_NO_TOKEN] = {"no_token", "no change ticket token was presented"},
	[CG_MALFORMED] = {"malformed", "the token is not a well-formed signed JWT"},
	[CG_TOO_LARGE] = {"too_large", "the token is larger than 8 KiB"},
	[CG_BAD_ALG] = {"bad_alg", "the token's signature algorithm is not allowed on this host"},
	[CG_UNKNOWN_KEY] = {"unknown_key", "the token names a signing key this host does not have"},
	[CG_BAD_SIGNATURE] = {"bad_signature", "the token's signature does not verify"},
	[CG_BAD_ISSUER] = {"bad_issuer", "the token was not issued by the configured issuer"},
	[CG_BAD_AUDIENCE] = {"bad_audience", "the token is for another environment"},
	[CG_WRONG_USER] = {"wrong_user", "the token was issued to another user"},
	[CG_EXPIRED] = {"expired", "the token has expired"},
	[CG_NOT_YET_VALID] = {"not_yet_valid", "the token is not valid yet"},
	[CG_LIFETIME_TOO_LONG] = {"lifetime_too_long", "the token's lifetime exceeds the host's maximum"},
	[CG_MISSING_CLAIM] = {"missing_claim", "the token lacks a required claim"},
	[CG_BAD_CLAIM] = {"bad_claim", "a claim in the token has the wrong type or value"},
	[CG_SELF_APPROVED] = {"self_approved", "the change was approved by the same person it is for"},
	[CG_SCOPE_DENIED] = {"scope_denied", "the token does not grant this kind of access"},
	[CG_HOST_DENIED] = {"host_denied", "the token is not valid on this host"},
	[CG_COMMAND_DENIED] = {"command_denied", "the token does not cover this command"},
	[CG_RUNAS_DENIED] = {"runas_denied", "the token does not allow running as this user"},
	[CG_KEY_MISMATCH] = {"key_mismatch", "the token is bound to an SSH key that did not authenticate this login"},
	[CG_REVOKED] = {"revoked", "the token or its change ticket has been revoked"},
	[CG_REPLAYED] = {"replayed", "this single-use token has already been used"},
	[CG_REVOCATION_INVALID] = {"revocation_invalid", "the signed revocation list is missing, unreadable or not validly signed"},
	[CG_REVOCATION_STALE] = {"revocation_stale", "the signed revocation list is past its next update"},
	[CG_REVOCATION_ROLLBACK] = {"revocation_rollback", "the signed revocation list is older than one already installed"},
	[CG_REAPER_DOWN] = {"reaper_down", "no session reaper is running on this host, and the host requires one"},
	[CG_CONFIG_ERROR] = {"config_error", "changegate's configuration on this host is unusable"},
};

const char *cg_reason_code(cg_reason r)
{
	if ((unsigned)r >= CG_REASON_COUNT)
		return "unknown";
	return reasons[r].code;
}

const char *cg_reason_summary(cg_reason r)
{
	if ((unsigned)r >= CG_REASON_COUNT)
		return "unknown reason";
	return reasons[r].summary;
}

bool cg_reason_from_code(const char *code, cg_reason *out)
{
	if (code == NULL)
		return false;
	for (unsigned i = 0; i < CG_REASON_COUNT; i++) {
		if (strcmp(code, reasons[i].code) == 0) {
			*out = (cg_reason)i;
			return true;
		}
	}
	return false;
}
