/* The run directory (root's, 0700) that holds the login records, the reaper's lock and the
 * sudo leases. Internal to the core. */
#ifndef CG_RUN_DIR_H
#define CG_RUN_DIR_H

#include <stdbool.h>

/* run_dir opened O_NOFOLLOW and checked as root's (cg_state_dir_open); with create, made
 * first (0700, root:root) when missing. The fd, or -1 with errno (ENOENT: it is missing). */
int cg_run_dir_open(const char *run_dir, bool create);

#endif /* CG_RUN_DIR_H */
