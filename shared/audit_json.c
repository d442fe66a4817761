/*
 * The auditors' copy of each decision: one JSON object a line, appended to a root-only file
 * with a single write(2) so that concurrent writers never interleave within a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_log.h"
#include "changegate.h"
#include "state_file.h"

/* One string value, one argument of cmd, and a whole record, at most. Every value is capped
 * so that the worst case (all fields at their cap, every byte escaped) still fits the record
 * cap: an attacker's long arguments must not push a decision out of the audit log. */
#define JSON_VALUE_MAX 512
#define JSON_ARG_MAX 256
#define JSON_RECORD_MAX 65536

/* Printable ASCII is kept (put_quoted escapes quotes); every other byte, and the backslash that
 * would make our escapes ambiguous, becomes \xNN. The result is always valid UTF-8. With
 * keep_escapes (a detail, whose claims were sanitised where they entered it), a \xNN escape
 * already there is kept as it is rather than escaped a second time. */
static void json_clean(char *dst, size_t dstlen, const char *src, bool keep_escapes)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
		/* a kept escape is one unit of four bytes: a cut inside it would leave a raw
		 * backslash, which a reader could not tell from the start of an escape */
		size_t kept = keep_escapes ? cg_escape_len((const char *)p) : 0;
		bool plain = *p >= 0x20 && *p < 0x7f && *p != '\\';
		size_t need = kept > 0 ? kept : plain ? 1 : 4;
		if (o + need + 4 > dstlen) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (kept > 0) {
			memcpy(dst + o, p, kept);
			o += kept;
			p += kept - 1;
		} else if (plain) {
			dst[o++] = (char)*p;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 0xf];
		}
	}
	dst[o] = '\0';
}

/* The record is written straight into one buffer: jansson would cost every sudo call its
 * load (the front end needs JSON for nothing else) and a tree of small allocations. After
 * json_clean a value is printable ASCII and needs JSON's escape only for '"' and '\\'; keys
 * are our own literals. The form is jansson's compact one: no blanks, keys in this order. */
struct jw {
	char *buf;
	size_t len, cap;
	bool full; /* the record would pass JSON_RECORD_MAX */
	bool first; /* no member written yet */
};

