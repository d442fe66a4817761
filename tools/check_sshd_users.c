/*
 * Who sshd asks for keyboard-interactive, against who is gated at ssh. The two are set in
 * different files (sshd's Match blocks, changegate's lists and the PAM line's), and when they
 * disagree nothing fails loudly: an exempt user in a Match Group that requires
 * keyboard-interactive passes pam_changegate and meets the next auth module, a password
 * prompt; a gated user whom sshd never asks comes in with a key alone and is refused at the
 * account step (no_token). Each such user is one warning line naming the Match block.
 */
#include <fnmatch.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "nss_lookup.h"

/* Candidates examined, at most: group files can be large. */
#define CANDIDATES_MAX 256
#define USER_GROUPS_MAX 256

struct who {
	const char *name;
	char groups[USER_GROUPS_MAX][64];
	int ngroups;
};

/* the user's groups by name, through the core's bounded look-ups (nss_lookup.h) */
static bool load_groups(struct who *u)
{
	uid_t uid;
	gid_t gid, *gids = NULL;
	char canon[256];
	int n = 0;

	if (cg_nss_user(u->name, &uid, &gid, canon, sizeof(canon)) != 1 ||
	    cg_nss_user_gids(u->name, gid, &gids, &n) != 0)
		return false;
	u->ngroups = 0;
	for (int i = 0; i < n && u->ngroups < USER_GROUPS_MAX; i++) {
		if (cg_nss_group(NULL, gids[i], NULL, u->groups[u->ngroups],
				 sizeof(u->groups[0])) == 1)
			u->ngroups++;
	}
	free(gids);
	return true;
}

/* sshd's pattern list: comma-separated, '!' negates; 1 match, 0 not */
static int list_matches(const char *list, const char *const *names, int nnames)
{
	char copy[128], *save = NULL;
	bool yes = false;

	snprintf(copy, sizeof(copy), "%s", list);
	for (char *p = strtok_r(copy, ",", &save); p != NULL; p = strtok_r(NULL, ",", &save)) {
		bool neg = p[0] == '!';
		for (int i = 0; i < nnames; i++) {
			if (fnmatch(neg ? p + 1 : p, names[i], 0) == 0) {
				if (neg)
					return 0;
				yes = true;
			}
		}
	}
	return yes;
}

/* 1 the block applies to u, 0 it does not, -1 it depends on what we cannot know here (the
 * address, the host, the port) */
static int block_matches(const struct cli_sshd_block *b, const struct who *u)
{
	if (b->ncrit > CLI_SSHD_CRIT_MAX)
		return -1;
	for (size_t i = 0; i < b->ncrit; i++) {
		const char *k = b->crit[i];
		if (strcasecmp(k, "All") == 0)
			continue;
		if (i + 1 >= b->ncrit)
			return -1;
		const char *v = b->crit[++i];
		if (strcasecmp(k, "User") == 0) {
			const char *names[1] = { u->name };
			if (!list_matches(v, names, 1))
				return 0;
		} else if (strcasecmp(k, "Group") == 0) {
			const char *names[USER_GROUPS_MAX];
			for (int g = 0; g < u->ngroups; g++)
				names[g] = u->groups[g];
			if (!list_matches(v, names, u->ngroups))
				return 0;
		} else {
			return -1;
		}
	}
	return 1;
}

/* 1 sshd requires keyboard-interactive of u, 0 it does not, -1 cannot tell; *where names the
 * block (or "" for the global setting) */
static int requires_kbd(const struct cli_sshd_auth *a, const struct who *u, const char **where)
{
	for (size_t i = 0; i < a->nblocks; i++) {
		const struct cli_sshd_block *b = &a->blocks[i];
		if (!b->have_methods)
			continue;
		int m = block_matches(b, u);
		if (m < 0)
			return -1;
		if (m == 1) {
			*where = b->where;
			return b->require_kbd;
		}
	}
	if (a->truncated)
		return -1;
	*where = "";
	return a->global_require_kbd;
}

/* The members the group file lists. One look-up with a fixed buffer: a group too large for
 * it is skipped (these are warnings, and only for the names a look-up can return). */
