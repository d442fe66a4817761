/* Login records (shared/login_record.c, login_record_file.c): the text form read back whole,
 * the strict parser refusing every text the writer does not write, and the files written
 * root-only and believed only when they can be trusted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"
#include "file_id.h"

/* The identity of path, not followed if a link (as the verifier takes it from a stat). */
static int id_of_path(const char *path, struct cg_file_id *out)
{
	struct stat st;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	cg_file_id_of_stat(&st, out);
	return 0;
}

static char dir[256];
static char run_dir[320];

#define FP_A "SHA256:hXRe7HuWTIM+rUyeLsTbUjY8u0pHNHoF3uYpzMwgYhc"
#define FP_B "SHA256:v+sC4hjmbLrdmCSy5mpeqFFy7/OloSRFEqiQW9oe0P4"

static const char TOKEN[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl-_";

static void setup(void)
{
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(run_dir, sizeof(run_dir), "%s/run", dir);
}

/* A record with every field set, some to awkward values. */
static void sample(struct cg_login_record *r, unsigned sid, const char *user)
{
	memset(r, 0, sizeof(*r));
	r->sessionid = sid;
	cg_strlcpy(r->user, user, sizeof(r->user));
	cg_strlcpy(r->service, "sshd", sizeof(r->service));
	r->leader_pid = 4321;
	r->leader_start = 123456789012ULL;
	cg_strlcpy(r->tty, "ssh", sizeof(r->tty));
	cg_strlcpy(r->rhost, "2001:db8::1%eth0", sizeof(r->rhost));
	r->opened = 1767225600;
	r->key = (struct cg_file_id){ .dev = 2049, .ino = 77, .size = 178, .mtime_sec = 1767000000,
				      .mtime_nsec = 5, .ctime_sec = 1767000001,
				      .ctime_nsec = 999999999 };
	struct cg_ticket *t = &r->ticket;
	cg_strlcpy(t->alg, "ES256", sizeof(t->alg));
	cg_strlcpy(t->kid, "ci-2026", sizeof(t->kid));
	cg_strlcpy(t->iss, "https://tickets.example.com", sizeof(t->iss));
	cg_strlcpy(t->sub, user, sizeof(t->sub));
	cg_strlcpy(t->chg, "CHG0012345", sizeof(t->chg));
	cg_strlcpy(t->jti, "jti-1", sizeof(t->jti));
	cg_strlcpy(t->approved_by, "Bob Smith <bob@example.com>", sizeof(t->approved_by));
	cg_strlcpy(t->reason, "restart, then =%check\tlogs\n\xc3\xa9", sizeof(t->reason));
	t->iat = 1767225000;
	t->nbf = 0;
	t->exp = 1767229200;
	t->scopes = CG_SCOPE_LOGIN | CG_SCOPE_SUDO;
	t->emergency = false;
	CU_ASSERT_FATAL(cg_strlist_add(&t->aud, "changegate") == 0);
	CU_ASSERT_FATAL(cg_strlist_add(&t->aud, "other,aud") == 0);
	t->has_hosts = false;
	t->has_cmds = true;
	CU_ASSERT_FATAL(cg_strlist_add(&t->cmds, "/usr/bin/systemctl restart nginx") == 0);
	CU_ASSERT_FATAL(cg_strlist_add(&t->cmds, "") == 0);
	CU_ASSERT_FATAL(cg_strlist_add(&t->cmds, "*") == 0);
	t->has_runas = true;            /* present and empty */
	t->has_runas_groups = true;
	CU_ASSERT_FATAL(cg_strlist_add(&t->runas_groups, "adm") == 0);
	/* key-bound (issue 18): the token's keys, and the one this login authenticated with */
	t->has_cnf = true;
	CU_ASSERT_FATAL(cg_strlist_add(&t->ssh_fp, FP_A) == 0);
	CU_ASSERT_FATAL(cg_strlist_add(&t->ssh_fp, FP_B) == 0);
	cg_strlcpy(r->ssh_key, FP_A, sizeof(r->ssh_key));
	r->token = strdup(TOKEN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->token);
	r->token_len = strlen(TOKEN);
}

static bool lists_equal(const struct cg_strlist *a, const struct cg_strlist *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->items[i], b->items[i]) != 0)
			return false;
	return true;
}

