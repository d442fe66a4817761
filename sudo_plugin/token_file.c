/*
 * CHANGEGATE_TOKEN_FILE is named by the user, but sudo runs us as root: opening it as root
 * would let anyone read /etc/shadow through the prompt's error messages or timing. So a
 * child process drops to the user's uid, gid and groups, opens the file, and sends the
 * bytes back through a pipe. The parent never changes its own credentials, so there is
 * nothing to restore.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cg_sudo.h"

/* the child's first byte on the pipe: how it went */
enum { RF_OK = 0, RF_PRIVS, RF_OPEN, RF_NOT_REGULAR, RF_TOO_LARGE, RF_READ };

static bool drop_to_user(uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	/* a copy of root's sudo must never become readable by the user through ptrace */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return false;
	if (setgroups(ngroups, groups) != 0 || setresgid(gid, gid, gid) != 0 ||
	    setresuid(uid, uid, uid) != 0)
		return false;
	/* verify: a partial drop must not go on as root */
	if (getresuid(&r, &e, &s) != 0 || r != uid || e != uid || s != uid)
		return false;
	if (getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid)
		return false;
	if (uid != 0 && setuid(0) == 0)
		return false;
	return true;
}

static __attribute__((noreturn)) void child(int fd, const char *path, uid_t uid, gid_t gid,
					    const gid_t *groups, size_t ngroups, size_t max)
{
	char *buf = NULL;
	unsigned char status = RF_READ;
	struct stat st;
	size_t len = 0;
	int in;

	if (!drop_to_user(uid, gid, groups, ngroups)) {
		status = RF_PRIVS;
		goto out;
	}
	in = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (in < 0) {
		status = RF_OPEN;
		goto out;
	}
	if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		status = RF_NOT_REGULAR;
		goto out;
	}
	if (st.st_size < 0 || (size_t)st.st_size > max) {
		status = RF_TOO_LARGE;
		goto out;
	}
	buf = malloc(max + 1);
	if (buf == NULL)
		goto out;
	for (;;) {
		ssize_t n = read(in, buf + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			status = RF_TOO_LARGE;
			goto out;
		}
	}
	status = RF_OK;
out:
	if (cg_write_all(fd, &status, 1) == 0 && status == RF_OK)
		(void)cg_write_all(fd, buf, len);
	if (buf != NULL)
		explicit_bzero(buf, max + 1);
	_exit(0);
}

static const char *status_words(unsigned char st)
{
	switch (st) {
	case RF_PRIVS: return "could not take on your privileges to read it";
	case RF_OPEN: return "cannot be opened by you (or is a symbolic link)";
	case RF_NOT_REGULAR: return "is not a regular file";
	case RF_TOO_LARGE: return "is too large to hold a token";
	default: return "could not be read";
	}
}

int cgs_read_file_as_user(const char *path, uid_t uid, gid_t gid, const gid_t *groups,
			  size_t ngroups, size_t max, char **out, size_t *outlen,
			  char *msg, size_t msglen)
{
	unsigned char status = RF_READ;
	char *buf;
	size_t len = 0;
	bool got_status = false;
	int fds[2], wst;
	pid_t pid;

	*out = NULL;
	*outlen = 0;
	buf = malloc(max + 2);
	if (buf == NULL || pipe2(fds, O_CLOEXEC) != 0) {
		free(buf);
		snprintf(msg, msglen, "CHANGEGATE_TOKEN_FILE: out of resources");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		free(buf);
		snprintf(msg, msglen, "CHANGEGATE_TOKEN_FILE: cannot fork");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], path, uid, gid, groups, ngroups, max);
	}
	close(fds[1]);
	for (;;) {
		char *dst = got_status ? buf + len : (char *)&status;
		size_t room = got_status ? max + 1 - len : 1;
		ssize_t n;

		if (room == 0)
			break;
		n = read(fds[0], dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!got_status)
			got_status = true;
		else
			len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (!got_status || status != RF_OK || len > max) {
		explicit_bzero(buf, max + 2);
		free(buf);
		/* never echo the contents; the path is the user's own words */
		snprintf(msg, msglen, "CHANGEGATE_TOKEN_FILE %s",
			 got_status ? status_words(status) : "could not be read");
		return -1;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}
