/*
 * changegate.conf: "key = value" lines, '#' comment lines, blank lines. Anything else, an
 * unknown key, a bad value or a key given twice is an error naming the file and line: a
 * config we do not fully understand must deny, never guess.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"
#include "error_text.h"
#include "config_values.h"

/* Longer than any valid line (the longest values are 1024 bytes) yet small enough for the
 * stack. */
#define CG_CONFIG_LINE_MAX 4096

enum cfg_key {
	K_ISSUER,
	K_AUDIENCE,
	K_KEYS_DIR,
	K_ALGORITHMS,
	K_MAX_LIFETIME,
	K_LEEWAY,
	K_HOSTNAME,
	K_ENFORCE_GROUPS,
	K_ENFORCE_USERS,
	K_EXEMPT_GROUPS,
	K_EXEMPT_USERS,
	K_TICKET_PATTERN,
	K_REVOCATION_FILE,
	K_REVOCATION_LIST,
	K_REVOCATION_KIDS,
	K_EMERGENCY_KEYS,
	K_STATE_DIR,
	K_SINGLE_USE,
	K_AUDIT_LOG,
	K_REQUIRE_REAPER,
	K_SESSION_WARN,
	K_SESSION_GRACE,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	[K_ISSUER] = "issuer",
	[K_AUDIENCE] = "audience",
	[K_KEYS_DIR] = "keys_dir",
	[K_ALGORITHMS] = "algorithms",
	[K_MAX_LIFETIME] = "max_lifetime",
	[K_LEEWAY] = "leeway",
	[K_HOSTNAME] = "hostname",
	[K_ENFORCE_GROUPS] = "enforce_groups",
	[K_ENFORCE_USERS] = "enforce_users",
	[K_EXEMPT_GROUPS] = "exempt_groups",
	[K_EXEMPT_USERS] = "exempt_users",
	[K_TICKET_PATTERN] = "ticket_pattern",
	[K_REVOCATION_FILE] = "revocation_file",
	[K_REVOCATION_LIST] = "revocation_list",
	[K_REVOCATION_KIDS] = "revocation_kids",
	[K_EMERGENCY_KEYS] = "emergency_keys",
	[K_STATE_DIR] = "state_dir",
	[K_SINGLE_USE] = "single_use",
	[K_AUDIT_LOG] = "audit_log",
	[K_REQUIRE_REAPER] = "require_reaper",
	[K_SESSION_WARN] = "session_warn",
	[K_SESSION_GRACE] = "session_grace",
};

const char *cg_default_config_path(void)
{
	return SYSCONFDIR "/changegate/changegate.conf";
}

int cg_config_init(struct cg_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->algorithms = CG_ALG_ES256;
	cfg->max_lifetime = 4 * 3600;
	cfg->leeway = 60;
	cfg->single_use = CG_SINGLE_USE_NO;
	cfg->session_warn = 5 * 60;
	cfg->session_grace = 30;
	/* gethostname() only: the decision path makes no network calls, so no DNS lookup for
	 * an FQDN here; hosts that need the FQDN set hostname in the config */
	char host[HOST_NAME_MAX + 1];
	if (gethostname(host, sizeof(host)) != 0)
		return -1;
	host[sizeof(host) - 1] = '\0';
	cfg->hostname = strdup(host);
	cfg->state_dir = strdup(CG_STATEDIR);
	if (cfg->hostname == NULL || cfg->state_dir == NULL) {
		cg_config_free(cfg);
		return -1;
	}
	return 0;
}

void cg_config_free(struct cg_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->issuer);
	free(cfg->audience);
	free(cfg->keys_dir);
	free(cfg->hostname);
	cg_gate_lists_free(&cfg->gate);
	free(cfg->ticket_pattern);
	cg_cv_regex_free(cfg->ticket_re);
	free(cfg->revocation_file);
	free(cfg->revocation_list);
	cg_strlist_free(&cfg->revocation_kids);
	cg_strlist_free(&cfg->emergency_keys);
	free(cfg->state_dir);
	free(cfg->audit_log);
	free(cfg->source);
	memset(cfg, 0, sizeof(*cfg));
}

