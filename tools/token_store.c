/* The user's own token files, held to the rules ssh holds private keys to: the user's, not
 * readable or writable by anyone else, no symlinks followed, bounded. A token is a bearer
 * credential for production: a copy readable by others is refused rather than used. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "error_text.h"

void client_token_free(struct client_token *t)
{
	if (t == NULL)
		return;
	if (t->text != NULL)
		cg_wipe_free(t->text, t->len + 1);
	cg_ticket_clear(&t->ticket);
	memset(t, 0, sizeof(*t));
}

void client_tokens_free(struct client_token *t, size_t n)
{
	for (size_t i = 0; t != NULL && i < n; i++)
		client_token_free(&t[i]);
	free(t);
}

int client_token_dir(char *buf, size_t buflen, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	/* the XDG base directory spec: a relative XDG_CONFIG_HOME is invalid and ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, buflen, "%s/changegate/tokens", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(buf, buflen, "%s/.config/changegate/tokens", home);
	else {
		cg_set_err(err, errlen, "neither XDG_CONFIG_HOME nor HOME is an absolute path");
		return -1;
	}
	if (n < 0 || (size_t)n >= buflen) {
		cg_set_err(err, errlen, "the token directory's path is too long");
		return -1;
	}
	return 0;
}

/* The user's own, and nobody else's business: ssh's rule for private keys. */
static int check_private(const struct stat *st, const char *path, bool want_dir, char *err,
			 size_t errlen)
{
	if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode)) {
		cg_set_err(err, errlen, "%s: not a %s", path, want_dir ? "directory" : "regular file");
		errno = EINVAL;
		return -1;
	}
	if (st->st_uid != getuid()) {
		cg_set_err(err, errlen, "%s: owned by uid %lu, not by you (uid %lu)", path,
			(unsigned long)st->st_uid, (unsigned long)getuid());
		errno = EPERM;
		return -1;
	}
	if ((st->st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		cg_set_err(err, errlen, "%s: mode %04o lets group or others in; chmod %s it",
			path, (unsigned)(st->st_mode & 07777), want_dir ? "700" : "600");
		errno = EPERM;
		return -1;
	}
	return 0;
}

int client_token_dir_open(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		/* O_NOFOLLOW on a symlink to a directory gives ENOTDIR with O_DIRECTORY */
		if (e == ELOOP || (e == ENOTDIR && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)))
			cg_set_err(err, errlen, "%s: is a symbolic link", dir);
		else
			cg_set_err(err, errlen, "%s: %s", dir, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) != 0 || check_private(&st, dir, true, err, errlen) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void client_token_adopt(struct client_token *t, char *text, size_t len, const char *name)
{
	memset(t, 0, sizeof(*t));
	t->text = text;
	t->len = len;
	/* one line ending, as an editor or `echo` leaves it, and nothing else */
	if (t->len > 0 && t->text[t->len - 1] == '\n') {
		t->text[--t->len] = '\0';
		if (t->len > 0 && t->text[t->len - 1] == '\r')
			t->text[--t->len] = '\0';
	}
	cg_strlcpy(t->name, name, sizeof(t->name));
	t->peeked = cg_token_peek(t->text, t->len, &t->ticket, t->why, sizeof(t->why));
}

int client_token_read(int dirfd, const char *path, const char *shown_as, struct client_token *t,
		      char *err, size_t errlen)
{
	struct stat st;

	memset(t, 0, sizeof(*t));
	int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		cg_set_err(err, errlen, "%s: %s", shown_as,
			e == ELOOP ? "is a symbolic link" : strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) != 0 || check_private(&st, shown_as, false, err, errlen) != 0) {
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > CLIENT_TOKEN_FILE_MAX) {
		cg_set_err(err, errlen, "%s: larger than %d bytes, which no token is", shown_as,
			CLIENT_TOKEN_FILE_MAX);
		close(fd);
		return -1;
	}
	char *text;
	size_t len;
	int rc = cg_read_fd_all(fd, shown_as, (size_t)st.st_size, &text, &len, err, errlen);
	close(fd);
	if (rc != 0)
		return -1;
	client_token_adopt(t, text, len, path);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct client_token *)a)->name, ((const struct client_token *)b)->name);
}

int client_tokens_load(int dirfd, const char *dir, struct client_token **out, size_t *n,
		       void (*warn)(const char *msg), char *err, size_t errlen)
{
	char msg[CG_DETAIL_MAX + 2 * PATH_MAX];
	char shown[PATH_MAX + CLIENT_NAME_MAX + 2];
	struct client_token *t = calloc(CLIENT_TOKENS_MAX, sizeof(*t));
	int fd = dup(dirfd);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;

	*out = NULL;
	*n = 0;
	if (t == NULL || d == NULL) {
		cg_set_err(err, errlen, "%s: %s", dir, strerror(errno));
		if (d != NULL)
			closedir(d);
		else if (fd >= 0)
			close(fd);
		free(t);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		/* ".", "..", and dot files (an editor's swap file, a half-written temporary) */
		if (e->d_name[0] == '.')
			continue;
		snprintf(shown, sizeof(shown), "%s/%s", dir, e->d_name);
		if (*n == CLIENT_TOKENS_MAX) {
			snprintf(msg, sizeof(msg), "%s: more than %d files; the rest are not read",
				 dir, CLIENT_TOKENS_MAX);
			warn(msg);
			break;
		}
		if (client_token_read(dirfd, e->d_name, shown, &t[*n], msg, sizeof(msg)) != 0) {
			warn(msg);
			continue;
		}
		(*n)++;
	}
	closedir(d);
	qsort(t, *n, sizeof(*t), by_name);
	*out = t;
	return 0;
}
