/* One way to fill an error buffer, for every part of the core that explains a refusal. */
#include <stdarg.h>
#include <stdio.h>

#include "error_text.h"

void cg_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}
