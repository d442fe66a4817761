/* The lease rules without processes or clocks: warn, end, kill, and the earliest wake-up. */
#include <limits.h>

#include <CUnit/CUnit.h>

#include "core_fixture.h"
#include "lease.h"

static const struct cg_lease_policy POLICY = {.leeway = 60, .warn = 300, .grace = 30};
#define EXP 1000000LL

static void test_life_of_a_lease(void)
{
	struct cg_lease l = {.exp = EXP};
	/* the end is exp + leeway: the verifier accepts the ticket until then */
	CU_ASSERT_EQUAL(cg_lease_end_time(&l, &POLICY), EXP + 60);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 60 - 301), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 60 - 300), CG_LEASE_WARN);
	cg_lease_done(&l, CG_LEASE_WARN, EXP + 60 - 300);
	/* warned once only */
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 60 - 10), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 60), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_why_at(&l, &POLICY, EXP + 60), CG_LEASE_LIVE);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 61), CG_LEASE_END);
	CU_ASSERT_EQUAL(cg_lease_why_at(&l, &POLICY, EXP + 61), CG_LEASE_EXPIRED);
	cg_lease_done(&l, CG_LEASE_END, EXP + 61);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 61 + 29), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 61 + 30), CG_LEASE_KILL);
	cg_lease_done(&l, CG_LEASE_KILL, EXP + 91);
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 1000), CG_LEASE_NOTHING);
	CU_ASSERT_STRING_EQUAL(cg_lease_why_code(CG_LEASE_EXPIRED), "expired");
}

static void test_end_skips_warning(void)
{
	/* a lease first seen past its end (reaper restarted) ends at once, no warning first */
	struct cg_lease l = {.exp = EXP};
	CU_ASSERT_EQUAL(cg_lease_due(&l, &POLICY, EXP + 5000), CG_LEASE_END);
	/* a revoked lease ends at once whatever its exp */
	struct cg_lease r = {.exp = EXP, .stop = CG_LEASE_REVOKED};
	CU_ASSERT_EQUAL(cg_lease_due(&r, &POLICY, EXP - 3600), CG_LEASE_END);
	CU_ASSERT_EQUAL(cg_lease_why_at(&r, &POLICY, EXP - 3600), CG_LEASE_REVOKED);
	CU_ASSERT_STRING_EQUAL(cg_lease_why_code(CG_LEASE_REVOKED), "revoked");
	/* session_warn = 0: no warning at all */
	struct cg_lease_policy nowarn = POLICY;
	nowarn.warn = 0;
	struct cg_lease q = {.exp = EXP};
	CU_ASSERT_EQUAL(cg_lease_due(&q, &nowarn, EXP + 60), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_wakeup(&q, 1, &nowarn, EXP + 58), EXP + 61);
	/* grace 0: SIGKILL is due as soon as the end went out */
	struct cg_lease_policy nograce = POLICY;
	nograce.grace = 0;
	cg_lease_done(&q, CG_LEASE_END, EXP + 61);
	CU_ASSERT_EQUAL(cg_lease_due(&q, &nograce, EXP + 61), CG_LEASE_KILL);
}

static void test_wakeup(void)
{
	struct cg_lease ls[3] = {
		{.exp = EXP + 10000},
		{.exp = EXP},
		{.exp = EXP + 20},
	};
	long long now = EXP + 60 - 400;
	/* nothing due before the rescan bound: wake for the rescan */
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, now), now + CG_LEASE_RESCAN);
	/* the earliest warning of all leases */
	now = EXP + 60 - 302;
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, now), EXP + 60 - 300);
	/* due now: wake now */
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, EXP + 60 - 300), EXP + 60 - 300);
	cg_lease_done(&ls[1], CG_LEASE_WARN, EXP + 60 - 300);
	cg_lease_done(&ls[2], CG_LEASE_WARN, EXP + 60 - 300);
	/* warned: the next is the first second past the end */
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, EXP + 58), EXP + 61);
	cg_lease_done(&ls[1], CG_LEASE_END, EXP + 61);
	/* ended: its kill time is the next, unless another end comes first */
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, EXP + 62), EXP + 62 + CG_LEASE_RESCAN);
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, EXP + 77), EXP + 81);
	CU_ASSERT_EQUAL(cg_lease_wakeup(ls, 3, &POLICY, EXP + 82), EXP + 82);
	/* no leases: the rescan */
	CU_ASSERT_EQUAL(cg_lease_wakeup(NULL, 0, &POLICY, 7), 7 + CG_LEASE_RESCAN);
}

static void test_extremes(void)
{
	/* far-future and far-past values saturate rather than wrap */
	struct cg_lease far = {.exp = LLONG_MAX - 5};
	CU_ASSERT_EQUAL(cg_lease_end_time(&far, &POLICY), LLONG_MAX);
	CU_ASSERT_EQUAL(cg_lease_due(&far, &POLICY, EXP), CG_LEASE_NOTHING);
	CU_ASSERT_EQUAL(cg_lease_wakeup(&far, 1, &POLICY, EXP), EXP + CG_LEASE_RESCAN);
	struct cg_lease past = {.exp = LLONG_MIN + 5};
	CU_ASSERT_EQUAL(cg_lease_due(&past, &POLICY, 0), CG_LEASE_END);
	/* a clock at 0 still marks the lease ended */
	cg_lease_done(&past, CG_LEASE_END, 0);
	CU_ASSERT_NOT_EQUAL(past.ended_at, 0);
	CU_ASSERT_EQUAL(cg_lease_due(&past, &POLICY, 0), CG_LEASE_NOTHING);
}

int main(void)
{
	static const struct cf_test tests[] = {
		{"warn, end at exp + leeway, kill after grace", test_life_of_a_lease},
		{"late, revoked, no warning, no grace", test_end_skips_warning},
		{"earliest wake-up", test_wakeup},
		{"saturating times", test_extremes},
		{NULL, NULL},
	};
	return cf_run("lease", tests);
}
