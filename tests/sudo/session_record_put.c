/*
 * Test helper for tests/e2e/sudo_gate.sh: records a token for USER under the caller's kernel
 * audit session id, as the PAM module does at login, so that sudo run later in the same
 * session finds it. Reads the token from standard input (never argv).
 * Usage: session_record_put USER < token
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "changegate.h"

int main(int argc, char **argv)
{
	char token[CG_TOKEN_MAX + 2];
	size_t len = 0;
	unsigned sid;
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: session_record_put USER < token\n");
		return 2;
	}
	while (len < sizeof(token) && (n = read(0, token + len, sizeof(token) - len)) > 0)
		len += (size_t)n;
	while (len > 0 && (token[len - 1] == '\n' || token[len - 1] == '\r'))
		len--;
	if (len == 0 || len > CG_TOKEN_MAX) {
		fprintf(stderr, "session_record_put: no token on stdin, or too long\n");
		return 1;
	}
	if (cg_audit_session_id(&sid) != 0) {
		fprintf(stderr, "session_record_put: this process has no audit session id\n");
		return 1;
	}
	if (cg_session_record_write(CG_RUNDIR, sid, argv[1], token, len) != 0) {
		fprintf(stderr, "session_record_put: cannot write the record\n");
		return 1;
	}
	explicit_bzero(token, sizeof(token));
	return 0;
}
