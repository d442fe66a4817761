/* `changegate audit`: who did what under a ticket, from the JSON audit log, as a timeline. The
 * log is read line by line, each line bounded, so a damaged or hostile file costs a message,
 * never the rest of the answer. */
#include "config.h" /* _GNU_SOURCE, for timegm and strptime */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_view.h"
#include "cli.h"

#define CMD "audit"
/* The writers cap a record at 64 KiB (audit_json.c); a longer line is not theirs. */
#define LINE_MAX_BYTES 65536
/* Bad lines named one by one, at most; the rest are counted. */
#define BAD_SHOWN 10

enum { OPT_TICKET = 256, OPT_USER, OPT_SINCE, OPT_SESSION, OPT_JSON };

struct filter {
	const char *ticket, *user;
	long long since, session;
	bool have_since, have_session, json;
};

static void usage(void)
{
	printf("Usage: changegate audit [--config FILE | --file FILE] [--ticket CHG] [--user USER]\n"
	       "                        [--session ID] [--since TIME] [--json]\n"
	       "\n"
	       "Reads the JSON audit log (audit_log in the configuration, or --file) and prints\n"
	       "what happened, in the log's order: each SSH login step and sudo command with its\n"
	       "result, the host, the user, the ticket and the login's audit session id (an SSH\n"
	       "login and every sudo inside it share it), and the reason of each denial under\n"
	       "it. Events this version does not know (such as session ends) are shown with\n"
	       "their fields. Every value is escaped; a line that is not a well-formed record is\n"
	       "reported on standard error with its number and skipped.\n"
	       "\n"
	       "Options:\n"
	       "  -c, --config FILE  configuration naming audit_log (default:\n"
	       "                     %s)\n"
	       "  -f, --file FILE    the log to read instead; - for standard input (zcat a\n"
	       "                     rotated one into it)\n"
	       "  --ticket CHG       records of this change ticket only\n"
	       "  --user USER        records of this user only\n"
	       "  --session ID       records of this login (audit session id) only\n"
	       "  --since TIME       records from TIME on: seconds since the epoch, YYYY-MM-DD,\n"
	       "                     YYYY-MM-DDTHH:MM[:SS] (UTC), or an age such as 30m, 12h, 7d\n"
	       "  --json             the matching records as JSON, one a line\n"
	       "  -h, --help         show this help and exit\n"
	       "\n"
	       "Exit status: 0 read (with or without matches); 1 some lines were not records;\n"
	       "2 usage error, or no log to read.\n"
	       "\n"
	       "Example:\n"
	       "  changegate audit --ticket CHG0012345 --since 7d\n",
	       cg_default_config_path());
}

/* seconds since the epoch, a UTC date or date and time, or an age before now */
static bool parse_since(const char *s, time_t now, long long *out)
{
	struct tm tm;
	const char *end;
	char *unit;

	if (cli_parse_epoch(s, out))
		return true;
	errno = 0;
	long long n = strtoll(s, &unit, 10);
	if (errno == 0 && unit != s && s[0] >= '0' && s[0] <= '9' && unit[0] != '\0' &&
	    unit[1] == '\0' && n <= 36500LL * 86400) {
		long long mult = unit[0] == 'm' ? 60 : unit[0] == 'h' ? 3600 : unit[0] == 'd' ? 86400
			       : unit[0] == 's' ? 1 : 0;
		if (mult != 0 && n * mult <= (long long)now) {
			*out = (long long)now - n * mult;
			return true;
		}
		return false;
	}
	static const char *const formats[] = { "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
					       "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S" };
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = (long long)timegm(&tm);
			return *out >= 0;
		}
	}
	return false;
}

static bool matches(const struct cli_audit_rec *r, const struct filter *fl)
{
	const char *t = cli_audit_str(r, "ticket"), *u = cli_audit_str(r, "user");
	long long sid;

	if (fl->ticket != NULL && (t == NULL || strcmp(t, fl->ticket) != 0))
		return false;
	if (fl->user != NULL && (u == NULL || strcmp(u, fl->user) != 0))
		return false;
	if (fl->have_session && (!cli_audit_num(r, "audit_session", &sid) || sid != fl->session))
		return false;
	return !fl->have_since || r->time >= fl->since;
}

/* Reads one line of at most LINE_MAX_BYTES into buf; 1 a line, 0 end of file, -1 a line too
 * long (skipped to its end), -2 a read error. *len excludes the newline. */
