/*
 * Benchmarks for issue 7 (run by `make bench`, never by `make check`).
 *   cg_bench verify CONFIG USER [--rss | TOKENFILE] (< token without TOKENFILE)
 *       the minimal verify path in a fresh process: load the config and the key, verify one
 *       login token; exit 0 on allow. --rss prints the peak RSS (getrusage) on stderr.
 *   cg_bench growth [MAX]
 *       per-check cost in microseconds of cg_revocation_check and cg_replay_check (peek)
 *       against 10^2 .. MAX entries (default 10^6), in a private temp dir: rev_scan is a
 *       check of a just-written list (a full scan), rev_build the first check once it has
 *       settled (scan + index build), rev_miss/rev_hit and rpl_miss/rpl_hit the steady state.
 *   cg_bench revlist CONFIG_SMALL CONFIG_LARGE USER TOKENFILE [NAME_SMALL NAME_LARGE]
 *       the cost of one decision (cg_verify_token, login) with a signed revocation list and
 *       a warm index, under a config with a small list and one with a large list,
 *       interleaved; the median, spread and ratio (issue 13: at most 1.5x).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "changegate.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_verify(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	static char tok[CG_TOKEN_MAX + 2];
	bool rss = argc > 4 && strcmp(argv[4], "--rss") == 0;
	FILE *in = argc > 4 && !rss ? fopen(argv[4], "r") : stdin;
	if (in == NULL)
		return 2;
	size_t len = fread(tok, 1, sizeof(tok) - 1, in);
	if (in != stdin)
		fclose(in);
	while (len > 0 && (tok[len - 1] == '\n' || tok[len - 1] == '\r'))
		len--;
	struct cg_config cfg;
	char err[512];
	if (cg_config_init(&cfg) != 0)
		return 2;
	if (cg_config_load(&cfg, argv[2], err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		cg_config_free(&cfg);
		return 2;
	}
	struct cg_request req = {
		.scope = CG_SCOPE_LOGIN, .user = argv[3], .now = time(NULL),
		.replay = CG_REPLAY_PEEK,
	};
	struct cg_decision d;
	cg_reason r = cg_verify_token(&cfg, tok, len, &req, &d);
	explicit_bzero(tok, sizeof(tok));
	if (r != CG_OK)
		fprintf(stderr, "deny: %s: %s\n", cg_reason_code(r), d.detail);
	cg_decision_free(&d);
	cg_config_free(&cfg);
	if (rss) {
		struct rusage ru;
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(stderr, "maxrss_kb=%ld\n", ru.ru_maxrss);
	}
	return r == CG_OK ? 0 : 1;
}

/* A jti-shaped value: 32 hex digits, distinct for each i and tag. */
static void value(char out[40], unsigned long i, unsigned tag)
{
	snprintf(out, 40, "%08x%024lx", tag, i * 2654435761UL);
}

/* The mean cost of fn over enough calls to fill about 0.3 s (at least 5). */
static double per_call_us(cg_reason (*fn)(void *), void *arg, cg_reason want, int *bad)
{
	int n = 0;
	double t0 = now_s(), t;
	do {
		if (fn(arg) != want)
			(*bad)++;
		n++;
		t = now_s();
	} while (n < 5 || (t - t0 < 0.3 && n < 100000));
	return (t - t0) / n * 1e6;
}

struct rev_arg { const char *path; const char *jti; const char *state; };
static cg_reason rev_fn(void *p)
{
	struct rev_arg *a = p;
	return cg_revocation_check(a->path, a->jti, "CHG-NOT-LISTED", a->state);
}

struct rep_arg { const char *dir; const char *jti; };
static cg_reason rep_fn(void *p)
{
	struct rep_arg *a = p;
	return cg_replay_check(a->dir, a->jti, (long long)time(NULL) + 3600, time(NULL),
			       CG_REPLAY_PEEK);
}

