/* changegate-askpass: answers the changegate PAM module's prompt for the ssh client
 * (SSH_ASKPASS=changegate-askpass SSH_ASKPASS_REQUIRE=force), from the user's own token
 * files. It decodes without verifying (the host verifies) and prints a token only for a
 * prompt that is exactly changegate's and names the token's audience, user and host; every
 * other prompt goes to $CHANGEGATE_ASKPASS_FALLBACK, or gets nothing. It keeps no state: a
 * continuation prompt names the offset, and the same choice is made again. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define PROG "changegate-askpass"

enum { EXIT_ANSWERED = 0, EXIT_NO_ANSWER = 1, EXIT_USAGE = 2 };

static void help(void)
{
	fputs("Usage: " PROG " PROMPT\n"
	      "       " PROG " --help | --version\n"
	      "\n"
	      "Answers the changegate login prompt for ssh(1) with your change ticket token:\n"
	      "\n"
	      "  SSH_ASKPASS=" PROG " SSH_ASKPASS_REQUIRE=force ssh web-01\n"
	      "\n"
	      "For the prompt 'Change ticket token for USER on HOST (AUDIENCE): ' (and its\n"
	      "continuation, for tokens longer than the 1023 bytes ssh takes in one answer) it\n"
	      "prints the token that fits: its aud holds AUDIENCE, its sub is USER, its scope\n"
	      "allows a login, its hosts (if any) match HOST, and it has not expired; of several,\n"
	      "the one that expires last (then the first file name). The token is decoded, not\n"
	      "verified: the host verifies it.\n"
	      "\n"
	      "Tokens come from the file $CHANGEGATE_TOKEN_FILE if set, else from every file in\n"
	      "  ${XDG_CONFIG_HOME:-$HOME/.config}/changegate/tokens/\n"
	      "(add them with 'changegate token add'). Files and that directory must be yours and\n"
	      "closed to group and others (0600 and 0700), as ssh wants of private keys; symbolic\n"
	      "links are not followed.\n"
	      "\n"
	      "Any other prompt (a key passphrase, a password, a host key question) is handed to\n"
	      "$CHANGEGATE_ASKPASS_FALLBACK (an absolute path, run with the prompt as its only\n"
	      "argument) if set; otherwise nothing is printed and the exit status is 1. A token is\n"
	      "never printed for another prompt.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "Exit status: 0 an answer was printed; 1 no token fits, or not a changegate prompt\n"
	      "and no fallback; 2 usage.\n", stdout);
}

static void warn_line(const char *msg)
{
	fprintf(stderr, PROG ": %s\n", msg);
}

/* Not our prompt: the fallback gets it, never a token. */
static int hand_over(const char *prompt)
{
	const char *fb = getenv("CHANGEGATE_ASKPASS_FALLBACK");
	char path[PATH_MAX];

	if (fb == NULL || fb[0] == '\0') {
		fputs(PROG ": not a changegate prompt and no CHANGEGATE_ASKPASS_FALLBACK; "
		      "nothing to answer\n", stderr);
		return EXIT_NO_ANSWER;
	}
	if (fb[0] != '/' || cg_strlcpy(path, fb, sizeof(path)) >= sizeof(path)) {
		fputs(PROG ": CHANGEGATE_ASKPASS_FALLBACK must be an absolute path\n", stderr);
		return EXIT_NO_ANSWER;
	}
	/* a fallback that is this program again must not hand over forever */
	unsetenv("CHANGEGATE_ASKPASS_FALLBACK");
	char *const argv[] = {path, (char *)prompt, NULL};
	execv(path, argv);
	fprintf(stderr, PROG ": cannot run the fallback %s: %s\n", path, strerror(errno));
	return EXIT_NO_ANSWER;
}

