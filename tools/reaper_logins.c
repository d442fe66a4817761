/*
 * The reaper's table of live gated logins. The login records (shared/login_record*.c) are
 * the truth: they are re-read on every change of the record directory and on every rescan,
 * so the reaper rebuilds everything after a restart. The table adds only what the records
 * cannot hold: whether a login was warned and when it was ended.
 */
#include <stdlib.h>
#include <string.h>

#include "reaper.h"

struct rp_login *rp_logins_find(struct rp_logins *t, unsigned sid)
{
	for (size_t i = 0; i < t->count; i++) {
		if (t->items[i].sid == sid)
			return &t->items[i];
	}
	return NULL;
}

void rp_logins_drop(struct rp_logins *t, size_t i)
{
	if (i >= t->count)
		return;
	t->items[i] = t->items[t->count - 1];
	t->count--;
}

void rp_logins_free(struct rp_logins *t)
{
	free(t->items);
	memset(t, 0, sizeof(*t));
}

static bool reported(struct rp_logins *t, unsigned sid)
{
	for (size_t i = 0; i < t->nbad; i++) {
		if (t->bad_sid[i] == sid)
			return true;
	}
	if (t->nbad < sizeof(t->bad_sid) / sizeof(t->bad_sid[0]))
		t->bad_sid[t->nbad++] = sid;
	return false;
}

static void fill(struct rp_login *l, const struct cg_login_record *r)
{
	memset(l, 0, sizeof(*l));
	l->sid = r->sessionid;
	cg_strlcpy(l->user, r->user, sizeof(l->user));
	cg_strlcpy(l->chg, r->ticket.chg, sizeof(l->chg));
	cg_strlcpy(l->jti, r->ticket.jti, sizeof(l->jti));
	cg_strlcpy(l->approver, r->ticket.approved_by, sizeof(l->approver));
	cg_strlcpy(l->tty, r->tty, sizeof(l->tty));
	cg_strlcpy(l->rhost, r->rhost, sizeof(l->rhost));
	l->leader_pid = r->leader_pid;
	l->opened = r->opened;
	l->lease.exp = r->ticket.exp;
}

/* Reads the record of sid (a closed login's when closed) into a new entry of t. */
static void add(struct rp_logins *t, const char *run_dir, unsigned sid, bool closed,
		rp_complain_fn complain)
{
	struct cg_login_record r;
	char err[256] = "";
	int rc = closed ? cg_login_record_read_closed(run_dir, sid, &r, err, sizeof(err))
			: cg_login_record_read(run_dir, sid, NULL, &r, err, sizeof(err));
	if (rc != 0) {
		/* a record removed meanwhile is a login that closed, not a fault */
		if (err[0] != '\0' && !reported(t, sid))
			complain(sid, err);
		return;
	}
	if (t->count >= RP_LOGINS_MAX) {
		if (!reported(t, sid))
			complain(sid, "too many login records: this one is not followed");
	} else {
		struct rp_login *grown = realloc(t->items, (t->count + 1) * sizeof(*grown));
		if (grown != NULL) {
			t->items = grown;
			fill(&t->items[t->count], &r);
			t->items[t->count].seen = true;
			t->items[t->count].closed = closed;
			t->count++;
		}
	}
	cg_login_record_free(&r);
}

int rp_logins_refresh(struct rp_logins *t, const char *run_dir, rp_complain_fn complain)
{
	static unsigned ids[RP_LOGINS_MAX];
	size_t n = 0;
	if (cg_login_record_list(run_dir, ids, RP_LOGINS_MAX, &n) != 0)
		return -1;
	if (n > RP_LOGINS_MAX)
		n = RP_LOGINS_MAX;
	for (size_t i = 0; i < t->count; i++)
		t->items[i].seen = false;
	for (size_t i = 0; i < n; i++) {
		struct rp_login *l = rp_logins_find(t, ids[i]);
		if (l != NULL) {
			l->seen = true;
			l->closed = false;
		} else {
			add(t, run_dir, ids[i], false, complain);
		}
	}
	/* closed logins (their record renamed at close while a reaper ran): what they left
	 * behind (nohup, setsid) still ends with their ticket, after a restart too */
	n = 0;
	if (cg_login_record_list_closed(run_dir, ids, RP_LOGINS_MAX, &n) != 0)
		return -1;
	if (n > RP_LOGINS_MAX)
		n = RP_LOGINS_MAX;
	for (size_t i = 0; i < n; i++) {
		struct rp_login *l = rp_logins_find(t, ids[i]);
		if (l == NULL) {
			add(t, run_dir, ids[i], true, complain);
		} else if (!l->seen) {
			l->seen = true;
			l->closed = true;
		}
	}
	/* a login whose record is gone altogether stays too, while this reaper runs; the
	 * caller drops it once no process is left */
	return 0;
}
