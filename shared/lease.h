/*
 * Session leases: when a ticketed login (or a sudo command run under a ticket of its own)
 * must be warned, ended and killed. Pure: given the leases, the policy and a clock, it says
 * what is due and when to wake next. The reaper (tools/reaper_*.c) owns the processes, the
 * files and the clock; nothing here touches the system, so every rule is unit-tested.
 */
#ifndef CG_LEASE_H
#define CG_LEASE_H

#include <stdbool.h>
#include <stddef.h>

/* The reaper never sleeps longer than this: a safety net under inotify (a lost event, a
 * record directory that was replaced) and the bound on the "reaper_down" detection of a
 * reaper that hangs rather than dies. */
#define CG_LEASE_RESCAN 5

struct cg_lease_policy {
	long leeway;    /* the config's leeway: a ticket ends at exp + leeway, as the verifier */
	long warn;      /* session_warn: how long before the end the terminal is told */
	long grace;     /* session_grace: SIGHUP+SIGTERM, then SIGKILL this much later */
};

enum cg_lease_why {
	CG_LEASE_LIVE = 0,
	CG_LEASE_EXPIRED,
	CG_LEASE_REVOKED,
	CG_LEASE_ENDED_BY_ADMIN,        /* changegate end-session */
};

/* One lease; the reaper keeps the state fields between wake-ups. */
struct cg_lease {
	long long exp;                  /* the ticket's exp claim */
	enum cg_lease_why stop;         /* a reason to end now (revoked, admin), else LIVE */
	/* state, all zero for a lease just found */
	bool warned;                    /* the warning line was written */
	long long ended_at;             /* when SIGHUP+SIGTERM went out; 0 not yet */
	bool killed;                    /* SIGKILL went out */
};

enum cg_lease_action {
	CG_LEASE_NOTHING = 0,
	CG_LEASE_WARN,                  /* write the warning line */
	CG_LEASE_END,                   /* warn "ended", SIGHUP+SIGTERM, log session_end */
	CG_LEASE_KILL,                  /* SIGKILL what is left */
};

/* When the ticket stops being valid on this host: exp + leeway, saturating. */
long long cg_lease_end_time(const struct cg_lease *l, const struct cg_lease_policy *p);
/* Why l ends when it does at now: its stop reason, EXPIRED past the end time, else LIVE. */
enum cg_lease_why cg_lease_why_at(const struct cg_lease *l, const struct cg_lease_policy *p,
				  long long now);
/* The one action due for l at now (the most urgent: end before warn). */
enum cg_lease_action cg_lease_due(const struct cg_lease *l, const struct cg_lease_policy *p,
				  long long now);
/* Marks action as done at now (the caller did it). */
void cg_lease_done(struct cg_lease *l, enum cg_lease_action action, long long now);
/* The earliest time after now at which something becomes due for one of ls[0..n), never
 * later than now + CG_LEASE_RESCAN; now itself when something is due already. */
long long cg_lease_wakeup(const struct cg_lease *ls, size_t n, const struct cg_lease_policy *p,
			  long long now);
/* "expired", "revoked", "ended_by_admin", "live": the words of the audit line and the CLI. */
const char *cg_lease_why_code(enum cg_lease_why why);

#endif /* CG_LEASE_H */
