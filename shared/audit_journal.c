/*
 * The decision as a journal entry with fields of its own (CHANGEGATE_TICKET=, ...), so that
 * `journalctl CHANGEGATE_TICKET=CHG0012345` finds every use of a ticket. It speaks journald's
 * native protocol (one datagram of KEY=value lines to /run/systemd/journal/socket, a stable
 * interface) rather than linking libsystemd: the sudo front deliberately loads nothing but
 * libc and jansson for root's and exempt users' sudo, and the entry needs no more than one
 * sendto(). Best effort, and in addition to the syslog line, which stays the primary record:
 * no journald (a container, a non-systemd host), a full socket buffer or any error costs
 * this entry only, never the decision, and never blocks (the socket is non-blocking).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "changegate.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
/* Far above a real entry (the syslog line is at most 4 KiB, each field 256 bytes). */
#define ENTRY_MAX 16384
#define FIELD_VALUE_MAX 256

struct entry {
	char buf[ENTRY_MAX];
	size_t len;
	bool full;
};

/* KEY=value\n with value made safe as in the syslog line: no newline can start a forged
 * field, so the simple form of the protocol is enough */
static void field(struct entry *e, const char *key, const char *value)
{
	char safe[FIELD_VALUE_MAX];
	if (value == NULL || e->full)
		return;
	cg_sanitize(safe, sizeof(safe), value);
	int n = snprintf(e->buf + e->len, sizeof(e->buf) - e->len, "%s=%s\n", key, safe);
	if (n < 0 || (size_t)n >= sizeof(e->buf) - e->len)
		e->full = true;
	else
		e->len += (size_t)n;
}

/* MESSAGE is the syslog line itself (already sanitised there, so kept as it is) */
static void message(struct entry *e, const char *line)
{
	int n = snprintf(e->buf + e->len, sizeof(e->buf) - e->len, "MESSAGE=%s\n", line);
	if (n < 0 || (size_t)n >= sizeof(e->buf) - e->len || strchr(line, '\n') != NULL)
		e->full = true;
	else
		e->len += (size_t)n;
}

size_t cg_audit_journal_format(const struct cg_audit_event *ev, int priority, const char *line,
			       char *buf, size_t buflen)
{
	struct entry e;
	const struct cg_decision *d = ev != NULL ? ev->decision : NULL;
	const struct cg_ticket *t = d != NULL && d->have_claims ? &d->ticket : NULL;
	cg_reason r = d != NULL ? d->reason : CG_CONFIG_ERROR;
	char num[24];

	if (ev == NULL || line == NULL || buf == NULL || buflen == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	message(&e, line);
	snprintf(num, sizeof(num), "%d", priority & 7);
	field(&e, "PRIORITY", num);
	field(&e, "SYSLOG_FACILITY", "10"); /* authpriv, as the syslog line */
	field(&e, "SYSLOG_IDENTIFIER", "changegate");
	field(&e, "CHANGEGATE_DECISION", r == CG_OK ? "allow" : "deny");
	field(&e, "CHANGEGATE_REASON", cg_reason_code(r));
	field(&e, "CHANGEGATE_FRONT", ev->front);
	field(&e, "CHANGEGATE_EVENT", ev->event);
	field(&e, "CHANGEGATE_USER", ev->user);
	field(&e, "CHANGEGATE_RHOST", ev->rhost);
	field(&e, "CHANGEGATE_TTY", ev->tty);
	field(&e, "CHANGEGATE_HOST", ev->host);
	if (ev->have_audit_session) {
		snprintf(num, sizeof(num), "%u", ev->audit_session);
		field(&e, "CHANGEGATE_AUDIT_SESSION", num);
	}
	field(&e, "CHANGEGATE_RUNAS", ev->runas);
	if (d != NULL)
		field(&e, "CHANGEGATE_VERIFIED", d->verified ? "1" : "0");
	if (t != NULL && t->chg[0] != '\0')
		field(&e, "CHANGEGATE_TICKET", t->chg);
	if (t != NULL && t->jti[0] != '\0')
		field(&e, "CHANGEGATE_JTI", t->jti);
	if (t != NULL && t->approved_by[0] != '\0')
		field(&e, "CHANGEGATE_APPROVER", t->approved_by);
	if (t != NULL && t->emergency)
		field(&e, "CHANGEGATE_EMERGENCY", "1");
	if (d != NULL && d->unrestricted)
		field(&e, "CHANGEGATE_UNRESTRICTED", "1");
	if (ev->audit_only)
		field(&e, "CHANGEGATE_AUDIT_ONLY", "1");
	/* a cut entry would lose fields silently: send none rather than part of one */
	if (e.full || e.len > buflen)
		return 0;
	memcpy(buf, e.buf, e.len);
	return e.len;
}

int cg_audit_journal_send_to(const char *socket_path, const struct cg_audit_event *ev,
			     int priority, const char *line)
{
	char entry[ENTRY_MAX];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = cg_audit_journal_format(ev, priority, line, entry, sizeof(entry));

	if (len == 0 || strlen(socket_path) >= sizeof(sa.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sa.sun_path, socket_path, strlen(socket_path) + 1);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	ssize_t n = sendto(fd, entry, len, MSG_NOSIGNAL, (const struct sockaddr *)&sa, sizeof(sa));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)len ? 0 : -1;
}

void cg_audit_journal_send(const struct cg_audit_event *ev, int priority, const char *line)
{
	/* no journald here: the syslog line is the whole record, as it always is */
	if (access(JOURNAL_SOCKET, W_OK) != 0)
		return;
	(void)cg_audit_journal_send_to(JOURNAL_SOCKET, ev, priority, line);
}
