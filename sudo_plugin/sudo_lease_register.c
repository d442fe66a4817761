/*
 * The approval plugin cannot give a command a timeout. A command allowed under the login's
 * own ticket ends with the login (the reaper ends its audit session); one allowed under
 * another token (CHANGEGATE_TOKEN, a token file, the prompt) may end earlier, so this sudo
 * process is registered, and the reaper ends it and what it runs at that token's end.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cg_sudo.h"

int cgs_lease_register(const struct cgs_ctx *c)
{
	if (c->granted_by_login || c->granted_exp == 0)
		return 0;
	/* sudo closes an approval plugin right after check, so only the reaper removes a lease
	 * once its process is gone: with no reaper running nobody would end the command or
	 * clean up, and the files would pile up in /run (require_reaper makes one mandatory) */
	if (cg_reaper_running(CG_RUNDIR) != 1)
		return 0;
	struct cg_sudo_lease l;
	memset(&l, 0, sizeof(l));
	l.pid = (long long)getpid();
	l.exp = c->granted_exp;
	cg_strlcpy(l.user, c->user.name, sizeof(l.user));
	cg_strlcpy(l.jti, c->granted_jti, sizeof(l.jti));
	cg_strlcpy(l.chg, c->granted_chg, sizeof(l.chg));
	if (cg_audit_session_id(&l.sessionid) != 0) {
		/* no login session (pam_loginuid): nothing the reaper could pin it to */
		syslog(LOG_AUTHPRIV | LOG_ERR, "changegate: no audit session id: the command "
		       "cannot be registered for the reaper and may outlive its token");
		return -1;
	}
	if (cg_proc_start_time(getpid(), &l.start) != 0 || cg_sudo_lease_write(CG_RUNDIR, &l) != 0) {
		syslog(LOG_AUTHPRIV | LOG_ERR, "changegate: Error registering the command for the "
		       "reaper in %s: %s", CG_RUNDIR, strerror(errno));
		return -1;
	}
	return 0;
}
