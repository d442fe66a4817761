/*
 * The signed revocation list's parser (cg_revlist_verify): the bytes a fetcher downloads from
 * wherever lists are published, against the token target's config and key ring. Besides
 * memory errors the target checks what matters: a list is accepted only when a ring key
 * signed it, with a positive seq, an exp after its iat and ids within the cap; the same bytes
 * are never accepted as a token; and the decision over an installed copy of them agrees.
 *
 * CG_FUZZ_MINT_DIR=dir makes the start-up mint seed lists with this run's keys into dir.
 */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "fuzz_input.h"
#include "fuzz_token_ring.h"

static struct cg_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cg_fuzz_ring_setup(&cfg);
	const char *mint = getenv("CG_FUZZ_MINT_DIR");
	if (mint != NULL && cg_fuzz_ring_mint_lists(mint) < 0)
		abort();
	return 0;
}

static bool ring_kid(const char *kid)
{
	static const char *const kids[] = {"k-es256", "k-es384", "k-rs256", "k-emerg"};
	for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		if (strcmp(kid, kids[i]) == 0)
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_revlist_info info;
	char detail[CG_DETAIL_MAX];
	cg_reason r = cg_revlist_verify(&cfg, (const char *)data, size, (time_t)CG_FUZZ_NOW, &info,
					detail, sizeof(detail));
	if (r != CG_OK && r != CG_REVOCATION_INVALID && r != CG_CONFIG_ERROR)
		abort();
	if (r == CG_OK && (info.seq < 1 || info.exp <= info.iat || !ring_kid(info.kid) ||
			   info.nchg + info.njti > CG_REVLIST_IDS_MAX))
		abort();
	/* a list is never a token: whatever the bytes, they never open a login */
	struct cg_request login = {
		.scope = CG_SCOPE_LOGIN,
		.user = "alice",
		.now = (time_t)CG_FUZZ_NOW,
		.replay = CG_REPLAY_PEEK,
	};
	struct cg_decision d;
	if (r == CG_OK && cg_verify_token(&cfg, (const char *)data, size, &login, &d) == CG_OK)
		abort();
	if (r == CG_OK)
		cg_decision_free(&d);
	return 0;
}
