/*
 * What ending a login says: to the people on its terminals, and to the logs. Shared by the
 * reaper (a ticket's end) and `changegate end-session` (an administrator's decision).
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "cli.h"
#include "reaper.h"

static const char *why_words(enum cg_lease_why why)
{
	switch (why) {
	case CG_LEASE_REVOKED:
		return "was revoked";
	case CG_LEASE_ENDED_BY_ADMIN:
		return "was ended by an administrator";
	case CG_LEASE_EXPIRED:
	case CG_LEASE_LIVE:
		break;
	}
	return "has expired";
}

void rp_end_line(const struct rp_login *l, enum cg_lease_why why, const char *what, char *buf,
		 size_t len)
{
	char chg[CG_CLAIM_MAX + 1];
	cg_sanitize(chg, sizeof(chg), l->chg);
	snprintf(buf, len, "changegate: ticket %s %s; %s.", chg, why_words(why), what);
}

int rp_tell_session(int procfd, unsigned sid, const char *line)
{
	struct rp_ttys ttys;
	int told = 0;
	if (rp_session_count(procfd, sid, &ttys) < 0)
		return 0;
	for (size_t i = 0; i < ttys.count; i++)
		told += rp_tty_write(ttys.dev[i], line) == 0;
	return told;
}

void rp_audit_end(const struct cg_config *cfg, const struct rp_login *l, const char *event,
		  enum cg_lease_why why, long processes, const char *logind)
{
	struct cg_decision d;
	memset(&d, 0, sizeof(d));
	/* an admin's end withdraws the ticket on this host, as a revocation would */
	d.reason = why == CG_LEASE_EXPIRED ? CG_EXPIRED : CG_REVOKED;
	d.have_claims = true;
	d.verified = true;  /* the record holds claims the PAM module verified */
	cg_strlcpy(d.ticket.chg, l->chg, sizeof(d.ticket.chg));
	cg_strlcpy(d.ticket.jti, l->jti, sizeof(d.ticket.jti));
	cg_strlcpy(d.ticket.sub, l->user, sizeof(d.ticket.sub));
	cg_strlcpy(d.ticket.approved_by, l->approver, sizeof(d.ticket.approved_by));
	d.ticket.exp = l->lease.exp;
	char chg[CG_CLAIM_MAX + 1];
	cg_sanitize(chg, sizeof(chg), l->chg);
	snprintf(d.detail, sizeof(d.detail), "ticket %s %s: session %u ended", chg,
		 why_words(why), l->sid);
	struct cg_audit_event ev = {
		.front = "reaper",
		.event = event,
		.user = l->user,
		.tty = l->tty[0] != '\0' ? l->tty : NULL,
		.rhost = l->rhost[0] != '\0' ? l->rhost : NULL,
		.have_session = true,
		.sessionid = l->sid,
		.processes = processes,
		.logind = logind,
		.decision = &d,
	};
	/* the host, as the fronts name it; the audit session is the login's, not the reaper's
	 * own, so `changegate audit --session` shows a login's end with its steps */
	struct cg_audit_origin origin;
	cg_audit_origin_get(&origin);
	cg_audit_origin_set(&ev, &origin);
	ev.have_audit_session = true;
	ev.audit_session = l->sid;
	char line[2048];
	cg_audit_format(&ev, line, sizeof(line));
	syslog(LOG_AUTHPRIV | LOG_WARNING, "%s", line);
	cg_audit_journal_send(&ev, LOG_WARNING, line);
	if (cfg->audit_log != NULL && cg_audit_append_json(cfg->audit_log, &ev, time(NULL)) != 0)
		syslog(LOG_AUTHPRIV | LOG_ERR, "Error writing the audit log %s: %m", cfg->audit_log);
}
