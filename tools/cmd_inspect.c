/* `changegate inspect`: what a token says, for a person debugging a denial. Nothing is
 * checked, and the output says so first, so nobody mistakes a decoded token for a valid one. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

#define CMD "inspect"

static void usage(void)
{
	printf("Usage: changegate inspect < token\n"
	       "\n"
	       "Decodes a token from standard input and prints its header and claims as JSON,\n"
	       "with the iat, nbf and exp times in words. NOTHING IS VERIFIED: not the signature,\n"
	       "the issuer, the audience nor any time. Use `changegate verify` to judge a token.\n"
	       "One trailing newline is removed, as for verify.\n"
	       "\n"
	       "Options:\n"
	       "  -h, --help   show this help and exit\n"
	       "\n"
	       "Exit status: 0 the token could be decoded; 1 it could not (the reason code, e.g.\n"
	       "malformed or too_large, is printed); 2 usage error.\n"
	       "\n"
	       "Example:\n"
	       "  changegate inspect < token\n");
}

/* iat / nbf / exp in words, when the payload has them as integers. */
static void print_times(const char *payload_json)
{
	static const char *const names[] = { "iat", "nbf", "exp" };
	json_t *p = json_loads(payload_json, JSON_REJECT_DUPLICATES, NULL);
	if (p == NULL)
		return;
	time_t now = time(NULL);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *v = json_object_get(p, names[i]);
		char when[64], rel[64];
		if (!json_is_integer(v)) {
			printf("%s: %s\n", names[i], v ? "(not an integer)" : "(absent)");
			continue;
		}
		cli_format_time(json_integer_value(v), when, sizeof(when));
		cli_format_relative(json_integer_value(v), now, rel, sizeof(rel));
		printf("%s: %s (%s)\n", names[i], when, rel);
	}
	json_decref(p);
}

static int inspect(void)
{
	char *token = NULL, *header = NULL, *payload = NULL;
	size_t len = 0;
	int r = cli_read_token(&token, &len);
	if (r < 0)
		return CLI_EXIT_USAGE;
	cg_reason why = CG_TOO_LARGE;
	if (r == 0) {
		why = cg_token_inspect(token, len, &header, &payload);
		cg_wipe_free(token, CLI_TOKEN_BUF);
	}
	if (why != CG_OK) {
		printf("not decodable: %s\n", cg_reason_code(why));
		cli_put_safe(stdout, cg_reason_summary(why));
		putchar('\n');
		return CLI_EXIT_FAIL;
	}
	puts("UNVERIFIED: decoded only; the signature and claims have NOT been checked");
	puts("header:");
	cli_put_safe_json(stdout, header);
	puts("\npayload:");
	cli_put_safe_json(stdout, payload);
	putchar('\n');
	print_times(payload);
	free(header);
	free(payload);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage();
			return CLI_EXIT_OK;
		}
		return cli_usage_error(CMD);
	}
	if (optind != argc) {
		cli_error(CMD, "unexpected argument; the token is read from standard input only");
		return cli_usage_error(CMD);
	}
	return inspect();
}
