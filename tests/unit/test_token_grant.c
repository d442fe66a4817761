/* What a token grants: scope, hosts, and for sudo the command and the target user. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_token.h"

/* Verifies token t for req; the decision goes to keep when it is not NULL, else is freed. */
static cg_reason verify_keep(const char *t, const struct cg_request *req, struct cg_decision *keep)
{
	struct cg_decision d;
	cg_reason r = cg_verify_token(&tfx.cfg, t, strlen(t), req, &d);
	tfx_saw(r);
	if (keep != NULL)
		*keep = d;
	else
		cg_decision_free(&d);
	return r;
}

static cg_reason sudo_check(const struct cg_test_claims *c, const char *const *argv,
			    size_t argc, const char *runas_user, uid_t runas_uid,
			    struct cg_decision *keep)
{
	char *t = tfx_mint("ES256", c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_SUDO);
	req.argv = argv;
	req.argc = argc;
	req.runas_user = runas_user;
	req.runas_uid = runas_uid;
	cg_reason r = verify_keep(t, &req, keep);
	free(t);
	return r;
}

#define ARGV(...) ((const char *const[]){__VA_ARGS__})
#define ARGC(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))
#define SUDO(c, ...) sudo_check(c, ARGV(__VA_ARGS__), ARGC(__VA_ARGS__), "root", 0, NULL)

static void test_scope(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.scope_json = "[\"login\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_SUDO, &d), CG_SCOPE_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "does not grant sudo"));
	cg_decision_free(&d);
	c.scope_json = "[\"sudo\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_SUDO), CG_OK);
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_SCOPE_DENIED);
	c.scope_json = "[]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_SCOPE_DENIED);
	c.scope_json = "[\"login\",\"admin\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	c.scope_json = "[\"LOGIN\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	c.scope_json = "\"login\"";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	c.scope_json = "[1]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
}

static void test_hosts(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.hosts_json = "[\"web-*.prod.example\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.hosts_json = "[\"db-*\",\"web-01.prod.example\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
	c.hosts_json = "[\"db-*\"]";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_HOST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "is for host db-*, this is web-01.prod.example"));
	cg_decision_free(&d);
	c.hosts_json = "[]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_HOST_DENIED);
	c.hosts_json = "\"web-*\"";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);
	c.hosts_json = "[\"web-*\",null]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_BAD_CLAIM);

	/* the request's host wins over the configured hostname */
	c.hosts_json = "[\"db-*\"]";
	char *t = tfx_mint("ES256", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.host = "db-02";
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	req.host = "web-01";
	ASSERT_REASON(tfx_verify(t, &req), CG_HOST_DENIED);
	free(t);
}

/* An allow list: a ticket that names no command allows none. Everything the review ran as
 * root under a ticket without cmds (launchers, the loader, interpreters, a shell copied under
 * another name) is refused, and so is what the old list of shells knew. */
