/* The identity of one version of a file, so that a decision made with a key file (or an index
 * built from a revocation list) can later be told to still hold for the same file: same device
 * and inode (not replaced), same size, mtime and ctime to the nanosecond (not rewritten, not
 * chmod'ed or chown'ed). */
#include <string.h>
#include <sys/stat.h>

#include "file_id.h"

void cg_file_id_of_stat(const struct stat *st, struct cg_file_id *out)
{
	memset(out, 0, sizeof(*out));
	out->dev = (unsigned long long)st->st_dev;
	out->ino = (unsigned long long)st->st_ino;
	out->size = (long long)st->st_size;
	out->mtime_sec = (long long)st->st_mtim.tv_sec;
	out->mtime_nsec = st->st_mtim.tv_nsec;
	out->ctime_sec = (long long)st->st_ctim.tv_sec;
	out->ctime_nsec = st->st_ctim.tv_nsec;
}

int cg_file_id_of_fd(int fd, struct cg_file_id *out)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	cg_file_id_of_stat(&st, out);
	return 0;
}

bool cg_file_id_equal(const struct cg_file_id *a, const struct cg_file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
	       a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}
