/* `changegate revocations sign`: the publisher's side of the signed revocation list, signed
 * by the same code as `changegate issue` (issue_sign.c). Every id is checked as the hosts
 * will check it, so a list that no host would install is never printed. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

#define CMD "revocations"

static void usage(void)
{
	printf("Usage: changegate revocations sign --key FILE --kid KID --iss ISSUER --aud AUDIENCE\n"
	       "           --seq N --ttl DURATION [--chg ID]... [--jti ID]... [--from FILE]\n"
	       "           [--alg ALG]\n"
	       "\n"
	       "Prints a signed revocation list: every id in it is revoked on the hosts that\n"
	       "install it, every id absent from it is not (each list is a complete snapshot).\n"
	       "\n"
	       "Options:\n"
	       "  -k, --key FILE       PEM private key of the issuer (as for `changegate issue`)\n"
	       "  -K, --kid KID        key id: hosts look for <keys_dir>/KID.pem\n"
	       "  -a, --alg ALG        RS256, RS384 or RS512 for an RSA key (default RS256)\n"
	       "  -i, --iss ISSUER     the hosts' issuer\n"
	       "  -A, --aud AUDIENCE   the hosts' audience; repeat for several\n"
	       "  -n, --seq N          the list's number, 1 to 2^53-1: higher than every list\n"
	       "                       published before\n"
	       "  -T, --ttl DURATION   until the next update (exp): seconds, or a number with s,\n"
	       "                       m or h; past it hosts refuse gated users\n"
	       "  -t, --chg ID         a revoked change ticket; repeat for more\n"
	       "  -j, --jti ID         a revoked token id; repeat for more\n"
	       "  -f, --from FILE      more ids, one a line: \"chg ID\" or \"jti ID\"; blank lines\n"
	       "                       and lines starting with # are skipped\n"
	       "  -h, --help           show this help and exit\n"
	       "At most %d ids in all.\n"
	       "\n"
	       "Exit status: 0 printed; 1 signing failed; 2 usage error.\n",
	       CG_REVLIST_IDS_MAX);
}

struct list_opts {
	const char *key, *kid, *alg, *iss, *from;
	long long seq;
	long ttl;
	bool have_seq, have_ttl;
	json_t *aud, *chg, *jti;
	size_t total;
};

/* One id into the chg or jti array, checked as the hosts check it. */
static bool add_id(struct list_opts *o, bool chg, const char *s, size_t n)
{
	char why[80];
	if (!cg_id_valid(s, n, chg ? CG_CLAIM_MAX : CG_JTI_MAX, why, sizeof(why))) {
		cli_error(CMD, "a %s id %s; an id is a letter or digit, then letters, digits "
			  "and ._:-", chg ? "chg" : "jti", why);
		return false;
	}
	if (o->total >= CG_REVLIST_IDS_MAX) {
		cli_error(CMD, "more than %d ids", CG_REVLIST_IDS_MAX);
		return false;
	}
	o->total++;
	if (json_array_append_new(chg ? o->chg : o->jti, json_stringn(s, n)) != 0) {
		cli_error(CMD, "out of memory");
		return false;
	}
	return true;
}

/* One line of --from: "chg ID" or "jti ID", or blank, or a comment. */
static bool add_line(struct list_opts *o, const char *s, size_t n, size_t lineno)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n == 0 || s[0] == '#')
		return true;
	if (n > 4 && (memcmp(s, "chg ", 4) == 0 || memcmp(s, "jti ", 4) == 0))
		return add_id(o, s[0] == 'c', s + 4, n - 4);
	cli_error(CMD, "%s:%zu: neither \"chg ID\" nor \"jti ID\"", o->from, lineno);
	return false;
}

