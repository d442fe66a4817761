/*
 * The login record's text form (docs/session-record.md): a version line, then one
 * "key=value" line per field, every key once and in one fixed order, the token last. Strings
 * are percent-encoded (only bytes outside a small safe set, upper-case hex, never a safe
 * byte), numbers are plain decimal without leading zeros, lists say their length. So each
 * record has exactly one text, and the parser can accept that text and nothing else: it is
 * the writer's output read back, never a format to be lenient with.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "error_text.h"

#define MAGIC "changegate-login-record"

/* Bytes written as themselves; everything else is %XX. None of ",=%" or blanks. */
static bool safe_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~/:@+*", c) != NULL);
}

static bool token_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* ---- writing ------------------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (n > CG_LOGIN_RECORD_MAX - o->len) {
		o->failed = true;
		errno = EFBIG;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		o->failed = true;
		errno = EINVAL;
		return;
	}
	put(o, tmp, (size_t)n);
}

static void put_encoded(struct out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (safe_byte(*p)) {
			put(o, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			put(o, e, 3);
		}
	}
}

/* A string field, refused (not cut) when longer than the parser would take. */
static void put_str(struct out *o, const char *key, const char *s, size_t max)
{
	if (strnlen(s, max + 1) > max) {
		o->failed = true;
		errno = EINVAL;
		return;
	}
	putf(o, "%s=", key);
	put_encoded(o, s);
	put(o, "\n", 1);
}

static void put_list(struct out *o, const char *key, bool has, const struct cg_strlist *l,
		     size_t max)
{
	if (!has) {
		putf(o, "%s=none\n", key);
		return;
	}
	if (l->count > CG_LIST_MAX) {
		o->failed = true;
		errno = EINVAL;
		return;
	}
	putf(o, "%s=%zu:", key, l->count);
	for (size_t i = 0; i < l->count; i++) {
		if (strnlen(l->items[i], max + 1) > max) {
			o->failed = true;
			errno = EINVAL;
			return;
		}
		if (i > 0)
			put(o, ",", 1);
		put_encoded(o, l->items[i]);
	}
	put(o, "\n", 1);
}

static const char *scopes_text(unsigned s)
{
	switch (s) {
	case CG_SCOPE_LOGIN: return "login";
	case CG_SCOPE_SUDO: return "sudo";
	case CG_SCOPE_LOGIN | CG_SCOPE_SUDO: return "login,sudo";
	default: return NULL;
	}
}

static bool nsec_ok(long n)
{
	return n >= 0 && n <= 999999999L;
}

/* The key binding (issue 18): cnf.ssh_fp as the token said it, and the key this login
 * authenticated with ("" when none was checked), each in ssh-keygen's form. */
static bool ssh_keys_ok(const struct cg_login_record *r)
{
	if (r->ssh_key[0] != '\0' && !cg_ssh_fp_valid(r->ssh_key))
		return false;
	for (size_t i = 0; r->ticket.has_cnf && i < r->ticket.ssh_fp.count; i++) {
		if (!cg_ssh_fp_valid(r->ticket.ssh_fp.items[i]))
			return false;
	}
	return !r->ticket.has_cnf || r->ticket.ssh_fp.count > 0;
}

