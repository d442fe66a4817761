/*
 * Files the core writes in its own directories (state_dir, the run dir): created under a
 * temporary name owned by root:root, and the temporaries of writers that died removed.
 * Used by replay.c, revocation_index.c and login_record_file.c; never seen by the front ends.
 */
#ifndef CG_STATE_FILE_H
#define CG_STATE_FILE_H

#include <dirent.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* A temporary file this old (by mtime) belongs to a writer that died: every writer renames
 * or links its file within seconds (the largest revocation index takes about one), and
 * removing a live one only makes that writer fail (closed), never install a wrong file. */
#define CG_STATE_TEMP_KEEP 600
#define CG_STATE_TEMP_NAME_MAX 64

/* The directory at path, opened O_NOFOLLOW and checked as an open file (cg_check_trusted_fd):
 * every later step works relative to this fd, on this directory. The fd, or -1. */
int cg_state_dir_open(const char *path);

/* A directory stream over dirfd through a descriptor of its own (closedir leaves dirfd
 * open), or NULL. */
DIR *cg_state_dir_list(int dirfd);

/* Makes a file just created by us root:root when we run as root. sudo runs its plugins with
 * the invoking user's gid, so without this a file would belong to the user's group. When
 * not root (the tests, a user's own `changegate`), nothing is done: the trust rules accept
 * files of the euid. 0 or -1. */
int cg_own_by_root(int fd);

/* Creates a temporary file ".tmp-<pid>-<16 hex>" in dirfd (O_EXCL, O_NOFOLLOW), with mode
 * (whatever the umask), owned by root:root (cg_own_by_root). Its name goes to name. The
 * write-only fd, or -1 (nothing left behind). */
int cg_state_temp_create(int dirfd, mode_t mode, char name[CG_STATE_TEMP_NAME_MAX]);

/* Whether name is one of our temporary names: ".tmp-<digits>-<16 hex>", or the mkstemp
 * ".tmp-revocation.idx-XXXXXX" that earlier versions left. */
bool cg_state_temp_name(const char *name);

/* Removes dirfd/name when it is one of our temporary names, a regular file (not followed if
 * a link) owned by root or the euid, and older than CG_STATE_TEMP_KEEP at now. True when
 * name was one of ours (examined, whether removed or not). */
bool cg_state_temp_prune(int dirfd, const char *name, time_t now);

/* Prunes stale temporaries in dirfd: at most CG_STATE_SCAN_MAX entries read and
 * CG_STATE_TEMPS_MAX temporaries examined a call, so a huge directory costs a bounded time. */
#define CG_STATE_SCAN_MAX 16384
#define CG_STATE_TEMPS_MAX 16
void cg_state_temps_prune(int dirfd, time_t now);

#endif /* CG_STATE_FILE_H */
