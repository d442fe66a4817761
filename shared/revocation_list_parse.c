/*
 * A signed revocation list through the token pipeline: the same strict decoding (with the
 * list's own size cap), the same header allow list, kid and key fit, then the signature
 * (jws_signature_evp.c: libjwt cannot take a JWS this large) and the list's claim profile:
 * iss, aud, iat, exp and "revocations" {seq, chg, jti} and nothing else. A token offered as a
 * list lacks "revocations" and is refused; a list offered as a token carries it and is
 * refused there (token_claims_read.c). Ids follow the verifier's id alphabet (cg_id_valid).
 */
#include <stdlib.h>
#include <string.h>

#include "revocation_index.h"
#include "revocation_list.h"
#include "token_internal.h"

static int cmp_entry(const void *a, const void *b)
{
	const struct cg_revlist_entry *x = a, *y = b;
	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

/* One of the two id arrays: each entry an id of at most max bytes. */
static cg_reason read_ids(json_t *rev, const char *name, size_t max, enum cg_revlist_kind kind,
			  struct cg_revlist_ids *ids, size_t *n, size_t *total, char *detail,
			  size_t detlen)
{
	json_t *arr = json_object_get(rev, name);
	if (!json_is_array(arr)) {
		cg_detail(detail, detlen, "its %s is %s", name,
			  arr == NULL ? "missing" : "not an array");
		return CG_REVOCATION_INVALID;
	}
	*n = json_array_size(arr);
	if (*n > CG_REVLIST_IDS_MAX - *total) {
		cg_detail(detail, detlen, "it lists more than %d ids", CG_REVLIST_IDS_MAX);
		return CG_REVOCATION_INVALID;
	}
	*total += *n;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		char why[80];
		if (!json_is_string(v) ||
		    !cg_id_valid(json_string_value(v), json_string_length(v), max, why,
				 sizeof(why))) {
			cg_detail(detail, detlen, "entry %zu of its %s %s", i + 1, name,
				  json_is_string(v) ? why : "is not a string");
			return CG_REVOCATION_INVALID;
		}
		if (ids == NULL)
			continue;
		size_t l = json_string_length(v);
		memcpy(ids->blob + ids->bloblen, json_string_value(v), l);
		ids->e[ids->count++] = (struct cg_revlist_entry){
			cg_revidx_hash(json_string_value(v), l), (uint32_t)ids->bloblen,
			(uint16_t)l, (uint16_t)kind };
		ids->bloblen += l;
	}
	return CG_OK;
}

/* "revocations": {seq, chg, jti}, no other member. */
static cg_reason read_revocations(json_t *payload, size_t textlen, struct cg_revlist_info *info,
				  struct cg_revlist_ids *ids, char *detail, size_t detlen)
{
	json_t *rev = json_object_get(payload, CG_LIST_CLAIM);
	if (!json_is_object(rev)) {
		cg_detail(detail, detlen, "its revocations is not an object");
		return CG_REVOCATION_INVALID;
	}
	const char *name;
	json_t *value;
	json_object_foreach(rev, name, value) {
		if (strcmp(name, "seq") != 0 && strcmp(name, "chg") != 0 && strcmp(name, "jti") != 0) {
			char shown[64];
			cg_sanitize(shown, sizeof(shown), name);
			cg_detail(detail, detlen, "its revocations carries \"%s\", which is not allowed",
				  shown);
			return CG_REVOCATION_INVALID;
		}
	}
	json_t *seq = json_object_get(rev, "seq");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 ||
	    json_integer_value(seq) > CG_REVLIST_SEQ_MAX) {
		cg_detail(detail, detlen, "its seq is not a positive integer");
		return CG_REVOCATION_INVALID;
	}
	info->seq = (long long)json_integer_value(seq);
	if (ids != NULL) {
		/* every id is at least one byte of the decoded payload: these bounds hold */
		size_t cap = textlen / 2 + 1;
		ids->e = calloc(cap < CG_REVLIST_IDS_MAX ? cap : CG_REVLIST_IDS_MAX, sizeof(*ids->e));
		ids->blob = malloc(textlen + 1);
		if (ids->e == NULL || ids->blob == NULL) {
			cg_detail(detail, detlen, "out of memory while reading it");
			return CG_CONFIG_ERROR;
		}
	}
	size_t total = 0;
	cg_reason r = read_ids(rev, "chg", CG_CLAIM_MAX, CG_REVLIST_CHG, ids, &info->nchg, &total,
			       detail, detlen);
	if (r == CG_OK)
		r = read_ids(rev, "jti", CG_JTI_MAX, CG_REVLIST_JTI, ids, &info->njti, &total,
			     detail, detlen);
	if (r == CG_OK && ids != NULL)
		qsort(ids->e, ids->count, sizeof(*ids->e), cmp_entry);
	return r;
}