static bool add_from(struct list_opts *o)
{
	int fd = open(o->from, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf = NULL;
	size_t len = 0;
	if (fd < 0 || cli_read_all(fd, CG_REVLIST_FILE_MAX, &buf, &len) != 0) {
		cli_error(CMD, "cannot read %s (at most %d bytes)", o->from, CG_REVLIST_FILE_MAX);
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	bool ok = true;
	size_t off = 0, lineno = 0;
	while (ok && off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - (buf + off)) : len - off;
		ok = add_line(o, buf + off, n, ++lineno);
		off += n + 1;
	}
	free(buf);
	return ok;
}

static int sign(struct list_opts *o)
{
	if (o->from != NULL && !add_from(o))
		return CLI_EXIT_USAGE;
	long long now = (long long)time(NULL);
	json_t *payload = json_pack("{s:s, s:O, s:I, s:I, s:{s:I, s:O, s:O}}", "iss", o->iss,
				    "aud", json_array_size(o->aud) == 1 ?
				    json_array_get(o->aud, 0) : o->aud, "iat", (json_int_t)now,
				    "exp", (json_int_t)(now + o->ttl), "revocations", "seq",
				    (json_int_t)o->seq, "chg", o->chg, "jti", o->jti);
	char *text = payload != NULL ? json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(payload);
	if (text == NULL) {
		cli_error(CMD, "out of memory");
		return CLI_EXIT_FAIL;
	}
	char *list = cli_sign_token(CMD, o->key, o->alg, o->kid, text);
	free(text);
	if (list == NULL)
		return CLI_EXIT_FAIL;
	puts(list);
	cg_wipe_free_str(list);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* The options' own rules; false with the message printed. */
static bool check(const struct list_opts *o)
{
	if (o->key == NULL || o->kid == NULL || o->iss == NULL || json_array_size(o->aud) == 0 ||
	    !o->have_seq || !o->have_ttl) {
		cli_error(CMD, "sign needs --key, --kid, --iss, --aud, --seq and --ttl");
		return false;
	}
	if (!cli_valid_kid(o->kid)) {
		cli_error(CMD, "--kid: 1-64 of A-Z a-z 0-9 . _ - starting with a letter or digit");
		return false;
	}
	if (!cli_valid_text(o->iss, CG_CLAIM_MAX, false)) {
		cli_error(CMD, "--iss: 1-255 characters, no spaces or control characters");
		return false;
	}
	if (o->seq < 1 || o->seq > CG_REVLIST_SEQ_MAX || o->ttl < 1) {
		cli_error(CMD, o->ttl < 1 ? "--ttl must be at least one second"
					  : "--seq: a whole number from 1 to 2^53-1");
		return false;
	}
	return true;
}

static int parse_opt(struct list_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'k': o->key = arg; break;
	case 'K': o->kid = arg; break;
	case 'a': o->alg = arg; break;
	case 'i': o->iss = arg; break;
	case 'f': o->from = arg; break;
	case 'A':
		if (!cli_valid_text(arg, CG_CLAIM_MAX, false) ||
		    json_array_size(o->aud) >= CG_LIST_MAX) {
			cli_error(CMD, "--aud: 1-255 characters, no spaces; at most %d", CG_LIST_MAX);
			return -1;
		}
		json_array_append_new(o->aud, json_string(arg));
		break;
	case 'n':
		/* a whole decimal number; the range is check()'s */
		if (!cli_parse_epoch(arg, &o->seq))
			o->seq = 0;
		o->have_seq = true;
		break;
	case 'T':
		if (!cg_parse_duration(arg, &o->ttl)) {
			cli_error(CMD, "--ttl: seconds, or a number with s, m or h");
			return -1;
		}
		o->have_ttl = true;
		break;
	case 't':
	case 'j':
		return add_id(o, c == 't', arg, strlen(arg)) ? 0 : -1;
	default:
		return -1;
	}
	return 0;
}

int cli_revocations_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' }, { "kid", required_argument, NULL, 'K' },
		{ "alg", required_argument, NULL, 'a' }, { "iss", required_argument, NULL, 'i' },
		{ "aud", required_argument, NULL, 'A' }, { "seq", required_argument, NULL, 'n' },
		{ "ttl", required_argument, NULL, 'T' }, { "chg", required_argument, NULL, 't' },
		{ "jti", required_argument, NULL, 'j' }, { "from", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct list_opts o;
	memset(&o, 0, sizeof(o));
	o.aud = json_array();
	o.chg = json_array();
	o.jti = json_array();
	int rc = CLI_EXIT_USAGE, c;
	bool bad = o.aud == NULL || o.chg == NULL || o.jti == NULL;
	while (!bad && (c = getopt_long(argc, argv, "k:K:a:i:A:n:T:t:j:f:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage();
			rc = CLI_EXIT_OK;
			bad = true;
		} else if (c == '?' || parse_opt(&o, c, optarg) != 0) {
			rc = cli_usage_error(CMD);
			bad = true;
		}
	}
	if (!bad && optind != argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		rc = cli_usage_error(CMD);
		bad = true;
	}
	if (!bad)
		rc = check(&o) ? sign(&o) : CLI_EXIT_USAGE;
	json_decref(o.aud);
	json_decref(o.chg);
	json_decref(o.jti);
	return rc;
}
