/* Reading the claims into a cg_ticket with strict JSON types: a string "123" is not an
 * integer, 1 is not true, 1.0 is not a NumericDate. Every length and list is capped. The
 * whole payload is read even after a fault, so that a denial can still name the ticket; the
 * first fault is the one reported. */
#include <string.h>

#include "token_internal.h"

/* 9999-12-31T23:59:59Z: a NumericDate beyond it is a mistake or an attack on arithmetic */
#define CG_NUMERIC_DATE_MAX 253402300799LL

struct reader {
	json_t *payload;
	struct cg_ticket *t;
	cg_reason first;
	char *detail;
	size_t detlen;
};

static void fault(struct reader *rd, cg_reason r, const char *claim, const char *what)
{
	if (rd->first != CG_OK)
		return;
	rd->first = r;
	if (rd->t->chg[0] != '\0') {
		char name[80];
		cg_ticket_name(rd->t, name, sizeof(name));
		cg_detail(rd->detail, rd->detlen, "%s: the %s claim %s", name, claim, what);
	} else {
		cg_detail(rd->detail, rd->detlen, "the token's %s claim %s", claim, what);
	}
}

/* Text a person or a log will read: no control characters, no escapes to hide behind. */
static bool text_is_clean(const char *s, bool allow_space)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p == ' ' && !allow_space)
			return false;
	}
	return true;
}

/* How a string claim is judged: an id (chg, jti) must be revocable, so it keeps to the id
 * alphabet (shared/ticket_id.c); names and free text only to clean text. */
enum text_kind { TEXT_ID, TEXT_NAME, TEXT_FREE };

/* Validates one string value; false (and a fault) when it breaks a rule. */
static bool string_ok(struct reader *rd, const char *claim, json_t *j, size_t max,
		      enum text_kind kind)
{
	if (!json_is_string(j)) {
		fault(rd, CG_BAD_CLAIM, claim, "is not a string");
		return false;
	}
	size_t n = json_string_length(j);
	if (kind == TEXT_ID) {
		char why[80];
		if (!cg_id_valid(json_string_value(j), n, max, why, sizeof(why))) {
			fault(rd, CG_BAD_CLAIM, claim, why);
			return false;
		}
		return true;
	}
	if (n == 0 || n > max) {
		fault(rd, CG_BAD_CLAIM, claim, n == 0 ? "is empty" : "is too long");
		return false;
	}
	/* jansson refuses \u0000 already; this also keeps out other control bytes */
	if (strlen(json_string_value(j)) != n ||
	    !text_is_clean(json_string_value(j), kind == TEXT_FREE)) {
		fault(rd, CG_BAD_CLAIM, claim, "holds characters that are not allowed");
		return false;
	}
	return true;
}

static void read_string(struct reader *rd, const char *claim, bool required, char *dst,
			size_t dstlen, enum text_kind kind)
{
	json_t *j = json_object_get(rd->payload, claim);
	if (j == NULL) {
		if (required)
			fault(rd, CG_MISSING_CLAIM, claim, "is missing");
		return;
	}
	if (string_ok(rd, claim, j, dstlen - 1, kind))
		cg_strlcpy(dst, json_string_value(j), dstlen);
}

static void read_date(struct reader *rd, const char *claim, long long *dst)
{
	json_t *j = json_object_get(rd->payload, claim);
	if (j == NULL) {
		fault(rd, CG_MISSING_CLAIM, claim, "is missing");
		return;
	}
	if (!json_is_integer(j)) {
		fault(rd, CG_BAD_CLAIM, claim, "is not an integer NumericDate");
		return;
	}
	json_int_t v = json_integer_value(j);
	if (v < 0 || v > CG_NUMERIC_DATE_MAX) {
		fault(rd, CG_BAD_CLAIM, claim, "is out of range");
		return;
	}
	*dst = (long long)v;
}

/* An array of strings, each checked like one string claim; *present tells it was there. */
static void read_list_value(struct reader *rd, const char *claim, json_t *j,
			    struct cg_strlist *dst, size_t max)
{
	if (!json_is_array(j)) {
		fault(rd, CG_BAD_CLAIM, claim, "is not an array");
		return;
	}
	if (json_array_size(j) > CG_LIST_MAX) {
		fault(rd, CG_BAD_CLAIM, claim, "has too many entries");
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v) {
		if (!string_ok(rd, claim, v, max, max == CG_CMD_MAX ? TEXT_FREE : TEXT_NAME))
			return;
		if (cg_strlist_add(dst, json_string_value(v)) != 0) {
			fault(rd, CG_BAD_CLAIM, claim, "could not be stored");
			return;
		}
	}
}

