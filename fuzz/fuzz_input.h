/*
 * Helpers shared by the fuzz targets: libFuzzer hands us bytes without a terminator, and most
 * of the core takes C strings, so inputs are copied and cut into fields here.
 */
#ifndef CG_FUZZ_INPUT_H
#define CG_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* The fixed "now" of every target, so seeds minted for it stay valid whatever the clock says:
 * 2026-01-01T00:00:00Z. */
#define CG_FUZZ_NOW 1767225600LL

/* Copies data, NUL-terminates it and cuts it at every sep byte into at most max fields.
 * Returns the number of fields (at least 1); *owner holds the copy (free it). */
size_t cg_fuzz_split(const uint8_t *data, size_t size, char sep, char **fields, size_t max,
		     char **owner);

/* Writes data to path (mode 0600, truncated first); 0 or -1. */
int cg_fuzz_write_file(const char *path, const uint8_t *data, size_t size);

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* CG_FUZZ_INPUT_H */
