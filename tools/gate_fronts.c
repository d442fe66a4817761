/* Who is gated at each front, as the PAM module and the sudo plugin judge it: the config's
 * lists with the PAM line's (ssh) or sudo.conf's (sudo) added, the one rule of
 * cg_gate_judge. An administrator sees here what a typo in a list does before a user does. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct front {
	const char *name;               /* "ssh", "sudo" */
	const char *where;              /* where its own lists come from */
	int found;                      /* cli_wiring_*_lists: 1, 0, -1 or -2 */
	struct cg_gate_lists line;
};

static const char *base(const char *path)
{
	const char *slash = path != NULL ? strrchr(path, '/') : NULL;
	return slash != NULL ? slash + 1 : path != NULL ? path : "changegate.conf";
}

static void read_fronts(const struct cli_wiring *w, struct front f[2])
{
	memset(f, 0, 2 * sizeof(*f));
	f[0].name = "ssh";
	f[0].where = "pam.d/sshd line";
	f[1].name = "sudo";
	f[1].where = "sudo.conf";
	if (w == NULL)
		return;
	f[0].found = cli_wiring_pam_lists(w->pam_dir, &f[0].line);
	f[1].found = cli_wiring_sudo_lists(w->sudo_conf, &f[1].line);
}

static void free_fronts(struct front f[2])
{
	cg_gate_lists_free(&f[0].line);
	cg_gate_lists_free(&f[1].line);
}

/* "(changegate.conf)", "(sudo.conf)" or both: where the name that decided is listed. */
static void source_of(char *out, size_t len, const struct cg_gate_result *res,
		      const struct cg_config *cfg, const struct front *f)
{
	const struct cg_gate_lists *from[2] = {&cfg->gate, &f->line};
	const char *names[2] = {base(cfg->source), f->where};
	size_t used = 0;

	out[0] = '\0';
	if (res->list == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		const struct cg_gate_lists *g = from[i];
		const struct cg_strlist *l =
			strcmp(res->list, "enforce_users") == 0 ? &g->enforce_users :
			strcmp(res->list, "enforce_groups") == 0 ? &g->enforce_groups :
			strcmp(res->list, "exempt_users") == 0 ? &g->exempt_users : &g->exempt_groups;
		if (!cg_strlist_contains(l, res->entry))
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s", used > 0 ? ", " : " (",
					 names[i]);
		if (used >= len)
			return;
	}
	if (used > 0)
		snprintf(out + used, len - used, ")");
}

/* The front's answer for user: the config's lists with the front's added. */
static void judge_front(const struct cg_config *cfg, const struct front *f, const char *user,
			struct cg_gate_result *res)
{
	struct cg_gate_lists eff = {0};

	if (cg_gate_lists_add(&eff, &cfg->gate) != 0 || cg_gate_lists_add(&eff, &f->line) != 0) {
		memset(res, 0, sizeof(*res));
		res->answer = CG_GATE_UNJUDGED;
		snprintf(res->why, sizeof(res->why), "the lists hold more than %d names",
			 CG_LIST_MAX);
	} else {
		cg_gate_judge(&eff, user, res);
	}
	cg_gate_lists_free(&eff);
}

static void print_answer(const struct cg_config *cfg, const struct front *f, const char *user)
{
	struct cg_gate_result res;
	char src[128], who[CG_CLAIM_MAX + 1];

	cg_sanitize(who, sizeof(who), user);
	judge_front(cfg, f, user, &res);
	source_of(src, sizeof(src), &res, cfg, f);
	if (res.answer == CG_GATE_UNJUDGED)
		printf("%s: %s cannot be judged: %s (config_error: refused unless exempt)\n",
		       f->name, who, res.why);
	else
		printf("%s: %s is %s: %s%s\n", f->name, who,
		       res.answer == CG_GATE_GATED ? "gated" : "exempt", res.why, src);
	if (res.unknown_exempt[0] != '\0')
		printf("%s: warning: %s: the name service does not know this, which exempts "
		       "nobody\n", f->name, res.unknown_exempt);
}

static void put_list(const char *name, const struct cg_strlist *a, const struct cg_strlist *b)
{
	printf(" %s:", name);
	if (a->count + b->count == 0)
		fputs(" (empty)", stdout);
	for (int k = 0; k < 2; k++) {
		const struct cg_strlist *l = k == 0 ? a : b;
		for (size_t i = 0; i < l->count; i++) {
			char clean[CG_CLAIM_MAX + 1];
			if (k == 1 && cg_strlist_contains(a, l->items[i]))
				continue;
			cg_sanitize(clean, sizeof(clean), l->items[i]);
			printf(" %s", clean);
		}
	}
	putchar(';');
}

static void print_lists(const struct cg_config *cfg, const struct front *f)
{
	const struct cg_gate_lists *c = &cfg->gate, *l = &f->line;

	printf("%s: gate lists (%s + %s):", f->name, base(cfg->source), f->where);
	put_list("enforce_users", &c->enforce_users, &l->enforce_users);
	put_list("enforce_groups", &c->enforce_groups, &l->enforce_groups);
	put_list("exempt_users", &c->exempt_users, &l->exempt_users);
	put_list("exempt_groups", &c->exempt_groups, &l->exempt_groups);
	puts(" exempt lists win; empty enforce lists gate everyone");
}

/* Unknown names of one source's lists: enforce ones are problems, exempt ones warnings. */
static void check_unknown(struct cli_check *ck, const struct cg_gate_lists *lists,
			  const char *source)
{
	char enforce[CG_DETAIL_MAX], exempt[CG_DETAIL_MAX];

	if (cg_gate_lists_unknown(lists, enforce, sizeof(enforce), exempt, sizeof(exempt)) != 0)
		cli_problem(ck, "%s: the name service failed while the gate lists were looked up; "
			    "users are gated until it answers", source);
	if (enforce[0] != '\0')
		cli_problem(ck, "%s: %s: the name service does not know this; every user not "
			    "exempt is refused with config_error", source, enforce);
	if (exempt[0] != '\0')
		cli_note(ck, "warning: %s: %s: the name service does not know this, which exempts "
			 "nobody", source, exempt);
}

void cli_check_gate(struct cli_check *ck, const char *user)
{
	struct front f[2];

	read_fronts(ck->wiring, f);
	check_unknown(ck, &ck->cfg->gate, base(ck->cfg->source));
	for (int i = 0; i < 2; i++) {
		/* an unreadable file is the wiring checks' problem; a bad list is ours: the
		 * module or the plugin denies gated users with config_error for it */
		if (f[i].found == -2)
			cli_problem(ck, "%s: a gate list on the %s has a bad value", f[i].name,
				    f[i].where);
		check_unknown(ck, &f[i].line, f[i].where);
		if (user != NULL)
			print_answer(ck->cfg, &f[i], user);
		else
			print_lists(ck->cfg, &f[i]);
	}
	free_fronts(f);
}

void cli_print_gate_fronts(const struct cg_config *cfg, const struct cli_wiring *wiring,
			   const char *user)
{
	struct front f[2];

	read_fronts(wiring, f);
	for (int i = 0; i < 2; i++)
		print_answer(cfg, &f[i], user);
	free_fronts(f);
}

bool cli_gate_front_says_gated(const struct cg_config *cfg, const struct cli_wiring *wiring,
			       const char *user, bool sudo)
{
	struct front f[2];
	struct cg_gate_result res;

	read_fronts(wiring, f);
	judge_front(cfg, &f[sudo ? 1 : 0], user, &res);
	free_fronts(f);
	return res.answer != CG_GATE_NOT_GATED;
}
