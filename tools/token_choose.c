/* Which of the user's tokens answers a host's prompt. The host verifies; this only avoids
 * offering a token the host will certainly refuse, and never offers one to a prompt that
 * names another audience, user or host than the token does. */
#include "config.h"

#include <string.h>

#include "client.h"

enum client_fit client_token_fits(const struct client_token *t, const struct cg_login_prompt *p,
				  time_t now)
{
	const struct cg_ticket *k = &t->ticket;

	if (t->peeked != CG_OK)
		return CLIENT_UNREADABLE;
	if (!cg_strlist_contains(&k->aud, p->audience))
		return CLIENT_WRONG_AUDIENCE;
	if (strcmp(k->sub, p->user) != 0)
		return CLIENT_WRONG_USER;
	if (!(k->scopes & CG_SCOPE_LOGIN))
		return CLIENT_NO_LOGIN;
	if (k->has_hosts && !cg_host_matches(&k->hosts, p->host))
		return CLIENT_WRONG_HOST;
	if (k->exp <= (long long)now)
		return CLIENT_EXPIRED;
	return CLIENT_FITS;
}

long client_token_choose(const struct client_token *t, size_t n,
			 const struct cg_login_prompt *p, time_t now)
{
	long best = -1;

	for (size_t i = 0; i < n; i++) {
		if (client_token_fits(&t[i], p, now) != CLIENT_FITS)
			continue;
		/* the one that lasts longest; on a tie, the first name, whatever order the
		 * caller gave them in */
		if (best < 0 || t[i].ticket.exp > t[best].ticket.exp ||
		    (t[i].ticket.exp == t[best].ticket.exp &&
		     strcmp(t[i].name, t[best].name) < 0))
			best = (long)i;
	}
	return best;
}

const char *client_fit_words(enum client_fit f)
{
	switch (f) {
	case CLIENT_FITS:
		return "fits";
	case CLIENT_UNREADABLE:
		return "is not a token whose claims can be read";
	case CLIENT_WRONG_AUDIENCE:
		return "is for another audience";
	case CLIENT_WRONG_USER:
		return "is for another user";
	case CLIENT_WRONG_HOST:
		return "does not name this host";
	case CLIENT_NO_LOGIN:
		return "does not allow a login (scope)";
	case CLIENT_EXPIRED:
		return "has expired";
	}
	return "does not fit";
}