static void assert_same(const struct cg_login_record *a, const struct cg_login_record *b)
{
	CU_ASSERT_EQUAL(a->sessionid, b->sessionid);
	CU_ASSERT_STRING_EQUAL(a->user, b->user);
	CU_ASSERT_STRING_EQUAL(a->service, b->service);
	CU_ASSERT_EQUAL(a->leader_pid, b->leader_pid);
	CU_ASSERT_EQUAL(a->leader_start, b->leader_start);
	CU_ASSERT_STRING_EQUAL(a->tty, b->tty);
	CU_ASSERT_STRING_EQUAL(a->rhost, b->rhost);
	CU_ASSERT_EQUAL(a->opened, b->opened);
	CU_ASSERT_TRUE(cg_file_id_equal(&a->key, &b->key));
	const struct cg_ticket *x = &a->ticket, *y = &b->ticket;
	CU_ASSERT_STRING_EQUAL(x->alg, y->alg);
	CU_ASSERT_STRING_EQUAL(x->kid, y->kid);
	CU_ASSERT_STRING_EQUAL(x->iss, y->iss);
	CU_ASSERT_STRING_EQUAL(x->sub, y->sub);
	CU_ASSERT_STRING_EQUAL(x->chg, y->chg);
	CU_ASSERT_STRING_EQUAL(x->jti, y->jti);
	CU_ASSERT_STRING_EQUAL(x->approved_by, y->approved_by);
	CU_ASSERT_STRING_EQUAL(x->reason, y->reason);
	CU_ASSERT_EQUAL(x->iat, y->iat);
	CU_ASSERT_EQUAL(x->nbf, y->nbf);
	CU_ASSERT_EQUAL(x->exp, y->exp);
	CU_ASSERT_EQUAL(x->scopes, y->scopes);
	CU_ASSERT_EQUAL(x->emergency, y->emergency);
	CU_ASSERT_EQUAL(x->has_hosts, y->has_hosts);
	CU_ASSERT_EQUAL(x->has_cmds, y->has_cmds);
	CU_ASSERT_EQUAL(x->has_runas, y->has_runas);
	CU_ASSERT_EQUAL(x->has_runas_groups, y->has_runas_groups);
	CU_ASSERT_TRUE(lists_equal(&x->aud, &y->aud));
	CU_ASSERT_TRUE(lists_equal(&x->hosts, &y->hosts));
	CU_ASSERT_TRUE(lists_equal(&x->cmds, &y->cmds));
	CU_ASSERT_TRUE(lists_equal(&x->runas, &y->runas));
	CU_ASSERT_TRUE(lists_equal(&x->runas_groups, &y->runas_groups));
	CU_ASSERT_EQUAL(x->has_cnf, y->has_cnf);
	CU_ASSERT_TRUE(lists_equal(&x->ssh_fp, &y->ssh_fp));
	CU_ASSERT_STRING_EQUAL(a->ssh_key, b->ssh_key);
	CU_ASSERT_EQUAL(a->token_len, b->token_len);
	CU_ASSERT(a->token != NULL && b->token != NULL && strcmp(a->token, b->token) == 0);
}

static void test_text_round_trip(void)
{
	struct cg_login_record r, back;
	char *buf = NULL, *again = NULL, err[200] = "";
	size_t len = 0, len2 = 0;

	sample(&r, 42, "alice");
	CU_ASSERT_EQUAL_FATAL(cg_login_record_format(&r, &buf, &len), 0);
	CU_ASSERT_EQUAL(strncmp(buf, "changegate-login-record 1\nsession=42\nuser=alice\n", 48), 0);
	/* one line per field after the version line, no blank, nothing outside printable ASCII */
	for (size_t i = strlen("changegate-login-record 1\n"); i < len; i++)
		CU_ASSERT(buf[i] == '\n' || (buf[i] > ' ' && buf[i] < 0x7f));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\ncmds=3:/usr/bin/systemctl%20restart%20nginx,,*\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\naud=2:changegate,other%2Caud\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nhosts=none\nc"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nrunas=0:\n"));
	/* '+', '/' and ':' stand for themselves in the record's encoding */
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\ncnf_ssh_fp=2:" FP_A "," FP_B "\nssh_key=" FP_A
				      "\ntoken="));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nkey_mtime=1767000000.000000005\n"));
	CU_ASSERT_EQUAL_FATAL(cg_login_record_parse(buf, len, &back, err, sizeof(err)), 0);
	assert_same(&r, &back);
	/* and the parsed record writes the same text again: one text per record */
	CU_ASSERT_EQUAL_FATAL(cg_login_record_format(&back, &again, &len2), 0);
	CU_ASSERT(len == len2 && memcmp(buf, again, len) == 0);
	cg_wipe_free(buf, len);
	cg_wipe_free(again, len2);
	cg_login_record_free(&back);
	cg_login_record_free(&r);
	CU_ASSERT_PTR_NULL(r.token);
}

