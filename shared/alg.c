/* The six signature algorithms a change token may use, by their JOSE names. Matching is
 * case-sensitive on purpose: "none", "NONE" and "es256" are not algorithms we know. */
#include <string.h>

#include "changegate.h"

static const struct {
	cg_alg alg;
	const char *name;
} algs[] = {
	{CG_ALG_ES256, "ES256"}, {CG_ALG_ES384, "ES384"}, {CG_ALG_ES512, "ES512"},
	{CG_ALG_RS256, "RS256"}, {CG_ALG_RS384, "RS384"}, {CG_ALG_RS512, "RS512"},
};

const char *cg_alg_name(cg_alg a)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (algs[i].alg == a)
			return algs[i].name;
	}
	return NULL;
}

bool cg_alg_from_name(const char *name, cg_alg *out)
{
	if (name == NULL)
		return false;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (strcmp(name, algs[i].name) == 0) {
			*out = algs[i].alg;
			return true;
		}
	}
	return false;
}