static void test_commands_without_cmds(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = NULL;
	ASSERT_REASON(SUDO(&c, "/usr/bin/systemctl", "restart", "postgresql"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/journalctl"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/setpriv", "--reuid=0", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/timeout", "9", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/nice", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/stdbuf", "-o0", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/flock", "/tmp/l", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/prlimit", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/sg", "root", "sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/newgrp"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/lib64/ld-linux-x86-64.so.2", "/bin/sh"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/find", ".", "-exec", "/bin/sh", ";"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/awk", "BEGIN{system(\"sh\")}"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/perl5.36-x86_64-linux-gnu", "-e", "exec sh"),
		      CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/srv/copy/notashell", "-c", "id"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/bin/bash"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/sudoedit", "/etc/hosts"), CG_COMMAND_DENIED);
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, &d), CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "ticket CHG0012345 names no commands, so it "
				      "allows no sudo command"));
	CU_ASSERT_FALSE(d.unrestricted);
	cg_decision_free(&d);
	/* an empty list is the same */
	c.cmds_json = "[]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, &d), CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "names no commands"));
	cg_decision_free(&d);
	/* a request without an absolute command is never covered */
	c.cmds_json = "[\"*\"]";
	ASSERT_REASON(SUDO(&c, "systemctl"), CG_COMMAND_DENIED);
	ASSERT_REASON(sudo_check(&c, NULL, 0, "root", 0, NULL), CG_COMMAND_DENIED);
	/* a request that claims arguments it does not have */
	ASSERT_REASON(sudo_check(&c, NULL, 2, "root", 0, NULL), CG_COMMAND_DENIED);
	/* a login does not need cmds */
	c.cmds_json = NULL;
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
}

/* "*" is the honest "everything": shells included, and every decision under it says so. */
static void test_commands_all(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = "[\"*\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, &d), CG_OK);
	CU_ASSERT_TRUE(d.unrestricted);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "allows any command (an unrestricted ticket"));
	cg_decision_free(&d);
	ASSERT_REASON(SUDO(&c, "/bin/sh", "-c", "id"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/setpriv", "--reuid=0", "/bin/sh"), CG_OK);
	/* other entries beside "*" narrow nothing, and the decision is still unrestricted */
	c.cmds_json = "[\"/usr/bin/id\",\"*\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, &d), CG_OK);
	CU_ASSERT_TRUE(d.unrestricted);
	cg_decision_free(&d);
	/* the target user is still judged; the denial is marked too */
	c.cmds_json = "[\"*\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "postgres", 107, &d),
		      CG_RUNAS_DENIED);
	CU_ASSERT_TRUE(d.unrestricted);
	cg_decision_free(&d);
	/* a path-only ticket is not unrestricted */
	c.cmds_json = "[\"/usr/bin/id\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, &d), CG_OK);
	CU_ASSERT_FALSE(d.unrestricted);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "allows this command"));
	cg_decision_free(&d);
	/* a login under such a ticket is an ordinary login */
	c.cmds_json = "[\"*\"]";
	ASSERT_REASON(tfx_check_d(&c, CG_SCOPE_LOGIN, &d), CG_OK);
	CU_ASSERT_FALSE(d.unrestricted);
	cg_decision_free(&d);
}

static void test_commands_with_cmds(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = "[\"/usr/bin/systemctl restart postgresql\",\"/usr/bin/journalctl *\","
		      "\"/usr/bin/id\",\"/bin/bash\",\"/usr/bin/python3 /srv/fix.py\"]";
	ASSERT_REASON(SUDO(&c, "/usr/bin/systemctl", "restart", "postgresql"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/systemctl", "restart", "postgresql", "x"),
		      CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/systemctl", "restart"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/journalctl"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/journalctl", "-u", "postgresql"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/id", "-u"), CG_OK);
	/* a shell named explicitly is allowed */
	ASSERT_REASON(SUDO(&c, "/bin/bash"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/bash"), CG_COMMAND_DENIED);
	/* an interpreter named with its script is allowed for that script only */
	ASSERT_REASON(SUDO(&c, "/usr/bin/python3", "/srv/fix.py"), CG_OK);
	ASSERT_REASON(SUDO(&c, "/usr/bin/python3"), CG_COMMAND_DENIED);
	ASSERT_REASON(SUDO(&c, "/usr/bin/python3", "-c", "import os"), CG_COMMAND_DENIED);
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/systemctl", "restart", "nginx"), 3, "root", 0,
				 &d),
		      CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail,
				      "ticket CHG0012345 does not cover /usr/bin/systemctl restart nginx"));
	cg_decision_free(&d);
	/* an empty list covers nothing */
	c.cmds_json = "[]";
	ASSERT_REASON(SUDO(&c, "/usr/bin/id"), CG_COMMAND_DENIED);
	/* cmds entries are absolute paths, strings, within the caps */
	c.cmds_json = "[\"systemctl restart\"]";
	ASSERT_REASON(SUDO(&c, "/usr/bin/id"), CG_BAD_CLAIM);
	c.cmds_json = "\"/usr/bin/id\"";
	ASSERT_REASON(SUDO(&c, "/usr/bin/id"), CG_BAD_CLAIM);
	c.cmds_json = "[[\"/usr/bin/id\"]]";
	ASSERT_REASON(SUDO(&c, "/usr/bin/id"), CG_BAD_CLAIM);
	/* only the whole entry "*" is special: any other entry that is not a path is refused */
	static const char *const not_star[] = {"[\"* \"]", "[\"**\"]", "[\"* /usr/bin/id\"]"};
	for (size_t i = 0; i < sizeof(not_star) / sizeof(not_star[0]); i++) {
		c.cmds_json = not_star[i];
		ASSERT_REASON(SUDO(&c, "/usr/bin/id"), CG_BAD_CLAIM);
	}
	/* a login does not look at cmds */
	c.cmds_json = "[\"/usr/bin/id\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
}