/* Replaces the first occurrence of from (which must occur) in text by to. */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	size_t n = strlen(text) - strlen(from) + strlen(to);
	char *out = malloc(n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	size_t head = (size_t)(at - text);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out, at + strlen(from));
	return out;
}

static void test_parser_strict(void)
{
	/* each edit of a good record makes it one the writer never writes */
	static const char *const edits[][2] = {
		{"changegate-login-record 1\n", "changegate-login-record 2\n"},
		{"changegate-login-record 1\n", "changegate-login-record 1 \n"},
		{"changegate-login-record 1\n", ""},
		{"session=42\n", "session=042\n"},
		{"session=42\n", "session=+42\n"},
		{"session=42\n", "session=4294967295\n"},
		{"session=42\n", "session=\n"},
		{"user=alice\n", "user=alice\nuser=alice\n"},          /* duplicate */
		{"user=alice\n", ""},                                   /* missing */
		{"user=alice\n", "user=\n"},                            /* empty user */
		{"user=alice\n", "User=alice\n"},                       /* unknown key */
		{"user=alice\n", "user=alice\nshell=/bin/sh\n"},        /* unknown key */
		{"user=alice\nservice=sshd\n", "service=sshd\nuser=alice\n"},  /* order */
		{"user=alice\n", "user=al%69ce\n"},                     /* a safe byte encoded */
		{"user=alice\n", "user=a%2clice\n"},                    /* lower-case hex */
		{"user=alice\n", "user=a%2\n"},                         /* cut escape */
		{"user=alice\n", "user=a%00lice\n"},                    /* NUL */
		{"user=alice\n", "user=a lice\n"},                      /* raw unsafe byte */
		{"user=alice\n", "user=a,lice\n"},
		{"leader_pid=4321\n", "leader_pid=-1\n"},
		{"leader_pid=4321\n", "leader_pid=99999999\n"},
		{"opened=1767225600\n", "opened=99999999999999999999\n"},  /* overflow */
		{"opened=1767225600\n", "opened=1767225600 \n"},
		{"key_mtime=1767000000.000000005\n", "key_mtime=1767000000.5\n"},
		{"key_mtime=1767000000.000000005\n", "key_mtime=1767000000\n"},
		{"key_mtime=1767000000.000000005\n", "key_mtime=1767000000.00000000x\n"},
		{"aud=2:changegate,other%2Caud\n", "aud=none\n"},
		{"aud=2:changegate,other%2Caud\n", "aud=3:changegate,other%2Caud\n"},
		{"aud=2:changegate,other%2Caud\n", "aud=1:changegate,other%2Caud\n"},
		{"aud=2:changegate,other%2Caud\n", "aud=02:changegate,other%2Caud\n"},
		{"aud=2:changegate,other%2Caud\n", "aud=changegate\n"},
		{"runas=0:\n", "runas=0:x\n"},
		{"runas=0:\n", "runas=65:\n"},
		{"runas=0:\n", "runas=\n"},
		{"hosts=none\n", "hosts=None\n"},
		{"scopes=login,sudo\n", "scopes=sudo,login\n"},
		{"scopes=login,sudo\n", "scopes=\n"},
		{"emergency=no\n", "emergency=0\n"},
		{"ssh_key=" FP_A "\n", "ssh_key=SHA256:x\n"},
		{"ssh_key=" FP_A "\n", ""},
		{"cnf_ssh_fp=2:", "cnf_ssh_fp=none\ncnf_ssh_fp=2:"},
		{"cnf_ssh_fp=2:" FP_A, "cnf_ssh_fp=2:MD5"},
		{"cnf_ssh_fp=2:" FP_A "," FP_B "\n", "cnf_ssh_fp=0:\n"},
		{"token=", "token=a b"},
		{"token=", "token=="},
		{"token=eyJ", "tokens=eyJ"},
	};
	struct cg_login_record r, back;
	char *buf = NULL, err[200];
	size_t len = 0;

	sample(&r, 42, "alice");
	CU_ASSERT_EQUAL_FATAL(cg_login_record_format(&r, &buf, &len), 0);
	cg_login_record_free(&r);
	/* the writer's buffer is len bytes, not a string: the edits below need one */
	char *text = malloc(len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memcpy(text, buf, len);
	text[len] = '\0';
	cg_wipe_free(buf, len);
	buf = text;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *bad = edit(buf, edits[i][0], edits[i][1]);
		err[0] = '\0';
		int rc = cg_login_record_parse(bad, strlen(bad), &back, err, sizeof(err));
		if (rc == 0)
			fprintf(stderr, "accepted edit %zu: %s -> %s\n", i, edits[i][0], edits[i][1]);
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT(err[0] != '\0');
		CU_ASSERT_PTR_NULL(back.token);
		free(bad);
	}
	/* cut anywhere, or with anything after it: refused */
	for (size_t cut = 0; cut < len; cut++)
		CU_ASSERT_EQUAL(cg_login_record_parse(buf, cut, &back, err, sizeof(err)), -1);
	char *more = malloc(len + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(more);
	memcpy(more, buf, len);
	memcpy(more + len, "\n", 2);
	CU_ASSERT_EQUAL(cg_login_record_parse(more, len + 1, &back, err, sizeof(err)), -1);
	free(more);
	/* a raw NUL in a value (strchr finds the terminator of its set) */
	char *nul = edit(buf, "user=alice\n", "user=a_ice\n");
	*strstr(nul, "a_ice") = 'a';
	strstr(nul, "a_ice")[1] = '\0';
	CU_ASSERT_EQUAL(cg_login_record_parse(nul, len, &back, err, sizeof(err)), -1);
	free(nul);
	/* an over-long value: a claim over its cap */
	char big[400], line[420];
	memset(big, 'a', 256);
	big[256] = '\0';
	snprintf(line, sizeof(line), "user=%s\n", big);
	char *bad = edit(buf, "user=alice\n", line);
	CU_ASSERT_EQUAL(cg_login_record_parse(bad, strlen(bad), &back, err, sizeof(err)), -1);
	free(bad);
	big[255] = '\0';
	snprintf(line, sizeof(line), "user=%s\n", big);
	bad = edit(buf, "user=alice\n", line);
	int rc255 = cg_login_record_parse(bad, strlen(bad), &back, err, sizeof(err));
	if (rc255 != 0)
		fprintf(stderr, "a 255-byte user refused: %s\n", err);
	CU_ASSERT_EQUAL(rc255, 0);
	cg_login_record_free(&back);
	free(bad);
	cg_wipe_free(buf, len);
}

static void test_format_refuses(void)
{
	struct cg_login_record r;
	char *buf = NULL;
	size_t len = 0;

	sample(&r, 1, "alice");
	char *tok = r.token;
	static const char *const bad_tokens[] = {"a.b\nc", "a.b c", "a.b=", ""};
	for (size_t i = 0; i < 4; i++) {
		r.token = (char *)bad_tokens[i];
		r.token_len = strlen(bad_tokens[i]);
		CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
		CU_ASSERT_PTR_NULL(buf);
	}
	r.token = tok;
	r.token_len = strlen(tok);
	r.user[0] = '\0';
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	cg_strlcpy(r.user, "alice", sizeof(r.user));
	r.ticket.scopes = 0;
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	r.ticket.scopes = CG_SCOPE_SUDO;
	r.key.mtime_nsec = 1000000000;
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	r.key.mtime_nsec = 0;
	/* the key binding in ssh-keygen's form only */
	cg_strlcpy(r.ssh_key, "SHA256:short", sizeof(r.ssh_key));
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	r.ssh_key[0] = '\0';
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), 0);
	cg_wipe_free(buf, len);
	buf = NULL;
	CU_ASSERT_FATAL(cg_strlist_add(&r.ticket.ssh_fp, "MD5:00") == 0);
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	/* a cmds entry over CG_CMD_MAX is refused, not cut */
	char *huge = malloc(CG_CMD_MAX + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(huge);
	memset(huge, '/', CG_CMD_MAX + 1);
	huge[CG_CMD_MAX + 1] = '\0';
	CU_ASSERT_FATAL(cg_strlist_add(&r.ticket.cmds, huge) == 0);
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	free(huge);
	cg_login_record_free(&r);
	/* the largest token and the largest lists still make a record the parser takes */
	sample(&r, 1, "alice");
	cg_wipe_free(r.token, r.token_len + 1);
	r.token = malloc(CG_TOKEN_MAX + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.token);
	memset(r.token, 'A', CG_TOKEN_MAX);
	r.token[CG_TOKEN_MAX] = '\0';
	r.token_len = CG_TOKEN_MAX;
	CU_ASSERT_EQUAL_FATAL(cg_login_record_format(&r, &buf, &len), 0);
	struct cg_login_record back;
	CU_ASSERT_EQUAL(cg_login_record_parse(buf, len, &back, NULL, 0), 0);
	CU_ASSERT_EQUAL(back.token_len, CG_TOKEN_MAX);
	cg_login_record_free(&back);
	cg_wipe_free(buf, len);
	r.token_len = CG_TOKEN_MAX + 1;
	CU_ASSERT_EQUAL(cg_login_record_format(&r, &buf, &len), -1);
	r.token_len = CG_TOKEN_MAX;
	cg_login_record_free(&r);
}

