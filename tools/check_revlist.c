/* check-config's look at the signed revocation list: what would make gated decisions fail
 * now (missing, badly signed, rolled back, stale) and what will soon (near stale), judged
 * by the core exactly as a decision would be. */
#include <stdlib.h>
#include <time.h>

#include "cli.h"

void cli_check_revocation_list(struct cli_check *ck)
{
	const struct cg_config *cfg = ck->cfg;
	if (cfg->revocation_list == NULL)
		return;
	char err[512], detail[CG_DETAIL_MAX];
	char *text = NULL;
	size_t len = 0;
	if (cg_read_trusted_file(cfg->revocation_list, CG_REVLIST_FILE_MAX + 2, &text, &len, err,
				 sizeof(err)) != 0) {
		cli_problem(ck, "revocation_list is missing or cannot be used, so every gated user "
			    "is refused: %s", err);
		return;
	}
	time_t now = time(NULL);
	struct cg_revlist_info info;
	cg_reason r = cg_revlist_verify(cfg, text, len, now, &info, detail, sizeof(detail));
	free(text);
	if (r != CG_OK) {
		cli_problem(ck, "revocation_list %s (%s): %s", cfg->revocation_list,
			    cg_reason_code(r), detail);
		return;
	}
	long long recorded = 0;
	if (cg_revlist_seq_read(cfg->state_dir, &recorded) != 0) {
		cli_problem(ck, "the recorded seq of revocation_list in %s cannot be read",
			    cfg->state_dir);
		return;
	}
	r = cg_revlist_judge(cfg, &info, recorded, now, detail, sizeof(detail));
	if (r != CG_OK) {
		cli_problem(ck, "revocation_list %s (%s): %s", cfg->revocation_list,
			    cg_reason_code(r), detail);
		return;
	}
	/* near stale: less than a quarter of its lifetime left (a fetcher that failed once
	 * or twice); the lifetime is the publisher's exp - iat */
	long long left = info.exp + (cfg->leeway > 0 ? cfg->leeway : 0) - (long long)now;
	char when[64];
	cli_format_relative(info.exp, now, when, sizeof(when));
	if (left * 4 < info.exp - info.iat)
		cli_problem(ck, "revocation_list %s (seq %lld) is near stale: its next update is "
			    "due %s; check the fetcher", cfg->revocation_list, info.seq, when);
	else
		cli_note(ck, "revocation_list: %s, seq %lld, %zu chg and %zu jti, signed by %s, "
			 "next update %s", cfg->revocation_list, info.seq, info.nchg, info.njti,
			 info.kid, when);
}