/* iss, aud and the times, once the signature held. */
static cg_reason check_claims(const struct cg_config *cfg, const struct cg_ticket *t,
			      time_t now, char *detail, size_t detlen)
{
	char shown[80];
	long long leeway = cfg->leeway > 0 ? cfg->leeway : 0;
	if (cfg->issuer == NULL || strcmp(t->iss, cfg->issuer) != 0) {
		cg_sanitize(shown, sizeof(shown), t->iss);
		cg_detail(detail, detlen, "it was issued by %s, not by this host's issuer", shown);
		return CG_REVOCATION_INVALID;
	}
	if (cfg->audience == NULL || !cg_strlist_contains(&t->aud, cfg->audience)) {
		cg_sanitize(shown, sizeof(shown), t->aud.count > 0 ? t->aud.items[0] : NULL);
		cg_detail(detail, detlen, "it is for %s, not for this host's audience", shown);
		return CG_REVOCATION_INVALID;
	}
	if (t->exp <= t->iat) {
		cg_detail(detail, detlen, "its next update (exp) is not after its issue (iat)");
		return CG_REVOCATION_INVALID;
	}
	if (t->iat > (long long)now + leeway) {
		cg_detail(detail, detlen, "it was issued in the future (iat)");
		return CG_REVOCATION_INVALID;
	}
	return CG_OK;
}

static bool kid_allowed(const struct cg_config *cfg, const char *kid)
{
	return cfg->revocation_kids.count == 0 || cg_strlist_contains(&cfg->revocation_kids, kid);
}

/* Header, key and signature: the token's steps 2 and 3. */
static cg_reason check_signed(const struct cg_config *cfg, const struct cg_token_parts *parts,
			      struct cg_ticket *t, struct cg_file_id *key, char *detail,
			      size_t detlen)
{
	cg_alg alg = CG_ALG_ES256;
	cg_reason r = cg_token_check_header(cfg, parts->header, t, &alg, detail, detlen);
	if (r != CG_OK)
		return r == CG_CONFIG_ERROR ? r : CG_REVOCATION_INVALID;
	if (!kid_allowed(cfg, t->kid)) {
		cg_detail(detail, detlen, "it is signed with key %s, which revocation_kids does "
			  "not name", t->kid);
		return CG_REVOCATION_INVALID;
	}
	char *pem = NULL;
	size_t pemlen = 0;
	r = cg_token_load_key(cfg, t->kid, alg, &pem, &pemlen, key, detail, detlen);
	if (r == CG_OK) {
		r = cg_jws_check_signature_large(parts, alg, t->kid, pem, pemlen, detail, detlen);
		cg_wipe_free(pem, pemlen + 1);
	}
	return r == CG_OK || r == CG_CONFIG_ERROR ? r : CG_REVOCATION_INVALID;
}

static cg_reason parse(const struct cg_config *cfg, const struct cg_token_parts *parts,
		       size_t len, time_t now, struct cg_revlist_info *info,
		       struct cg_revlist_ids *ids, struct cg_file_id *key, char *detail,
		       size_t detlen)
{
	struct cg_ticket t;
	memset(&t, 0, sizeof(t));
	char claim_detail[CG_DETAIL_MAX] = "";
	cg_reason claim_r = cg_list_read_claims(parts->payload, &t, claim_detail,
						sizeof(claim_detail));
	cg_reason r = check_signed(cfg, parts, &t, key, detail, detlen);
	/* as for tokens: the content is judged only once the signature holds */
	if (r == CG_OK && claim_r != CG_OK) {
		cg_strlcpy(detail, claim_detail, detlen);
		r = CG_REVOCATION_INVALID;
	}
	if (r == CG_OK)
		r = check_claims(cfg, &t, now, detail, detlen);
	if (r == CG_OK)
		r = read_revocations(parts->payload, len, info, ids, detail, detlen);
	if (r == CG_OK) {
		info->iat = t.iat;
		info->exp = t.exp;
		cg_strlcpy(info->kid, t.kid, sizeof(info->kid));
		cg_strlcpy(info->alg, t.alg, sizeof(info->alg));
	}
	cg_strlist_free(&t.aud);
	return r;
}

cg_reason cg_revlist_parse(const struct cg_config *cfg, const char *text, size_t len,
			   time_t now, struct cg_revlist_info *info, struct cg_revlist_ids *ids,
			   struct cg_file_id *key, char *detail, size_t detlen)
{
	memset(info, 0, sizeof(*info));
	if (ids != NULL)
		memset(ids, 0, sizeof(*ids));
	char why[CG_DETAIL_MAX] = "";
	struct cg_token_parts parts;
	cg_reason r = cg_jws_decode(text, text != NULL ? cg_revlist_trimmed(text, len) : 0,
				    CG_REVLIST_FILE_MAX, &parts, why, sizeof(why));
	if (r == CG_OK)
		r = parse(cfg, &parts, len, now, info, ids, key, why, sizeof(why));
	else
		r = CG_REVOCATION_INVALID;
	cg_token_parts_free(&parts);
	if (r != CG_OK) {
		cg_revlist_ids_free(ids);
		cg_detail(detail, detlen, "the signed revocation list cannot be used: %s", why);
	}
	return r;
}

cg_reason cg_revlist_verify(const struct cg_config *cfg, const char *text, size_t len,
			    time_t now, struct cg_revlist_info *info, char *detail, size_t detlen)
{
	return cg_revlist_parse(cfg, text, len, now, info, NULL, NULL, detail, detlen);
}
