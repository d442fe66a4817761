/* The developer's helper without ssh: the prompt's wording both ways (shared/login_prompt.c),
 * the choice of a token for a prompt, and the rules for token files and their directory
 * (tools/token_choose.c, tools/token_store.c). Tokens are unsigned: the helper never
 * verifies, so a fixed signature segment does. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "client.h"
#include "core_fixture.h"
#include "testlib.h"

/* ---- the prompt ---------------------------------------------------------------------------- */

static const char *const ours[] = {
	"Change ticket token for alice on web-01 (prod-eu-1): ",
	"(alice@web-01) Change ticket token for alice on web-01 (prod-eu-1): ",
	"(alice@10.0.0.1) Change ticket token for alice on web-01 (prod-eu-1): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 1023 (the answer "
	"was cut after 1023 characters; paste the rest): ",
};

static const char *const not_ours[] = {
	"",
	"Enter passphrase for key '/home/alice/.ssh/id_ed25519': ",
	"(alice@web-01) Password: ",
	"Change ticket token for web-01.prod.example: ",          /* the old wording */
	"Change ticket token for alice on web-01 (prod-eu-1):",   /* no final space */
	"Change ticket token for alice on web-01 (prod-eu-1): x",
	"change ticket token for alice on web-01 (prod-eu-1): ",
	"Change ticket token for alice bob on web-01 (prod-eu-1): ",
	"Change ticket token for  on web-01 (prod-eu-1): ",
	"Change ticket token for alice on web 01 (prod-eu-1): ",
	"Change ticket token for alice on web-01 (): ",
	"Change ticket token for alice on web-01 (prod(eu)): ",
	"Change ticket token for alice on web-01 (prod-eu-1)\n: ",
	"Enter passphrase for key 'Change ticket token for alice on web-01 (prod-eu-1): ",
	"(a(b) Change ticket token for alice on web-01 (prod-eu-1): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 0 (the answer "
	"was cut after 0 characters; paste the rest): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 01023 (the "
	"answer was cut after 01023 characters; paste the rest): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 1023 (the answer "
	"was cut after 2046 characters; paste the rest): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 8193 (the answer "
	"was cut after 8193 characters; paste the rest): ",
	"Change ticket token for alice on web-01 (prod-eu-1), continued from byte 1023 (the answer "
	"was cut after 1023 characters; paste the rest): extra",
};

static void test_prompt_parse(void)
{
	struct cg_login_prompt p;

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		CU_ASSERT_EQUAL(cg_login_prompt_parse(ours[i], &p), 0);
		CU_ASSERT_STRING_EQUAL(p.user, "alice");
		CU_ASSERT_STRING_EQUAL(p.host, "web-01");
		CU_ASSERT_STRING_EQUAL(p.audience, "prod-eu-1");
		CU_ASSERT_EQUAL(p.offset, i == 3 ? 1023u : 0u);
	}
	for (size_t i = 0; i < sizeof(not_ours) / sizeof(not_ours[0]); i++) {
		if (cg_login_prompt_parse(not_ours[i], &p) == 0)
			fprintf(stderr, "parsed, but is not ours: \"%s\"\n", not_ours[i]);
		CU_ASSERT_EQUAL(cg_login_prompt_parse(not_ours[i], &p), -1);
	}
	CU_ASSERT_EQUAL(cg_login_prompt_parse(NULL, &p), -1);
}