static void test_command_detail_is_sanitised(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = "[\"/usr/bin/id\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/echo", "a\nb", "x=\"y\""), 3, "root", 0, &d),
		      CG_COMMAND_DENIED);
	CU_ASSERT_PTR_NULL(strchr(d.detail, '\n'));
	CU_ASSERT_PTR_NULL(strchr(d.detail, '"'));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "a\\x0ab"));
	cg_decision_free(&d);
}

static void test_runas(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	/* no runas claim: root only */
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, NULL), CG_OK);
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "postgres", 107, &d),
		      CG_RUNAS_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "postgres"));
	cg_decision_free(&d);
	/* uid decides when there is no runas claim, whatever the name */
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "toor", 0, NULL), CG_OK);
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, NULL, 1234, NULL), CG_RUNAS_DENIED);

	c.runas_json = "[\"postgres\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "postgres", 107, NULL), CG_OK);
	/* a listed runas does not include root */
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, NULL), CG_RUNAS_DENIED);
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, NULL, 107, NULL), CG_RUNAS_DENIED);
	c.runas_json = "[\"postgres\",\"root\"]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, NULL), CG_OK);
	c.runas_json = "[]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, NULL), CG_RUNAS_DENIED);
	c.runas_json = "[0]";
	ASSERT_REASON(sudo_check(&c, ARGV("/usr/bin/id"), 1, "root", 0, NULL), CG_BAD_CLAIM);
	/* a login does not look at runas */
	c.runas_json = "[\"postgres\"]";
	ASSERT_REASON(tfx_check(&c, CG_SCOPE_LOGIN), CG_OK);
}

/* A token for c with runas_groups set to the raw JSON groups (NULL: no claim), verified for
 * /usr/bin/id as target with the group facts f. */
static cg_reason groups_check(const struct cg_test_claims *c, const char *groups,
			      const char *target, uid_t uid, const struct cg_group_facts *f,
			      struct cg_decision *keep)
{
	char *p = tfx_payload_edit(c, "runas_groups", groups);
	char *t = tfx_sign("ES256", "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"es256-a\"}",
			   p);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_SUDO);
	req.argv = ARGV("/usr/bin/id");
	req.argc = 1;
	req.runas_user = target;
	req.runas_uid = uid;
	req.groups = f;
	cg_reason r = verify_keep(t, &req, keep);
	free(t);
	free(p);
	return r;
}

/* sudo -u svc1 -g shadow: the group must be the target's own or named in runas_groups */
static void test_runas_groups(void)
{
	struct cg_test_claims c;
	struct cg_group_facts f;
	struct cg_decision d;
	tfx_claims(&c);
	c.runas_json = "[\"svc1\"]";
	memset(&f, 0, sizeof(f));
	f.target_gid = 1001;
	f.target_groups[0] = 1001;
	f.ntarget = 1;
	f.gids[0] = 42;
	f.nset = f.count = 1;
	f.names[0].gid = 42;
	strcpy(f.names[0].name, "shadow");
	f.nnames = 1;
	ASSERT_REASON(groups_check(&c, NULL, "svc1", 1001, &f, &d), CG_RUNAS_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "ticket CHG0012345 does not allow running with "
				      "group shadow"));
	cg_decision_free(&d);
	ASSERT_REASON(groups_check(&c, "[\"shadow\"]", "svc1", 1001, &f, NULL), CG_OK);
	ASSERT_REASON(groups_check(&c, "[\"disk\",\"shadow\"]", "svc1", 1001, &f, NULL), CG_OK);
	ASSERT_REASON(groups_check(&c, "[\"disk\"]", "svc1", 1001, &f, NULL), CG_RUNAS_DENIED);
	ASSERT_REASON(groups_check(&c, "[]", "svc1", 1001, &f, NULL), CG_RUNAS_DENIED);
	/* the claim is read as strictly as runas */
	ASSERT_REASON(groups_check(&c, "\"shadow\"", "svc1", 1001, &f, NULL), CG_BAD_CLAIM);
	ASSERT_REASON(groups_check(&c, "[42]", "svc1", 1001, &f, NULL), CG_BAD_CLAIM);
	ASSERT_REASON(groups_check(&c, "[\"\"]", "svc1", 1001, &f, NULL), CG_BAD_CLAIM);
	/* a group names no user: the target is judged first */
	ASSERT_REASON(groups_check(&c, "[\"shadow\"]", "root", 0, &f, NULL), CG_RUNAS_DENIED);
	/* the target's own primary group needs no claim */
	f.gids[0] = 1001;
	ASSERT_REASON(groups_check(&c, NULL, "svc1", 1001, &f, NULL), CG_OK);
	/* root's target, sudo -g disk: a ticket without runas is root only, not disk too */
	c.runas_json = NULL;
	f.target_gid = 0;
	f.target_groups[0] = 0;
	f.gids[0] = 6;
	f.names[0].gid = 6;
	strcpy(f.names[0].name, "disk");
	ASSERT_REASON(groups_check(&c, NULL, "root", 0, &f, NULL), CG_RUNAS_DENIED);
}

