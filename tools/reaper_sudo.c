/*
 * The reaper's table of sudo leases (shared/sudo_lease.c): commands the approval plugin
 * allowed under a token that is not the login's. Like the login table it is rebuilt from
 * the files on every pass; a lease whose sudo process is gone is removed by the caller.
 */
#include <stdlib.h>
#include <string.h>

#include "reaper.h"

void rp_sudos_drop(struct rp_sudos *t, size_t i)
{
	if (i >= t->count)
		return;
	t->items[i] = t->items[t->count - 1];
	t->count--;
}

void rp_sudos_free(struct rp_sudos *t)
{
	free(t->items);
	memset(t, 0, sizeof(*t));
}

static bool reported(struct rp_sudos *t, long long pid)
{
	for (size_t i = 0; i < t->nbad; i++) {
		if (t->bad_pid[i] == pid)
			return true;
	}
	if (t->nbad < sizeof(t->bad_pid) / sizeof(t->bad_pid[0]))
		t->bad_pid[t->nbad++] = pid;
	return false;
}

static struct rp_sudo *find(struct rp_sudos *t, long long pid)
{
	for (size_t i = 0; i < t->count; i++) {
		if (t->items[i].reg.pid == pid)
			return &t->items[i];
	}
	return NULL;
}

int rp_sudos_refresh(struct rp_sudos *t, const char *run_dir, rp_sudo_complain_fn complain)
{
	static long long pids[CG_SUDO_LEASES_MAX];
	size_t n = 0;
	if (cg_sudo_lease_list(run_dir, pids, CG_SUDO_LEASES_MAX, &n) != 0)
		return -1;
	if (n > CG_SUDO_LEASES_MAX)
		n = CG_SUDO_LEASES_MAX;
	for (size_t i = 0; i < t->count; i++)
		t->items[i].seen = false;
	for (size_t i = 0; i < n; i++) {
		struct rp_sudo *s = find(t, pids[i]);
		if (s != NULL) {
			s->seen = true;
			continue;
		}
		struct cg_sudo_lease reg;
		if (cg_sudo_lease_read(run_dir, pids[i], &reg) != 0) {
			if (!reported(t, pids[i]))
				complain(pids[i]);
			continue;
		}
		struct rp_sudo *grown = realloc(t->items, (t->count + 1) * sizeof(*grown));
		if (grown == NULL)
			continue;
		t->items = grown;
		memset(&t->items[t->count], 0, sizeof(t->items[0]));
		t->items[t->count].reg = reg;
		t->items[t->count].lease.exp = reg.exp;
		t->items[t->count].seen = true;
		t->count++;
	}
	for (size_t i = t->count; i-- > 0;) {
		if (!t->items[i].seen)
			rp_sudos_drop(t, i);
	}
	return 0;
}

bool rp_sudo_alive(int procfd, const struct rp_sudo *s)
{
	struct rp_proc p;
	return rp_proc_read(procfd, (pid_t)s->reg.pid, &p) == 0 && p.start == s->reg.start &&
	       p.sid == s->reg.sessionid;
}

void rp_sudo_as_login(const struct rp_sudo *s, struct rp_login *out)
{
	memset(out, 0, sizeof(*out));
	out->sid = s->reg.sessionid;
	cg_strlcpy(out->user, s->reg.user, sizeof(out->user));
	cg_strlcpy(out->chg, s->reg.chg, sizeof(out->chg));
	cg_strlcpy(out->jti, s->reg.jti, sizeof(out->jti));
	out->leader_pid = s->reg.pid;
	out->lease = s->lease;
}
