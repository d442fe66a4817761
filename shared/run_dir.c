/* The run directory: made on first use by whoever writes there first (the PAM module, sudo
 * or the reaper), always root's and 0700, and trusted only after the checks of
 * cg_state_dir_open on the opened directory itself. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_dir.h"
#include "state_file.h"

int cg_run_dir_open(const char *run_dir, bool create)
{
	if (run_dir == NULL || run_dir[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	bool made = create && mkdir(run_dir, 0700) == 0;
	if (create && !made && errno != EEXIST)
		return -1;
	int fd = cg_state_dir_open(run_dir);
	if (fd < 0)
		return -1;
	if (made && cg_own_by_root(fd) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}