static void test_files(void)
{
	struct cg_login_record r, back;
	char err[300];

	setup();
	sample(&r, 42, "alice");
	mode_t old = umask(0);
	int rc = cg_login_record_write(run_dir, &r);
	umask(old);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	struct stat st;
	CU_ASSERT_FATAL(stat(run_dir, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0700);
	char path[512];
	snprintf(path, sizeof(path), "%s/42", run_dir);
	CU_ASSERT_FATAL(stat(path, &st) == 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);

	CU_ASSERT_EQUAL_FATAL(cg_login_record_read(run_dir, 42, "alice", &back, err, sizeof(err)),
			      0);
	assert_same(&r, &back);
	cg_login_record_free(&back);
	CU_ASSERT_EQUAL_FATAL(cg_login_record_read(run_dir, 42, NULL, &back, err, sizeof(err)), 0);
	cg_login_record_free(&back);
	/* another user, or another session, gets nothing */
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 42, "alic", &back, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NULL(back.token);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 42, "bob", &back, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 43, "alice", &back, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(errno, ENOENT);
	/* a record renamed to another session's name is not that session's */
	char other[512];
	snprintf(other, sizeof(other), "%s/44", run_dir);
	CU_ASSERT_FATAL(link(path, other) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 44, "alice", &back, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "written for session 42"));
	CU_ASSERT_FATAL(unlink(other) == 0);

	/* listed: every record, and nothing that is not one */
	cg_login_record_free(&r);
	sample(&r, 7, "bob");
	CU_ASSERT_EQUAL(cg_login_record_write(run_dir, &r), 0);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "007", "x", 0600, NULL, 0) == 0);
	CU_ASSERT_FATAL(cf_write_str(run_dir, ".tmp-1-0123456789abcdef", "x", 0600, NULL, 0) == 0);
	unsigned ids[4] = {0};
	size_t count = 0;
	CU_ASSERT_EQUAL(cg_login_record_list(run_dir, ids, 4, &count), 0);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT((ids[0] == 7 && ids[1] == 42) || (ids[0] == 42 && ids[1] == 7));
	CU_ASSERT_EQUAL(cg_login_record_list(run_dir, ids, 1, &count), 0);
	CU_ASSERT_EQUAL(count, 2);

	/* closed: renamed, no longer the open record, read, listed and removed as closed */
	char closed[600];
	snprintf(closed, sizeof(closed), "%s/closed-7", run_dir);
	CU_ASSERT_EQUAL(cg_login_record_retire(run_dir, 7), 0);
	CU_ASSERT_EQUAL(access(closed, F_OK), 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, NULL, &back, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cg_login_record_read_closed(run_dir, 7, &back, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(back.user, "bob");
	cg_login_record_free(&back);
	CU_ASSERT_EQUAL(cg_login_record_read_closed(run_dir, 42, &back, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cg_login_record_list(run_dir, ids, 4, &count), 0);
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "closed-08", "x", 0600, NULL, 0) == 0);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "closed-", "x", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_login_record_list_closed(run_dir, ids, 4, &count), 0);
	CU_ASSERT_EQUAL(count, 1);
	CU_ASSERT_EQUAL(ids[0], 7);
	/* a closed record copied under another session's name is refused */
	char other_closed[600];
	snprintf(other_closed, sizeof(other_closed), "%s/closed-9", run_dir);
	CU_ASSERT_FATAL(link(closed, other_closed) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read_closed(run_dir, 9, &back, err, sizeof(err)), -1);
	CU_ASSERT_FATAL(unlink(other_closed) == 0);
	CU_ASSERT_EQUAL(cg_login_record_retire(run_dir, 7), 0);  /* none left: fine */
	CU_ASSERT_EQUAL(cg_login_record_remove_closed(run_dir, 7), 0);
	CU_ASSERT_EQUAL(access(closed, F_OK), -1);
	CU_ASSERT_EQUAL(cg_login_record_remove_closed(run_dir, 7), 0);

	CU_ASSERT_EQUAL(cg_login_record_remove(run_dir, 42), 0);
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
	CU_ASSERT_EQUAL(cg_login_record_remove(run_dir, 42), 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 42, "alice", &back, err, sizeof(err)), -1);
	/* a missing run dir: no records, not an error */
	char none[512];
	snprintf(none, sizeof(none), "%s/none", dir);
	CU_ASSERT_EQUAL(cg_login_record_list(none, ids, 4, &count), 0);
	CU_ASSERT_EQUAL(count, 0);
	/* the run directory's parent must exist; it is not created */
	snprintf(none, sizeof(none), "%s/no/such", dir);
	CU_ASSERT_EQUAL(cg_login_record_write(none, &r), -1);
	CU_ASSERT_EQUAL(cg_login_record_write("relative", &r), -1);
	cg_login_record_free(&r);
	cf_rmtree(dir);
}

