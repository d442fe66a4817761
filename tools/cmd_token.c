/* `changegate token`: the developer's token store, where changegate-askpass looks.
 *   add FILE|-   stores a token in ${XDG_CONFIG_HOME:-$HOME/.config}/changegate/tokens/
 *                (created 0700; the file 0600, written aside and renamed into place)
 *   list         what each stored token is for, and whether it is still good
 *   prune        removes the stored tokens that have expired
 * Decoding only: the host verifies. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"

#define CMD "token"

static void usage(void)
{
	puts("Usage: changegate token add FILE|-\n"
	     "       changegate token list\n"
	     "       changegate token prune\n"
	     "\n"
	     "Keeps your change ticket tokens where changegate-askpass(1) finds them:\n"
	     "  ${XDG_CONFIG_HOME:-$HOME/.config}/changegate/tokens/\n"
	     "\n"
	     "  add FILE|-   stores the token in FILE (or standard input) under a name made of\n"
	     "               its ticket and token id; the directory is created 0700 and the file\n"
	     "               written 0600, atomically. A token whose claims cannot be read, or\n"
	     "               that has expired, is refused.\n"
	     "  list         one line per stored token: ticket, audience, user, expiry, whether it\n"
	     "               is still good, and the file.\n"
	     "  prune        removes the stored tokens that have expired (files whose claims\n"
	     "               cannot be read are left alone, and named).\n"
	     "\n"
	     "The token is decoded, not verified: the host verifies it at login.\n"
	     "\n"
	     "Exit status: 0 done; 1 the token was refused or could not be stored or listed;\n"
	     "2 usage.");
}

static void warn_line(const char *msg)
{
	fprintf(stderr, "changegate token: %s\n", msg);
}

/* A FILE a person saved from the change system (it may be a symlink, or readable by others:
 * it is only read), or standard input. */
static int read_source(const char *src, struct client_token *t)
{
	char err[PATH_MAX + 128];
	char *text = NULL;
	size_t len = 0;

	if (strcmp(src, "-") == 0) {
		char *buf;
		int r = cli_read_token(&buf, &len);
		if (r == 1)
			cli_error(CMD, "standard input holds more than %d bytes", CLI_STDIN_MAX);
		if (r != 0)
			return -1;
		text = malloc(len + 1);
		if (text != NULL)
			memcpy(text, buf, len + 1);
		cg_wipe_free(buf, CLI_TOKEN_BUF);
		if (text == NULL) {
			cli_error(CMD, "out of memory");
			return -1;
		}
		client_token_adopt(t, text, len, "standard input");
		return 0;
	}
	struct stat st;
	int fd = open(src, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (unsigned long long)st.st_size > CLIENT_TOKEN_FILE_MAX) {
		cli_error(CMD, "%s: %s", src, fd < 0 ? strerror(errno) :
			  !S_ISREG(st.st_mode) ? "not a regular file" : "larger than any token");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int rc = cg_read_fd_all(fd, src, (size_t)st.st_size, &text, &len, err, sizeof(err));
	close(fd);
	if (rc != 0) {
		cli_error(CMD, "%s", err);
		return -1;
	}
	client_token_adopt(t, text, len, src);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		cli_error(CMD, "note: %s can be read by others; delete it once the token is stored",
			  src);
	return 0;
}

/* mkdir, and fine when it is there already (its modes are checked when it is opened). */
static int make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return 0;
	cli_error(CMD, "cannot create %s: %s", path, strerror(errno));
	return -1;
}

/* The token directory, created when missing (its two parents too), open and checked. */
static int open_store(char *dir, size_t dirlen)
{
	char err[PATH_MAX + 128];
	if (client_token_dir(dir, dirlen, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return -1;
	}
	char *slash1 = strrchr(dir, '/');
	*slash1 = '\0';
	char *slash2 = strrchr(dir, '/');
	*slash2 = '\0';
	int rc = make_dir(dir);                 /* $XDG_CONFIG_HOME or ~/.config */
	*slash2 = '/';
	rc = rc != 0 ? rc : make_dir(dir);      /* .../changegate */
	*slash1 = '/';
	rc = rc != 0 ? rc : make_dir(dir);      /* .../changegate/tokens */
	if (rc != 0)
		return -1;
	int fd = client_token_dir_open(dir, err, sizeof(err));
	if (fd < 0)
		cli_error(CMD, "%s", err);
	return fd;
}

/* "<ticket>-<jti>", with every byte outside [A-Za-z0-9._-] as '_' and no leading dot (a dot
 * file is a temporary, and never read). */
static void file_name(const struct cg_ticket *k, char *out, size_t outlen)
{
	/* short enough for ".tmp-PID-" in front to stay within NAME_MAX */
	snprintf(out, outlen, "%.100s-%.128s", k->chg, k->jti);
	for (char *p = out; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		if (!ok || (p == out && c == '.'))
			*p = '_';
	}
}

/* Written aside under a dot name, then renamed: a reader sees the whole token or none. */
static int store(int dfd, const char *dir, const char *name, const struct client_token *t)
{
	char tmp[CLIENT_NAME_MAX + 32];
	snprintf(tmp, sizeof(tmp), ".tmp-%ld-%s", (long)getpid(), name);
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_error(CMD, "cannot create a file in %s: %s", dir, strerror(errno));
		return -1;
	}
	int rc = cg_write_all(fd, t->text, t->len) == 0 && cg_write_all(fd, "\n", 1) == 0 &&
			 fsync(fd) == 0 ? 0 : -1;
	int e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc == 0 && renameat(dfd, tmp, dfd, name) != 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0) {
		unlinkat(dfd, tmp, 0);
		cli_error(CMD, "cannot write %s/%s: %s", dir, name, strerror(e));
	}
	return rc;
}

