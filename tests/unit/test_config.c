/* changegate.conf: values, defaults, and every kind of error with its file:line. */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

#define BASE "issuer = https://change.example.test\naudience = prod-eu-1\nkeys_dir = /etc/cg/keys\n"

static int parse(const char *text, struct cg_config *cfg, char *err, size_t errlen)
{
	CU_ASSERT_FATAL(cg_config_init(cfg) == 0);
	err[0] = '\0';
	return cg_config_parse(cfg, "t.conf", text, strlen(text), err, errlen);
}

static void test_defaults(void)
{
	struct cg_config cfg;
	CU_ASSERT_FATAL(cg_config_init(&cfg) == 0);
	CU_ASSERT_EQUAL(cfg.algorithms, (unsigned)CG_ALG_ES256);
	CU_ASSERT_EQUAL(cfg.max_lifetime, 4 * 3600);
	CU_ASSERT_EQUAL(cfg.leeway, 60);
	CU_ASSERT_EQUAL(cfg.single_use, CG_SINGLE_USE_NO);
	CU_ASSERT_STRING_EQUAL(cfg.state_dir, CG_STATEDIR);
	char host[256] = "";
	CU_ASSERT_FATAL(gethostname(host, sizeof(host) - 1) == 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg.hostname);
	CU_ASSERT_STRING_EQUAL(cfg.hostname, host);
	CU_ASSERT_PTR_NULL(cfg.issuer);
	CU_ASSERT_PTR_NULL(cfg.ticket_re);
	CU_ASSERT_PTR_NULL(cfg.revocation_file);
	CU_ASSERT_PTR_NULL(cfg.audit_log);
	CU_ASSERT_EQUAL(cfg.gate.enforce_users.count, 0);
	cg_config_free(&cfg);
	cg_config_free(&cfg); /* twice is harmless */

	const char *p = cg_default_config_path();
	size_t n = strlen(p), tail = strlen("/changegate/changegate.conf");
	CU_ASSERT_FATAL(n > tail);
	CU_ASSERT_STRING_EQUAL(p + n - tail, "/changegate/changegate.conf");
	CU_ASSERT_EQUAL(p[0], '/');
}

