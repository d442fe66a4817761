/*
 * cg_audit_format, and the journald entry of the same event, with hostile values in every
 * field (user names, PAM items, argv, and the claims of an unverified token). Whatever comes
 * in, the line that goes to syslog must be one line of printable ASCII that fits the buffer:
 * no newline to forge a second record, no control byte for a terminal, no byte that breaks a
 * parser downstream; the journald entry, whole KEY=value lines of the same.
 */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"
#include "fuzz_input.h"

#define NFIELDS 16

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void copy_claim(char *dst, size_t cap, const char *src)
{
	cg_strlcpy(dst, src, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* byte 0: reason and flags; the rest: fields separated by NUL */
	uint8_t ctl = data[0];
	char *f[NFIELDS] = {0}, *owner;
	size_t n = cg_fuzz_split(data + 1, size - 1, '\0', f, NFIELDS, &owner);
	for (size_t i = n; i < NFIELDS; i++)
		f[i] = NULL;

	struct cg_decision d;
	memset(&d, 0, sizeof(d));
	d.reason = (cg_reason)(ctl % (CG_REASON_COUNT + 1));
	d.have_claims = ctl & 0x20;
	d.verified = ctl & 0x40;
	d.ticket.emergency = ctl & 0x80;
	if (f[8] != NULL)
		copy_claim(d.detail, sizeof(d.detail), f[8]);
	if (f[9] != NULL)
		copy_claim(d.ticket.chg, sizeof(d.ticket.chg), f[9]);
	if (f[10] != NULL)
		copy_claim(d.ticket.jti, sizeof(d.ticket.jti), f[10]);
	if (f[11] != NULL)
		copy_claim(d.ticket.approved_by, sizeof(d.ticket.approved_by), f[11]);
	d.ticket.exp = (long long)size * 1000003LL - 7;

	size_t argc = 0;
	const char *const *argv = NULL;
	if (f[12] != NULL) {
		argv = (const char *const *)&f[12];
		argc = n - 12;
	}
	struct cg_audit_event ev = {
		.front = f[0], .event = f[1], .service = f[2], .user = f[3], .rhost = f[4],
		.tty = f[5], .cwd = f[6], .runas = f[7], .argv = argv, .argc = argc,
		.audit_only = ctl & 0x10, .decision = (ctl & 0x08) ? NULL : &d,
	};

	/* a small buffer sometimes, so truncation is exercised too */
	size_t cap = (ctl & 0x04) ? 64 : 2048;
	char *line = malloc(cap);
	if (line == NULL)
		abort();
	size_t len = cg_audit_format(&ev, line, cap);
	if (len >= cap || strlen(line) != len)
		abort();
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c > 0x7e)
			abort();
	}
	(void)cg_audit_priority(&ev);
	/* the journald entry of the same event: only whole KEY=value lines, none forged */
	static char entry[16384];
	size_t elen = cg_audit_journal_format(&ev, cg_audit_priority(&ev), line, entry,
					      sizeof(entry));
	for (size_t i = 0, start = 0; i < elen; i++) {
		unsigned char c = (unsigned char)entry[i];
		if (c == '\n') {
			if (memchr(entry + start, '=', i - start) == NULL)
				abort();
			start = i + 1;
		} else if (c < 0x20 || c > 0x7e) {
			abort();
		}
	}
	if (elen > 0 && entry[elen - 1] != '\n')
		abort();
	free(line);
	free(owner);
	return 0;
}
