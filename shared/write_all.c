/* A whole buffer to a file descriptor: records and indexes are only trusted when complete,
 * so a short write is retried and an EINTR is not a failure. */
#include <errno.h>
#include <unistd.h>

#include "changegate.h"

int cg_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