/* cmds ["/usr/bin/cat passwd"]: the word names a file through the directory sudo runs in, so
 * the directory must be root's (the command would read it on its own too), except under "*" */
static void test_relative_words(void)
{
	struct cg_test_claims c;
	struct cg_decision d;
	tfx_claims(&c);
	c.cmds_json = "[\"/usr/bin/cat passwd\",\"/usr/bin/cat *\"]";
	char *t = tfx_mint("ES256", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_SUDO);
	req.argv = ARGV("/usr/bin/cat", "passwd");
	req.argc = 2;
	req.cwd = "/etc";
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	/* a directory under /tmp (world-writable): nothing in it is root's alone, and no entry
	 * covers a command run there, not even one that allows any argument */
	char path[64];
	snprintf(path, sizeof(path), "/tmp/cg-grant-%ld", (long)getpid());
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	req.cwd = path;
	ASSERT_REASON(tfx_verify(t, &req), CG_COMMAND_DENIED);
	free(t);
	c.cmds_json = "[\"/usr/bin/cat passwd\"]";
	t = tfx_mint("ES256", &c);
	req.cwd = "/etc";
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	req.cwd = path;
	char file[96];
	snprintf(file, sizeof(file), "%s/passwd", path);
	FILE *fp = fopen(file, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	fclose(fp);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_COMMAND_DENIED);
	tfx_saw(d.reason);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "ticket CHG0012345: the command would run in "
				      "/tmp/cg-grant-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "a directory root does not control"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "`Defaults runcwd=/`"));
	cg_decision_free(&d);
	/* the race of the review: a word naming nothing there is refused all the same */
	unlink(file);
	ASSERT_REASON(tfx_verify(t, &req), CG_COMMAND_DENIED);
	/* without a directory, nothing can be judged */
	req.cwd = NULL;
	ASSERT_REASON(tfx_verify(t, &req), CG_COMMAND_DENIED);
	free(t);
	/* "*" allows everything anyway: no directory rule, logged as unrestricted */
	c.cmds_json = "[\"*\"]";
	t = tfx_mint("ES256", &c);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_OK);
	CU_ASSERT_TRUE(d.unrestricted);
	cg_decision_free(&d);
	req.cwd = path;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	rmdir(path);
	free(t);
}

/* cnf.ssh_fp: the request's key must be one of the token's; no key known is a mismatch */
#define FP_A "SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc"
#define FP_B "SHA256:v+sC4hjmbLrdmCSy5mpeqFFy7/OloSRFEqiQW9oe0P4"
static void test_key_binding(void)
{
	struct cg_test_claims c;
	struct cg_request req;
	struct cg_decision d;
	tfx_claims(&c);
	c.extra_json = "\"cnf\":{\"ssh_fp\":\"" FP_A "\"}";
	char *t = tfx_mint("ES256", &c);
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.ssh_key_fp = FP_A;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	req.ssh_key_fp = FP_B;
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_KEY_MISMATCH);
	tfx_saw(d.reason);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, "bound to the SSH key " FP_A ", and this login "
				      "authenticated with " FP_B));
	cg_decision_free(&d);
	req.ssh_key_fp = NULL;
	req.ssh_key_none = "no public key authenticated this login";
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), &req, &d), CG_KEY_MISMATCH);
	CU_ASSERT_PTR_NOT_NULL(strstr(d.detail, ": no public key authenticated this login"));
	cg_decision_free(&d);
	/* sudo from the environment, a file or the prompt: no key at all */
	tfx_request(&req, CG_SCOPE_SUDO);
	ASSERT_REASON(tfx_verify(t, &req), CG_KEY_MISMATCH);
	req.ssh_key_fp = FP_A;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	free(t);

	/* a list of keys: any of them */
	c.extra_json = "\"cnf\":{\"ssh_fp\":[\"" FP_B "\",\"" FP_A "\"]}";
	t = tfx_mint("ES256", &c);
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.ssh_key_fp = FP_A;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	req.ssh_key_fp = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	ASSERT_REASON(tfx_verify(t, &req), CG_KEY_MISMATCH);
	free(t);

	/* a token without cnf is not bound: any key, or none */
	c.extra_json = NULL;
	t = tfx_mint("ES256", &c);
	req.ssh_key_fp = NULL;
	ASSERT_REASON(tfx_verify(t, &req), CG_OK);
	free(t);
}

