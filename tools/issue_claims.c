/* The claims `changegate issue` signs, as JSON. Names follow docs/token-format.md; optional
 * claims appear only when asked for, so a token says no more than its change allows. */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include <jansson.h>

#include "cli.h"

#define CMD "issue"

bool cli_random_jti(char *out, size_t outlen)
{
	unsigned char raw[16];
	size_t got = 0;
	if (outlen < 2 * sizeof(raw) + 1)
		return false;
	while (got < sizeof(raw)) {
		ssize_t r = getrandom(raw + got, sizeof(raw) - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return false;
		got += (size_t)r;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return true;
}

static json_t *string_array(const struct cg_strlist *l)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i < l->count; i++) {
		json_t *s = json_string(l->items[i]);
		if (s == NULL || json_array_append_new(a, s) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Sets key to value (taking the reference); false when value is NULL, i.e. a string that is
 * not UTF-8 or an allocation failure. */
static bool set(json_t *obj, const char *key, json_t *value)
{
	if (value == NULL) {
		cli_error(CMD, "'%s': not valid UTF-8", key);
		return false;
	}
	return json_object_set_new(obj, key, value) == 0;
}

char *cli_issue_payload(const struct cli_issue *o, const char *jti, long long now)
{
	long long nbf = o->have_nbf ? o->nbf : now;
	json_t *p = json_object();
	json_t *scope = json_array();
	bool ok = p != NULL && scope != NULL;
	if (ok && (o->scopes & CG_SCOPE_LOGIN))
		ok = json_array_append_new(scope, json_string("login")) == 0;
	if (ok && (o->scopes & CG_SCOPE_SUDO))
		ok = json_array_append_new(scope, json_string("sudo")) == 0;
	ok = ok && set(p, "iss", json_string(o->iss)) &&
	     set(p, "aud", o->aud.count == 1 ? json_string(o->aud.items[0]) : string_array(&o->aud)) &&
	     set(p, "sub", json_string(o->sub)) && set(p, "jti", json_string(jti)) &&
	     set(p, "chg", json_string(o->ticket)) && set(p, "iat", json_integer(nbf)) &&
	     set(p, "nbf", json_integer(nbf)) && set(p, "exp", json_integer(nbf + o->ttl)) &&
	     set(p, "scope", json_incref(scope));
	if (ok && o->approved_by != NULL)
		ok = set(p, "approved_by", json_string(o->approved_by));
	if (ok && o->reason != NULL)
		ok = set(p, "reason", json_string(o->reason));
	if (ok && o->hosts.count > 0)
		ok = set(p, "hosts", string_array(&o->hosts));
	if (ok && o->cmds.count > 0)
		ok = set(p, "cmds", string_array(&o->cmds));
	/* "*" is written only on this explicit request, never from --cmd */
	if (ok && o->all_commands)
		ok = set(p, "cmds", json_pack("[s]", CG_CMDS_ALL));
	if (ok && o->runas.count > 0)
		ok = set(p, "runas", string_array(&o->runas));
	if (ok && o->runas_groups.count > 0)
		ok = set(p, "runas_groups", string_array(&o->runas_groups));
	if (ok && o->emergency)
		ok = set(p, "emergency", json_true());
	/* RFC 7800's confirmation claim: only the holder of this SSH key can use the token */
	if (ok && o->ssh_fp[0] != '\0')
		ok = set(p, "cnf", json_pack("{s:s}", "ssh_fp", o->ssh_fp));
	char *text = ok ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(scope);
	json_decref(p);
	return text;
}