static void test_prompt_round_trip(void)
{
	char buf[CG_LOGIN_PROMPT_MAX];
	struct cg_login_prompt p;
	const size_t offsets[] = {0, 1023, 2046, 8184};

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(cg_login_prompt_format(buf, sizeof(buf), "alice", "web-01",
							     "prod-eu-1", offsets[i]), 0);
		CU_ASSERT_EQUAL(cg_login_prompt_parse(buf, &p), 0);
		CU_ASSERT_EQUAL(p.offset, offsets[i]);
	}
	/* control bytes from a config become '?', and such a prompt is still one line */
	CU_ASSERT_EQUAL(cg_login_prompt_format(buf, sizeof(buf), "alice", "web\n01", "prod", 0), 0);
	CU_ASSERT_STRING_EQUAL(buf, "Change ticket token for alice on web?01 (prod): ");
	/* the longest names fit the buffer the module uses */
	char longest[CG_CLAIM_MAX + 1];
	memset(longest, 'x', CG_CLAIM_MAX);
	longest[CG_CLAIM_MAX] = '\0';
	CU_ASSERT_EQUAL(cg_login_prompt_format(buf, sizeof(buf), longest, longest, longest,
					       CG_TOKEN_MAX), 0);
	CU_ASSERT_EQUAL(cg_login_prompt_parse(buf, &p), 0);
	CU_ASSERT_EQUAL(cg_login_prompt_format(buf, 10, "alice", "web-01", "prod", 0), -1);
}

/* ---- choosing a token ---------------------------------------------------------------------- */

static time_t now;

