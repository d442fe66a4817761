/*
 * Who logged what in a wave of concurrent logins: each login process names itself in PAM_TTY
 * ("load-<i>") and sends pam_wrapper's syslog stream to a file of its own, so every line in
 * the shared audit log and every syslog line can be traced to the one login that made it.
 */
#ifndef CG_LOAD_COUNT_H
#define CG_LOAD_COUNT_H

#include <stddef.h>

struct lc_seen {
	int json;          /* audit log lines of this login */
	int json_ok;       /* ... decision allow, reason ok */
	int json_replayed; /* ... decision deny, reason replayed */
	int sys;           /* syslog lines of this login */
	int sys_ok;
	int sys_replayed;
};

/* The tree to keep the syslog files in (a "load" directory is made there) and the audit log. */
int lc_init(const char *dir, const char *audit_path);
/* Login idx's PAM_TTY and syslog file. */
void lc_names(int idx, char *tty, size_t ttylen, char *log, size_t loglen);
/* Number of lines in the audit log now: lc_collect looks only at lines after it. */
size_t lc_mark(void);
/* Counts for logins 0..n-1, from the audit lines after mark and their syslog files. 0, or -1
 * when a file cannot be read or an audit line after mark is not JSON. */
int lc_collect(struct lc_seen *seen, int n, size_t mark);

#endif /* CG_LOAD_COUNT_H */
