/*
 * Value checkers for changegate.conf, one per kind of value. Each returns NULL when the value
 * is acceptable, or a short message saying what is wrong with it (a static string).
 */
#ifndef CG_CONFIG_VALUES_H
#define CG_CONFIG_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "changegate.h"

/* Longest path value we accept; PATH_MAX is far more than any sane config needs. */
#define CG_CONFIG_PATH_MAX 1024
/* ticket_pattern: a small, linear-time subset of POSIX EREs (see cg_cv_ticket_pattern). */
#define CG_CONFIG_PATTERN_MAX 128
#define CG_PATTERN_REPS_MAX 4
#define CG_PATTERN_BOUND_MAX 32
/* Leeway beyond an hour would make "expired" meaningless. */
#define CG_CONFIG_LEEWAY_MAX 3600
/* session_grace: SIGTERM to SIGKILL. */
#define CG_CONFIG_GRACE_MAX 3600

/* Free text such as issuer or audience: 1..CG_CLAIM_MAX bytes, no control characters. */
const char *cg_cv_text(const char *v);
/* An absolute path without control characters or "." / ".." components. */
const char *cg_cv_path(const char *v);
/* A host name: letters, digits, '-', '_', '.'; 1..253 bytes. */
const char *cg_cv_hostname(const char *v);
/* A key id: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ */
const char *cg_cv_kid(const char *v);
/* A user or group name: 1..CG_CLAIM_MAX printable ASCII bytes other than space, ',' and '#'. */
const char *cg_cv_account_name(const char *v);
/* Space-separated algorithm names into a cg_alg bit set. */
const char *cg_cv_algorithms(const char *v, unsigned *out);
/* "yes" | "no", nothing else (no "true", "1": one spelling in every config). */
const char *cg_cv_yes_no(const char *v, bool *out);
/* "no" | "login" | "always". */
const char *cg_cv_single_use(const char *v, cg_single_use *out);
/* Splits a comma and/or space separated list, checking each entry with check. */
const char *cg_cv_list(const char *v, struct cg_strlist *out, const char *(*check)(const char *));
/* Compiles an ERE anchored at both ends into a malloc'd regex_t (REG_EXTENDED|REG_NOSUB). */
const char *cg_cv_ticket_pattern(const char *v, void **re_out);
/* Frees what cg_cv_ticket_pattern made. */
void cg_cv_regex_free(void *re);

#endif /* CG_CONFIG_VALUES_H */