/* An unsigned token with these claims, as a client_token named name. */
static void make(struct client_token *t, const char *name, void (*tweak)(struct cg_test_claims *))
{
	struct cg_test_claims c;
	cg_test_claims_default(&c, "alice", now);
	c.aud = "prod-eu-1";
	if (tweak != NULL)
		tweak(&c);
	char *payload = cg_test_payload_json(&c);
	static const char header[] = "{\"alg\":\"ES256\",\"kid\":\"k\"}";
	char *h = cg_test_b64url((const unsigned char *)header, strlen(header));
	char *p = cg_test_b64url((const unsigned char *)payload, strlen(payload));
	size_t len = strlen(h) + strlen(p) + 6;
	char *text = malloc(len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	snprintf(text, len + 1, "%s.%s.c2ln", h, p);
	client_token_adopt(t, text, strlen(text), name);
	free(payload);
	free(h);
	free(p);
}

static void t_expired(struct cg_test_claims *c) { c->exp = now; }
static void t_other_aud(struct cg_test_claims *c) { c->aud = "prod-us-1"; }
static void t_bob(struct cg_test_claims *c) { c->sub = "bob"; }
static void t_later(struct cg_test_claims *c) { c->exp = now + 7200; }
static void t_sudo_only(struct cg_test_claims *c) { c->scope_json = "[\"sudo\"]"; }
static void t_db_hosts(struct cg_test_claims *c) { c->hosts_json = "[\"db-*\"]"; }
static void t_web_hosts(struct cg_test_claims *c) { c->hosts_json = "[\"WEB-*\"]"; }
static void t_aud_list(struct cg_test_claims *c)
{
	c->aud = NULL;
	c->extra_json = "\"aud\":[\"prod-us-1\",\"prod-eu-1\"]";
}

static const struct cg_login_prompt prompt = {"alice", "web-01", "prod-eu-1", 0};

static void test_fits(void)
{
	static const struct {
		void (*tweak)(struct cg_test_claims *);
		enum client_fit want;
	} cases[] = {
		{NULL, CLIENT_FITS},
		{t_expired, CLIENT_EXPIRED},
		{t_other_aud, CLIENT_WRONG_AUDIENCE},
		{t_bob, CLIENT_WRONG_USER},
		{t_sudo_only, CLIENT_NO_LOGIN},
		{t_db_hosts, CLIENT_WRONG_HOST},
		{t_web_hosts, CLIENT_FITS},
		{t_aud_list, CLIENT_FITS},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct client_token t;
		make(&t, "t", cases[i].tweak);
		if (client_token_fits(&t, &prompt, now) != cases[i].want)
			fprintf(stderr, "case %zu: %s (%s)\n", i,
				client_fit_words(client_token_fits(&t, &prompt, now)), t.why);
		CU_ASSERT_EQUAL(client_token_fits(&t, &prompt, now), cases[i].want);
		client_token_free(&t);
	}
	struct client_token junk;
	char *text = strdup("not.a.token\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	client_token_adopt(&junk, text, strlen(text), "junk");
	CU_ASSERT_EQUAL(junk.len, 11u);
	CU_ASSERT_EQUAL(client_token_fits(&junk, &prompt, now), CLIENT_UNREADABLE);
	client_token_free(&junk);
}

static void test_choose(void)
{
	struct client_token t[5];

	make(&t[0], "a-expired", t_expired);
	make(&t[1], "b-other-audience", t_other_aud);
	make(&t[2], "c-bob", t_bob);
	CU_ASSERT_EQUAL(client_token_choose(t, 3, &prompt, now), -1);
	/* several candidates: the one that expires last */
	make(&t[3], "d-good", NULL);
	make(&t[4], "e-lasts-longer", t_later);
	CU_ASSERT_EQUAL(client_token_choose(t, 4, &prompt, now), 3);
	CU_ASSERT_EQUAL(client_token_choose(t, 5, &prompt, now), 4);
	/* a tie goes to the first name, whatever the order given */
	client_token_free(&t[4]);
	make(&t[4], "c-same-expiry", NULL);
	CU_ASSERT_EQUAL(client_token_choose(t, 5, &prompt, now), 4);
	/* the same token no longer fits once it has expired, without leeway */
	CU_ASSERT_EQUAL(client_token_choose(t, 5, &prompt, (time_t)t[3].ticket.exp), -1);
	for (size_t i = 0; i < 5; i++)
		client_token_free(&t[i]);
}

/* ---- files and the directory ---------------------------------------------------------------- */

static char dir[512];
static char tokens[600];

static void write_token(const char *name, void (*tweak)(struct cg_test_claims *), mode_t mode)
{
	struct client_token t;
	make(&t, name, tweak);
	char *line = malloc(t.len + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	snprintf(line, t.len + 2, "%s\n", t.text);
	CU_ASSERT_EQUAL(cf_write_str(tokens, name, line, mode, NULL, 0), 0);
	free(line);
	client_token_free(&t);
}

static char warned[4096];
static void warn(const char *msg)
{
	size_t n = strlen(warned);
	snprintf(warned + n, sizeof(warned) - n, "%s\n", msg);
}

static size_t load(struct client_token **t)
{
	char err[512];
	size_t n = 0;
	int fd = client_token_dir_open(tokens, err, sizeof(err));
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	warned[0] = '\0';
	CU_ASSERT_EQUAL(client_tokens_load(fd, tokens, t, &n, warn, err, sizeof(err)), 0);
	close(fd);
	return n;
}

static void test_dir_rules(void)
{
	char err[512], path[700];
	struct client_token *t;

	CU_ASSERT_EQUAL_FATAL(cf_tmpdir(dir, sizeof(dir)), 0);
	snprintf(tokens, sizeof(tokens), "%s/tokens", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(tokens, 0700), 0);
	write_token("good", NULL, 0600);
	write_token(".swap", NULL, 0600);
	write_token("readable", t_later, 0644);
	write_token("group-writable", t_later, 0620);
	snprintf(path, sizeof(path), "%s/good", tokens);
	char link[700];
	snprintf(link, sizeof(link), "%s/link", tokens);
	CU_ASSERT_EQUAL(symlink(path, link), 0);
	char big[CLIENT_TOKEN_FILE_MAX + 2];
	memset(big, 'A', sizeof(big));
	CU_ASSERT_EQUAL(cf_write(tokens, "big", big, sizeof(big), 0600, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/subdir", tokens);
	CU_ASSERT_EQUAL(mkdir(path, 0700), 0);

	size_t n = load(&t);
	/* only "good": the others are refused, each with a message naming it */
	CU_ASSERT_EQUAL(n, 1u);
	CU_ASSERT_STRING_EQUAL(t[0].name, "good");
	CU_ASSERT_EQUAL(client_token_choose(t, n, &prompt, now), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/readable: mode 0644"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/group-writable: mode 0620"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/link: is a symbolic link"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/big: larger than"));
	CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/subdir: not a regular file"));
	CU_ASSERT_PTR_NULL(strstr(warned, ".swap"));
	client_tokens_free(t, n);

	/* a file that is not the user's */
	if (cf_is_root()) {
		snprintf(path, sizeof(path), "%s/good", tokens);
		CU_ASSERT_EQUAL(chown(path, 4242, 4242), 0);
		n = load(&t);
		CU_ASSERT_EQUAL(n, 0u);
		CU_ASSERT_PTR_NOT_NULL(strstr(warned, "/tokens/good: owned by uid 4242"));
		client_tokens_free(t, n);
		CU_ASSERT_EQUAL(chown(path, 0, 0), 0);
	}

	/* the directory itself: open to the group, a symlink, or not the user's */
	CU_ASSERT_EQUAL(chmod(tokens, 0750), 0);
	CU_ASSERT_EQUAL(client_token_dir_open(tokens, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mode 0750"));
	CU_ASSERT_EQUAL(chmod(tokens, 0700), 0);
	snprintf(link, sizeof(link), "%s/tokens-link", dir);
	CU_ASSERT_EQUAL(symlink(tokens, link), 0);
	CU_ASSERT_EQUAL(client_token_dir_open(link, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "is a symbolic link"));
	if (cf_is_root()) {
		CU_ASSERT_EQUAL(chown(tokens, 4242, 4242), 0);
		CU_ASSERT_EQUAL(client_token_dir_open(tokens, err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "owned by uid 4242"));
		CU_ASSERT_EQUAL(chown(tokens, 0, 0), 0);
	}

	/* one file named: the same rules */
	struct client_token one;
	snprintf(path, sizeof(path), "%s/readable", tokens);
	CU_ASSERT_EQUAL(client_token_read(AT_FDCWD, path, path, &one, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "mode 0644"));
	CU_ASSERT_EQUAL(chmod(path, 0600), 0);
	CU_ASSERT_EQUAL(client_token_read(AT_FDCWD, path, path, &one, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(client_token_fits(&one, &prompt, now), CLIENT_FITS);
	client_token_free(&one);
	cf_rmtree(dir);
}

static void test_token_dir_path(void)
{
	char buf[512], err[256];
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	char *saved_home = home ? strdup(home) : NULL, *saved_xdg = xdg ? strdup(xdg) : NULL;

	setenv("HOME", "/home/alice", 1);
	unsetenv("XDG_CONFIG_HOME");
	CU_ASSERT_EQUAL(client_token_dir(buf, sizeof(buf), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/home/alice/.config/changegate/tokens");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	CU_ASSERT_EQUAL(client_token_dir(buf, sizeof(buf), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/xdg/changegate/tokens");
	/* a relative XDG_CONFIG_HOME is ignored, as the XDG spec says */
	setenv("XDG_CONFIG_HOME", "xdg", 1);
	CU_ASSERT_EQUAL(client_token_dir(buf, sizeof(buf), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/home/alice/.config/changegate/tokens");
	setenv("HOME", "relative", 1);
	CU_ASSERT_EQUAL(client_token_dir(buf, sizeof(buf), err, sizeof(err)), -1);
	if (saved_home)
		setenv("HOME", saved_home, 1);
	if (saved_xdg)
		setenv("XDG_CONFIG_HOME", saved_xdg, 1);
	else
		unsetenv("XDG_CONFIG_HOME");
	free(saved_home);
	free(saved_xdg);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"prompt: parse", test_prompt_parse},
		{"prompt: format and parse agree", test_prompt_round_trip},
		{"token fits a prompt", test_fits},
		{"choosing among tokens", test_choose},
		{"token files and directory: modes, owner, symlinks, size", test_dir_rules},
		{"token directory path", test_token_dir_path},
		{NULL, NULL},
	};
	now = time(NULL);
	return cf_run("askpass", tests);
}
