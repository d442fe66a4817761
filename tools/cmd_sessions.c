/*
 * `changegate sessions` lists the live gated logins (from the login records, with what
 * /proc and the revocation list say now) and the sudo leases (commands sudo allowed under a
 * token that is not the login's, which the reaper ends at that token's end);
 * `changegate end-session` ends one login, or every login of a ticket, at once: the same
 * warning line, signals and audit line as the reaper's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "reaper.h"

struct sessions_ctx {
	struct cg_config cfg;
	const char *run_dir;
	struct rp_logins logins;
	struct rp_sudos sudos;
	int procfd;
};

static void record_fault(unsigned sid, const char *why)
{
	fprintf(stderr, "changegate: login record %u cannot be used: ", sid);
	cli_put_safe(stderr, why);
	fputc('\n', stderr);
}

/* Loads the config and the records; 0, or the exit status. */
static int open_ctx(struct sessions_ctx *s, const char *cmd, const char *config)
{
	char err[512];
	s->procfd = -1;
	if (geteuid() != 0) {
		cli_error(cmd, "must run as root (the login records are root's)");
		return CLI_EXIT_FAIL;
	}
	if (cli_load_config(&s->cfg, config, err, sizeof(err)) != 0) {
		cli_error(cmd, "%s", err);
		return CLI_EXIT_USAGE;
	}
	s->procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->procfd < 0 || rp_logins_refresh(&s->logins, s->run_dir, record_fault) != 0) {
		cli_error(cmd, "Error reading the login records in %s: %s", s->run_dir,
			  strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

static void lease_fault(long long pid)
{
	fprintf(stderr, "changegate: sudo lease of pid %lld cannot be used\n", pid);
}

static void close_ctx(struct sessions_ctx *s)
{
	if (s->procfd >= 0)
		close(s->procfd);
	rp_logins_free(&s->logins);
	rp_sudos_free(&s->sudos);
	cg_config_free(&s->cfg);
}

/* "live", "warning" (within session_warn of its end), "expired", "revoked": the same
 * judgement for a login and a sudo lease, from its ticket ids and its lease. */
static const char *state_of(struct sessions_ctx *s, const char *jti, const char *chg,
			    struct cg_lease *lease, time_t now)
{
	struct cg_lease_policy p = {.leeway = s->cfg.leeway, .warn = s->cfg.session_warn};
	char detail[CG_DETAIL_MAX];
	if (cg_revocation_check(s->cfg.revocation_file, jti, chg, s->cfg.state_dir) ==
	    CG_REVOKED ||
	    cg_revlist_check(&s->cfg, jti, chg, now, detail, sizeof(detail)) == CG_REVOKED)
		lease->stop = CG_LEASE_REVOKED;
	enum cg_lease_why why = cg_lease_why_at(lease, &p, now);
	if (why != CG_LEASE_LIVE)
		return cg_lease_why_code(why);
	return cg_lease_due(lease, &p, now) == CG_LEASE_WARN ? "warning" : "live";
}

/* A login's state: as above, or "closed" while its ticket lives (the login closed, processes
 * it left behind still end with its ticket). */
static const char *login_state(struct sessions_ctx *s, struct rp_login *l, time_t now)
{
	const char *st = state_of(s, l->jti, l->chg, &l->lease, now);
	if (l->closed && (strcmp(st, "live") == 0 || strcmp(st, "warning") == 0))
		return "closed";
	return st;
}

/* A sudo lease's state; "gone" when its sudo process has exited (the reaper removes the
 * lease on its next pass; without a reaper it stays until one runs). */
static const char *lease_state(struct sessions_ctx *s, struct rp_sudo *u, time_t now)
{
	if (!rp_sudo_alive(s->procfd, u))
		return "gone";
	return state_of(s, u->reg.jti, u->reg.chg, &u->lease, now);
}

/* The sudo leases as a JSON array, or NULL. */
static json_t *leases_json(struct sessions_ctx *s, time_t now)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr != NULL && i < s->sudos.count; i++) {
		struct rp_sudo *u = &s->sudos.items[i];
		json_t *o = json_pack("{s:I, s:I, s:o, s:o, s:o, s:I, s:s}",
				      "pid", (json_int_t)u->reg.pid,
				      "session", (json_int_t)u->reg.sessionid,
				      "user", cli_json_claim(u->reg.user),
				      "ticket", cli_json_claim(u->reg.chg),
				      "jti", cli_json_claim(u->reg.jti),
				      "expires", (json_int_t)u->reg.exp,
				      "state", lease_state(s, u, now));
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	return arr;
}

static int list_json(struct sessions_ctx *s, time_t now)
{
	json_t *arr = json_array();
	int running = cg_reaper_running(s->run_dir);
	for (size_t i = 0; arr != NULL && i < s->logins.count; i++) {
		struct rp_login *l = &s->logins.items[i];
		json_t *o = json_pack("{s:I, s:o, s:o, s:o, s:o, s:I, s:o, s:o, s:I, s:I, s:s, s:b, s:I}",
				      "session", (json_int_t)l->sid,
				      "user", cli_json_claim(l->user),
				      "ticket", cli_json_claim(l->chg),
				      "jti", cli_json_claim(l->jti),
				      "approver", cli_json_claim(l->approver),
				      "leader_pid", (json_int_t)l->leader_pid,
				      "tty", cli_json_claim(l->tty),
				      "rhost", cli_json_claim(l->rhost),
				      "opened", (json_int_t)l->opened,
				      "expires", (json_int_t)l->lease.exp,
				      "state", login_state(s, l, now),
				      "closed", l->closed,
				      "processes",
				      (json_int_t)rp_session_count(s->procfd, l->sid, NULL));
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	json_t *leases = arr == NULL ? NULL : leases_json(s, now);
	json_t *top = leases == NULL ? NULL : json_pack("{s:b, s:o, s:o}", "reaper_running",
							running == 1, "sessions", arr,
							"sudo_leases", leases);
	if (leases == NULL)
		json_decref(arr);
	char *text = top != NULL ? json_dumps(top, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(top);
	if (text == NULL)
		return CLI_EXIT_FAIL;
	puts(text);
	free(text);
	return CLI_EXIT_OK;
}

static void list_text(struct sessions_ctx *s, time_t now)
{
	int running = cg_reaper_running(s->run_dir);
	printf("reaper: %s\n", running == 1 ? "running" : running == 0 ? "not running"
					     : "unknown (the run directory cannot be trusted)");
	printf("%-10s %-12s %-16s %-12s %-8s %-10s %-20s %-20s %s\n", "SESSION", "USER",
	       "TICKET", "APPROVER", "LEADER", "TTY", "OPENED", "EXPIRES", "STATE");
	for (size_t i = 0; i < s->logins.count; i++) {
		struct rp_login *l = &s->logins.items[i];
		char opened[64], expires[64];
		cli_format_time(l->opened, opened, sizeof(opened));
		cli_format_time(l->lease.exp, expires, sizeof(expires));
		printf("%-10u ", l->sid);
		const char *cols[] = {l->user, l->chg, l->approver};
		for (size_t c = 0; c < 3; c++) {
			cli_put_safe(stdout, cols[c][0] != '\0' ? cols[c] : "-");
			fputc(' ', stdout);
		}
		printf("%-8lld ", l->leader_pid);
		cli_put_safe(stdout, l->tty[0] != '\0' ? l->tty : "-");
		printf(" %s %s %s\n", opened, expires,
		       login_state(s, l, now));
	}
	printf("\nsudo leases (commands allowed under a token that is not the login's):\n");
	printf("%-10s %-10s %-12s %-16s %-20s %-20s %s\n", "SUDO-PID", "SESSION", "USER",
	       "TICKET", "JTI", "EXPIRES", "STATE");
	for (size_t i = 0; i < s->sudos.count; i++) {
		struct rp_sudo *u = &s->sudos.items[i];
		char expires[64];
		cli_format_time(u->reg.exp, expires, sizeof(expires));
		printf("%-10lld %-10u ", u->reg.pid, u->reg.sessionid);
		const char *cols[] = {u->reg.user, u->reg.chg, u->reg.jti};
		for (size_t c = 0; c < 3; c++) {
			cli_put_safe(stdout, cols[c]);
			fputc(' ', stdout);
		}
		printf("%s %s\n", expires, lease_state(s, u, now));
	}
}

int cmd_sessions(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sessions_ctx s;
	memset(&s, 0, sizeof(s));
	s.run_dir = CG_RUNDIR;
	const char *config = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "c:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			s.run_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: changegate sessions [--config FILE] [--run-dir DIR] [--json]\n"
			       "\n"
			       "Lists the live gated logins from the login records: session id, user,\n"
			       "ticket, approver, leader pid, tty, opened, expires and state (live,\n"
			       "warning, closed, expired, revoked), and whether a reaper is running;\n"
			       "a closed login ended while processes it started live on: they end\n"
			       "with its ticket. Then the sudo leases (commands sudo allowed under a\n"
			       "token that is not the login's): sudo pid, session id, user, ticket,\n"
			       "jti, expires and state (the same, or gone: the command has exited).\n"
			       "Root only.\n"
			       "\n"
			       "Options:\n"
			       "  -c, --config FILE   configuration file (default:\n"
			       "                      %s)\n"
			       "  -r, --run-dir DIR   the login record directory (default: %s)\n"
			       "  -j, --json          one JSON object: {\"reaper_running\", \"sessions\",\n"
			       "                      \"sudo_leases\"}\n"
			       "  -h, --help          show this help and exit\n"
			       "\n"
			       "Exit status: 0 listed; 1 the records cannot be read; 2 usage error.\n",
			       cg_default_config_path(), CG_RUNDIR);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("sessions");
		}
	}
	if (optind != argc)
		return cli_usage_error("sessions");
	int rc = open_ctx(&s, "sessions", config);
	if (rc == 0 && rp_sudos_refresh(&s.sudos, s.run_dir, lease_fault) != 0) {
		cli_error("sessions", "Error reading the sudo leases in %s: %s", s.run_dir,
			  strerror(errno));
		rc = CLI_EXIT_FAIL;
	}
	if (rc == 0) {
		time_t now = time(NULL);
		if (json)
			rc = list_json(&s, now);
		else
			list_text(&s, now);
	}
	close_ctx(&s);
	return rc;
}

