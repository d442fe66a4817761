/* Untrusted strings (user names, claims, argv) are escaped before they reach a log line, so
 * that nobody can forge a field or a second line. */
#include <stdio.h>
#include <string.h>

#include "changegate.h"

static bool is_plain(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=';
}

size_t cg_escape_len(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] != '\\' || p[1] != 'x' || p[2] == '\0' || p[3] == '\0')
		return 0;
	return strchr(hex, p[2]) != NULL && strchr(hex, p[3]) != NULL ? 4 : 0;
}

static void sanitize(char *dst, size_t dstlen, const char *src, bool keep_escapes)
{
	if (dstlen == 0)
		return;
	if (src == NULL)
		src = "-";
	size_t o = 0, fit = 0; /* fit: end of the last whole unit that leaves room for "..." */
	for (const unsigned char *p = (const unsigned char *)src; *p != '\0'; p++) {
		size_t kept = keep_escapes ? cg_escape_len((const char *)p) : 0;
		size_t need = kept > 0 ? kept : is_plain(*p) ? 1 : 4;
		if (o + need + 1 > dstlen) {
			/* mark the cut, making room for it if needed */
			o = fit;
			if (dstlen >= 4) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (kept > 0) {
			memcpy(dst + o, p, kept);
			o += kept;
			p += kept - 1;
		} else if (need == 1) {
			dst[o++] = (char)*p;
		} else {
			snprintf(dst + o, 5, "\\x%02x", *p);
			o += 4;
		}
		if (o + 4 <= dstlen)
			fit = o;
	}
	dst[o] = '\0';
}

void cg_sanitize(char *dst, size_t dstlen, const char *src)
{
	sanitize(dst, dstlen, src, false);
}

void cg_sanitize_text(char *dst, size_t dstlen, const char *src)
{
	sanitize(dst, dstlen, src, true);
}

void cg_printable(char *dst, size_t dstlen, const char *src)
{
	size_t i = 0;

	if (dstlen == 0)
		return;
	for (; src != NULL && src[i] != '\0' && i + 1 < dstlen; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	dst[i] = '\0';
}
