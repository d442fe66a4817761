/* The two kinds of line `changegate check-config` prints: problems, which it counts and which
 * make it fail, and notes, which only describe what it found. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

void cli_problem(struct cli_check *ck, const char *fmt, ...)
{
	va_list ap;
	ck->problems++;
	if (ck->quiet)
		return;
	fputs("problem: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void cli_note(struct cli_check *ck, const char *fmt, ...)
{
	va_list ap;
	if (ck->quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}
