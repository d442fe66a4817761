/* `changegate revocations show`: the list in force, as the verifier sees it, for an operator
 * or a monitoring check (--json, exit status 1 whenever gated users would be refused). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"

#define CMD "revocations"

/* What show reports: the list's facts when it verified, and the verdict. */
struct shown {
	cg_reason verdict;
	bool verified;
	struct cg_revlist_info info;
	long long recorded;
	char detail[CG_DETAIL_MAX];
};

static void judge(const struct cg_config *cfg, time_t now, struct shown *s)
{
	s->verdict = CG_REVOCATION_INVALID;
	char *text = NULL;
	size_t len = 0;
	char err[256];
	if (cg_revlist_seq_read(cfg->state_dir, &s->recorded) != 0) {
		snprintf(s->detail, sizeof(s->detail), "the recorded seq in %s cannot be read",
			 cfg->state_dir);
		return;
	}
	if (cg_read_trusted_file(cfg->revocation_list, CG_REVLIST_FILE_MAX + 2, &text, &len, err,
				 sizeof(err)) != 0) {
		snprintf(s->detail, sizeof(s->detail), "the list cannot be read: %s", err);
		return;
	}
	s->verdict = cg_revlist_verify(cfg, text, len, now, &s->info, s->detail,
				       sizeof(s->detail));
	free(text);
	if (s->verdict != CG_OK)
		return;
	s->verified = true;
	s->verdict = cg_revlist_judge(cfg, &s->info, s->recorded, now, s->detail,
				      sizeof(s->detail));
}

static int print_json(const struct cg_config *cfg, const struct shown *s)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "list", cfg->revocation_list, "state",
			      s->verdict == CG_OK ? "ok" : cg_reason_code(s->verdict), "detail",
			      s->verdict == CG_OK ? "" : s->detail, "recorded_seq",
			      (json_int_t)s->recorded);
	if (o != NULL && s->verified) {
		json_object_set_new(o, "seq", json_integer(s->info.seq));
		json_object_set_new(o, "issued", json_integer(s->info.iat));
		json_object_set_new(o, "next_update", json_integer(s->info.exp));
		json_object_set_new(o, "chg", json_integer((json_int_t)s->info.nchg));
		json_object_set_new(o, "jti", json_integer((json_int_t)s->info.njti));
		json_object_set_new(o, "kid", json_string(s->info.kid));
		json_object_set_new(o, "alg", json_string(s->info.alg));
	}
	char *text = o != NULL ? json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	if (text == NULL) {
		cli_error(CMD, "out of memory");
		return -1;
	}
	cli_put_safe_json(stdout, text);
	putchar('\n');
	free(text);
	return 0;
}

static void print_text(const struct cg_config *cfg, const struct shown *s, time_t now)
{
	printf("list: %s\n", cfg->revocation_list);
	if (s->verified) {
		char when[64], rel[64];
		printf("seq: %lld (highest installed: %lld)\n", s->info.seq, s->recorded);
		cli_format_time(s->info.iat, when, sizeof(when));
		printf("issued: %s\n", when);
		cli_format_time(s->info.exp, when, sizeof(when));
		cli_format_relative(s->info.exp, now, rel, sizeof(rel));
		printf("next update: %s (%s)\n", when, rel);
		printf("ids: %zu chg, %zu jti\n", s->info.nchg, s->info.njti);
		printf("signed by: %s (%s)\n", s->info.kid, s->info.alg);
	}
	if (s->verdict == CG_OK) {
		puts("state: ok");
	} else {
		printf("state: %s: ", cg_reason_code(s->verdict));
		cli_put_safe(stdout, s->detail);
		putchar('\n');
	}
}

int cli_revocations_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'J':
			json = true;
			break;
		case 'h':
			printf("Usage: changegate revocations show [--config FILE] [--json]\n");
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (optind != argc) {
		cli_error(CMD, "show takes no arguments");
		return cli_usage_error(CMD);
	}
	struct cg_config cfg;
	char err[CG_DETAIL_MAX];
	if (cli_load_config(&cfg, config, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return CLI_EXIT_USAGE;
	}
	if (cfg.revocation_list == NULL) {
		cli_error(CMD, "the configuration sets no revocation_list");
		cg_config_free(&cfg);
		return CLI_EXIT_USAGE;
	}
	time_t now = time(NULL);
	struct shown s;
	memset(&s, 0, sizeof(s));
	judge(&cfg, now, &s);
	int rc = s.verdict == CG_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	if (json) {
		if (print_json(&cfg, &s) != 0)
			rc = CLI_EXIT_FAIL;
	} else {
		print_text(&cfg, &s, now);
	}
	cg_config_free(&cfg);
	return rc;
}