/* The user's candidates: the one file named, or the token directory. */
static int load(struct client_token **t, size_t *n, char *where, size_t wherelen)
{
	char err[CG_DETAIL_MAX + 2 * PATH_MAX];
	const char *file = getenv("CHANGEGATE_TOKEN_FILE");

	if (file != NULL && file[0] != '\0') {
		cg_strlcpy(where, file, wherelen);
		*t = calloc(1, sizeof(**t));
		if (*t == NULL || client_token_read(AT_FDCWD, file, file, *t, err, sizeof(err)) != 0) {
			warn_line(*t == NULL ? "out of memory" : err);
			free(*t);
			*t = NULL;
			return -1;
		}
		*n = 1;
		return 0;
	}
	if (client_token_dir(where, wherelen, err, sizeof(err)) != 0) {
		warn_line(err);
		return -1;
	}
	int fd = client_token_dir_open(where, err, sizeof(err));
	if (fd < 0) {
		warn_line(err);
		if (errno == ENOENT)
			warn_line("add a token with: changegate token add FILE");
		return -1;
	}
	int rc = client_tokens_load(fd, where, t, n, warn_line, err, sizeof(err));
	close(fd);
	if (rc != 0)
		warn_line(err);
	return rc;
}

/* None fits: say why for each, so that the person knows which token to fetch. */
static void explain(const struct client_token *t, size_t n, const struct cg_login_prompt *p,
		    const char *where, time_t now)
{
	char u[CG_CLAIM_MAX * 4 + 1], h[CG_CLAIM_MAX * 4 + 1], a[CG_CLAIM_MAX * 4 + 1];

	cg_sanitize(u, sizeof(u), p->user);
	cg_sanitize(h, sizeof(h), p->host);
	cg_sanitize(a, sizeof(a), p->audience);
	fprintf(stderr, PROG ": no token for %s on %s (%s) in %s\n", u, h, a, where);
	for (size_t i = 0; i < n; i++) {
		char name[CLIENT_NAME_MAX * 4 + 1];
		cg_sanitize(name, sizeof(name), t[i].name);
		fprintf(stderr, PROG ":   %s %s\n", name,
			client_fit_words(client_token_fits(&t[i], p, now)));
	}
}

/* Prints the part of the token from p->offset: at most ssh's answer, so that every client
 * sends the same pieces; past the end, an empty line, which ends the token. One write of
 * piece and newline together (at most 1024 bytes, under PIPE_BUF, so atomic): OpenSSH stops
 * reading and closes the pipe after 1023 bytes, and a newline written after that would fail
 * with EPIPE, turning a good answer into a failed one. */
static int answer(const struct client_token *t, const struct cg_login_prompt *p)
{
	char buf[CG_SSH_ANSWER_MAX + 1];
	size_t from = p->offset < t->len ? p->offset : t->len;
	size_t n = t->len - from;

	if (n > CG_SSH_ANSWER_MAX)
		n = CG_SSH_ANSWER_MAX;
	memcpy(buf, t->text + from, n);
	buf[n] = '\n';
	int rc = cg_write_all(STDOUT_FILENO, buf, n + 1);
	int e = errno;
	explicit_bzero(buf, sizeof(buf));
	if (rc != 0) {
		fprintf(stderr, PROG ": cannot write the answer: %s\n", strerror(e));
		return EXIT_NO_ANSWER;
	}
	return EXIT_ANSWERED;
}

int main(int argc, char **argv)
{
	struct cg_login_prompt p;
	struct client_token *t = NULL;
	size_t n = 0;
	char where[PATH_MAX];
	int rc = EXIT_NO_ANSWER;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help();
		return EXIT_ANSWERED;
	}
	if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf(PROG " %s\n", PACKAGE_VERSION);
		return EXIT_ANSWERED;
	}
	if (argc != 2) {
		fputs(PROG ": usage: " PROG " PROMPT (see --help)\n", stderr);
		return EXIT_USAGE;
	}
	if (cg_login_prompt_parse(argv[1], &p) != 0)
		return hand_over(argv[1]);
	if (load(&t, &n, where, sizeof(where)) != 0)
		return EXIT_NO_ANSWER;
	time_t now = time(NULL);
	long i = client_token_choose(t, n, &p, now);
	if (i < 0)
		explain(t, n, &p, where, now);
	else
		rc = answer(&t[i], &p);
	client_tokens_free(t, n);
	return rc;
}
