/* The verified login in its session: the record sudo reads, the variables the user sees, and
 * what the close needs to log and clean up. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "pam_changegate.h"

#define OPEN_DATA_KEY "changegate_session_ticket"

/* What session open learnt, kept for the close (sshd opens and closes in one process). */
struct open_info {
	char chg[CG_CLAIM_MAX + 1];
	char jti[CG_JTI_MAX + 1];
	char approved_by[CG_CLAIM_MAX + 1];
	char sub[CG_CLAIM_MAX + 1];
	long long exp;
	bool have_sid;
	unsigned sid;
};

static void free_open_info(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

static void export_ticket(struct cg_pam_ctx *ctx, const struct cg_ticket *t)
{
	char clean[CG_CLAIM_MAX + 1];
	char entry[sizeof(clean) + 64];

	cg_printable(clean, sizeof(clean), t->chg);
	snprintf(entry, sizeof(entry), "%s=%s", CG_PAM_TICKET_ENV, clean);
	if (pam_putenv(ctx->pamh, entry) != PAM_SUCCESS)
		pam_syslog(ctx->pamh, LOG_ERR, "cannot set %s", CG_PAM_TICKET_ENV);
	snprintf(entry, sizeof(entry), "%s=%lld", CG_PAM_EXPIRES_ENV, t->exp);
	if (pam_putenv(ctx->pamh, entry) != PAM_SUCCESS)
		pam_syslog(ctx->pamh, LOG_ERR, "cannot set %s", CG_PAM_EXPIRES_ENV);
}

/* The login record (shared/login_record.c): what was verified here, so that sudo in this
 * login can judge from it, the reaper can end the login with its ticket and `changegate
 * sessions` can list it. Without it sudo asks for a token: nothing opens, so a failure here
 * is logged, not fatal. */
static void record_login(struct cg_pam_ctx *ctx, const char *token, size_t len,
			 const struct cg_decision *dec, const char *ssh_key,
			 struct open_info *info)
{
	const char *rundir = cg_pam_rundir(ctx);
	struct cg_login_record *r;

	if (cg_audit_session_id(&info->sid) != 0) {
		pam_syslog(ctx->pamh, LOG_WARNING, "no audit session id (pam_loginuid must come "
			   "before pam_changegate in the session stack); sudo will ask for a token");
		return;
	}
	info->have_sid = true;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		pam_syslog(ctx->pamh, LOG_ERR, "cannot write the login record: out of memory");
		return;
	}
	r->sessionid = info->sid;
	cg_strlcpy(r->user, ctx->user, sizeof(r->user));
	cg_strlcpy(r->service, ctx->service != NULL ? ctx->service : "", sizeof(r->service));
	cg_strlcpy(r->tty, ctx->tty != NULL ? ctx->tty : "", sizeof(r->tty));
	cg_strlcpy(r->rhost, ctx->rhost != NULL ? ctx->rhost : "", sizeof(r->rhost));
	r->leader_pid = (long long)getpid();
	if (cg_proc_start_time(getpid(), &r->leader_start) != 0)
		r->leader_start = 0;
	r->opened = (long long)time(NULL);
	/* the lists stay the decision's: the record only borrows them to be written */
	r->ticket = dec->ticket;
	/* the key account checked: sudo accepts a key-bound token only through this record */
	if (ssh_key != NULL)
		cg_strlcpy(r->ssh_key, ssh_key, sizeof(r->ssh_key));
	if (dec->have_key)
		r->key = dec->key;
	r->token = (char *)token;
	r->token_len = len;
	if (!dec->have_key || cg_login_record_write(rundir, r) != 0)
		pam_syslog(ctx->pamh, LOG_ERR, "Error writing the login record in %s: %m", rundir);
	explicit_bzero(r, sizeof(*r));
	free(r);
}

static void tell_session(struct cg_pam_ctx *ctx, const struct cg_ticket *t)
{
	char chg[CG_CLAIM_MAX + 1], approver[CG_CLAIM_MAX + 1], when[64] = "?";
	time_t exp = (time_t)t->exp;
	struct tm tm;

	if (ctx->flags & PAM_SILENT)
		return;
	cg_printable(chg, sizeof(chg), t->chg);
	cg_printable(approver, sizeof(approver), t->approved_by);
	if (gmtime_r(&exp, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	pam_info(ctx->pamh, "changegate: change %s, approved by %s, valid until %s.", chg,
		 approver[0] != '\0' ? approver : "-", when);
}

void cg_pam_session_publish(struct cg_pam_ctx *ctx, const char *token, size_t len,
			    const struct cg_decision *dec, const char *ssh_key)
{
	const struct cg_ticket *t = &dec->ticket;
	struct open_info *info = calloc(1, sizeof(*info));
	struct open_info scratch;

	if (info == NULL) {
		/* the close then finds the session id again by itself */
		memset(&scratch, 0, sizeof(scratch));
		record_login(ctx, token, len, dec, ssh_key, &scratch);
	} else {
		cg_strlcpy(info->chg, t->chg, sizeof(info->chg));
		cg_strlcpy(info->jti, t->jti, sizeof(info->jti));
		cg_strlcpy(info->approved_by, t->approved_by, sizeof(info->approved_by));
		cg_strlcpy(info->sub, t->sub, sizeof(info->sub));
		info->exp = t->exp;
		record_login(ctx, token, len, dec, ssh_key, info);
		if (pam_set_data(ctx->pamh, OPEN_DATA_KEY, info, free_open_info) != PAM_SUCCESS)
			free(info);
	}
	export_ticket(ctx, t);
	tell_session(ctx, t);
}

int cg_pam_session_forget(struct cg_pam_ctx *ctx, struct cg_decision *dec)
{
	const void *data = NULL;
	const struct open_info *info = NULL;
	const char *rundir = cg_pam_rundir(ctx);
	unsigned sid;

	cg_pam_deny_with(dec, CG_OK, "session closed");
	if (pam_get_data(ctx->pamh, OPEN_DATA_KEY, &data) == PAM_SUCCESS && data != NULL) {
		info = data;
		dec->have_claims = true;
		dec->verified = true;
		cg_strlcpy(dec->ticket.chg, info->chg, sizeof(dec->ticket.chg));
		cg_strlcpy(dec->ticket.jti, info->jti, sizeof(dec->ticket.jti));
		cg_strlcpy(dec->ticket.approved_by, info->approved_by,
			   sizeof(dec->ticket.approved_by));
		cg_strlcpy(dec->ticket.sub, info->sub, sizeof(dec->ticket.sub));
		dec->ticket.exp = info->exp;
	}
	if (info != NULL && info->have_sid)
		sid = info->sid;
	else if (cg_audit_session_id(&sid) != 0)
		return PAM_SUCCESS;     /* no session id, so no record was written */
	/* While a reaper runs, the record stays as a closed login's: what the login left
	 * behind (nohup, setsid) ends with its ticket even if the reaper restarts, and the
	 * reaper removes it once the session is empty. With no reaper nobody would. */
	bool keep = cg_reaper_running(rundir) != 0;
	if ((keep ? cg_login_record_retire(rundir, sid) : cg_login_record_remove(rundir, sid)) !=
	    0) {
		pam_syslog(ctx->pamh, LOG_ERR, "Error %s the login record %u in %s: %m",
			   keep ? "closing" : "removing", sid, rundir);
		return PAM_SESSION_ERR;
	}
	return PAM_SUCCESS;
}
