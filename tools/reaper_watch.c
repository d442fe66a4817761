/*
 * Wake-ups for the files the reaper follows: the record directory (a login opened or
 * closed) and the revocation list(s). A list is replaced by rename (changegate revoke writes
 * a temporary and renames it), which a watch on the file itself would miss, so the
 * directory holding it is watched. A second list (a signed one) is one more path.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "changegate.h"
#include "reaper.h"

#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | \
		    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

static bool add(struct rp_watch *w, const char *dir)
{
	if (w->fd < 0 || w->count >= RP_WATCH_MAX)
		return false;
	int wd = inotify_add_watch(w->fd, dir, DIR_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0)
		return false;
	w->wd[w->count++] = wd;
	return true;
}

int rp_watch_open(struct rp_watch *w, const char *run_dir, const char *const *paths, size_t n)
{
	memset(w, 0, sizeof(*w));
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int missed = 0;
	if (!add(w, run_dir))
		missed++;
	for (size_t i = 0; i < n; i++) {
		char copy[4096];
		if (paths[i] == NULL)
			continue;
		if (cg_strlcpy(copy, paths[i], sizeof(copy)) >= sizeof(copy) || !add(w, dirname(copy)))
			missed++;
	}
	return missed;
}

bool rp_watch_drain(struct rp_watch *w)
{
	if (w->fd < 0)
		return false;
	bool any = false;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		/* which file changed does not matter: any change means "look again" */
		any = true;
	}
	return any;
}

void rp_watch_close(struct rp_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->count = 0;
}
