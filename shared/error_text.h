/* Internal to the core (and tools/token_store.c, which speaks the same way about files):
 * filling a caller's error buffer. */
#ifndef CG_ERROR_TEXT_H
#define CG_ERROR_TEXT_H

#include <stddef.h>

/* vsnprintf into err when the caller gave one; a NULL or empty buffer is fine. */
void cg_set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* CG_ERROR_TEXT_H */
