/* Bounded lists of owned strings: config lists and claim arrays. */
#include <stdlib.h>
#include <string.h>

#include "changegate.h"

void cg_strlist_free(struct cg_strlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->count; i++)
		cg_wipe_free_str(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->count = 0;
}

int cg_strlist_add(struct cg_strlist *l, const char *s)
{
	if (s == NULL || l->count >= CG_LIST_MAX)
		return -1;
	char *copy = strdup(s);
	if (copy == NULL)
		return -1;
	char **grown = realloc(l->items, (l->count + 1) * sizeof(*grown));
	if (grown == NULL) {
		free(copy);
		return -1;
	}
	grown[l->count++] = copy;
	l->items = grown;
	return 0;
}

int cg_strlist_split(struct cg_strlist *l, const char *s, const char *seps)
{
	if (s == NULL)
		return -1;
	const char *p = s;
	while (*p != '\0') {
		p += strspn(p, seps);
		size_t n = strcspn(p, seps);
		if (n == 0)
			break;
		char *field = strndup(p, n);
		if (field == NULL || cg_strlist_add(l, field) != 0) {
			free(field);
			cg_strlist_free(l);
			return -1;
		}
		free(field);
		p += n;
	}
	return 0;
}

bool cg_strlist_contains(const struct cg_strlist *l, const char *s)
{
	if (l == NULL || s == NULL)
		return false;
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->items[i], s) == 0)
			return true;
	}
	return false;
}

int cg_strlist_copy(struct cg_strlist *dst, const struct cg_strlist *src)
{
	dst->items = NULL;
	dst->count = 0;
	for (size_t i = 0; src != NULL && i < src->count; i++) {
		if (cg_strlist_add(dst, src->items[i]) != 0) {
			cg_strlist_free(dst);
			return -1;
		}
	}
	return 0;
}
