/* The written form of an SSH key fingerprint, as `ssh-keygen -l` prints it: "SHA256:" and 43
 * characters of unpadded standard base64. Checking the form needs no hashing, so it lives in
 * libcgbase: the login record's parser (read by the sudo front end, which must not load
 * libcrypto) checks it too. */
#include <string.h>

#include "changegate.h"

bool cg_ssh_fp_valid(const char *s)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (s == NULL || strncmp(s, "SHA256:", 7) != 0 || strlen(s) != CG_SSH_FP_LEN)
		return false;
	for (const char *p = s + 7; *p != '\0'; p++) {
		if (strchr(b64, *p) == NULL)
			return false;
	}
	/* 43 characters hold 258 bits: the last one's two low bits are unused, so zero */
	return (strchr(b64, s[CG_SSH_FP_LEN - 1]) - b64) % 4 == 0;
}