static void test_full_config(void)
{
	const char *text =
		"# changegate\n"
		"\n"
		"   issuer=https://change.example.test  \n"
		"audience\t=\tprod-eu-1\r\n"
		"keys_dir = /etc/changegate/keys\n"
		"algorithms = ES256 RS512  ES384\n"
		"max_lifetime = 2h\n"
		"leeway = 30\n"
		"hostname = web-01.prod.example\n"
		"enforce_groups = devs, ops\n"
		"enforce_users = alice,bob carol\n"
		"exempt_groups = breakglass\n"
		"exempt_users = deploy\n"
		"ticket_pattern = CHG[0-9]{7}|INC[0-9]+\n"
		"revocation_file = /etc/changegate/revoked\n"
		"emergency_keys = bg-2024 bg.2025_a\n"
		"state_dir = /var/lib/cg\n"
		"single_use = login\n"
		"audit_log = /var/log/changegate.json\n"
		"  # indented comment\n";
	struct cg_config cfg;
	char err[256];
	CU_ASSERT_EQUAL_FATAL(parse(text, &cfg, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.issuer, "https://change.example.test");
	CU_ASSERT_STRING_EQUAL(cfg.audience, "prod-eu-1");
	CU_ASSERT_STRING_EQUAL(cfg.keys_dir, "/etc/changegate/keys");
	CU_ASSERT_EQUAL(cfg.algorithms, (unsigned)(CG_ALG_ES256 | CG_ALG_RS512 | CG_ALG_ES384));
	CU_ASSERT_EQUAL(cfg.max_lifetime, 7200);
	CU_ASSERT_EQUAL(cfg.leeway, 30);
	CU_ASSERT_STRING_EQUAL(cfg.hostname, "web-01.prod.example");
	CU_ASSERT_EQUAL_FATAL(cfg.gate.enforce_groups.count, 2);
	CU_ASSERT_STRING_EQUAL(cfg.gate.enforce_groups.items[1], "ops");
	CU_ASSERT_EQUAL_FATAL(cfg.gate.enforce_users.count, 3);
	CU_ASSERT_STRING_EQUAL(cfg.gate.enforce_users.items[2], "carol");
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.exempt_groups, "breakglass"));
	CU_ASSERT_TRUE(cg_strlist_contains(&cfg.gate.exempt_users, "deploy"));
	CU_ASSERT_STRING_EQUAL(cfg.ticket_pattern, "CHG[0-9]{7}|INC[0-9]+");
	CU_ASSERT_STRING_EQUAL(cfg.revocation_file, "/etc/changegate/revoked");
	CU_ASSERT_EQUAL(cfg.emergency_keys.count, 2);
	CU_ASSERT_STRING_EQUAL(cfg.state_dir, "/var/lib/cg");
	CU_ASSERT_EQUAL(cfg.single_use, CG_SINGLE_USE_LOGIN);
	CU_ASSERT_STRING_EQUAL(cfg.audit_log, "/var/log/changegate.json");

	/* the pattern must match the whole ticket id, alternation included */
	const regex_t *re = cfg.ticket_re;
	CU_ASSERT_PTR_NOT_NULL_FATAL(re);
	CU_ASSERT_EQUAL(regexec(re, "CHG0012345", 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(regexec(re, "INC7", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(re, "xCHG0012345", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(re, "CHG0012345x", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(re, "CHG00123456", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(re, "CHG0012345|INC7", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(re, "", 0, NULL, 0), 0);
	cg_config_free(&cfg);
}

static void test_minimal_and_single_use(void)
{
	static const struct {
		const char *v;
		cg_single_use want;
	} cases[] = {{"no", CG_SINGLE_USE_NO}, {"login", CG_SINGLE_USE_LOGIN},
		     {"always", CG_SINGLE_USE_ALWAYS}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), BASE "single_use = %s\n", cases[i].v);
		struct cg_config cfg;
		char err[256];
		CU_ASSERT_EQUAL(parse(text, &cfg, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(cfg.single_use, cases[i].want);
		cg_config_free(&cfg);
	}
	/* no trailing newline, anchored pattern written by a careful admin */
	struct cg_config cfg;
	char err[256];
	CU_ASSERT_EQUAL(parse(BASE "ticket_pattern = ^CHG[0-9]+$", &cfg, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.issuer, "https://change.example.test");
	CU_ASSERT_EQUAL(regexec(cfg.ticket_re, "CHG1", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(cfg.ticket_re, "CHG1 ", 0, NULL, 0), 0);
	cg_config_free(&cfg);
	/* the accepted subset still covers what ticket ids look like */
	CU_ASSERT_EQUAL(parse(BASE "ticket_pattern = CHG[0-9]{7}|INC[[:digit:]]{6,8}|[]A-Z]{2,}\\.x?",
			      &cfg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(regexec(cfg.ticket_re, "INC123456", 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(regexec(cfg.ticket_re, "AB].x", 0, NULL, 0), 0);
	CU_ASSERT_NOT_EQUAL(regexec(cfg.ticket_re, "CHG123456", 0, NULL, 0), 0);
	cg_config_free(&cfg);
	/* a '#' inside a value is data */
	CU_ASSERT_EQUAL(parse("issuer = https://cab.example/#prod\naudience = a#b\nkeys_dir = /k\n",
			      &cfg, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(cfg.issuer, "https://cab.example/#prod");
	CU_ASSERT_STRING_EQUAL(cfg.audience, "a#b");
	cg_config_free(&cfg);
}

/* Each bad config, and the "file:line:" its error must start with. */
static const struct bad_case {
	const char *text;
	const char *where;
	const char *says;
} bad_cases[] = {
	{BASE "bogus = 1\n", "t.conf:4:", "unknown key"},
	{BASE "Issuer = x\n", "t.conf:4:", "unknown key"},
	{BASE "# c\nissuer = again\n", "t.conf:5:", "duplicate key 'issuer' (first set on line 1)"},
	{BASE "leeway = 1\nleeway = 1\n", "t.conf:5:", "duplicate"},
	{BASE "single_use\n", "t.conf:4:", "missing '='"},
	{BASE "single_use yes\n", "t.conf:4:", "missing '='"},
	{BASE "= yes\n", "t.conf:4:", "missing key"},
	{BASE "audit_log =\n", "t.conf:4:", "empty value"},
	{BASE "leeway = 30 # seconds\n", "t.conf:4:", "own"},
	{BASE "hostname = web-01\t#prod\n", "t.conf:4:", "own"},
	{"issuer = a\tb\naudience = x\nkeys_dir = /k\n", "t.conf:1:", "control character"},
	{"issuer = x\naudience = \x01y\nkeys_dir = /k\n", "t.conf:2:", "control character"},
	{"issuer = x\naudience = y\nkeys_dir = keys\n", "t.conf:3:", "absolute"},
	{"issuer = x\naudience = y\nkeys_dir = /etc/../k\n", "t.conf:3:", "'..'"},
	{"issuer = x\naudience = y\nkeys_dir = /etc/./k\n", "t.conf:3:", "'..'"},
	{"issuer = x\naudience = y\nkeys_dir = /etc/my keys\n", "t.conf:3:", "space"},
	{BASE "algorithms = es256\n", "t.conf:4:", "unknown algorithm"},
	{BASE "algorithms = HS256\n", "t.conf:4:", "unknown algorithm"},
	{BASE "algorithms = none\n", "t.conf:4:", "unknown algorithm"},
	{BASE "algorithms = ES256,RS256\n", "t.conf:4:", "unknown algorithm"},
	{BASE "max_lifetime = 0\n", "t.conf:4:", "too short"},
	{BASE "max_lifetime = 4d\n", "t.conf:4:", "not a duration"},
	{BASE "max_lifetime = -1\n", "t.conf:4:", "not a duration"},
	{BASE "max_lifetime = 4 h\n", "t.conf:4:", "not a duration"},
	{BASE "max_lifetime = 721h\n", "t.conf:4:", "not a duration"},
	{BASE "max_lifetime = 99999999999999999999999\n", "t.conf:4:", "not a duration"},
	{BASE "leeway = 2h\n", "t.conf:4:", "too long"},
	{BASE "leeway = 1.5\n", "t.conf:4:", "not a duration"},
	{BASE "hostname = web 01\n", "t.conf:4:", "host name"},
	{BASE "hostname = web/01\n", "t.conf:4:", "host name"},
	{BASE "enforce_groups = ,\n", "t.conf:4:", "empty list"},
	{BASE "enforce_users = a,b\xff\n", "t.conf:4:", "character"},
	{BASE "exempt_groups = a#b\n", "t.conf:4:", "character"},
	{BASE "ticket_pattern = CHG(\n", "t.conf:4:", "groups are not allowed"},
	/* patterns that make glibc's regcomp run for minutes (found by fuzz_config) */
	{BASE "ticket_pattern = ^CHG[0-9]{7}$(a|b)*{1,999}\n", "t.conf:4:", "groups"},
	{BASE "ticket_pattern = ((((a|b)*$)*$)*$){1,16}\n", "t.conf:4:", "groups"},
	{BASE "ticket_pattern = a{33}\n", "t.conf:4:", "over 32"},
	{BASE "ticket_pattern = a{2}{3}\n", "t.conf:4:", "stacked"},
	{BASE "ticket_pattern = a**\n", "t.conf:4:", "stacked"},
	{BASE "ticket_pattern = a*b+c?d*e*\n", "t.conf:4:", "more than 4"},
	{BASE "ticket_pattern = a{1,x}\n", "t.conf:4:", "malformed"},
	{BASE "ticket_pattern = CHG[0-9\n", "t.conf:4:", "unterminated"},
	{BASE "ticket_pattern = CHG\\\n", "t.conf:4:", "backslash"},
	{BASE "ticket_pattern = CHGXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
	      "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n", "t.conf:4:", "128 bytes"},
	{BASE "ticket_pattern = [z-a]\n", "t.conf:4:", "regular expression"},
	{BASE "revocation_file = revoked\n", "t.conf:4:", "absolute"},
	{BASE "emergency_keys = ../x\n", "t.conf:4:", "key id"},
	{BASE "emergency_keys = good -bad\n", "t.conf:4:", "key id"},
	{BASE "state_dir = var/lib\n", "t.conf:4:", "absolute"},
	{BASE "single_use = yes\n", "t.conf:4:", "no, login or always"},
	{BASE "single_use = Login\n", "t.conf:4:", "no, login or always"},
	{BASE "audit_log = ./audit\n", "t.conf:4:", "absolute"},
	{"audience = y\nkeys_dir = /k\n", "t.conf:", "missing required key 'issuer'"},
	{"issuer = x\nkeys_dir = /k\n", "t.conf:", "missing required key 'audience'"},
	{"issuer = x\naudience = y\n", "t.conf:", "missing required key 'keys_dir'"},
	{"", "t.conf:", "missing required key"},
};

static void test_bad_values(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct cg_config cfg;
		char err[256];
		int rc = parse(bad_cases[i].text, &cfg, err, sizeof(err));
		bool ok = rc == -1 &&
			  strncmp(err, bad_cases[i].where, strlen(bad_cases[i].where)) == 0 &&
			  strstr(err, bad_cases[i].says) != NULL;
		if (!ok)
			fprintf(stderr, "case %zu: rc %d, err \"%s\"\n", i, rc, err);
		CU_ASSERT_TRUE(ok);
		cg_config_free(&cfg);
	}
}

static void test_too_many_list_entries(void)
{
	char text[4096];
	size_t o = (size_t)snprintf(text, sizeof(text), "%senforce_users =", BASE);
	for (int i = 0; i < CG_LIST_MAX; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, " u%d", i);
	struct cg_config cfg;
	char err[256];
	CU_ASSERT_EQUAL(parse(text, &cfg, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cfg.gate.enforce_users.count, CG_LIST_MAX);
	cg_config_free(&cfg);
	snprintf(text + o, sizeof(text) - o, " one-more\n");
	CU_ASSERT_EQUAL(parse(text, &cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:4:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "64"));
	cg_config_free(&cfg);
}

static void test_long_line_and_nul(void)
{
	size_t n = 5000;
	char *text = malloc(n + 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	size_t o = (size_t)snprintf(text, 200, "issuer = x\n# ");
	memset(text + o, 'a', n);
	o += n;
	o += (size_t)snprintf(text + o, 100, "\naudience = y\nkeys_dir = /k\n");
	struct cg_config cfg;
	char err[256];
	CU_ASSERT_FATAL(cg_config_init(&cfg) == 0);
	CU_ASSERT_EQUAL(cg_config_parse(&cfg, "t.conf", text, o, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:2: line longer"));
	cg_config_free(&cfg);
	free(text);

	/* a NUL byte must not cut the line short and hide what follows it */
	static const char withnul[] = "issuer = x\naudience = y\nkeys_dir = /k\0\n";
	CU_ASSERT_FATAL(cg_config_init(&cfg) == 0);
	CU_ASSERT_EQUAL(cg_config_parse(&cfg, "t.conf", withnul, sizeof(withnul) - 1, err,
					sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:3: NUL byte"));
	cg_config_free(&cfg);
}

static void test_error_never_echoes_raw_bytes(void)
{
	struct cg_config cfg;
	char err[256];
	CU_ASSERT_EQUAL(parse(BASE "hostname = a\x1b[31mb\n", &cfg, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(strchr(err, '\x1b'));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "\\x1b"));
	cg_config_free(&cfg);
	/* a tiny error buffer is still terminated */
	char small[8];
	CU_ASSERT_EQUAL(parse(BASE "bogus = 1\n", &cfg, small, sizeof(small)), -1);
	CU_ASSERT_EQUAL(strlen(small), sizeof(small) - 1);
	cg_config_free(&cfg);
}

static void test_durations(void)
{
	static const struct {
		const char *s;
		bool ok;
		long v;
	} cases[] = {
		{"0", true, 0},	       {"90", true, 90},	 {"90s", true, 90},
		{"15m", true, 900},    {"4h", true, 14400},	 {"720h", true, 2592000},
		{"2592000", true, 2592000}, {"2592001", false, 0}, {"721h", false, 0},
		{"43201m", false, 0},  {"", false, 0},		 {"h", false, 0},
		{"-5", false, 0},      {"+5", false, 0},	 {" 5", false, 0},
		{"5 ", false, 0},      {"5x", false, 0},	 {"5hh", false, 0},
		{"5d", false, 0},      {"0x10", false, 0},	 {"1e3", false, 0},
		{"5S", false, 0},      {"99999999999999999999", false, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long v = -42;
		bool ok = cg_parse_duration(cases[i].s, &v);
		CU_ASSERT_EQUAL(ok, cases[i].ok);
		if (ok != cases[i].ok)
			fprintf(stderr, "duration \"%s\": got %d\n", cases[i].s, ok);
		CU_ASSERT_EQUAL(v, cases[i].ok ? cases[i].v : -42);
	}
	long v;
	CU_ASSERT_FALSE(cg_parse_duration(NULL, &v));
}

/* ---- loading from files: the trust rules ---- */

static char dir[256];

static int load(const char *path, char *err, size_t errlen)
{
	struct cg_config cfg;
	CU_ASSERT_FATAL(cg_config_init(&cfg) == 0);
	err[0] = '\0';
	int rc = cg_config_load(&cfg, path, err, errlen);
	if (rc == 0) {
		CU_ASSERT_STRING_EQUAL(cfg.source, path);
		CU_ASSERT_STRING_EQUAL(cfg.audience, "prod-eu-1");
	}
	cg_config_free(&cfg);
	return rc;
}

static void test_load_modes(void)
{
	char path[512], err[512];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "ok.conf", BASE, 0600, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), 0);
	CU_ASSERT_FATAL(chmod(path, 0644) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), 0);
	CU_ASSERT_FATAL(chmod(path, 0664) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "writable by group or others"));
	CU_ASSERT_FATAL(chmod(path, 0602) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);

	/* errors from the parser name the real path */
	CU_ASSERT_FATAL(cf_write_str(dir, "bad.conf", BASE "x = 1\n", 0600, path, sizeof(path)) ==
			0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:4: unknown key", path);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));

	CU_ASSERT_EQUAL(load("relative.conf", err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "%s/missing.conf", dir);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.conf"));
	cf_rmtree(dir);
}

static void test_load_owner(void)
{
	if (!cf_is_root()) {
		fprintf(stderr, "not root: ownership case not run\n");
		return;
	}
	char path[512], err[512];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "c.conf", BASE, 0600, path, sizeof(path)) == 0);
	CU_ASSERT_FATAL(chown(path, 65534, 65534) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "owned by uid 65534"));
	cf_rmtree(dir);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "config load blocked\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(2);
}

static void test_load_odd_files(void)
{
	char path[512], link[512], err[512];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "real.conf", BASE, 0600, path, sizeof(path)) == 0);
	snprintf(link, sizeof(link), "%s/link.conf", dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(load(link, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "symbolic link"));

	/* a FIFO must be refused at once, not block the login that reads it */
	snprintf(path, sizeof(path), "%s/fifo.conf", dir);
	CU_ASSERT_FATAL(mkfifo(path, 0600) == 0);
	signal(SIGALRM, on_alarm);
	alarm(5);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a regular file"));

	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_FATAL(mkdir(path, 0700) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);

	/* the size cap: exactly CG_CONFIG_FILE_MAX is read, one byte more is refused */
	char *big = malloc(CG_CONFIG_FILE_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	memset(big, '\n', CG_CONFIG_FILE_MAX + 1);
	memcpy(big, BASE, strlen(BASE));
	CU_ASSERT_FATAL(cf_write(dir, "big.conf", big, CG_CONFIG_FILE_MAX, 0600, path,
				 sizeof(path)) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), 0);
	CU_ASSERT_FATAL(cf_write(dir, "big.conf", big, CG_CONFIG_FILE_MAX + 1, 0600, path,
				 sizeof(path)) == 0);
	CU_ASSERT_EQUAL(load(path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger than"));
	free(big);
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"defaults", test_defaults},
		{"full config", test_full_config},
		{"minimal config, single_use values", test_minimal_and_single_use},
		{"bad values with file:line", test_bad_values},
		{"list size cap", test_too_many_list_entries},
		{"over-long line, NUL byte", test_long_line_and_nul},
		{"errors escape raw bytes", test_error_never_echoes_raw_bytes},
		{"durations", test_durations},
		{"load: modes, missing, relative", test_load_modes},
		{"load: not owned by root", test_load_owner},
		{"load: symlink, FIFO, directory, size cap", test_load_odd_files},
		{NULL, NULL},
	};
	return cf_run("config", tests);
}
