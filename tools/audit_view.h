/* `changegate audit`: one record of the JSON audit log, read strictly (audit_record.c). */
#ifndef CG_AUDIT_VIEW_H
#define CG_AUDIT_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

struct cli_audit_rec {
	json_t *obj;
	long long time;
};

/* Parses one line (without its newline): a JSON object, no duplicate key, an integer "time",
 * every field the writers define of their type. 0, or -1 with err set (r is then empty). */
int cli_audit_parse(const char *line, size_t len, struct cli_audit_rec *r, char *err,
		    size_t errlen);
void cli_audit_free(struct cli_audit_rec *r);
/* A string field, or NULL when absent. */
const char *cli_audit_str(const struct cli_audit_rec *r, const char *key);
/* An integer field; false when absent. */
bool cli_audit_num(const struct cli_audit_rec *r, const char *key, long long *out);
/* One timeline line (and the detail of a denial, indented), every value escaped and cut. */
void cli_audit_print_text(FILE *f, const struct cli_audit_rec *r);
/* The record as one compact JSON line. 0 or -1. */
int cli_audit_print_json(FILE *f, const struct cli_audit_rec *r);

#endif