static void put_list(const struct cg_strlist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		if (i > 0)
			fputc(',', stdout);
		cli_put_safe(stdout, l->items[i]);
	}
	if (l->count == 0)
		fputc('-', stdout);
}

static int add(const char *src)
{
	struct client_token t;
	char dir[PATH_MAX], name[CLIENT_NAME_MAX + 1], when[64];
	time_t now = time(NULL);

	if (read_source(src, &t) != 0)
		return CLI_EXIT_FAIL;
	int rc = CLI_EXIT_FAIL;
	int dfd = -1;
	if (t.peeked != CG_OK) {
		cli_error(CMD, "not stored: %s (%s)", t.why, cg_reason_code(t.peeked));
		goto out;
	}
	if (t.ticket.exp <= (long long)now) {
		cli_error(CMD, "not stored: the token has expired");
		goto out;
	}
	if ((dfd = open_store(dir, sizeof(dir))) < 0)
		goto out;
	file_name(&t.ticket, name, sizeof(name));
	if (store(dfd, dir, name, &t) != 0)
		goto out;
	cli_format_time(t.ticket.exp, when, sizeof(when));
	fputs("stored ", stdout);
	cli_put_safe(stdout, t.ticket.chg);
	fputs(" for ", stdout);
	cli_put_safe(stdout, t.ticket.sub);
	fputs(" on ", stdout);
	put_list(&t.ticket.aud);
	printf(", expires %s, as %s/", when, dir);
	cli_put_safe(stdout, name);
	fputc('\n', stdout);
	rc = CLI_EXIT_OK;
out:
	if (dfd >= 0)
		close(dfd);
	client_token_free(&t);
	return rc;
}

static void list_one(const struct client_token *t, time_t now)
{
	char when[64], rel[64];
	const struct cg_ticket *k = &t->ticket;

	if (t->peeked != CG_OK) {
		printf("-\t-\t-\t-\tunreadable (%s)\t", cg_reason_code(t->peeked));
	} else {
		cli_format_time(k->exp, when, sizeof(when));
		cli_format_relative(k->exp, now, rel, sizeof(rel));
		cli_put_safe(stdout, k->chg);
		fputc('\t', stdout);
		put_list(&k->aud);
		fputc('\t', stdout);
		cli_put_safe(stdout, k->sub);
		printf("\t%s (%s)\t%s\t", when, rel, k->exp > (long long)now ? "good" : "expired");
	}
	cli_put_safe(stdout, t->name);
	fputc('\n', stdout);
}

/* The stored tokens, for list and prune: 1 with *dfd open and *t loaded, 0 when there is no
 * directory yet (said on stdout), -1 with the reason printed. */
static int load_store(char *dir, size_t dirlen, int *dfd, struct client_token **t, size_t *n)
{
	char err[PATH_MAX + 128];

	if (client_token_dir(dir, dirlen, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		return -1;
	}
	*dfd = client_token_dir_open(dir, err, sizeof(err));
	if (*dfd < 0 && errno == ENOENT) {
		printf("no tokens: %s does not exist (changegate token add FILE creates it)\n", dir);
		return 0;
	}
	if (*dfd < 0) {
		cli_error(CMD, "%s", err);
		return -1;
	}
	if (client_tokens_load(*dfd, dir, t, n, warn_line, err, sizeof(err)) != 0) {
		cli_error(CMD, "%s", err);
		close(*dfd);
		return -1;
	}
	return 1;
}

static int list(void)
{
	char dir[PATH_MAX];
	struct client_token *t = NULL;
	size_t n = 0;
	int dfd = -1;

	int r = load_store(dir, sizeof(dir), &dfd, &t, &n);
	if (r <= 0)
		return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	close(dfd);
	time_t now = time(NULL);
	printf("TICKET\tAUDIENCE\tUSER\tEXPIRES\tSTATE\tFILE (in %s)\n", dir);
	for (size_t i = 0; i < n; i++)
		list_one(&t[i], now);
	client_tokens_free(t, n);
	return CLI_EXIT_OK;
}

/* Only what is known to have expired goes: a file whose claims cannot be read may be
 * something the user put there, and is named instead. */
static int prune(void)
{
	char dir[PATH_MAX];
	struct client_token *t = NULL;
	size_t n = 0;
	int dfd = -1, rc = CLI_EXIT_OK;

	int r = load_store(dir, sizeof(dir), &dfd, &t, &n);
	if (r <= 0)
		return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	time_t now = time(NULL);
	for (size_t i = 0; i < n; i++) {
		if (t[i].peeked != CG_OK) {
			fputs("left alone (not a token whose claims can be read): ", stdout);
		} else if (t[i].ticket.exp > (long long)now) {
			continue;
		} else if (unlinkat(dfd, t[i].name, 0) == 0) {
			fputs("removed (expired): ", stdout);
		} else {
			cli_error(CMD, "cannot remove %s/%s: %s", dir, t[i].name, strerror(errno));
			rc = CLI_EXIT_FAIL;
			continue;
		}
		cli_put_safe(stdout, t[i].name);
		fputc('\n', stdout);
	}
	close(dfd);
	client_tokens_free(t, n);
	return rc;
}

int cmd_token(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		usage();
		return CLI_EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "add") == 0)
		return add(argv[2]);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return list();
	if (argc == 2 && strcmp(argv[1], "prune") == 0)
		return prune();
	cli_error(CMD, "expected 'add FILE|-', 'list' or 'prune'");
	return cli_usage_error(CMD);
}