int cg_login_record_format(const struct cg_login_record *r, char **buf, size_t *len)
{
	*buf = NULL;
	*len = 0;
	const struct cg_ticket *t = &r->ticket;
	const char *scopes = scopes_text(t->scopes);
	if (r->user[0] == '\0' || scopes == NULL || r->leader_pid < 0 || r->opened < 0 ||
	    t->iat < 0 || t->nbf < 0 || t->exp < 0 || r->key.size < 0 || r->key.mtime_sec < 0 ||
	    r->key.ctime_sec < 0 || !nsec_ok(r->key.mtime_nsec) || !nsec_ok(r->key.ctime_nsec) ||
	    r->token == NULL || r->token_len == 0 || r->token_len > CG_TOKEN_MAX ||
	    !ssh_keys_ok(r)) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < r->token_len; i++) {
		if (!token_byte((unsigned char)r->token[i])) {
			errno = EINVAL;
			return -1;
		}
	}
	struct out o = { .buf = malloc(CG_LOGIN_RECORD_MAX), .cap = CG_LOGIN_RECORD_MAX };
	if (o.buf == NULL)
		return -1;
	putf(&o, MAGIC " %d\n", CG_LOGIN_RECORD_VERSION);
	putf(&o, "session=%u\n", r->sessionid);
	put_str(&o, "user", r->user, CG_CLAIM_MAX);
	put_str(&o, "service", r->service, CG_LOGIN_FIELD_MAX);
	putf(&o, "leader_pid=%lld\n", r->leader_pid);
	putf(&o, "leader_start=%llu\n", r->leader_start);
	put_str(&o, "tty", r->tty, CG_LOGIN_FIELD_MAX);
	put_str(&o, "rhost", r->rhost, CG_LOGIN_FIELD_MAX);
	putf(&o, "opened=%lld\n", r->opened);
	putf(&o, "key_dev=%llu\n", r->key.dev);
	putf(&o, "key_ino=%llu\n", r->key.ino);
	putf(&o, "key_size=%lld\n", r->key.size);
	putf(&o, "key_mtime=%lld.%09ld\n", r->key.mtime_sec, r->key.mtime_nsec);
	putf(&o, "key_ctime=%lld.%09ld\n", r->key.ctime_sec, r->key.ctime_nsec);
	put_str(&o, "alg", t->alg, sizeof(t->alg) - 1);
	put_str(&o, "kid", t->kid, CG_KID_MAX);
	put_str(&o, "iss", t->iss, CG_CLAIM_MAX);
	put_list(&o, "aud", true, &t->aud, CG_CLAIM_MAX);
	put_str(&o, "sub", t->sub, CG_CLAIM_MAX);
	put_str(&o, "chg", t->chg, CG_CLAIM_MAX);
	put_str(&o, "jti", t->jti, CG_JTI_MAX);
	put_str(&o, "approved_by", t->approved_by, CG_CLAIM_MAX);
	put_str(&o, "reason", t->reason, CG_TEXT_MAX);
	putf(&o, "iat=%lld\n", t->iat);
	putf(&o, "nbf=%lld\n", t->nbf);
	putf(&o, "exp=%lld\n", t->exp);
	putf(&o, "scopes=%s\n", scopes);
	putf(&o, "emergency=%s\n", t->emergency ? "yes" : "no");
	put_list(&o, "hosts", t->has_hosts, &t->hosts, CG_CLAIM_MAX);
	put_list(&o, "cmds", t->has_cmds, &t->cmds, CG_CMD_MAX);
	put_list(&o, "runas", t->has_runas, &t->runas, CG_CLAIM_MAX);
	put_list(&o, "runas_groups", t->has_runas_groups, &t->runas_groups, CG_CLAIM_MAX);
	put_list(&o, "cnf_ssh_fp", t->has_cnf, &t->ssh_fp, CG_SSH_FP_LEN);
	put_str(&o, "ssh_key", r->ssh_key, CG_SSH_FP_LEN);
	put(&o, "token=", 6);
	put(&o, r->token, r->token_len);
	put(&o, "\n", 1);
	if (o.failed) {
		int e = errno;
		cg_wipe_free(o.buf, o.cap);
		errno = e;
		return -1;
	}
	*buf = o.buf;
	*len = o.len;
	return 0;
}

/* ---- reading ------------------------------------------------------------------------------ */

struct in {
	const char *p, *end;
	const char *key;        /* the field being read, for messages */
	char *err;
	size_t errlen;
	bool failed;
};

static void bad(struct in *in, const char *what)
{
	if (!in->failed)
		cg_set_err(in->err, in->errlen, "%s: %s", in->key, what);
	in->failed = true;
}

/* The value of the next line, which must be "<key>="; *vlen excludes the newline. */
static const char *next_value(struct in *in, const char *key, size_t *vlen)
{
	in->key = key;
	if (in->failed)
		return NULL;
	size_t klen = strlen(key);
	size_t left = (size_t)(in->end - in->p);
	if (left < klen + 1 || memcmp(in->p, key, klen) != 0 || in->p[klen] != '=') {
		bad(in, "missing, or not the next key");
		return NULL;
	}
	const char *v = in->p + klen + 1;
	const char *nl = memchr(v, '\n', (size_t)(in->end - v));
	if (nl == NULL) {
		bad(in, "no end of line");
		return NULL;
	}
	*vlen = (size_t)(nl - v);
	in->p = nl + 1;
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;      /* lower case is not what the writer writes */
}

