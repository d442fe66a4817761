/* sudo hands plugins NULL-terminated "key=value" arrays; these read them. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cg_sudo.h"

const char *cgs_kv_get(char *const list[], const char *key)
{
	size_t klen = strlen(key);

	if (list == NULL)
		return NULL;
	for (size_t i = 0; i < CGS_KV_SCAN_MAX && list[i] != NULL; i++) {
		if (strncmp(list[i], key, klen) == 0 && list[i][klen] == '=')
			return list[i] + klen + 1;
	}
	return NULL;
}

bool cgs_kv_true(char *const list[], const char *key)
{
	const char *v = cgs_kv_get(list, key);

	return v != NULL && strcmp(v, "true") == 0;
}

bool cgs_parse_id(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	/* (uid_t)-1 means "no id" to the kernel: never a real target */
	if (errno != 0 || *end != '\0' || v >= UINT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

int cgs_parse_gid_list(const char *list, gid_t *out, size_t max, size_t *n)
{
	const char *p = list;

	*n = 0;
	if (list == NULL || *list == '\0')
		return 0;
	while (*p != '\0') {
		char num[16];
		size_t len = strcspn(p, ",");
		unsigned id;

		if (len == 0 || len >= sizeof(num) || *n >= max)
			return -1;
		memcpy(num, p, len);
		num[len] = '\0';
		if (!cgs_parse_id(num, &id))
			return -1;
		out[(*n)++] = (gid_t)id;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}