static void test_untrusted(void)
{
	struct cg_login_record r, back;
	char path[512], err[300];

	setup();
	sample(&r, 7, "alice");
	CU_ASSERT_FATAL(cg_login_record_write(run_dir, &r) == 0);
	snprintf(path, sizeof(path), "%s/7", run_dir);
	/* a record others could have written is not believed */
	CU_ASSERT_FATAL(chmod(path, 0622) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, "alice", &back, err, sizeof(err)), -1);
	CU_ASSERT_FATAL(chmod(path, 0600) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, "alice", &back, err, sizeof(err)), 0);
	cg_login_record_free(&back);
	/* nor one in a directory others can write */
	CU_ASSERT_FATAL(chmod(run_dir, 0777) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, "alice", &back, err, sizeof(err)), -1);
	r.sessionid = 8;
	CU_ASSERT_EQUAL(cg_login_record_write(run_dir, &r), -1);
	size_t count;
	unsigned ids[2];
	CU_ASSERT_EQUAL(cg_login_record_list(run_dir, ids, 2, &count), -1);
	CU_ASSERT_FATAL(chmod(run_dir, 0700) == 0);
	/* nor a symlink in its place */
	char link[512];
	snprintf(link, sizeof(link), "%s/9", run_dir);
	CU_ASSERT_FATAL(symlink(path, link) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 9, "alice", &back, err, sizeof(err)), -1);
	/* nor the old "user\ntoken\n" form, nor garbage */
	CU_ASSERT_FATAL(cf_write_str(run_dir, "10", "alice\na.b.c\n", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 10, "alice", &back, err, sizeof(err)), -1);
	CU_ASSERT_FATAL(cf_write_str(run_dir, "11", "", 0600, NULL, 0) == 0);
	CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 11, "alice", &back, err, sizeof(err)), -1);
	if (cf_is_root()) {
		CU_ASSERT_FATAL(chown(path, 65534, 65534) == 0);
		CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, "alice", &back, err, sizeof(err)),
				-1);
		CU_ASSERT_FATAL(chown(path, 0, 0) == 0);
		CU_ASSERT_FATAL(chown(run_dir, 65534, 65534) == 0);
		CU_ASSERT_EQUAL(cg_login_record_read(run_dir, 7, "alice", &back, err, sizeof(err)),
				-1);
		r.sessionid = 7;
		CU_ASSERT_EQUAL(cg_login_record_write(run_dir, &r), -1);
	} else {
		fprintf(stderr, "not root: ownership case not run\n");
	}
	cg_login_record_free(&r);
	cf_rmtree(dir);
}

