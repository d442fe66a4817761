/*
 * cg_verify_token end to end: the bytes an attacker types at the PAM prompt or pipes to sudo,
 * against a fixed config and a key ring made at start-up. Each input is judged as a login and
 * as a sudo request. Besides memory errors, the target checks the one property that matters
 * most: only a token signed by a configured key can ever be allowed.
 *
 * CG_FUZZ_MINT_DIR=dir makes the start-up also mint seed tokens with this run's keys into dir
 * (pass the same dir as the corpus): keys change every run, so old seeds stop verifying.
 * CG_FUZZ_VERBOSE=1 prints each decision's reason code.
 */
#include <stdio.h>
#include <stdlib.h>

#include "changegate.h"
#include "fuzz_input.h"
#include "fuzz_token_ring.h"

static struct cg_config cfg;
/* CG_FUZZ_VERBOSE=1: print each decision's reason code (to see which steps seeds reach) */
static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cg_fuzz_ring_setup(&cfg); /* initialises and loads cfg */
	verbose = getenv("CG_FUZZ_VERBOSE") != NULL;
	const char *mint = getenv("CG_FUZZ_MINT_DIR");
	if (mint != NULL && cg_fuzz_ring_mint_seeds(mint) < 0)
		abort();
	return 0;
}

static void judge(const uint8_t *data, size_t size, struct cg_request *req)
{
	struct cg_decision d;
	cg_reason r = cg_verify_token(&cfg, (const char *)data, size, req, &d);
	if (r != d.reason || cg_reason_code(r) == NULL)
		abort();
	/* fail closed: an allow without a verified signature is the worst bug there is */
	if (r == CG_OK && !(d.verified && d.have_claims))
		abort();
	if (verbose)
		fprintf(stderr, "fuzz_token: %s %s\n", req->scope == CG_SCOPE_SUDO ? "sudo" : "login",
			cg_reason_code(r));
	cg_decision_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cg_request login = {
		.scope = CG_SCOPE_LOGIN,
		.user = "alice",
		.now = (time_t)CG_FUZZ_NOW,
		.replay = CG_REPLAY_PEEK,
	};
	judge(data, size, &login);

	static const char *const argv[] = {"/usr/bin/systemctl", "restart", "nginx"};
	struct cg_request sudo = {
		.scope = CG_SCOPE_SUDO,
		.user = "alice",
		.host = "web-01.prod.example",
		.argv = argv,
		.argc = 3,
		.runas_user = "root",
		.runas_uid = 0,
		.cwd = "/",
		.now = (time_t)CG_FUZZ_NOW,
		.replay = CG_REPLAY_PEEK,
	};
	judge(data, size, &sudo);
	return 0;
}
