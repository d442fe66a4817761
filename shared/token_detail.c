/* The plain-words detail of a decision. Claim text reaches it only through cg_sanitize, and
 * the format strings are always our own. */
#include <stdio.h>

#include "token_internal.h"

void cg_detail(char *detail, size_t detlen, const char *fmt, ...)
{
	if (detail == NULL || detlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, detlen, fmt, ap);
	va_end(ap);
}

void cg_ticket_name(const struct cg_ticket *t, char *buf, size_t buflen)
{
	if (t == NULL || t->chg[0] == '\0') {
		snprintf(buf, buflen, "the token");
		return;
	}
	char chg[64];
	cg_sanitize(chg, sizeof(chg), t->chg);
	snprintf(buf, buflen, "ticket %s", chg);
}

void cg_duration_words(long long seconds, char *buf, size_t buflen)
{
	static const struct {
		long long size;
		const char *unit;
	} units[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	if (seconds < 0)
		seconds = -seconds;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		/* "90 minutes" reads better than "1 hour": switch units only at two of them */
		if (seconds >= 2 * units[i].size || units[i].size == 1) {
			long long n = seconds / units[i].size;
			snprintf(buf, buflen, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
			return;
		}
	}
}