static void read_list(struct reader *rd, const char *claim, struct cg_strlist *dst,
		      size_t max, bool *present)
{
	json_t *j = json_object_get(rd->payload, claim);
	if (present != NULL)
		*present = j != NULL;
	if (j != NULL)
		read_list_value(rd, claim, j, dst, max);
}

static void read_audience(struct reader *rd)
{
	json_t *j = json_object_get(rd->payload, "aud");
	if (j == NULL) {
		fault(rd, CG_MISSING_CLAIM, "aud", "is missing");
		return;
	}
	if (json_is_string(j)) {
		if (string_ok(rd, "aud", j, CG_CLAIM_MAX, TEXT_NAME) &&
		    cg_strlist_add(&rd->t->aud, json_string_value(j)) != 0)
			fault(rd, CG_BAD_CLAIM, "aud", "could not be stored");
		return;
	}
	if (!json_is_array(j) || json_array_size(j) == 0) {
		fault(rd, CG_BAD_CLAIM, "aud", "is neither a string nor a list of strings");
		return;
	}
	read_list(rd, "aud", &rd->t->aud, CG_CLAIM_MAX, NULL);
}

static void read_scope(struct reader *rd)
{
	struct cg_strlist scope = {NULL, 0};
	bool present = false;
	cg_reason before = rd->first;
	read_list(rd, "scope", &scope, CG_CLAIM_MAX, &present);
	if (!present) {
		fault(rd, CG_MISSING_CLAIM, "scope", "is missing");
	} else if (rd->first == before) {
		for (size_t i = 0; i < scope.count; i++) {
			if (strcmp(scope.items[i], "login") == 0) {
				rd->t->scopes |= CG_SCOPE_LOGIN;
			} else if (strcmp(scope.items[i], "sudo") == 0) {
				rd->t->scopes |= CG_SCOPE_SUDO;
			} else {
				fault(rd, CG_BAD_CLAIM, "scope", "names a scope other than "
				      "\"login\" and \"sudo\"");
				rd->t->scopes = 0;
				break;
			}
		}
	}
	cg_strlist_free(&scope);
}

static void read_commands(struct reader *rd)
{
	cg_reason before = rd->first;
	read_list(rd, "cmds", &rd->t->cmds, CG_CMD_MAX, &rd->t->has_cmds);
	if (rd->first != before)
		return;
	for (size_t i = 0; i < rd->t->cmds.count; i++) {
		const char *e = rd->t->cmds.items[i];
		if (e[0] != '/' && strcmp(e, CG_CMDS_ALL) != 0) {
			fault(rd, CG_BAD_CLAIM, "cmds", "has an entry that is neither an absolute "
			      "path nor the single word *");
			return;
		}
	}
}

static void read_emergency(struct reader *rd)
{
	json_t *j = json_object_get(rd->payload, "emergency");
	if (j == NULL)
		return;
	if (!json_is_boolean(j)) {
		fault(rd, CG_BAD_CLAIM, "emergency", "is not true or false");
		return;
	}
	rd->t->emergency = json_is_true(j);
}

/* cnf (RFC 7800), a confirmation claim: the token is for whoever holds these SSH keys.
 * ssh_fp is its one member we know; a confirmation method we cannot check must not be
 * ignored (the issuer meant the token to need it), so any other member is bad_claim. */