static int write_revocations(const char *path, unsigned long from, unsigned long to)
{
	FILE *f = fopen(path, from == 0 ? "w" : "a");
	if (f == NULL)
		return -1;
	char v[40];
	for (unsigned long i = from; i < to; i++) {
		value(v, i, 0x7e7);
		fprintf(f, "%s\n", v);
	}
	if (fclose(f) != 0)
		return -1;
	return chmod(path, 0644);
}

/* Replay records as cg_replay_check names them: the hex SHA-256 of the jti. */
static int write_records(const char *dir, unsigned long from, unsigned long to)
{
	char v[40], path[4200];
	unsigned char md[32];
	unsigned mdlen;
	for (unsigned long i = from; i < to; i++) {
		value(v, i, 0x5e1);
		if (EVP_Digest(v, strlen(v), md, &mdlen, EVP_sha256(), NULL) != 1)
			return -1;
		int n = snprintf(path, sizeof(path), "%s/", dir);
		for (unsigned k = 0; k < 32; k++)
			n += snprintf(path + n, sizeof(path) - (size_t)n, "%02x", md[k]);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		char body[80];
		int bl = snprintf(body, sizeof(body), "changegate-replay 1\nkeep_until=%lld\n",
				  (long long)time(NULL) + 86400);
		int ok = write(fd, body, (size_t)bl) == bl;
		if (close(fd) != 0 || !ok)
			return -1;
	}
	return 0;
}

static int cmd_growth(int argc, char **argv)
{
	unsigned long max = argc > 2 ? strtoul(argv[2], NULL, 10) : 1000000UL;
	char tmpl[] = "/tmp/cg-bench.XXXXXX";
	char *dir = mkdtemp(tmpl);
	if (dir == NULL)
		return 2;
	char rev[4200], state[4200];
	snprintf(rev, sizeof(rev), "%s/revoked", dir);
	snprintf(state, sizeof(state), "%s/state", dir);
	if (mkdir(state, 0700) != 0)
		return 2;
	printf("%10s %10s %10s %10s %10s %10s %10s\n", "entries", "rev_scan", "rev_build",
	       "rev_miss", "rev_hit", "rpl_miss", "rpl_hit");
	unsigned long have = 0;
	int bad = 0;
	for (unsigned long n = 100; n <= max; n *= 10) {
		if (write_records(state, have, n) != 0 || write_revocations(rev, have, n) != 0) {
			fprintf(stderr, "cannot write %lu entries: %s\n", n, strerror(errno));
			return 2;
		}
		have = n;
		char miss[40], last[40], rlast[40];
		value(miss, 0, 0xabc);
		value(last, n - 1, 0x7e7);
		value(rlast, n - 1, 0x5e1);
		struct rev_arg ra = { rev, miss, state }, rh = { rev, last, state };
		struct rep_arg pa = { state, miss }, ph = { state, rlast };
		/* a list changed within the last second is always scanned in full (no index is
		 * trusted that young); then the first check builds the index; then steady state */
		double t0 = now_s();
		cg_reason first = rev_fn(&ra);
		double scan_us = (now_s() - t0) * 1e6;
		struct timespec settle = { 1, 100000000 };
		nanosleep(&settle, NULL);
		t0 = now_s();
		cg_reason second = rev_fn(&ra);
		double build_us = (now_s() - t0) * 1e6;
		if (first != CG_OK || second != CG_OK)
			bad++;
		double r_miss = per_call_us(rev_fn, &ra, CG_OK, &bad);
		double r_hit = per_call_us(rev_fn, &rh, CG_REVOKED, &bad);
		double p_miss = per_call_us(rep_fn, &pa, CG_OK, &bad);
		double p_hit = per_call_us(rep_fn, &ph, CG_REPLAYED, &bad);
		printf("%10lu %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", n, scan_us, build_us,
		       r_miss, r_hit, p_miss, p_hit);
		if (first != CG_OK)
			printf("    revocation check of a %lu-entry list: %s\n", n,
			       cg_reason_code(first));
		fflush(stdout);
	}
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	if (bad != 0)
		printf("WRONG ANSWERS: %d checks did not return the expected reason\n", bad);
	return bad != 0;
}

