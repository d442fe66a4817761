/*
 * The developer's side: the tokens a person keeps on a laptop, as changegate-askpass and
 * `changegate token` see them. Nothing here verifies a signature (the host does), so this
 * links neither libjwt nor libcrypto: only the core's decoder (libcgdecode) and libcgbase.
 */
#ifndef CG_CLIENT_H
#define CG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "changegate.h"

/* A token file may hold the token, one trailing "\n" or "\r\n", and nothing else. */
#define CLIENT_TOKEN_FILE_MAX (CG_TOKEN_MAX + 2)
/* At most this many files in the token directory are looked at. */
#define CLIENT_TOKENS_MAX 256
/* A file name in the token directory. */
#define CLIENT_NAME_MAX 255

/* One token of the user's, and what it says about itself (decoded, not verified). */
struct client_token {
	char *text;                     /* the token, NUL-terminated; wiped on free */
	size_t len;
	char name[CLIENT_NAME_MAX + 1]; /* file name in the directory, or the path given */
	cg_reason peeked;               /* cg_token_peek's answer: CG_OK when claims are known */
	char why[CG_DETAIL_MAX];        /* its detail otherwise */
	struct cg_ticket ticket;
};

/* Frees what t holds (the text wiped) and clears it. */
void client_token_free(struct client_token *t);
/* Fills t with text (malloc'd, len bytes and a NUL; t owns it from now on), less one
 * trailing "\n" or "\r\n", and what cg_token_peek reads from it; name as given. */
void client_token_adopt(struct client_token *t, char *text, size_t len, const char *name);

/* ---- token_store.c ----------------------------------------------------------------------- */

/* ${XDG_CONFIG_HOME:-$HOME/.config}/changegate/tokens into buf; -1 with err when neither
 * variable is an absolute path or it does not fit. */
int client_token_dir(char *buf, size_t buflen, char *err, size_t errlen);
/* Reads one token file the way ssh reads a private key: opened with O_NOFOLLOW (a symlink
 * is refused), a regular file owned by the caller's uid that group and others can neither
 * read nor write, at most CLIENT_TOKEN_FILE_MAX bytes; one trailing newline is dropped; then
 * peeked (t->peeked). dirfd AT_FDCWD for a path. 0 with t filled, -1 with err naming the
 * path (shown as shown_as). */
int client_token_read(int dirfd, const char *path, const char *shown_as, struct client_token *t,
		      char *err, size_t errlen);
/* Opens the token directory: not a symlink, a directory owned by the caller's uid that
 * group and others cannot use. The fd, or -1 with err (errno ENOENT when it does not exist). */
int client_token_dir_open(const char *dir, char *err, size_t errlen);
/* Every regular file directly in the open directory (dot files left out), read and peeked,
 * sorted by name. A file that cannot be used is reported through warn (one message naming
 * it) and left out. *out is malloc'd (free with client_tokens_free); 0, or -1 with err. */
int client_tokens_load(int dirfd, const char *dir, struct client_token **out, size_t *n,
		       void (*warn)(const char *msg), char *err, size_t errlen);
void client_tokens_free(struct client_token *t, size_t n);

/* ---- token_choose.c ---------------------------------------------------------------------- */

/* Why a token does not fit a prompt; CLIENT_FITS when it does. */
enum client_fit {
	CLIENT_FITS = 0,
	CLIENT_UNREADABLE,
	CLIENT_WRONG_AUDIENCE,
	CLIENT_WRONG_USER,
	CLIENT_WRONG_HOST,
	CLIENT_NO_LOGIN,
	CLIENT_EXPIRED,
};
/* Whether t may answer prompt p at now: its claims read, aud holds p's audience, sub is p's
 * user, scope includes login, hosts (when present) match p's host, and exp is still in the
 * future (no leeway: a token in its last second is not offered). */
enum client_fit client_token_fits(const struct client_token *t, const struct cg_login_prompt *p,
				  time_t now);
/* The index of the token to answer p with: of those that fit, the one that expires last, a
 * tie going to the first name in byte order. -1 when none fits. */
long client_token_choose(const struct client_token *t, size_t n,
			 const struct cg_login_prompt *p, time_t now);
/* "is for another audience", ... for messages. */
const char *client_fit_words(enum client_fit f);

#endif /* CG_CLIENT_H */