static const char *set_string(char **slot, const char *v, const char *(*check)(const char *))
{
	const char *msg = check(v);
	if (msg != NULL)
		return msg;
	char *copy = strdup(v);
	if (copy == NULL)
		return "out of memory";
	free(*slot);
	*slot = copy;
	return NULL;
}

static const char *set_duration(long *slot, const char *v, long min, long max)
{
	long d;
	if (!cg_parse_duration(v, &d))
		return "not a duration (seconds, or a number with s, m or h; at most 30 days)";
	if (d < min || d > max)
		return d < min ? "duration too short" : "duration too long";
	*slot = d;
	return NULL;
}

static const char *set_pattern(struct cg_config *cfg, const char *v)
{
	void *re = NULL;
	const char *msg = cg_cv_ticket_pattern(v, &re);
	if (msg != NULL)
		return msg;
	char *copy = strdup(v);
	if (copy == NULL) {
		cg_cv_regex_free(re);
		return "out of memory";
	}
	cfg->ticket_pattern = copy;
	cfg->ticket_re = re;
	return NULL;
}

/* Applies one key; NULL or a message. Each key is seen at most once (checked by the caller),
 * so lists and the pattern start empty. */
static const char *set_value(struct cg_config *cfg, enum cfg_key k, const char *v)
{
	switch (k) {
	case K_ISSUER:
		return set_string(&cfg->issuer, v, cg_cv_text);
	case K_AUDIENCE:
		return set_string(&cfg->audience, v, cg_cv_text);
	case K_KEYS_DIR:
		return set_string(&cfg->keys_dir, v, cg_cv_path);
	case K_ALGORITHMS:
		return cg_cv_algorithms(v, &cfg->algorithms);
	case K_MAX_LIFETIME:
		return set_duration(&cfg->max_lifetime, v, 1, 30L * 24 * 3600);
	case K_LEEWAY:
		return set_duration(&cfg->leeway, v, 0, CG_CONFIG_LEEWAY_MAX);
	case K_HOSTNAME:
		return set_string(&cfg->hostname, v, cg_cv_hostname);
	case K_ENFORCE_GROUPS:
		return cg_cv_list(v, &cfg->gate.enforce_groups, cg_cv_account_name);
	case K_ENFORCE_USERS:
		return cg_cv_list(v, &cfg->gate.enforce_users, cg_cv_account_name);
	case K_EXEMPT_GROUPS:
		return cg_cv_list(v, &cfg->gate.exempt_groups, cg_cv_account_name);
	case K_EXEMPT_USERS:
		return cg_cv_list(v, &cfg->gate.exempt_users, cg_cv_account_name);
	case K_TICKET_PATTERN:
		return set_pattern(cfg, v);
	case K_REVOCATION_FILE:
		return set_string(&cfg->revocation_file, v, cg_cv_path);
	case K_REVOCATION_LIST:
		return set_string(&cfg->revocation_list, v, cg_cv_path);
	case K_REVOCATION_KIDS:
		return cg_cv_list(v, &cfg->revocation_kids, cg_cv_kid);
	case K_EMERGENCY_KEYS:
		return cg_cv_list(v, &cfg->emergency_keys, cg_cv_kid);
	case K_STATE_DIR:
		return set_string(&cfg->state_dir, v, cg_cv_path);
	case K_SINGLE_USE:
		return cg_cv_single_use(v, &cfg->single_use);
	case K_AUDIT_LOG:
		return set_string(&cfg->audit_log, v, cg_cv_path);
	case K_REQUIRE_REAPER:
		return cg_cv_yes_no(v, &cfg->require_reaper);
	case K_SESSION_WARN:
		/* 0: no warning line; more than a day says nothing a ticket of hours could use */
		return set_duration(&cfg->session_warn, v, 0, 24L * 3600);
	case K_SESSION_GRACE:
		/* the time a shell gets to save its history before SIGKILL; an hour is far past
		 * any clean exit and keeps "ended" meaning ended */
		return set_duration(&cfg->session_grace, v, 0, CG_CONFIG_GRACE_MAX);
	case K_COUNT:
		break;
	}
	return "unknown key";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trims blanks at both ends in place; returns the new start. */
static char *trim(char *s)
{
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int lookup_key(const char *k)
{
	for (int i = 0; i < K_COUNT; i++) {
		if (strcmp(k, key_names[i]) == 0)
			return i;
	}
	return -1;
}

/* One non-blank, non-comment line. */
static int parse_line(struct cg_config *cfg, const char *name, unsigned lineno, char *line,
		      unsigned seen_at[K_COUNT], char *err, size_t errlen)
{
	char *eq = strchr(line, '=');
	if (eq == NULL) {
		cg_set_err(err, errlen, "%s:%u: missing '=' (expected \"key = value\")", name, lineno);
		return -1;
	}
	*eq = '\0';
	char *key = trim(line);
	char *value = trim(eq + 1);
	char safe_key[64];
	cg_sanitize(safe_key, sizeof(safe_key), key);
	if (*key == '\0') {
		cg_set_err(err, errlen, "%s:%u: missing key before '='", name, lineno);
		return -1;
	}
	int k = lookup_key(key);
	if (k < 0) {
		cg_set_err(err, errlen, "%s:%u: unknown key '%s'", name, lineno, safe_key);
		return -1;
	}
	if (seen_at[k] != 0) {
		cg_set_err(err, errlen, "%s:%u: duplicate key '%s' (first set on line %u)", name,
			lineno, safe_key, seen_at[k]);
		return -1;
	}
	seen_at[k] = lineno;
	if (*value == '\0') {
		cg_set_err(err, errlen, "%s:%u: %s: empty value", name, lineno, safe_key);
		return -1;
	}
	/* "key = value # note" would silently make the note part of the value (an issuer that
	 * never matches, a pattern that matches something else): refuse it outright */
	for (const char *h = strchr(value, '#'); h != NULL; h = strchr(h + 1, '#')) {
		if (is_blank(h[-1])) {
			cg_set_err(err, errlen,
				"%s:%u: %s: '#' comments must be on a line of their own", name,
				lineno, safe_key);
			return -1;
		}
	}
	const char *msg = set_value(cfg, (enum cfg_key)k, value);
	if (msg != NULL) {
		char safe_value[96];
		cg_sanitize(safe_value, sizeof(safe_value), value);
		cg_set_err(err, errlen, "%s:%u: %s: %s: \"%s\"", name, lineno, safe_key, msg,
			safe_value);
		return -1;
	}
	return 0;
}

int cg_config_parse(struct cg_config *cfg, const char *name, const char *buf, size_t len,
		    char *err, size_t errlen)
{
	unsigned seen_at[K_COUNT] = {0};
	char line[CG_CONFIG_LINE_MAX + 1];
	unsigned lineno = 0;
	size_t off = 0;
	int rc = 0;

	if (name == NULL)
		name = "(config)";
	while (off < len) {
		lineno++;
		const char *start = buf + off;
		const char *nl = memchr(start, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - start) : len - off;
		off += n + (nl != NULL);
		if (n > CG_CONFIG_LINE_MAX) {
			cg_set_err(err, errlen, "%s:%u: line longer than %d bytes", name, lineno,
				CG_CONFIG_LINE_MAX);
			rc = -1;
			break;
		}
		if (memchr(start, '\0', n) != NULL) {
			cg_set_err(err, errlen, "%s:%u: NUL byte in line", name, lineno);
			rc = -1;
			break;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (parse_line(cfg, name, lineno, s, seen_at, err, errlen) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc != 0)
		return -1;

	static const enum cfg_key required[] = {K_ISSUER, K_AUDIENCE, K_KEYS_DIR};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		if (seen_at[required[i]] == 0) {
			cg_set_err(err, errlen, "%s: missing required key '%s'", name,
				key_names[required[i]]);
			return -1;
		}
	}
	return 0;
}

int cg_config_load(struct cg_config *cfg, const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	if (cg_read_trusted_file(path, CG_CONFIG_FILE_MAX, &buf, &len, err, errlen) != 0)
		return -1;
	free(cfg->source);
	cfg->source = strdup(path);
	int rc = -1;
	if (cfg->source == NULL)
		cg_set_err(err, errlen, "%s: out of memory", path);
	else
		rc = cg_config_parse(cfg, path, buf, len, err, errlen);
	cg_wipe_free(buf, len + 1);
	return rc;
}