static void test_session_id(void)
{
	unsigned id = 12345;
	int rc = cg_audit_session_id(&id);
	char buf[32] = "";
	int fd = open("/proc/self/sessionid", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	unsigned long want = strtoul(buf, NULL, 10);
	if (buf[0] == '\0' || want == 4294967295UL) {
		CU_ASSERT_EQUAL(rc, -1);
		CU_ASSERT_EQUAL(id, 12345); /* untouched */
	} else {
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_EQUAL(id, (unsigned)want);
	}
}

/* Field 22 of /proc/PID/stat, found after the last ')' of a name that may hold blanks. */
static void test_start_time(void)
{
	unsigned long long a = 0, b = 0;
	CU_ASSERT_EQUAL_FATAL(cg_proc_start_time(getpid(), &a), 0);
	CU_ASSERT_EQUAL(cg_proc_start_time(getpid(), &b), 0);
	CU_ASSERT_EQUAL(a, b);
	CU_ASSERT(a > 0);
	/* our parent started before us */
	CU_ASSERT_EQUAL(cg_proc_start_time(getppid(), &b), 0);
	CU_ASSERT(b <= a);
	CU_ASSERT_EQUAL(cg_proc_start_time(0, &b), -1);
	CU_ASSERT_EQUAL(cg_proc_start_time(-1, &b), -1);
	/* against an independent reading: the fields after "(name) " */
	char path[64], stat_text[4096] = "";
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)getpid());
	FILE *f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(fgets(stat_text, sizeof(stat_text), f));
	fclose(f);
	char *p = strrchr(stat_text, ')');
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	unsigned long long want = 0;
	/* fields 3..21 skipped, 22 read */
	CU_ASSERT_EQUAL(sscanf(p + 2, "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
			       "%*s %*s %*s %*s %*s %llu", &want), 1);
	CU_ASSERT_EQUAL(a, want);
}

