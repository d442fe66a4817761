/*
 * The lease rules (lease.h): warn at end - session_warn, end at exp + leeway or at a stop,
 * kill at end + session_grace. Time is a number the caller gives, so tests need no clock.
 */
#include <limits.h>

#include "lease.h"

/* a + b without overflow: a lease far in the future must not wrap into the past */
static long long add_sat(long long a, long long b)
{
	if (b > 0 && a > LLONG_MAX - b)
		return LLONG_MAX;
	if (b < 0 && a < LLONG_MIN - b)
		return LLONG_MIN;
	return a + b;
}

long long cg_lease_end_time(const struct cg_lease *l, const struct cg_lease_policy *p)
{
	return add_sat(l->exp, p->leeway > 0 ? p->leeway : 0);
}

enum cg_lease_why cg_lease_why_at(const struct cg_lease *l, const struct cg_lease_policy *p,
				  long long now)
{
	if (l->stop != CG_LEASE_LIVE)
		return l->stop;
	/* exp + leeway is the last second the verifier would still accept */
	return now > cg_lease_end_time(l, p) ? CG_LEASE_EXPIRED : CG_LEASE_LIVE;
}

enum cg_lease_action cg_lease_due(const struct cg_lease *l, const struct cg_lease_policy *p,
				  long long now)
{
	if (l->ended_at != 0) {
		if (!l->killed && now >= add_sat(l->ended_at, p->grace))
			return CG_LEASE_KILL;
		return CG_LEASE_NOTHING;
	}
	if (cg_lease_why_at(l, p, now) != CG_LEASE_LIVE)
		return CG_LEASE_END;
	if (!l->warned && p->warn > 0 && now >= add_sat(cg_lease_end_time(l, p), -p->warn))
		return CG_LEASE_WARN;
	return CG_LEASE_NOTHING;
}

void cg_lease_done(struct cg_lease *l, enum cg_lease_action action, long long now)
{
	switch (action) {
	case CG_LEASE_WARN:
		l->warned = true;
		break;
	case CG_LEASE_END:
		l->warned = true;
		/* 0 means "not ended": a clock at the epoch still marks it */
		l->ended_at = now > 0 ? now : 1;
		break;
	case CG_LEASE_KILL:
		l->killed = true;
		break;
	case CG_LEASE_NOTHING:
		break;
	}
}

/* The next time after now at which l needs attention, LLONG_MAX for never. */
static long long lease_next(const struct cg_lease *l, const struct cg_lease_policy *p,
			    long long now)
{
	if (cg_lease_due(l, p, now) != CG_LEASE_NOTHING)
		return now;
	if (l->ended_at != 0)
		return l->killed ? LLONG_MAX : add_sat(l->ended_at, p->grace);
	long long end = add_sat(cg_lease_end_time(l, p), 1);  /* first second past the end */
	if (!l->warned && p->warn > 0) {
		long long warn = add_sat(cg_lease_end_time(l, p), -p->warn);
		if (warn < end)
			return warn;
	}
	return end;
}

long long cg_lease_wakeup(const struct cg_lease *ls, size_t n, const struct cg_lease_policy *p,
			  long long now)
{
	long long next = add_sat(now, CG_LEASE_RESCAN);
	for (size_t i = 0; i < n; i++) {
		long long t = lease_next(&ls[i], p, now);
		if (t < next)
			next = t;
	}
	return next < now ? now : next;
}

const char *cg_lease_why_code(enum cg_lease_why why)
{
	switch (why) {
	case CG_LEASE_EXPIRED:
		return "expired";
	case CG_LEASE_REVOKED:
		return "revoked";
	case CG_LEASE_ENDED_BY_ADMIN:
		return "ended_by_admin";
	case CG_LEASE_LIVE:
		break;
	}
	return "live";
}
