/*
 * The token target's world: a temp tree with a config and a key ring made when the fuzzer
 * starts (fresh keys every run, never on disk outside that tree), and seed tokens minted with
 * those keys so the fuzzer starts past the signature check.
 */
#ifndef CG_FUZZ_TOKEN_RING_H
#define CG_FUZZ_TOKEN_RING_H

#include "changegate.h"
#include "testlib.h"

/* Builds the tree and loads cfg; exits the process on failure (nothing to fuzz without it).
 * The tree is removed at exit. */
void cg_fuzz_ring_setup(struct cg_config *cfg);

/* Writes the ring's config to path (same keys, state and revocation list as the one setup
 * loads), with the given single_use value ("no", "login", "always"); 0 or -1. */
int cg_fuzz_ring_write_config(const char *path, const char *single_use);

/* The tree setup made (paths of keys, state, run dir, config, audit log). */
const struct cg_test_env *cg_fuzz_ring_env(void);

/* A valid token for user at CG_FUZZ_NOW (ES256, kid k-es256, default claims); malloc'd, or
 * NULL. */
char *cg_fuzz_ring_mint_valid(const char *user);

/* Writes one file per seed token (valid, and each near-miss a reason code names) into dir;
 * the number written, or -1. */
int cg_fuzz_ring_mint_seeds(const char *dir);

/* Writes seed signed revocation lists (valid ones, and one with a token's claim) signed by
 * the ring's keys at CG_FUZZ_NOW into dir; the number written, or -1. */
int cg_fuzz_ring_mint_lists(const char *dir);

#endif /* CG_FUZZ_TOKEN_RING_H */