/* cnf is read strictly: a confirmation we cannot check must not be ignored */
static void test_key_binding_claim(void)
{
	static const char *const bad[] = {
		"\"cnf\":{}",
		"\"cnf\":\"" FP_A "\"",
		"\"cnf\":{\"ssh_fp\":\"" FP_A "\",\"jkt\":\"x\"}",
		"\"cnf\":{\"jwk\":{}}",
		"\"cnf\":{\"ssh_fp\":[]}",
		"\"cnf\":{\"ssh_fp\":1}",
		"\"cnf\":{\"ssh_fp\":[1]}",
		"\"cnf\":{\"ssh_fp\":\"MD5:00:11\"}",
		"\"cnf\":{\"ssh_fp\":\"sha256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc\"}",
		"\"cnf\":{\"ssh_fp\":\"SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc=\"}",
		"\"cnf\":{\"ssh_fp\":[\"" FP_A "\",\"SHA256:x\"]}",
		"\"cnf\":null",
	};
	struct cg_test_claims c;
	tfx_claims(&c);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c.extra_json = bad[i];
		cg_reason r = tfx_check(&c, CG_SCOPE_LOGIN);
		if (r != CG_BAD_CLAIM)
			fprintf(stderr, "cnf case %zu: %s\n", i, cg_reason_code(r));
		ASSERT_REASON(r, CG_BAD_CLAIM);
	}
}

static void test_bad_request(void)
{
	struct cg_test_claims c;
	tfx_claims(&c);
	char *t = tfx_mint("ES256", &c);
	struct cg_request req;
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.scope = CG_SCOPE_LOGIN | CG_SCOPE_SUDO;
	ASSERT_REASON(tfx_verify(t, &req), CG_SCOPE_DENIED);
	req.scope = 0;
	ASSERT_REASON(tfx_verify(t, &req), CG_SCOPE_DENIED);
	tfx_request(&req, CG_SCOPE_LOGIN);
	req.user = NULL;
	ASSERT_REASON(tfx_verify(t, &req), CG_WRONG_USER);
	struct cg_decision d;
	ASSERT_REASON(cg_verify_token(NULL, t, strlen(t), &req, &d), CG_CONFIG_ERROR);
	cg_decision_free(&d);
	ASSERT_REASON(cg_verify_token(&tfx.cfg, t, strlen(t), NULL, &d), CG_CONFIG_ERROR);
	cg_decision_free(&d);
	free(t);
}

int test_token_grant_register(void)
{
	CU_pSuite s = CU_add_suite_with_setup_and_teardown("token grant", NULL, NULL, tfx_reset,
							   tfx_noop);
	if (s == NULL)
		return -1;
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{"scope", test_scope},
		{"hosts", test_hosts},
		{"sudo without cmds", test_commands_without_cmds},
		{"sudo with cmds", test_commands_with_cmds},
		{"sudo with cmds [\"*\"]", test_commands_all},
		{"command detail is sanitised", test_command_detail_is_sanitised},
		{"runas", test_runas},
		{"runas groups", test_runas_groups},
		{"relative words", test_relative_words},
		{"key binding (cnf.ssh_fp)", test_key_binding},
		{"cnf claim read strictly", test_key_binding_claim},
		{"bad requests", test_bad_request},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	}
	return 0;
}