static int read_line(FILE *f, char *buf, size_t *len)
{
	size_t n = 0;
	int c;
	bool too_long = false;

	while ((c = getc(f)) != EOF && c != '\n') {
		if (n < LINE_MAX_BYTES)
			buf[n++] = (char)c;
		else
			too_long = true;
	}
	if (ferror(f))
		return -2;
	if (c == EOF && n == 0 && !too_long)
		return 0;
	*len = n;
	return too_long ? -1 : 1;
}

static int read_log(FILE *f, const char *name, const struct filter *fl)
{
	char *buf = malloc(LINE_MAX_BYTES + 1);
	unsigned long lineno = 0, bad = 0, shown = 0;
	struct cli_audit_rec r;
	char err[200];
	size_t len;
	int rc;

	if (buf == NULL) {
		cli_error(CMD, "out of memory");
		return CLI_EXIT_FAIL;
	}
	while ((rc = read_line(f, buf, &len)) != 0) {
		lineno++;
		if (rc == -2) {
			cli_error(CMD, "%s: %s", name, strerror(errno));
			bad++;
			break;
		}
		if (rc == 1 && len == 0)
			continue;
		if (rc == -1)
			snprintf(err, sizeof(err), "longer than %d bytes", LINE_MAX_BYTES);
		if (rc == -1 || cli_audit_parse(buf, len, &r, err, sizeof(err)) != 0) {
			if (bad++ < BAD_SHOWN)
				cli_error(CMD, "%s:%lu: not an audit record (%s); skipped", name,
					  lineno, err);
			continue;
		}
		if (matches(&r, fl)) {
			shown++;
			if (fl->json)
				cli_audit_print_json(stdout, &r);
			else
				cli_audit_print_text(stdout, &r);
		}
		cli_audit_free(&r);
	}
	free(buf);
	if (bad > BAD_SHOWN)
		cli_error(CMD, "%s: %lu more lines skipped", name, bad - BAD_SHOWN);
	if (!fl->json)
		printf("%lu record%s\n", shown, shown == 1 ? "" : "s");
	return bad != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* the configured audit_log, copied into path; false with the reason printed */
static bool configured_log(const char *config, char *path, size_t pathlen)
{
	struct cg_config cfg;
	char err[512];

	if (cli_load_config(&cfg, config, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s (or name the log with --file)", err);
		return false;
	}
	bool ok = cfg.audit_log != NULL;
	if (ok)
		cg_strlcpy(path, cfg.audit_log, pathlen);
	else
		cli_error(CMD, "%s sets no audit_log: nothing is recorded on this host (set it, "
			  "or name a log with --file)", cfg.source ? cfg.source : "the configuration");
	cg_config_free(&cfg);
	return ok;
}

int cmd_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "file", required_argument, NULL, 'f' },
		{ "ticket", required_argument, NULL, OPT_TICKET },
		{ "user", required_argument, NULL, OPT_USER },
		{ "session", required_argument, NULL, OPT_SESSION },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct filter fl = { 0 };
	const char *config = NULL, *file = NULL;
	char path[4096];
	int c;

	while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case OPT_TICKET:
			fl.ticket = optarg;
			break;
		case OPT_USER:
			fl.user = optarg;
			break;
		case OPT_SESSION:
			if (!cli_parse_epoch(optarg, &fl.session)) {
				cli_error(CMD, "--session wants a number (an audit session id)");
				return cli_usage_error(CMD);
			}
			fl.have_session = true;
			break;
		case OPT_SINCE:
			if (!parse_since(optarg, time(NULL), &fl.since)) {
				cli_error(CMD, "--since: not a time (seconds since the epoch, "
					  "YYYY-MM-DD[THH:MM[:SS]] in UTC, or an age like 12h or 7d)");
				return cli_usage_error(CMD);
			}
			fl.have_since = true;
			break;
		case OPT_JSON:
			fl.json = true;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (optind != argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		return cli_usage_error(CMD);
	}
	if (file != NULL && config != NULL) {
		cli_error(CMD, "--file and --config: give one");
		return cli_usage_error(CMD);
	}
	if (file == NULL) {
		if (!configured_log(config, path, sizeof(path)))
			return CLI_EXIT_USAGE;
		file = path;
	}
	bool is_stdin = strcmp(file, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(file, "re");
	if (f == NULL) {
		int e = errno;
		cli_error(CMD, "cannot read the audit log %s: %s%s", file, strerror(e),
			  e == ENOENT ? " (nothing has been recorded yet, or it was rotated: "
					"see the .1 file next to it)" : "");
		return CLI_EXIT_USAGE;
	}
	int rc = read_log(f, is_stdin ? "(stdin)" : file, &fl);
	if (!is_stdin)
		fclose(f);
	return rc;
}
