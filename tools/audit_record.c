/*
 * One record of the JSON audit log, for `changegate audit`. The log is root-written, but it is
 * read here as data: a record is one JSON object with no duplicate key and an integer time;
 * every other field we name must have the type the writers give it (audit_json.c), or the
 * record is refused as a whole; fields we do not name (events added later, such as the
 * reaper's session_end) are kept and shown generically. Nothing from a record reaches the
 * terminal unescaped or uncut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit_view.h"
#include "cli.h"

/* A value shown in the timeline, in bytes before escaping: a hostile record must not flood
 * the terminal. Longer ones end in "...". */
#define SHOW_MAX 200
/* Fields of an unknown event shown generically, at most. */
#define GENERIC_MAX 12

enum kind { STR, INT, BOOL, ARR };

static const struct {
	const char *key;
	enum kind kind;
} known[] = {
	{ "time", INT }, { "decision", STR }, { "reason", STR }, { "front", STR },
	{ "event", STR }, { "user", STR }, { "service", STR }, { "rhost", STR }, { "tty", STR },
	{ "host", STR }, { "audit_session", INT }, { "runas", STR }, { "runas_group", STR },
	{ "cmd", ARR }, { "cmd_truncated", BOOL }, { "cwd", STR }, { "verified", BOOL },
	{ "ticket", STR }, { "jti", STR }, { "sub", STR }, { "approver", STR },
	{ "change_reason", STR }, { "expires", INT }, { "emergency", BOOL },
	{ "unrestricted", BOOL }, { "detail", STR }, { "alert", BOOL }, { "audit_only", BOOL },
};

static int known_index(const char *key)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(known[i].key, key) == 0)
			return (int)i;
	}
	return -1;
}

static bool has_kind(const json_t *v, enum kind k)
{
	switch (k) {
	case STR:
		return json_is_string(v);
	case INT:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	case BOOL:
		return json_is_boolean(v);
	case ARR:
		if (!json_is_array(v) || json_array_size(v) > CG_LIST_MAX)
			return false;
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (!json_is_string(json_array_get(v, i)))
				return false;
		}
		return true;
	}
	return false;
}

int cli_audit_parse(const char *line, size_t len, struct cli_audit_rec *r, char *err,
		    size_t errlen)
{
	json_error_t jerr;
	const char *key;
	json_t *v;

	memset(r, 0, sizeof(*r));
	r->obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r->obj == NULL || !json_is_object(r->obj)) {
		snprintf(err, errlen, "not a JSON object%s%.120s", r->obj ? "" : ": ",
			 r->obj ? "" : jerr.text);
		cli_audit_free(r);
		return -1;
	}
	json_object_foreach(r->obj, key, v) {
		int i = known_index(key);
		if (i >= 0 && !has_kind(v, known[i].kind)) {
			char safe[80];
			cg_sanitize(safe, sizeof(safe), key);
			snprintf(err, errlen, "field %s has the wrong type", safe);
			cli_audit_free(r);
			return -1;
		}
	}
	if (json_object_get(r->obj, "time") == NULL) {
		snprintf(err, errlen, "no time");
		cli_audit_free(r);
		return -1;
	}
	r->time = json_integer_value(json_object_get(r->obj, "time"));
	return 0;
}

void cli_audit_free(struct cli_audit_rec *r)
{
	json_decref(r->obj);
	r->obj = NULL;
}

const char *cli_audit_str(const struct cli_audit_rec *r, const char *key)
{
	return json_string_value(json_object_get(r->obj, key));
}