/* Ends l now: the line, SIGHUP+SIGTERM, session_grace for a clean exit, then SIGKILL. */
static void end_one(struct sessions_ctx *s, struct rp_login *l)
{
	char line[512];
	rp_end_line(l, CG_LEASE_ENDED_BY_ADMIN, RP_LOGIN_ENDS, line, sizeof(line));
	if (rp_tell_session(s->procfd, l->sid, line) > 0) {
		/* time for sshd to forward the line before it is signalled (cmd_reaper.c) */
		struct timespec ts = {0, 300 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	long n = rp_session_signal(s->procfd, l->sid, false);
	/* logind too, where it manages the session (after our signals, bounded) */
	enum rp_logind lg = rp_logind_terminate(l->sid, l->user);
	for (long waited = 0; waited < s->cfg.session_grace * 10; waited++) {
		if (rp_session_count(s->procfd, l->sid, NULL) == 0)
			break;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	/* a few rounds: a process may fork between the scan and its SIGKILL */
	for (int round = 0; round < 10 && rp_session_count(s->procfd, l->sid, NULL) > 0; round++)
		rp_session_signal(s->procfd, l->sid, true);
	if ((l->closed ? cg_login_record_remove_closed(s->run_dir, l->sid)
		       : cg_login_record_remove(s->run_dir, l->sid)) != 0)
		fprintf(stderr, "changegate end-session: Error removing login record %u: %s\n",
			l->sid, strerror(errno));
	rp_audit_end(&s->cfg, l, "end_session", CG_LEASE_ENDED_BY_ADMIN, n, rp_logind_word(lg));
	printf("ended session %u (", l->sid);
	cli_put_safe(stdout, l->user);
	printf(", ticket ");
	cli_put_safe(stdout, l->chg);
	printf("): %ld process(es) signalled\n", n);
}

static bool parse_sid(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0 || v >= 4294967295ULL)
		return false;
	*out = (unsigned)v;
	return true;
}

int cmd_end_session(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },
		{ "ticket", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sessions_ctx s;
	memset(&s, 0, sizeof(s));
	s.run_dir = CG_RUNDIR;
	const char *config = NULL, *ticket = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "c:r:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'r':
			s.run_dir = optarg;
			break;
		case 't':
			ticket = optarg;
			break;
		case 'h':
			printf("Usage: changegate end-session [--config FILE] [--run-dir DIR] SESSION\n"
			       "       changegate end-session [--config FILE] [--run-dir DIR] "
			       "--ticket CHANGE\n"
			       "\n"
			       "Ends one gated login (its audit session id, as `changegate sessions`\n"
			       "lists it) or every login under a change ticket, now: a line to its\n"
			       "terminals, SIGHUP and SIGTERM to its processes, systemd-logind asked to\n"
			       "terminate its session where logind manages it, SIGKILL to what is left\n"
			       "after session_grace, its record removed, and one end_session line in\n"
			       "syslog and the audit log. Root only. It does not revoke the ticket: use\n"
			       "`changegate revoke` too, or the user can log in again.\n"
			       "\n"
			       "Options:\n"
			       "  -c, --config FILE   configuration file (default:\n"
			       "                      %s)\n"
			       "  -r, --run-dir DIR   the login record directory (default: %s)\n"
			       "  -t, --ticket CHANGE end every login under this change ticket\n"
			       "  -h, --help          show this help and exit\n"
			       "\n"
			       "Exit status: 0 ended; 1 no such login, or the records cannot be read;\n"
			       "2 usage error.\n",
			       cg_default_config_path(), CG_RUNDIR);
			return CLI_EXIT_OK;
		default:
			return cli_usage_error("end-session");
		}
	}
	unsigned sid = 0;
	if ((ticket == NULL) == (optind == argc) || argc - optind > 1 ||
	    (ticket == NULL && !parse_sid(argv[optind], &sid))) {
		cli_error("end-session", "give one session id, or --ticket CHANGE");
		return CLI_EXIT_USAGE;
	}
	int rc = open_ctx(&s, "end-session", config);
	if (rc != 0) {
		close_ctx(&s);
		return rc;
	}
	openlog("changegate", LOG_PID, LOG_AUTHPRIV);
	size_t ended = 0;
	for (size_t i = 0; i < s.logins.count; i++) {
		struct rp_login *l = &s.logins.items[i];
		if (ticket != NULL ? strcmp(l->chg, ticket) == 0 : l->sid == sid) {
			end_one(&s, l);
			ended++;
		}
	}
	if (ended == 0) {
		cli_error("end-session", "no gated login %s", ticket != NULL ? "of that ticket"
									: "with that session id");
		rc = CLI_EXIT_FAIL;
	}
	close_ctx(&s);
	return rc;
}
