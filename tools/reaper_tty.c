/*
 * One line to a login's terminal. The device comes from the kernel (the tty_nr of the
 * session's processes), never from a path anyone wrote, and is opened so that the reaper
 * never acquires it as a controlling terminal and never blocks on a stopped one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "changegate.h"
#include "reaper.h"

/* /dev/pts/N (Unix98 pty slaves: majors 136..143) or /dev/ttyN (virtual consoles). */
static bool tty_path(dev_t dev, char *path, size_t len)
{
	unsigned maj = major(dev), min = minor(dev);
	int n = -1;
	if (maj >= 136 && maj <= 143)
		n = snprintf(path, len, "/dev/pts/%u", (maj - 136) * 256 + min);
	else if (maj == 4 && min > 0 && min < 64)
		n = snprintf(path, len, "/dev/tty%u", min);
	return n > 0 && (size_t)n < len;
}

int rp_tty_write(dev_t dev, const char *line)
{
	char path[64];
	if (!tty_path(dev, path, sizeof(path))) {
		errno = ENOTTY;
		return -1;
	}
	int fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = -1;
	/* the name must still be the device the session holds */
	if (fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == dev) {
		char msg[1024];
		/* \r: the terminal may be in raw mode (an editor, a pager) */
		int n = snprintf(msg, sizeof(msg), "\r\n%s\r\n", line);
		if (n > 0) {
			size_t len = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
			rc = cg_write_all(fd, msg, len);
		}
	} else {
		errno = ENOTTY;
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}