bool cli_audit_num(const struct cli_audit_rec *r, const char *key, long long *out)
{
	json_t *v = json_object_get(r->obj, key);
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool flag(const struct cli_audit_rec *r, const char *key)
{
	return json_is_true(json_object_get(r->obj, key));
}

/* s escaped, cut at SHOW_MAX bytes */
static void put(FILE *f, const char *s)
{
	char cut[SHOW_MAX + 4];
	if (s == NULL) {
		fputc('-', f);
		return;
	}
	if (cg_strlcpy(cut, s, SHOW_MAX + 1) > SHOW_MAX)
		memcpy(cut + SHOW_MAX, "...", 4);
	cli_put_safe(f, cut);
}

static void put_cmd(FILE *f, const json_t *cmd)
{
	for (size_t i = 0; i < json_array_size(cmd); i++) {
		if (i > 0)
			fputc(' ', f);
		put(f, json_string_value(json_array_get(cmd, i)));
	}
}

/* key=value for every field that is not one of ours: an event of a kind we do not know */
static void put_generic(FILE *f, const struct cli_audit_rec *r)
{
	const char *key;
	json_t *v;
	unsigned n = 0;

	json_object_foreach(r->obj, key, v) {
		if (known_index(key) >= 0)
			continue;
		if (n++ == GENERIC_MAX) {
			fputs(" ...", f);
			break;
		}
		fputc(' ', f);
		put(f, key);
		fputc('=', f);
		if (json_is_string(v)) {
			put(f, json_string_value(v));
		} else if (json_is_integer(v)) {
			fprintf(f, "%lld", (long long)json_integer_value(v));
		} else if (json_is_boolean(v)) {
			fputs(json_is_true(v) ? "true" : "false", f);
		} else {
			fputs(json_is_array(v) ? "[...]" : json_is_object(v) ? "{...}" : "?", f);
		}
	}
}

static void put_what(FILE *f, const struct cli_audit_rec *r)
{
	const char *front = cli_audit_str(r, "front"), *event = cli_audit_str(r, "event");
	bool pam = front != NULL && strcmp(front, "pam") == 0;
	bool sudo = front != NULL && strcmp(front, "sudo") == 0;

	if (pam) {
		fputs("ssh ", f);
		put(f, event);
		if (cli_audit_str(r, "rhost") != NULL) {
			fputs(" from ", f);
			put(f, cli_audit_str(r, "rhost"));
		}
	} else if (sudo) {
		fputs("sudo", f);
		if (cli_audit_str(r, "runas") != NULL) {
			fputs(" as ", f);
			put(f, cli_audit_str(r, "runas"));
			if (cli_audit_str(r, "runas_group") != NULL) {
				fputc(':', f);
				put(f, cli_audit_str(r, "runas_group"));
			}
		}
		fputc(' ', f);
		put_cmd(f, json_object_get(r->obj, "cmd"));
	} else {
		put(f, front);
		fputc(' ', f);
		put(f, event);
	}
	put_generic(f, r);
}

static void put_result(FILE *f, const struct cli_audit_rec *r)
{
	const char *decision = cli_audit_str(r, "decision"), *reason = cli_audit_str(r, "reason");

	if (decision == NULL) {
		fputs("-", f);
	} else if (strcmp(decision, "allow") == 0) {
		fputs("allow", f);
	} else {
		fputs(flag(r, "audit_only") ? "would deny " : "deny ", f);
		put(f, reason);
		if (flag(r, "audit_only"))
			fputs(" (audit_only: let through)", f);
	}
	if (flag(r, "emergency"))
		fputs(", BREAK-GLASS", f);
	if (flag(r, "unrestricted"))
		fputs(", unrestricted ticket", f);
}

void cli_audit_print_text(FILE *f, const struct cli_audit_rec *r)
{
	char when[64];
	long long sid;

	cli_format_time(r->time, when, sizeof(when));
	fprintf(f, "%s  ", when);
	put(f, cli_audit_str(r, "host"));
	fputs("  ", f);
	put(f, cli_audit_str(r, "user"));
	fputs("  ", f);
	put_what(f, r);
	fputs(": ", f);
	put_result(f, r);
	if (cli_audit_str(r, "ticket") != NULL) {
		fputs("  ticket ", f);
		put(f, cli_audit_str(r, "ticket"));
	}
	if (cli_audit_num(r, "audit_session", &sid))
		fprintf(f, "  session %lld", sid);
	fputc('\n', f);
	/* why a denial happened, indented under it */
	const char *decision = cli_audit_str(r, "decision");
	if (decision != NULL && strcmp(decision, "allow") != 0 &&
	    cli_audit_str(r, "detail") != NULL) {
		fputs("    ", f);
		put(f, cli_audit_str(r, "detail"));
		fputc('\n', f);
	}
}

int cli_audit_print_json(FILE *f, const struct cli_audit_rec *r)
{
	/* dumped again by jansson, so the output is JSON whatever the input's spelling */
	char *text = json_dumps(r->obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text == NULL)
		return -1;
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return 0;
}
