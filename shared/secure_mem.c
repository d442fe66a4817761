/* Secrets leave memory wiped: every token and conversation reply goes through here. */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"

void cg_wipe_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

void cg_wipe_free_str(char *s)
{
	if (s == NULL)
		return;
	cg_wipe_free(s, strlen(s));
}

size_t cg_strlcpy(char *dst, const char *src, size_t dstlen)
{
	size_t n = strlen(src);
	if (dstlen > 0) {
		size_t c = n < dstlen - 1 ? n : dstlen - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}