static void add_members(struct cg_strlist *out, const char *group)
{
	static char buf[1 << 16];
	struct group gr, *g = NULL;

	if (getgrnam_r(group, &gr, buf, sizeof(buf), &g) != 0 || g == NULL)
		return;
	for (size_t i = 0; g->gr_mem[i] != NULL && out->count < CANDIDATES_MAX; i++)
		if (!cg_strlist_contains(out, g->gr_mem[i]))
			cg_strlist_add(out, g->gr_mem[i]);
}

static void add_names(struct cg_strlist *out, const struct cg_strlist *users,
		      const struct cg_strlist *groups)
{
	for (size_t i = 0; i < users->count && out->count < CANDIDATES_MAX; i++)
		if (!cg_strlist_contains(out, users->items[i]))
			cg_strlist_add(out, users->items[i]);
	for (size_t i = 0; i < groups->count; i++)
		add_members(out, groups->items[i]);
}

/* everyone a list names, and everyone in a group a Match Group block requiring
 * keyboard-interactive names (plain names only, no patterns) */
static void candidates(const struct cli_check *ck, const struct cli_sshd_auth *a,
		       const struct cg_gate_lists *line, struct cg_strlist *out)
{
	const struct cg_gate_lists *cfg = &ck->cfg->gate;

	add_names(out, &cfg->exempt_users, &cfg->exempt_groups);
	add_names(out, &line->exempt_users, &line->exempt_groups);
	add_names(out, &cfg->enforce_users, &cfg->enforce_groups);
	add_names(out, &line->enforce_users, &line->enforce_groups);
	for (size_t i = 0; i < a->nblocks; i++) {
		const struct cli_sshd_block *b = &a->blocks[i];
		for (size_t c = 0; b->require_kbd && b->ncrit <= CLI_SSHD_CRIT_MAX && c + 1 < b->ncrit;
		     c++) {
			if (strcasecmp(b->crit[c], "Group") != 0)
				continue;
			struct cg_strlist groups = { 0 };
			if (cg_strlist_split(&groups, b->crit[c + 1], ",") == 0)
				for (size_t g = 0; g < groups.count; g++)
					if (strpbrk(groups.items[g], "*?!") == NULL)
						add_members(out, groups.items[g]);
			cg_strlist_free(&groups);
		}
	}
}

static void judge(struct cli_check *ck, const struct cli_sshd_auth *a, const char *name)
{
	struct who u = { .name = name };
	const char *where = "";
	char safe[128];

	if (!load_groups(&u))
		return;
	int kbd = requires_kbd(a, &u, &where);
	bool gated = cli_gate_front_says_gated(ck->cfg, ck->wiring, name, false);
	cg_sanitize(safe, sizeof(safe), name);
	if (kbd == 1 && !gated)
		cli_note(ck, "warning: sshd asks %s, who is not gated at ssh, for keyboard-"
			 "interactive (%s): pam_changegate lets %s through and the next auth "
			 "module asks for a password; put a Match block with `AuthenticationMethods "
			 "publickey` for %s (e.g. `Match Group changegate-exempt`) before it", safe,
			 where[0] != '\0' ? where : "sshd_config's AuthenticationMethods", safe, safe);
	else if (kbd == 0 && gated && ck->stage != CLI_STAGE_AUDIT)
		cli_note(ck, "warning: %s is gated at ssh, but sshd %s does not require "
			 "keyboard-interactive of them: never asked for a ticket, they are refused "
			 "at the account step (no_token); add them to a Match block that requires "
			 "publickey,keyboard-interactive:pam", safe,
			 where[0] != '\0' ? where : "(its global AuthenticationMethods)");
}

void cli_check_sshd_users(struct cli_check *ck)
{
	struct cli_sshd_auth *a;
	struct cg_gate_lists line;
	struct cg_strlist names = { 0 };

	if (ck->wiring == NULL || ck->cfg == NULL)
		return;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return;
	/* an unreadable file or a bad list is the wiring checks' to report */
	int lists = cli_wiring_pam_lists(ck->wiring->pam_dir, &line);
	if (cli_wiring_sshd_auth(ck->wiring->sshd_config, a) == 0 && lists >= 0) {
		candidates(ck, a, &line, &names);
		for (size_t i = 0; i < names.count; i++)
			judge(ck, a, names.items[i]);
	}
	cg_gate_lists_free(&line);
	cg_strlist_free(&names);
	free(a);
}