/* Loads one config for cmd_revlist; false with the message printed. */
static bool load(struct cg_config *cfg, const char *path)
{
	char err[512];
	if (cg_config_init(cfg) != 0)
		return false;
	if (cg_config_load(cfg, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		cg_config_free(cfg);
		return false;
	}
	return true;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

#define REVLIST_ROUNDS 31
#define REVLIST_PER_ROUND 40

/* The decision cost with a signed revocation list whose index is warm: the same login token
 * judged under two configs (a small list and a large one), interleaved round by round so that
 * machine noise hits both alike. Prints the median and the spread (min..max of the rounds)
 * of each, and of the per-round ratio large/small. */
static int cmd_revlist(int argc, char **argv)
{
	if (argc < 6)
		return 2;
	static char tok[CG_TOKEN_MAX + 2];
	FILE *in = fopen(argv[5], "r");
	if (in == NULL)
		return 2;
	size_t len = fread(tok, 1, sizeof(tok) - 1, in);
	fclose(in);
	while (len > 0 && (tok[len - 1] == '\n' || tok[len - 1] == '\r'))
		len--;
	struct cg_config cfg[2];
	if (!load(&cfg[0], argv[2]))
		return 2;
	if (!load(&cfg[1], argv[3])) {
		cg_config_free(&cfg[0]);
		return 2;
	}
	struct cg_request req = {
		.scope = CG_SCOPE_LOGIN, .user = argv[4], .now = time(NULL),
		.replay = CG_REPLAY_PEEK,
	};
	double us[2][REVLIST_ROUNDS] = {{0}}, ratio[REVLIST_ROUNDS] = {0};
	int bad = 0;
	for (int round = -1; round < REVLIST_ROUNDS; round++) {
		for (int c = 0; c < 2; c++) {
			double t0 = now_s();
			/* round -1 warms the index (the first decision may verify and build it) */
			for (int i = 0; i < (round < 0 ? 1 : REVLIST_PER_ROUND); i++) {
				struct cg_decision d;
				if (cg_verify_token(&cfg[c], tok, len, &req, &d) != CG_OK) {
					if (bad++ == 0)
						fprintf(stderr, "deny: %s\n", d.detail);
				}
				cg_decision_free(&d);
			}
			if (round >= 0)
				us[c][round] = (now_s() - t0) / REVLIST_PER_ROUND * 1e6;
		}
		if (round >= 0)
			ratio[round] = us[1][round] / us[0][round];
	}
	qsort(us[0], REVLIST_ROUNDS, sizeof(double), cmp_double);
	qsort(us[1], REVLIST_ROUNDS, sizeof(double), cmp_double);
	qsort(ratio, REVLIST_ROUNDS, sizeof(double), cmp_double);
	const int mid = REVLIST_ROUNDS / 2, last = REVLIST_ROUNDS - 1;
	printf("%-8s %10s %10s %10s   (us per decision, %d rounds of %d)\n", "list", "median",
	       "min", "max", REVLIST_ROUNDS, REVLIST_PER_ROUND);
	printf("%-8s %10.1f %10.1f %10.1f\n", argc > 6 ? argv[6] : "small",
	       us[0][mid], us[0][0], us[0][last]);
	printf("%-8s %10.1f %10.1f %10.1f\n", argc > 7 ? argv[7] : "large", us[1][mid],
	       us[1][0], us[1][last]);
	printf("ratio large/small: median %.3f, min %.3f, max %.3f%s\n", ratio[mid], ratio[0],
	       ratio[last], bad ? " (SOME DECISIONS DENIED: figures invalid)" : "");
	cg_config_free(&cfg[0]);
	cg_config_free(&cfg[1]);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "growth") == 0)
		return cmd_growth(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "revlist") == 0)
		return cmd_revlist(argc, argv);
	fprintf(stderr, "usage: cg_bench verify CONFIG USER [--rss] < token | cg_bench growth [MAX]\n");
	return 2;
}
