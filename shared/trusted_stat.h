/* Internal to the core: the owner and mode rule of trusted_file.c, for other core files that
 * judge what they lstat themselves (command_paths.c). */
#ifndef CG_TRUSTED_STAT_H
#define CG_TRUSTED_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* st is owned by root (or, unless root_only, by the process's euid) and not writable by
 * group or others: 0, or -1 with errno and err ("PATH: owned by uid 1000, not root"). */
int cg_check_trusted_stat(const char *path, const struct stat *st, bool root_only, char *err,
			  size_t errlen);

/* The reading half of cg_read_trusted_file, on an fd the caller opened and whose fstat st it
 * has already judged: at most max bytes, a file that grows meanwhile refused. fd stays open.
 * 0 with *buf (NUL-terminated), or -1 with errno and err. */
int cg_read_trusted_fd(int fd, const char *path, const struct stat *st, size_t max, char **buf,
		       size_t *len, char *err, size_t errlen);

#endif /* CG_TRUSTED_STAT_H */