static void test_file_id(void)
{
	struct cg_file_id a, b;
	char path[512];

	setup();
	CU_ASSERT_FATAL(cf_write_str(dir, "key.pem", "one", 0644, path, sizeof(path)) == 0);
	CU_ASSERT_EQUAL_FATAL(id_of_path(path, &a), 0);
	CU_ASSERT_EQUAL_FATAL(id_of_path(path, &b), 0);
	CU_ASSERT_TRUE(cg_file_id_equal(&a, &b));
	CU_ASSERT_EQUAL(a.size, 3);
	/* a chmod changes ctime only; a file put in its place changes the inode */
	struct timespec pause = { 0, 20000000 };
	nanosleep(&pause, NULL);
	CU_ASSERT_FATAL(chmod(path, 0600) == 0);
	CU_ASSERT_EQUAL(id_of_path(path, &b), 0);
	CU_ASSERT_FALSE(cg_file_id_equal(&a, &b));
	char other[512];
	CU_ASSERT_FATAL(cf_write_str(dir, "new.pem", "one", 0600, other, sizeof(other)) == 0);
	CU_ASSERT_FATAL(id_of_path(path, &a) == 0);
	CU_ASSERT_FATAL(rename(other, path) == 0);
	CU_ASSERT_EQUAL(id_of_path(path, &b), 0);
	CU_ASSERT_NOT_EQUAL(a.ino, b.ino);
	CU_ASSERT_FALSE(cg_file_id_equal(&a, &b));
	char *buf = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(cg_read_trusted_file_id(path, 16, &buf, &len, &a, NULL, 0), 0);
	CU_ASSERT_TRUE(cg_file_id_equal(&a, &b));
	cg_wipe_free(buf, len + 1);
	CU_ASSERT_FATAL(unlink(path) == 0);
	CU_ASSERT_EQUAL(id_of_path(path, &b), -1);
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"text form read back whole", test_text_round_trip},
		{"parser refuses what the writer never writes", test_parser_strict},
		{"writer refuses what it cannot record", test_format_refuses},
		{"files: write, read, list, remove", test_files},
		{"untrusted records", test_untrusted},
		{"audit session id", test_session_id},
		{"process start time", test_start_time},
		{"file identity", test_file_id},
		{NULL, NULL},
	};
	return cf_run("login_record", tests);
}