static void read_cnf(struct reader *rd)
{
	json_t *j = json_object_get(rd->payload, "cnf");
	if (j == NULL)
		return;
	rd->t->has_cnf = true;
	json_t *v;
	if (!json_is_object(j) || json_object_size(j) != 1 ||
	    (v = json_object_get(j, "ssh_fp")) == NULL) {
		fault(rd, CG_BAD_CLAIM, "cnf", "is not an object whose one member is ssh_fp");
		return;
	}
	cg_reason before = rd->first;
	if (json_is_string(v)) {
		if (string_ok(rd, "cnf.ssh_fp", v, CG_SSH_FP_LEN, TEXT_NAME) &&
		    cg_strlist_add(&rd->t->ssh_fp, json_string_value(v)) != 0)
			fault(rd, CG_BAD_CLAIM, "cnf.ssh_fp", "could not be stored");
	} else if (json_is_array(v) && json_array_size(v) > 0) {
		read_list_value(rd, "cnf.ssh_fp", v, &rd->t->ssh_fp, CG_SSH_FP_LEN);
	} else {
		fault(rd, CG_BAD_CLAIM, "cnf.ssh_fp", "is neither a fingerprint nor a list of them");
	}
	for (size_t i = 0; rd->first == before && i < rd->t->ssh_fp.count; i++) {
		if (!cg_ssh_fp_valid(rd->t->ssh_fp.items[i]))
			fault(rd, CG_BAD_CLAIM, "cnf.ssh_fp", "has an entry that is not a SHA256: "
			      "fingerprint as ssh-keygen -l prints it");
	}
}

/* A token is never a signed revocation list: a payload that carries the list's claim is
 * refused as a token, whatever else it holds, so one signature can never serve as both. */
static void refuse_list_claim(struct reader *rd)
{
	if (json_object_get(rd->payload, CG_LIST_CLAIM) != NULL)
		fault(rd, CG_BAD_CLAIM, CG_LIST_CLAIM, "belongs to a signed revocation list, and "
		      "a list is never a token");
}

cg_reason cg_token_read_claims(json_t *payload, struct cg_ticket *t, char *detail,
			       size_t detlen)
{
	struct reader rd = {payload, t, CG_OK, detail, detlen};
	refuse_list_claim(&rd);
	/* the ticket first, so that every later fault can name it */
	read_string(&rd, "chg", true, t->chg, sizeof(t->chg), TEXT_ID);
	read_string(&rd, "iss", true, t->iss, sizeof(t->iss), TEXT_NAME);
	read_audience(&rd);
	read_string(&rd, "sub", true, t->sub, sizeof(t->sub), TEXT_NAME);
	read_string(&rd, "jti", true, t->jti, sizeof(t->jti), TEXT_ID);
	read_string(&rd, "approved_by", false, t->approved_by, sizeof(t->approved_by),
		    TEXT_NAME);
	read_string(&rd, "reason", false, t->reason, sizeof(t->reason), TEXT_FREE);
	read_date(&rd, "iat", &t->iat);
	read_date(&rd, "nbf", &t->nbf);
	read_date(&rd, "exp", &t->exp);
	read_scope(&rd);
	read_list(&rd, "hosts", &t->hosts, CG_CLAIM_MAX, &t->has_hosts);
	read_commands(&rd);
	read_list(&rd, "runas", &t->runas, CG_CLAIM_MAX, &t->has_runas);
	read_list(&rd, "runas_groups", &t->runas_groups, CG_CLAIM_MAX, &t->has_runas_groups);
	read_emergency(&rd);
	read_cnf(&rd);
	return rd.first;
}

/* Allow list, not deny list: the list's five members and nothing else. */
static void refuse_other_members(struct reader *rd)
{
	static const char *const allowed[] = {"iss", "aud", "iat", "exp", CG_LIST_CLAIM};
	const char *name;
	json_t *value;
	json_object_foreach(rd->payload, name, value) {
		bool known = false;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			known = known || strcmp(name, allowed[i]) == 0;
		if (!known) {
			char shown[64];
			cg_sanitize(shown, sizeof(shown), name);
			fault(rd, CG_BAD_CLAIM, shown, "is not a member of a revocation list (a "
			      "list carries none of a token's claims)");
			return;
		}
	}
}

cg_reason cg_list_read_claims(json_t *payload, struct cg_ticket *t, char *detail,
			      size_t detlen)
{
	struct reader rd = {payload, t, CG_OK, detail, detlen};
	refuse_other_members(&rd);
	if (json_object_get(payload, CG_LIST_CLAIM) == NULL)
		fault(&rd, CG_MISSING_CLAIM, CG_LIST_CLAIM, "is missing: a token is never a list");
	read_string(&rd, "iss", true, t->iss, sizeof(t->iss), TEXT_NAME);
	read_audience(&rd);
	read_date(&rd, "iat", &t->iat);
	read_date(&rd, "exp", &t->exp);
	return rd.first;
}
