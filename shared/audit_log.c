/*
 * One log line per decision, for syslog: key=value fields in a fixed order, every untrusted
 * value through cg_sanitize so that nobody can forge a field or a line. The token itself is
 * never part of it.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "audit_log.h"
#include "changegate.h"

/* One sanitised value; longer ones are cut and marked "...". */
#define AUDIT_VALUE_MAX 256
/* A quoted, multi-word value (cmd, detail). */
#define AUDIT_WORDS_MAX 1024
/* The incident reason of a break-glass token, in bytes before escaping: enough to read,
 * short enough that the detail after it still fits the line. */
#define AUDIT_REASON_MAX 160

/* How a value is made safe: raw untrusted bytes, or text whose untrusted parts were already
 * sanitised where they entered it (a detail), which must not be escaped a second time. */
typedef void (*sanitizer)(char *dst, size_t dstlen, const char *src);

struct line {
	char *buf;
	size_t cap;
	size_t len;
	bool full; /* a field did not fit: later fields are dropped, never half-written */
};

static void add_raw(struct line *l, const char *key, const char *value)
{
	if (l->full)
		return;
	size_t need = (l->len > 0 ? 1 : 0) + strlen(key) + 1 + strlen(value);
	if (l->len + need + 1 > l->cap) {
		l->full = true;
		return;
	}
	l->len += (size_t)snprintf(l->buf + l->len, l->cap - l->len, "%s%s=%s",
				   l->len > 0 ? " " : "", key, value);
}

static void add_value(struct line *l, const char *key, const char *value)
{
	if (value == NULL)
		return;
	char safe[AUDIT_VALUE_MAX];
	cg_sanitize(safe, sizeof(safe), value);
	add_raw(l, key, safe);
}

/* Appends one sanitised word to a quoted value; false once out of room ("..." marks it). */
static bool add_word(char *dst, size_t cap, size_t *off, const char *word, sanitizer clean)
{
	char safe[AUDIT_VALUE_MAX];
	clean(safe, sizeof(safe), word);
	size_t sep = *off > 1 ? 1 : 0, n = strlen(safe);
	/* keep room for the "..." mark, the closing quote and the NUL */
	if (*off + sep + n + 5 > cap) {
		memcpy(dst + *off, "...", 3);
		*off += 3;
		return false;
	}
	if (sep)
		dst[(*off)++] = ' ';
	memcpy(dst + *off, safe, n);
	*off += n;
	return true;
}

/* "word word ..." with each word sanitised: readable, and still one field. */
static void add_words(struct line *l, const char *key, const char *const *words, size_t n,
		      sanitizer clean)
{
	char q[AUDIT_WORDS_MAX];
	size_t off = 0;
	q[off++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (!add_word(q, sizeof(q), &off, words[i], clean))
			break;
	}
	q[off++] = '"';
	q[off] = '\0';
	add_raw(l, key, q);
}

/* Free text split into words on spaces, each word cleaned by clean, quoted as one field. */
static void add_text(struct line *l, const char *key, const char *text, sanitizer clean)
{
	const char *words[AUDIT_WORDS_MAX / 2];
	char copy[CG_DETAIL_MAX];
	cg_strlcpy(copy, text, sizeof(copy));
	size_t n = 0;
	char *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w != NULL && n < sizeof(words) / sizeof(*words);
	     w = strtok_r(NULL, " ", &save))
		words[n++] = w;
	add_words(l, key, words, n, clean);
}

/* The token's reason claim, cut to AUDIT_REASON_MAX bytes ("..." marks a cut) before it is
 * sanitised word by word. */
static void add_reason(struct line *l, const char *reason)
{
	char cut[AUDIT_REASON_MAX + 1];
	if (cg_strlcpy(cut, reason, sizeof(cut)) >= sizeof(cut))
		memcpy(cut + AUDIT_REASON_MAX - 3, "...", 3);
	add_text(l, "change_reason", cut, cg_sanitize);
}

size_t cg_audit_format(const struct cg_audit_event *ev, char *buf, size_t buflen)
{
	if (buf == NULL || buflen == 0)
		return 0;
	buf[0] = '\0';
	if (ev == NULL)
		return 0;
	struct line l = {.buf = buf, .cap = buflen};
	const struct cg_decision *d = ev->decision;
	cg_reason r = d != NULL ? d->reason : CG_CONFIG_ERROR;
	const struct cg_ticket *t = d != NULL && d->have_claims ? &d->ticket : NULL;

	add_raw(&l, "decision", r == CG_OK ? "allow" : "deny");
	add_raw(&l, "reason", cg_reason_code(r));
	add_value(&l, "front", ev->front);
	add_value(&l, "event", ev->event);
	add_value(&l, "user", ev->user);
	add_value(&l, "service", ev->service);
	add_value(&l, "rhost", ev->rhost);
	add_value(&l, "tty", ev->tty);
	add_value(&l, "host", ev->host);
	if (ev->have_audit_session) {
		char num[16];
		snprintf(num, sizeof(num), "%u", ev->audit_session);
		add_raw(&l, "audit_session", num);
	}
	add_value(&l, "runas", ev->runas);
	add_value(&l, "runas_group", ev->runas_group);
	if (ev->argv != NULL && ev->argc > 0)
		add_words(&l, "cmd", ev->argv, ev->argc, cg_sanitize);
	add_value(&l, "cwd", ev->cwd);
	/* claims from a token whose signature failed are whatever its author typed: mark them */
	if (d != NULL)
		add_raw(&l, "verified", d->verified ? "1" : "0");
	if (t != NULL) {
		if (t->chg[0] != '\0')
			add_value(&l, "ticket", t->chg);
		if (t->jti[0] != '\0')
			add_value(&l, "jti", t->jti);
		if (t->approved_by[0] != '\0')
			add_value(&l, "approver", t->approved_by);
		if (t->exp != 0) {
			char num[32];
			snprintf(num, sizeof(num), "%lld", t->exp);
			add_raw(&l, "expires", num);
		}
		if (t->emergency)
			add_raw(&l, "emergency", "1");
		/* whoever reads a break-glass line needs the incident it was broken for */
		if (t->emergency && t->reason[0] != '\0')
			add_reason(&l, t->reason);
	}
	if (d != NULL && d->unrestricted)
		add_raw(&l, "unrestricted", "yes");
	if (ev->audit_only)
		add_raw(&l, "audit_only", "1");
	if (ev->have_session) {
		char num[32];
		snprintf(num, sizeof(num), "%u", ev->sessionid);
		add_raw(&l, "session", num);
		snprintf(num, sizeof(num), "%ld", ev->processes);
		add_raw(&l, "processes", num);
		add_value(&l, "logind", ev->logind);
	}
	if (d != NULL && d->detail[0] != '\0')
		add_text(&l, "detail", d->detail, cg_sanitize_text);
	return l.len;
}

bool cg_audit_is_emergency(const struct cg_audit_event *ev)
{
	const struct cg_decision *d = ev != NULL ? ev->decision : NULL;
	return d != NULL && d->have_claims && d->verified && d->ticket.emergency;
}

int cg_audit_priority(const struct cg_audit_event *ev)
{
	/* only a verified break-glass token alerts: a forged one must not page anybody */
	if (cg_audit_is_emergency(ev))
		return LOG_ALERT;
	/* a ticket for every command is allowed to exist, never to pass quietly */
	if (ev != NULL && ev->decision != NULL && ev->decision->reason == CG_OK &&
	    !ev->decision->unrestricted)
		return LOG_NOTICE;
	return LOG_WARNING;
}
