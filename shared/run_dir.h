/* The run directory (root's, 0700) that holds the login records, the reaper's lock and the
 * sudo leases. Internal to the core. */
#ifndef CG_RUN_DIR_H
#define CG_RUN_DIR_H

#include <stdbool.h>

/* run_dir opened O_NOFOLLOW and checked as root's (cg_state_dir_open); with create, made
 * first (0700, root:root) when missing. The fd, or -1 with errno (ENOENT: it is missing). */
int cg_run_dir_open(const char *run_dir, bool create);

/* Removes run_dir/name (one of the files a writer put there); gone already, or no run_dir at
 * all, counts as removed. 0, or -1 with errno when run_dir cannot be trusted or the unlink
 * fails. */
int cg_run_dir_remove(const char *run_dir, const char *name);

/* The entries of run_dir named prefix and a number in canonical decimal (no sign, no
 * leading zero) from min to max, that are regular files (not symlinks) owned by root and
 * not writable by group or others: fn gets each one's number, in directory order. Other
 * entries (temporaries, the lock, the other kind of file, anything planted) are passed
 * over; at most CG_STATE_SCAN_MAX entries are read. A missing run_dir has none: 0; -1 with
 * errno when run_dir cannot be trusted or read. */
typedef void (*cg_run_dir_fn)(unsigned long long n, void *arg);
int cg_run_dir_scan(const char *run_dir, const char *prefix, unsigned long long min,
		    unsigned long long max, cg_run_dir_fn fn, void *arg);

#endif /* CG_RUN_DIR_H */
