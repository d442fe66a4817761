/*
 * Every file the core creates is root:root, whatever group it runs with: sudo runs the plugin
 * with the invoking user's gid, so a file created there would otherwise belong to the user's
 * group. Runs as root with a foreign effective gid (CI runs as root; skipped otherwise).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "changegate.h"
#include "core_fixture.h"

#define FOREIGN_GID 65534

static char dir[256];

/* Files (and directories) below d, recursively, not owned by 0:0; the first one to bad. */
static int foreign_owned(const char *d, char *bad, size_t badlen)
{
	DIR *dh = opendir(d);
	if (dh == NULL)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char p[1024];
		struct stat st;
		snprintf(p, sizeof(p), "%s/%s", d, e->d_name);
		if (lstat(p, &st) != 0)
			continue;
		if (st.st_uid != 0 || st.st_gid != 0) {
			if (n++ == 0)
				snprintf(bad, badlen, "%s (%lu:%lu)", p, (unsigned long)st.st_uid,
					 (unsigned long)st.st_gid);
		}
		if (S_ISDIR(st.st_mode))
			n += foreign_owned(p, bad, n == 0 ? badlen : 0);
	}
	closedir(dh);
	return n;
}

static void test_created_root_owned(void)
{
	if (!cf_is_root()) {
		fprintf(stderr, "not root: cannot take a foreign group, not run\n");
		return;
	}
	char state[300], run[300], list[300], newlist[300], audit[300], bad[1200] = "";
	char err[256];
	CU_ASSERT_FATAL(cf_tmpdir(dir, sizeof(dir)) == 0);
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(newlist, sizeof(newlist), "%s/new-list", dir);
	snprintf(audit, sizeof(audit), "%s/audit.json", dir);
	CU_ASSERT_FATAL(mkdir(state, 0700) == 0);
	CU_ASSERT_FATAL(cf_write_str(dir, "revoked", "jti-revoked\n", 0644, list, sizeof(list)) ==
			0);
	/* the list must have settled for its index to be written */
	struct timespec settle = { 1, 150000000 };
	nanosleep(&settle, NULL);

	CU_ASSERT_FATAL(setegid(FOREIGN_GID) == 0);
	time_t now = time(NULL);
	cg_reason replay = cg_replay_check(state, "jti-1", now + 60, now, CG_REPLAY_REDEEM);
	cg_reason revoked = cg_revocation_check(list, "jti-1", NULL, state);
	struct cg_login_record rec = { .sessionid = 7, .user = "alice",
				       .ticket = { .scopes = CG_SCOPE_LOGIN },
				       .token = (char *)"aaa.bbb.ccc", .token_len = 11 };
	int record = cg_login_record_write(run, &rec);
	struct cg_decision d = { .reason = CG_OK };
	struct cg_audit_event ev = { .front = "sudo", .event = "check", .user = "alice",
				     .decision = &d };
	int audited = cg_audit_append_json(audit, &ev, now);
	int appended = cg_revocation_append(newlist, "jti-2", err, sizeof(err));
	CU_ASSERT_FATAL(setegid(0) == 0);

	CU_ASSERT_EQUAL(replay, CG_OK);
	CU_ASSERT_EQUAL(revoked, CG_OK);
	CU_ASSERT_EQUAL(record, 0);
	CU_ASSERT_EQUAL(audited, 0);
	CU_ASSERT_EQUAL(appended, 0);
	/* what was written: the record, the index, the run dir and its record, the audit log,
	 * the new list; nothing else in dir was made under the foreign group */
	char p[600];
	snprintf(p, sizeof(p), "%s/revocation.idx", state);
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/7", run);
	CU_ASSERT_EQUAL(access(p, F_OK), 0);
	int n = foreign_owned(dir, bad, sizeof(bad));
	CU_ASSERT_EQUAL(n, 0);
	if (n != 0)
		fprintf(stderr, "%d not root:root, first %s\n", n, bad);
	cf_rmtree(dir);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"files the core creates are root:root under a foreign gid", test_created_root_owned},
		{NULL, NULL},
	};
	return cf_run("state_owner", tests);
}
