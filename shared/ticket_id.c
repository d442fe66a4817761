/*
 * Ticket and token ids (the chg and jti claims): one alphabet for everything that handles
 * them, the verifier, `changegate issue`, `changegate revoke` and the revocation list, so that
 * every id a host accepts can be revoked. The list is plain text, one id a line, '#' starting
 * a comment: an id that began with '#', held a space or a line break, or had another spelling
 * of the same characters (non-ASCII) could be accepted and never matched there.
 *
 * An id is 1..max bytes: a letter or digit, then letters, digits and "._:-". That holds what
 * change systems mint (CHG0012345, OPS-1234, uuids with or without dashes, urn:uuid:...) and
 * nothing a list, a log line or a shell would read as something else.
 */
#include <stdio.h>

#include "changegate.h"

static bool id_char(unsigned char c, bool first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == ':' || c == '-');
}

bool cg_id_valid(const char *s, size_t n, size_t max, char *why, size_t whylen)
{
	const char *fault = NULL;
	if (s == NULL || n == 0) {
		fault = "is empty";
	} else if (n > max) {
		if (why != NULL && whylen > 0)
			snprintf(why, whylen, "is longer than %zu bytes", max);
		return false;
	} else if (!id_char((unsigned char)s[0], true)) {
		fault = "does not start with a letter or digit";
	} else {
		for (size_t i = 1; i < n; i++) {
			if (!id_char((unsigned char)s[i], false)) {
				fault = "holds a character other than letters, digits and ._:-";
				break;
			}
		}
	}
	if (fault == NULL)
		return true;
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", fault);
	return false;
}
