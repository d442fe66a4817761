/*
 * Where a decision was taken, for joining records: the host's name (many hosts feed one
 * collector) and the kernel audit session id of the login it happened in (sshd's PAM
 * session and every sudo inside that login share it, and the user cannot change it), so
 * that "which login ran which sudo" has an answer.
 */
#include <string.h>
#include <unistd.h>

#include "changegate.h"

void cg_audit_origin_get(struct cg_audit_origin *o)
{
	memset(o, 0, sizeof(*o));
	/* the kernel's name, as in the syslog header: no DNS from inside sshd or sudo */
	if (gethostname(o->host, sizeof(o->host) - 1) != 0)
		o->host[0] = '\0';
	o->host[sizeof(o->host) - 1] = '\0';
	o->have_session = cg_audit_session_id(&o->session) == 0;
}

void cg_audit_origin_set(struct cg_audit_event *ev, const struct cg_audit_origin *o)
{
	ev->host = o->host[0] != '\0' ? o->host : NULL;
	ev->have_audit_session = o->have_session;
	ev->audit_session = o->session;
}
