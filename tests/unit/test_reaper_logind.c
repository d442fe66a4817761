/*
 * The rule for asking systemd-logind to end a login (tools/reaper_logind_rules.c): only a
 * session whose Audit id is the login's and whose user is the login's may be named; which
 * bus answers mean "nothing there" rather than a failure; the words of the audit line.
 */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "core_fixture.h"
#include "reaper.h"

static void test_match(void)
{
	CU_ASSERT_PTR_NULL(rp_logind_mismatch(42, "alice", 42, "alice"));
}

static void test_other_audit_id(void)
{
	/* a session named "42" that logind tracks under another audit id, or under none */
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 43, "alice"));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 0, "alice"));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 4294967295u, "alice"));
}

static void test_other_user(void)
{
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 42, "bob"));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 42, "alice2"));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 42, ""));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, "alice", 42, NULL));
	CU_ASSERT_PTR_NOT_NULL(rp_logind_mismatch(42, NULL, 42, "alice"));
}

static void test_absent(void)
{
	CU_ASSERT_TRUE(rp_logind_error_is_absent(NULL, ENOENT));
	CU_ASSERT_TRUE(rp_logind_error_is_absent(NULL, ECONNREFUSED));
	CU_ASSERT_FALSE(rp_logind_error_is_absent(NULL, EACCES));
	CU_ASSERT_FALSE(rp_logind_error_is_absent(NULL, ETIMEDOUT));
	CU_ASSERT_TRUE(rp_logind_error_is_absent("org.freedesktop.DBus.Error.ServiceUnknown", 0));
	CU_ASSERT_TRUE(rp_logind_error_is_absent("org.freedesktop.DBus.Error.NameHasNoOwner", 0));
	CU_ASSERT_TRUE(rp_logind_error_is_absent("org.freedesktop.login1.NoSuchSession", 0));
	/* a refusal or a hang is a failure, never "nothing there" */
	CU_ASSERT_FALSE(rp_logind_error_is_absent("org.freedesktop.DBus.Error.AccessDenied", 0));
	CU_ASSERT_FALSE(rp_logind_error_is_absent("org.freedesktop.DBus.Error.NoReply", 0));
	CU_ASSERT_FALSE(rp_logind_error_is_absent("org.freedesktop.login1.NoSuchSessionX", 0));
	CU_ASSERT_FALSE(rp_logind_error_is_absent("", 0));
}

static void test_words(void)
{
	CU_ASSERT_STRING_EQUAL(rp_logind_word(RP_LOGIND_TERMINATED), "terminated");
	CU_ASSERT_STRING_EQUAL(rp_logind_word(RP_LOGIND_ABSENT), "absent");
	CU_ASSERT_STRING_EQUAL(rp_logind_word(RP_LOGIND_REFUSED), "refused");
	CU_ASSERT_STRING_EQUAL(rp_logind_word(RP_LOGIND_FAILED), "failed");
}

int main(void)
{
	static const struct cf_test tests[] = {
		{ "a session with the login's Audit id and user may be ended", test_match },
		{ "another Audit id is refused", test_other_audit_id },
		{ "another user is refused", test_other_user },
		{ "which answers mean absent", test_absent },
		{ "the audit line's words", test_words },
		{ NULL, NULL },
	};
	return cf_run("reaper_logind", tests);
}
