/*
 * The auditors' copy of each decision: one JSON object a line, appended to a root-only file
 * with a single write(2) so that concurrent writers never interleave within a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "audit_log.h"
#include "changegate.h"
#include "state_file.h"

/* One string value, one argument of cmd, and a whole record, at most. Every value is capped
 * so that the worst case (all fields at their cap, every byte escaped) still fits the record
 * cap: an attacker's long arguments must not push a decision out of the audit log. */
#define JSON_VALUE_MAX 512
#define JSON_ARG_MAX 256
#define JSON_RECORD_MAX 65536

/* Printable ASCII is kept (jansson escapes quotes); every other byte, and the backslash that
 * would make our escapes ambiguous, becomes \xNN. The result is always valid UTF-8. With
 * keep_escapes (a detail, whose claims were sanitised where they entered it), a \xNN escape
 * already there is kept as it is rather than escaped a second time. */
static void json_clean(char *dst, size_t dstlen, const char *src, bool keep_escapes)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
		bool escape = keep_escapes && cg_escape_len((const char *)p) > 0;
		bool plain = escape || (*p >= 0x20 && *p < 0x7f && *p != '\\');
		size_t need = plain ? 1 : 4;
		if (o + need + 4 > dstlen) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (plain) {
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

static int set_cleaned(json_t *obj, const char *key, const char *value, bool keep_escapes)
{
	if (value == NULL)
		return 0;
	char clean[JSON_VALUE_MAX];
	json_clean(clean, sizeof(clean), value, keep_escapes);
	return json_object_set_new(obj, key, json_string(clean));
}

/* Sets key to the cleaned string; absent values are left out. 0 or -1. */
static int set_str(json_t *obj, const char *key, const char *value)
{
	return set_cleaned(obj, key, value, false);
}

static int set_ticket(json_t *o, const struct cg_decision *d)
{
	const struct cg_ticket *t = &d->ticket;
	int rc = 0;
	if (t->chg[0] != '\0')
		rc |= set_str(o, "ticket", t->chg);
	if (t->jti[0] != '\0')
		rc |= set_str(o, "jti", t->jti);
	if (t->sub[0] != '\0')
		rc |= set_str(o, "sub", t->sub);
	if (t->approved_by[0] != '\0')
		rc |= set_str(o, "approver", t->approved_by);
	if (t->reason[0] != '\0')
		rc |= set_str(o, "change_reason", t->reason);
	if (t->exp != 0)
		rc |= json_object_set_new(o, "expires", json_integer(t->exp));
	if (t->emergency)
		rc |= json_object_set_new(o, "emergency", json_true());
	return rc;
}

static json_t *build(const struct cg_audit_event *ev, time_t now)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	const struct cg_decision *d = ev->decision;
	cg_reason r = d != NULL ? d->reason : CG_CONFIG_ERROR;
	int rc = 0;
	rc |= json_object_set_new(o, "time", json_integer((json_int_t)now));
	rc |= json_object_set_new(o, "decision", json_string(r == CG_OK ? "allow" : "deny"));
	rc |= json_object_set_new(o, "reason", json_string(cg_reason_code(r)));
	rc |= set_str(o, "front", ev->front);
	rc |= set_str(o, "event", ev->event);
	rc |= set_str(o, "user", ev->user);
	rc |= set_str(o, "service", ev->service);
	rc |= set_str(o, "rhost", ev->rhost);
	rc |= set_str(o, "tty", ev->tty);
	rc |= set_str(o, "host", ev->host);
	if (ev->have_audit_session)
		rc |= json_object_set_new(o, "audit_session", json_integer(ev->audit_session));
	rc |= set_str(o, "runas", ev->runas);
	rc |= set_str(o, "runas_group", ev->runas_group);
	if (ev->argv != NULL && ev->argc > 0) {
		json_t *cmd = json_array();
		for (size_t i = 0; cmd != NULL && i < ev->argc && i < CG_LIST_MAX; i++) {
			char clean[JSON_ARG_MAX];
			json_clean(clean, sizeof(clean), ev->argv[i] != NULL ? ev->argv[i] : "",
				   false);
			rc |= json_array_append_new(cmd, json_string(clean));
		}
		rc |= json_object_set_new(o, "cmd", cmd);
		if (ev->argc > CG_LIST_MAX)
			rc |= json_object_set_new(o, "cmd_truncated", json_true());
	}
	rc |= set_str(o, "cwd", ev->cwd);
	if (d != NULL) {
		rc |= json_object_set_new(o, "verified", json_boolean(d->verified));
		if (d->have_claims)
			rc |= set_ticket(o, d);
		if (d->unrestricted)
			rc |= json_object_set_new(o, "unrestricted", json_true());
		if (d->detail[0] != '\0')
			rc |= set_cleaned(o, "detail", d->detail, true);
	}
	if (cg_audit_is_emergency(ev))
		rc |= json_object_set_new(o, "alert", json_true());
	if (ev->audit_only)
		rc |= json_object_set_new(o, "audit_only", json_true());
	if (ev->have_session) {
		rc |= json_object_set_new(o, "session", json_integer((json_int_t)ev->sessionid));
		rc |= json_object_set_new(o, "processes", json_integer((json_int_t)ev->processes));
		rc |= set_str(o, "logind", ev->logind);
	}
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int cg_audit_append_json(const char *path, const struct cg_audit_event *ev, time_t now)
{
	if (path == NULL || path[0] != '/' || ev == NULL) {
		errno = EINVAL;
		return -1;
	}
	json_t *o = build(ev, now);
	if (o == NULL) {
		errno = ENOMEM;
		return -1;
	}
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	size_t n = strlen(text);
	int rc = -1;
	if (n + 1 > JSON_RECORD_MAX) {
		errno = EMSGSIZE;
		goto out;
	}
	text[n] = '\n'; /* replaces the NUL: the buffer is written by length from here on */
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
	ssize_t w = write(fd, text, n + 1);
	int e = errno;
	if (close(fd) == 0 && w == (ssize_t)(n + 1))
		rc = 0;
	else
		errno = w < 0 ? e : EIO;
out:
	free(text);
	return rc;
}
