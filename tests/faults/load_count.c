/* See load_count.h. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "load_count.h"
#include "testlib.h"

#define TTY_PREFIX "load-"

static char load_dir[PATH_MAX], audit[PATH_MAX];

int lc_init(const char *dir, const char *audit_path)
{
	if (snprintf(load_dir, sizeof(load_dir), "%s/load", dir) >= (int)sizeof(load_dir) ||
	    snprintf(audit, sizeof(audit), "%s", audit_path) >= (int)sizeof(audit))
		return -1;
	return mkdir(load_dir, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

void lc_names(int idx, char *tty, size_t ttylen, char *log, size_t loglen)
{
	snprintf(tty, ttylen, TTY_PREFIX "%d", idx);
	/* load_dir is well under PATH_MAX (lc_init checked it); a cut name would only fail to
	 * open, and so fail the test */
	if (snprintf(log, loglen, "%s/%d.syslog", load_dir, idx) >= (int)loglen)
		log[0] = '\0';
}

size_t lc_mark(void)
{
	return cg_test_file_lines(audit);
}

/* "load-<i>" with 0 <= i < n, else -1 */
static int tty_index(const char *tty, int n)
{
	if (tty == NULL || strncmp(tty, TTY_PREFIX, strlen(TTY_PREFIX)) != 0)
		return -1;
	char *end;
	errno = 0;
	long i = strtol(tty + strlen(TTY_PREFIX), &end, 10);
	return errno == 0 && *end == '\0' && i >= 0 && i < n ? (int)i : -1;
}

static int count_audit(struct lc_seen *seen, int n, size_t mark)
{
	FILE *f = fopen(audit, "r");
	char line[8192];
	size_t no = 0;
	int rc = 0;
	if (f == NULL)
		return -1;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		if (no++ < mark)
			continue;
		json_t *o = json_loads(line, 0, NULL);
		if (o == NULL) {
			rc = -1; /* a torn or interleaved line */
			break;
		}
		int i = tty_index(json_string_value(json_object_get(o, "tty")), n);
		const char *decision = json_string_value(json_object_get(o, "decision"));
		const char *reason = json_string_value(json_object_get(o, "reason"));
		if (i >= 0 && decision != NULL && reason != NULL) {
			seen[i].json++;
			seen[i].json_ok += strcmp(decision, "allow") == 0 && strcmp(reason, "ok") == 0;
			seen[i].json_replayed += strcmp(decision, "deny") == 0 &&
						 strcmp(reason, "replayed") == 0;
		}
		json_decref(o);
	}
	fclose(f);
	return rc;
}

/* true when line holds the field key=value exactly (not a prefix of a longer value) */
static bool has_field(const char *line, const char *key, const char *value)
{
	char field[128];
	snprintf(field, sizeof(field), " %s=%s", key, value);
	for (const char *p = strstr(line, field); p != NULL; p = strstr(p + 1, field)) {
		char end = p[strlen(field)];
		if (end == ' ' || end == '\n' || end == '\0')
			return true;
	}
	return false;
}

/* pam_wrapper writes pam_syslog as "PWRAP_<LEVEL>[...] - SYSLOG(<prio>): <line>" */
static int count_syslog(struct lc_seen *s, int idx)
{
	char tty[32], path[PATH_MAX], line[8192];
	lc_names(idx, tty, sizeof(tty), path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *text = strstr(line, "SYSLOG(");
		text = text != NULL ? strstr(text, "): ") : NULL;
		if (text == NULL || !has_field(text + 2, "tty", tty))
			continue;
		s->sys++;
		s->sys_ok += has_field(text + 2, "decision", "allow") &&
			     has_field(text + 2, "reason", "ok");
		s->sys_replayed += has_field(text + 2, "decision", "deny") &&
				   has_field(text + 2, "reason", "replayed");
	}
	fclose(f);
	return 0;
}

int lc_collect(struct lc_seen *seen, int n, size_t mark)
{
	memset(seen, 0, (size_t)n * sizeof(*seen));
	if (count_audit(seen, n, mark) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (count_syslog(&seen[i], i) != 0)
			return -1;
	}
	return 0;
}
