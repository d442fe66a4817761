/* The hosts and cmds matchers and the shell list, table-driven. */
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

static const struct host_case {
	const char *patterns; /* space separated */
	const char *host;
	bool match;
} host_cases[] = {
	{"web-01.prod.example", "web-01.prod.example", true},
	{"web-01.prod.example", "WEB-01.Prod.Example", true},
	{"WEB-*.PROD.example", "web-07.prod.example", true},
	{"web-*.prod.example", "db-01.prod.example", false},
	{"web-0?.prod.example", "web-10.prod.example", false},
	{"web-[0-4]*", "web-3.x", true},
	{"web-[0-4]*", "web-5.x", false},
	{"*.prod.example", "prod.example", false},
	{"*", "anything", true},
	{"db-* web-*", "web-01", true},
	{"db-* web-*", "mail-01", false},
	{"web-01", "web-01.prod.example", false},
	{"web-01.prod.example", "web-01", false},
	{"", "web-01", false},
	{"*", "", false},
};

static void test_hosts(void)
{
	for (size_t i = 0; i < sizeof(host_cases) / sizeof(host_cases[0]); i++) {
		struct cg_strlist l = {0};
		CU_ASSERT_FATAL(cg_strlist_split(&l, host_cases[i].patterns, " ") == 0);
		bool got = cg_host_matches(&l, host_cases[i].host);
		if (got != host_cases[i].match)
			fprintf(stderr, "host case %zu: got %d\n", i, got);
		CU_ASSERT_EQUAL(got, host_cases[i].match);
		cg_strlist_free(&l);
	}
	struct cg_strlist l = {0};
	CU_ASSERT_FATAL(cg_strlist_add(&l, "*") == 0);
	CU_ASSERT_FALSE(cg_host_matches(&l, NULL));
	CU_ASSERT_FALSE(cg_host_matches(NULL, "web-01"));
	cg_strlist_free(&l);
}

static const struct cmd_case {
	const char *pattern;
	const char *argv[6];
	bool match;
} cmd_cases[] = {
	/* a path alone: any arguments */
	{"/usr/bin/systemctl", {"/usr/bin/systemctl"}, true},
	{"/usr/bin/systemctl", {"/usr/bin/systemctl", "restart", "nginx"}, true},
	/* argv[0] must be exactly the path */
	{"/usr/bin/systemctl", {"/bin/systemctl"}, false},
	{"/usr/bin/systemctl", {"systemctl"}, false},
	{"/usr/bin/systemctl", {"/usr/bin/systemctl2"}, false},
	{"/usr/bin/systemctl", {"/usr/bin/systemct"}, false},
	{"/usr/bin/*", {"/usr/bin/systemctl"}, false},
	/* a path and arguments: exactly those */
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart", "nginx"}, true},
	{"/usr/bin/systemctl  restart   nginx ", {"/usr/bin/systemctl", "restart", "nginx"}, true},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart"}, false},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl"}, false},
	{"/usr/bin/systemctl restart nginx",
	 {"/usr/bin/systemctl", "restart", "nginx", "--now"}, false},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart", "nginx2"}, false},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart", "ngin"}, false},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "restart nginx"}, false},
	{"/usr/bin/systemctl restart nginx", {"/usr/bin/systemctl", "Restart", "nginx"}, false},
	{"/usr/bin/systemctl restart", {"/usr/bin/systemctl", "restart", ""}, false},
	/* a trailing "*": any rest, including none */
	{"/usr/bin/journalctl -u *", {"/usr/bin/journalctl", "-u"}, true},
	{"/usr/bin/journalctl -u *", {"/usr/bin/journalctl", "-u", "nginx", "-f"}, true},
	{"/usr/bin/journalctl -u *", {"/usr/bin/journalctl"}, false},
	{"/usr/bin/journalctl -u *", {"/usr/bin/journalctl", "-f", "-u"}, false},
	{"/usr/bin/journalctl *", {"/usr/bin/journalctl"}, true},
	/* "*" is only special at the end */
	{"/bin/echo * x", {"/bin/echo", "anything", "x"}, false},
	{"/bin/echo * x", {"/bin/echo", "*", "x"}, true},
	{"/bin/echo a*", {"/bin/echo", "abc"}, false},
	{"/bin/echo a*", {"/bin/echo", "a*"}, true},
	/* patterns that are not absolute never match */
	{"systemctl", {"systemctl"}, false},
	{"", {"/bin/true"}, false},
	{"   ", {"/bin/true"}, false},
	{"*", {"/bin/true"}, false},
};

static size_t argv_len(const char *const *argv)
{
	size_t n = 0;
	while (n < 6 && argv[n] != NULL)
		n++;
	return n;
}

static void test_commands(void)
{
	for (size_t i = 0; i < sizeof(cmd_cases) / sizeof(cmd_cases[0]); i++) {
		const struct cmd_case *c = &cmd_cases[i];
		bool got = cg_command_matches(c->pattern, c->argv, argv_len(c->argv));
		if (got != c->match)
			fprintf(stderr, "cmd case %zu (%s): got %d\n", i, c->pattern, got);
		CU_ASSERT_EQUAL(got, c->match);
	}
}

static void test_command_edges(void)
{
	const char *argv[] = {"/bin/ls", "-l", NULL};
	CU_ASSERT_FALSE(cg_command_matches(NULL, argv, 2));
	CU_ASSERT_FALSE(cg_command_matches("/bin/ls", NULL, 0));
	CU_ASSERT_FALSE(cg_command_matches("/bin/ls", argv, 0));
	/* a NULL inside argc is refused, not dereferenced */
	CU_ASSERT_FALSE(cg_command_matches("/bin/ls", argv, 3));
	/* a pattern over CG_CMD_MAX is refused even when it would match */
	char long_pat[CG_CMD_MAX + 16];
	memset(long_pat, ' ', sizeof(long_pat));
	memcpy(long_pat, "/bin/ls", 7);
	long_pat[sizeof(long_pat) - 1] = '\0';
	CU_ASSERT_FALSE(cg_command_matches(long_pat, argv, 2));
	long_pat[CG_CMD_MAX] = '\0';
	CU_ASSERT_TRUE(cg_command_matches(long_pat, argv, 2));
}

/* "*" means "every command" only as a whole cmds entry, which the grant judges
 * (test_token_grant.c); as a pattern it names no path, so it matches nothing, and the old
 * list of shells is gone: a shell is covered exactly when an entry names it. */
static void test_star_is_no_pattern(void)
{
	static const char *const sh[] = {"/bin/sh", "-c", "id"};
	static const char *const star[] = {"*"};
	CU_ASSERT_FALSE(cg_command_matches(CG_CMDS_ALL, sh, 3));
	CU_ASSERT_FALSE(cg_command_matches(CG_CMDS_ALL, star, 1));
	CU_ASSERT_FALSE(cg_command_matches(" * ", sh, 3));
	CU_ASSERT_FALSE(cg_command_matches("* /bin/sh", sh, 3));
	CU_ASSERT_TRUE(cg_command_matches("/bin/sh *", sh, 3));
	CU_ASSERT_FALSE(cg_command_matches("/bin/bash *", sh, 3));
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"hosts", test_hosts},
		{"commands", test_commands},
		{"command edge cases", test_command_edges},
		{"\"*\" is not a pattern", test_star_is_no_pattern},
		{NULL, NULL},
	};
	return cf_run("match", tests);
}