/* Decodes v[0..n) into dst (cap bytes with the NUL); false on any non-canonical byte. */
static bool decode(const char *v, size_t n, char *dst, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '%') {
			if (n - i < 3)
				return false;
			int hi = hexval(v[i + 1]), lo = hexval(v[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (unsigned char)(hi * 16 + lo);
			if (c == '\0' || safe_byte(c))
				return false;
			i += 2;
		} else if (!safe_byte(c)) {
			return false;
		}
		if (o + 1 >= cap)
			return false;
		dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return true;
}

static void get_str(struct in *in, const char *key, char *dst, size_t cap)
{
	size_t n;
	const char *v = next_value(in, key, &n);
	if (v != NULL && !decode(v, n, dst, cap))
		bad(in, "not a canonical encoding, or too long");
}

/* Plain decimal, no sign, no leading zero, at most max. */
static bool number(const char *v, size_t n, unsigned long long max, unsigned long long *out)
{
	if (n == 0 || n > 20 || (n > 1 && v[0] == '0'))
		return false;
	unsigned long long x = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		unsigned d = (unsigned)(v[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

static unsigned long long get_num(struct in *in, const char *key, unsigned long long max)
{
	size_t n;
	unsigned long long x = 0;
	const char *v = next_value(in, key, &n);
	if (v != NULL && !number(v, n, max, &x))
		bad(in, "not a canonical number in range");
	return x;
}

static long long get_int(struct in *in, const char *key)
{
	return (long long)get_num(in, key, (unsigned long long)LLONG_MAX);
}

/* "<seconds>.<nine digits>" */
static void get_time(struct in *in, const char *key, long long *sec, long *nsec)
{
	size_t n;
	const char *v = next_value(in, key, &n);
	if (v == NULL)
		return;
	const char *dot = memchr(v, '.', n);
	unsigned long long s, ns;
	if (dot == NULL || (size_t)(v + n - dot) != 10 ||
	    !number(v, (size_t)(dot - v), (unsigned long long)LLONG_MAX, &s) ||
	    strspn(dot + 1, "0123456789") < 9) {
		bad(in, "not <seconds>.<nine digits>");
		return;
	}
	ns = 0;
	for (int i = 1; i <= 9; i++)
		ns = ns * 10 + (unsigned long long)(dot[i] - '0');
	*sec = (long long)s;
	*nsec = (long)ns;
}

static void get_list(struct in *in, const char *key, bool *has, struct cg_strlist *l,
		     size_t max)
{
	size_t n;
	const char *v = next_value(in, key, &n);
	if (v == NULL)
		return;
	if (n == 4 && memcmp(v, "none", 4) == 0) {
		*has = false;
		return;
	}
	const char *colon = memchr(v, ':', n);
	unsigned long long count;
	if (colon == NULL || !number(v, (size_t)(colon - v), CG_LIST_MAX, &count)) {
		bad(in, "not none or <count>:<entries>");
		return;
	}
	*has = true;
	const char *p = colon + 1, *end = v + n;
	char *item = malloc(max + 1);
	if (item == NULL) {
		bad(in, "out of memory");
		return;
	}
	for (unsigned long long i = 0; i < count; i++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = i + 1 < count ? comma : end;
		if (stop == NULL || (i + 1 == count && comma != NULL) ||
		    !decode(p, (size_t)(stop - p), item, max + 1) || cg_strlist_add(l, item) != 0) {
			bad(in, "an entry is not canonical, too long, or the count is wrong");
			break;
		}
		p = stop + 1;
	}
	if (count == 0 && p != end)
		bad(in, "entries after a count of 0");
	free(item);
}

static void get_scopes(struct in *in, unsigned *scopes)
{
	size_t n;
	const char *v = next_value(in, "scopes", &n);
	if (v == NULL)
		return;
	for (unsigned s = 1; s <= (CG_SCOPE_LOGIN | CG_SCOPE_SUDO); s++) {
		const char *text = scopes_text(s);
		if (text != NULL && strlen(text) == n && memcmp(v, text, n) == 0) {
			*scopes = s;
			return;
		}
	}
	bad(in, "not login, sudo or login,sudo");
}

static void get_yes_no(struct in *in, const char *key, bool *out)
{
	size_t n;
	const char *v = next_value(in, key, &n);
	if (v == NULL)
		return;
	if (n == 3 && memcmp(v, "yes", 3) == 0)
		*out = true;
	else if (n == 2 && memcmp(v, "no", 2) == 0)
		*out = false;
	else
		bad(in, "not yes or no");
}

static void get_token(struct in *in, struct cg_login_record *r)
{
	size_t n;
	const char *v = next_value(in, "token", &n);
	if (v == NULL)
		return;
	if (n == 0 || n > CG_TOKEN_MAX) {
		bad(in, "empty or too long");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!token_byte((unsigned char)v[i])) {
			bad(in, "a byte outside the base64url alphabet and '.'");
			return;
		}
	}
	r->token = malloc(n + 1);
	if (r->token == NULL) {
		bad(in, "out of memory");
		return;
	}
	memcpy(r->token, v, n);
	r->token[n] = '\0';
	r->token_len = n;
}

static void get_version(struct in *in)
{
	static const char line[] = MAGIC " 1\n";
	in->key = "first line";
	size_t n = sizeof(line) - 1;
	if ((size_t)(in->end - in->p) < n || memcmp(in->p, line, n) != 0) {
		bad(in, "not \"" MAGIC " 1\"");
		return;
	}
	in->p += n;
}

int cg_login_record_parse(const char *buf, size_t len, struct cg_login_record *r, char *err,
			  size_t errlen)
{
	memset(r, 0, sizeof(*r));
	struct in in = { .p = buf, .end = buf + len, .err = err, .errlen = errlen };
	struct cg_ticket *t = &r->ticket;

	if (len > CG_LOGIN_RECORD_MAX) {
		cg_set_err(err, errlen, "larger than %d bytes", CG_LOGIN_RECORD_MAX);
		return -1;
	}
	get_version(&in);
	r->sessionid = (unsigned)get_num(&in, "session", 4294967294ULL);
	get_str(&in, "user", r->user, sizeof(r->user));
	get_str(&in, "service", r->service, sizeof(r->service));
	r->leader_pid = (long long)get_num(&in, "leader_pid", 4194304);
	r->leader_start = get_num(&in, "leader_start", ~0ULL);
	get_str(&in, "tty", r->tty, sizeof(r->tty));
	get_str(&in, "rhost", r->rhost, sizeof(r->rhost));
	r->opened = get_int(&in, "opened");
	r->key.dev = get_num(&in, "key_dev", ~0ULL);
	r->key.ino = get_num(&in, "key_ino", ~0ULL);
	r->key.size = get_int(&in, "key_size");
	get_time(&in, "key_mtime", &r->key.mtime_sec, &r->key.mtime_nsec);
	get_time(&in, "key_ctime", &r->key.ctime_sec, &r->key.ctime_nsec);
	get_str(&in, "alg", t->alg, sizeof(t->alg));
	get_str(&in, "kid", t->kid, sizeof(t->kid));
	get_str(&in, "iss", t->iss, sizeof(t->iss));
	bool has_aud = false;
	get_list(&in, "aud", &has_aud, &t->aud, CG_CLAIM_MAX);
	if (!in.failed && !has_aud)
		bad(&in, "none: a verified ticket has an audience");
	get_str(&in, "sub", t->sub, sizeof(t->sub));
	get_str(&in, "chg", t->chg, sizeof(t->chg));
	get_str(&in, "jti", t->jti, sizeof(t->jti));
	get_str(&in, "approved_by", t->approved_by, sizeof(t->approved_by));
	get_str(&in, "reason", t->reason, sizeof(t->reason));
	t->iat = get_int(&in, "iat");
	t->nbf = get_int(&in, "nbf");
	t->exp = get_int(&in, "exp");
	get_scopes(&in, &t->scopes);
	get_yes_no(&in, "emergency", &t->emergency);
	get_list(&in, "hosts", &t->has_hosts, &t->hosts, CG_CLAIM_MAX);
	get_list(&in, "cmds", &t->has_cmds, &t->cmds, CG_CMD_MAX);
	get_list(&in, "runas", &t->has_runas, &t->runas, CG_CLAIM_MAX);
	get_list(&in, "runas_groups", &t->has_runas_groups, &t->runas_groups, CG_CLAIM_MAX);
	get_list(&in, "cnf_ssh_fp", &t->has_cnf, &t->ssh_fp, CG_SSH_FP_LEN);
	get_str(&in, "ssh_key", r->ssh_key, sizeof(r->ssh_key));
	if (!in.failed && !ssh_keys_ok(r))
		bad(&in, "not SHA256: fingerprints, or a cnf_ssh_fp of none");
	get_token(&in, r);
	if (!in.failed && r->user[0] == '\0') {
		in.key = "user";
		bad(&in, "empty");
	}
	if (!in.failed && in.p != in.end) {
		in.key = "end";
		bad(&in, "bytes after the token line");
	}
	if (in.failed) {
		cg_login_record_free(r);
		return -1;
	}
	return 0;
}

void cg_login_record_free(struct cg_login_record *r)
{
	cg_ticket_clear(&r->ticket);
	if (r->token != NULL)
		cg_wipe_free(r->token, r->token_len + 1);
	memset(r, 0, sizeof(*r));
}