static void put(struct jw *w, const char *s, size_t n)
{
	if (w->full || n > w->cap - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put_s(struct jw *w, const char *s)
{
	put(w, s, strlen(s));
}

/* a JSON string of a value json_clean left: printable ASCII, where only '"' and the
 * backslash of a kept \xNN escape need JSON's escape */
static void put_quoted(struct jw *w, const char *clean)
{
	put(w, "\"", 1);
	for (const char *p = clean; *p != '\0'; p++) {
		size_t run = strcspn(p, "\"\\");
		put(w, p, run);
		p += run;
		if (*p == '\0')
			break;
		put(w, *p == '"' ? "\\\"" : "\\\\", 2);
	}
	put(w, "\"", 1);
}

static void put_key(struct jw *w, const char *key)
{
	put(w, w->first ? "\"" : ",\"", w->first ? 1 : 2);
	w->first = false;
	put_s(w, key);
	put(w, "\":", 2);
}

static void set_int(struct jw *w, const char *key, long long v)
{
	char num[24];
	put_key(w, key);
	snprintf(num, sizeof(num), "%lld", v);
	put_s(w, num);
}

static void set_bool(struct jw *w, const char *key, bool v)
{
	put_key(w, key);
	put_s(w, v ? "true" : "false");
}

static void set_cleaned(struct jw *w, const char *key, const char *value, bool keep_escapes)
{
	if (value == NULL)
		return;
	char clean[JSON_VALUE_MAX];
	json_clean(clean, sizeof(clean), value, keep_escapes);
	put_key(w, key);
	put_quoted(w, clean);
}

/* Sets key to the cleaned string; absent values are left out. */
static void set_str(struct jw *w, const char *key, const char *value)
{
	set_cleaned(w, key, value, false);
}

static void set_ticket(struct jw *w, const struct cg_decision *d)
{
	const struct cg_ticket *t = &d->ticket;
	if (t->chg[0] != '\0')
		set_str(w, "ticket", t->chg);
	if (t->jti[0] != '\0')
		set_str(w, "jti", t->jti);
	if (t->sub[0] != '\0')
		set_str(w, "sub", t->sub);
	if (t->approved_by[0] != '\0')
		set_str(w, "approver", t->approved_by);
	if (t->reason[0] != '\0')
		set_str(w, "change_reason", t->reason);
	if (t->exp != 0)
		set_int(w, "expires", t->exp);
	if (t->emergency)
		set_bool(w, "emergency", true);
}

static void set_cmd(struct jw *w, const struct cg_audit_event *ev)
{
	put_key(w, "cmd");
	put(w, "[", 1);
	for (size_t i = 0; i < ev->argc && i < CG_LIST_MAX; i++) {
		char clean[JSON_ARG_MAX];
		json_clean(clean, sizeof(clean), ev->argv[i] != NULL ? ev->argv[i] : "", false);
		if (i > 0)
			put(w, ",", 1);
		put_quoted(w, clean);
	}
	put(w, "]", 1);
	if (ev->argc > CG_LIST_MAX)
		set_bool(w, "cmd_truncated", true);
}

static void build(struct jw *w, const struct cg_audit_event *ev, time_t now)
{
	const struct cg_decision *d = ev->decision;
	cg_reason r = d != NULL ? d->reason : CG_CONFIG_ERROR;
	put(w, "{", 1);
	set_int(w, "time", (long long)now);
	set_str(w, "decision", r == CG_OK ? "allow" : "deny");
	set_str(w, "reason", cg_reason_code(r));
	set_str(w, "front", ev->front);
	set_str(w, "event", ev->event);
	set_str(w, "user", ev->user);
	set_str(w, "service", ev->service);
	set_str(w, "rhost", ev->rhost);
	set_str(w, "tty", ev->tty);
	set_str(w, "host", ev->host);
	if (ev->have_audit_session)
		set_int(w, "audit_session", (long long)ev->audit_session);
	set_str(w, "runas", ev->runas);
	set_str(w, "runas_group", ev->runas_group);
	if (ev->argv != NULL && ev->argc > 0)
		set_cmd(w, ev);
	set_str(w, "cwd", ev->cwd);
	if (d != NULL) {
		set_bool(w, "verified", d->verified);
		if (d->have_claims)
			set_ticket(w, d);
		if (d->unrestricted)
			set_bool(w, "unrestricted", true);
		if (d->detail[0] != '\0')
			set_cleaned(w, "detail", d->detail, true);
	}
	if (cg_audit_is_emergency(ev))
		set_bool(w, "alert", true);
	if (ev->audit_only)
		set_bool(w, "audit_only", true);
	if (ev->have_session) {
		set_int(w, "session", (long long)ev->sessionid);
		set_int(w, "processes", (long long)ev->processes);
		set_str(w, "logind", ev->logind);
	}
	put(w, "}\n", 2);
}

int cg_audit_append_json(const char *path, const struct cg_audit_event *ev, time_t now)
{
	if (path == NULL || path[0] != '/' || ev == NULL) {
		errno = EINVAL;
		return -1;
	}
	/* the cap holds the newline: a record that would not fit is refused, not cut */
	struct jw w = { .cap = JSON_RECORD_MAX, .first = true };
	w.buf = malloc(w.cap);
	if (w.buf == NULL) {
		errno = ENOMEM;
		return -1;
	}
	build(&w, ev, now);
	char *text = w.buf;
	size_t n = w.len - 1; /* the record without its newline */
	int rc = -1;
	if (w.full) {
		errno = EMSGSIZE;
		goto out;
	}
	/* created here: root:root at once (under sudo it would be the user's group) */
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY;
	int fd = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (fd >= 0 && cg_own_by_root(fd) != 0) {
		close(fd); /* not removed: another writer may have appended to it already */
		goto out;
	}
	if (fd < 0 && errno == EEXIST)
		fd = open(path, flags);
	if (fd < 0)
		goto out;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		errno = EPERM;
		goto out;
	}
	ssize_t wrote = write(fd, text, n + 1);
	int e = errno;
	if (close(fd) == 0 && wrote == (ssize_t)(n + 1))
		rc = 0;
	else
		errno = wrote < 0 ? e : EIO;
out:
	free(text);
	return rc;
}
