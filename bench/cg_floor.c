/*
 * The floor for issue 7: what OpenSSL alone costs to load one PEM public key and verify one
 * JWS signature (ES256 or RS256) in a fresh process. No config, no claims, no trust checks:
 * changegate's full verify is measured against this.
 * Usage: cg_floor KEY.pem TOKENFILE   (exit 0 when the signature verifies)
 */
#include <stdio.h>
#include <string.h>

#include "floor_verify.h"

#define FLOOR_MAX 65536

static size_t slurp(const char *path, char *buf, size_t max)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, max - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

int main(int argc, char **argv)
{
	static char pem[FLOOR_MAX], tok[FLOOR_MAX];
	if (argc != 3)
		return 2;
	size_t pemlen = slurp(argv[1], pem, sizeof(pem));
	if (pemlen == 0 || slurp(argv[2], tok, sizeof(tok)) == 0)
		return 2;
	tok[strcspn(tok, "\r\n")] = '\0';
	return floor_verify(pem, pemlen, tok, strlen(tok)) ? 0 : 1;
}
