/* How `changegate verify` reports a decision: a first line scripts can match ("allow" or
 * "deny: <code>"), then words for people; or one JSON object for programs. Claims come from
 * the token and may be unverified, so every one is escaped and the lack of a checked
 * signature is said out loud. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void field(const char *label, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	printf("%-9s ", label);
	cli_put_safe(stdout, value);
	putchar('\n');
}

/* A list claim on one line, its entries space-separated, each escaped. */
static void list_field(const char *label, bool present, const struct cg_strlist *l)
{
	if (!present)
		return;
	printf("%-9s", label);
	for (size_t i = 0; i < l->count; i++) {
		putchar(' ');
		cli_put_safe(stdout, l->items[i]);
	}
	putchar('\n');
}

void cli_print_decision_text(const struct cg_decision *d, time_t now)
{
	if (d->reason == CG_OK)
		puts("allow");
	else
		printf("deny: %s\n", cg_reason_code(d->reason));
	cli_put_safe(stdout, cg_reason_summary(d->reason));
	if (d->detail[0] != '\0') {
		fputs(": ", stdout);
		cli_put_safe(stdout, d->detail);
	}
	putchar('\n');
	if (!d->have_claims)
		return;
	const struct cg_ticket *t = &d->ticket;
	if (!d->verified)
		puts("note:     the signature was not verified; the lines below are only what the "
		     "token claims");
	field("ticket:", t->chg);
	field("jti:", t->jti);
	field("sub:", t->sub);
	field("approver:", t->approved_by);
	field("key:", t->kid);
	list_field("runas:", t->has_runas, &t->runas);
	list_field("groups:", t->has_runas_groups, &t->runas_groups);
	if (t->emergency)
		field("emergency:", "yes (break-glass)");
	if (d->unrestricted)
		field("commands:", "any (unrestricted: cmds is *)");
	field("reason:", t->reason);
	if (t->exp != 0) {
		char when[64], rel[64];
		cli_format_time(t->exp, when, sizeof(when));
		cli_format_relative(t->exp, now, rel, sizeof(rel));
		printf("%-9s %s (%s)\n", "expires:", when, rel);
	}
}

/* A claim as a JSON string: null when empty, escaped when not UTF-8 (a cut at the claim cap
 * can split a character). */
json_t *cli_json_claim(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return json_null();
	json_t *j = json_string(s);
	if (j != NULL)
		return j;
	char *esc = cli_escape(s);
	j = esc ? json_string(esc) : NULL;
	free(esc);
	return j;
}

/* A list claim as a JSON array of strings (each escaped as cli_json_claim does, an empty
 * entry kept as ""); null when the token has no such claim, or NULL on failure. */
static json_t *json_list(bool present, const struct cg_strlist *l)
{
	if (!present)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < l->count; i++) {
		const char *item = l->items[i];
		json_t *v = item[0] == '\0' ? json_string("") : cli_json_claim(item);
		if (v == NULL || json_array_append_new(a, v) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

int cli_print_decision_json(const struct cg_decision *d, bool gated)
{
	const struct cg_ticket *t = &d->ticket;
	bool have = d->have_claims;
	json_t *o = json_pack("{s:s, s:s, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, "
			      "s:b}",
			      "decision", d->reason == CG_OK ? "allow" : "deny",
			      "reason", cg_reason_code(d->reason),
			      "detail", cli_json_claim(d->detail),
			      "verified", d->verified,
			      "ticket", have ? cli_json_claim(t->chg) : json_null(),
			      "jti", have ? cli_json_claim(t->jti) : json_null(),
			      "sub", have ? cli_json_claim(t->sub) : json_null(),
			      "approver", have ? cli_json_claim(t->approved_by) : json_null(),
			      "expires", have && t->exp != 0 ? json_integer(t->exp) : json_null(),
			      "runas", json_list(have && t->has_runas, &t->runas),
			      "runas_groups", json_list(have && t->has_runas_groups,
							&t->runas_groups),
			      "emergency", have && t->emergency,
			      "unrestricted", d->unrestricted,
			      "gated", gated);
	if (o == NULL)
		return -1;
	char *text = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL)
		return -1;
	puts(text);
	free(text);
	return 0;
}
