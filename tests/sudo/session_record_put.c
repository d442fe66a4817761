/*
 * Test helper for tests/e2e/sudo_gate.sh: records a token for USER under the caller's kernel
 * audit session id, as the PAM module does at login, so that sudo run later in the same
 * session finds it. Reads the token from standard input (never argv).
 * Usage: session_record_put USER < token
 *
 * The claims are decoded without verification (tests record expired, revoked, foreign
 * tokens on purpose) and the key identity is left zero, which names no file: sudo never
 * trusts such a record's claims and always verifies its token in full. The real login
 * records, bound to the key, come from the PAM module (tests/e2e/sudo_fast.sh).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "changegate.h"
#include "token_internal.h"

int main(int argc, char **argv)
{
	static char token[CG_TOKEN_MAX + 2];
	static struct cg_login_record r;
	struct cg_token_parts parts;
	char detail[CG_DETAIL_MAX];
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
	r.sessionid = sid;
	cg_strlcpy(r.user, argv[1], sizeof(r.user));
	r.leader_pid = (long long)getppid();
	r.opened = (long long)time(NULL);
	if (cg_token_decode(token, len, &parts, detail, sizeof(detail)) == CG_OK)
		(void)cg_token_read_claims(parts.payload, &r.ticket, detail, sizeof(detail));
	cg_token_parts_free(&parts);
	/* what the claims did not give, so that any token can be recorded */
	if (r.ticket.scopes == 0 || r.ticket.scopes > (CG_SCOPE_LOGIN | CG_SCOPE_SUDO))
		r.ticket.scopes = CG_SCOPE_LOGIN;
	if (r.ticket.iat < 0 || r.ticket.nbf < 0 || r.ticket.exp < 0)
		r.ticket.iat = r.ticket.nbf = r.ticket.exp = 0;
	r.token = token;
	r.token_len = len;
	int rc = cg_login_record_write(CG_RUNDIR, &r);
	r.token = NULL;
	r.token_len = 0;
	cg_login_record_free(&r);
	explicit_bzero(token, sizeof(token));
	if (rc != 0) {
		fprintf(stderr, "session_record_put: cannot write the record\n");
		return 1;
	}
	return 0;
}
