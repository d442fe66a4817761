/* The floor of issue 7: OpenSSL alone loading one PEM public key and verifying one JWS
 * signature, nothing else. Shared by bench/cg_floor (a fresh process) and
 * bench/floor_sudo.c (the same work as a sudo approval plugin). */
#ifndef CG_FLOOR_VERIFY_H
#define CG_FLOOR_VERIFY_H

#include <stddef.h>

/* 1 when token (compact JWS, ES256 or RS256 by the key's type) verifies with the PEM key,
 * 0 otherwise. */
int floor_verify(const char *pem, size_t pemlen, const char *token, size_t toklen);

#endif /* CG_FLOOR_VERIFY_H */
