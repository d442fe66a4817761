/* The module's arguments: read before any config, so that the exemptions they name hold even
 * when the config file is broken or missing. Their lists add to the config's lists of the same
 * name (cg_gate_lists_add), as the sudo plugin's options do: one rule for both fronts. */
#include "config.h"

#include <string.h>

#include "pam_changegate.h"

static bool arg_value(const char *arg, const char *name, const char **value)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n) != 0 || arg[n] != '=')
		return false;
	*value = arg + n + 1;
	return true;
}

static void mark_bad(struct cg_pam_args *args, const char *arg,
		     void (*report)(void *ctx, const char *arg), void *ctx)
{
	if (!args->bad)
		cg_sanitize(args->bad_arg, sizeof(args->bad_arg), arg);
	args->bad = true;
	if (report != NULL)
		report(ctx, arg);
}

static int parse_one(struct cg_pam_args *args, const char *arg,
		     void (*report)(void *ctx, const char *arg), void *ctx)
{
	const char *v;
	int list;

	if (strcmp(arg, "debug") == 0) {
		args->debug = true;
	} else if (strcmp(arg, "audit_only") == 0) {
		args->audit_only = true;
	} else if (arg_value(arg, "config", &v)) {
		if (v[0] != '/')
			mark_bad(args, arg, report, ctx);
		else
			args->config_path = v;
	} else if (arg_value(arg, "rundir", &v)) {
		if (v[0] != '/')
			mark_bad(args, arg, report, ctx);
		else
			args->rundir = v;
	} else if ((list = cg_gate_lists_option(&args->gate, arg)) != 0) {
		/* a list argument given twice adds up, as in sudo.conf; the config's list is
		 * added later, never replaced */
		return list < 0 ? -1 : 0;
	} else {
		mark_bad(args, arg, report, ctx);
	}
	return 0;
}

int cg_pam_args_parse(struct cg_pam_args *args, int argc, const char **argv,
		      void (*report)(void *ctx, const char *arg), void *ctx)
{
	memset(args, 0, sizeof(*args));
	for (int i = 0; i < argc; i++) {
		if (argv[i] == NULL) {
			mark_bad(args, "(null)", report, ctx);
			continue;
		}
		if (parse_one(args, argv[i], report, ctx) != 0) {
			/* a list we could not hold (allocation, or more than CG_LIST_MAX names):
			 * treat it like a bad argument so gated users are denied */
			mark_bad(args, argv[i], report, ctx);
		}
	}
	return 0;
}

void cg_pam_args_free(struct cg_pam_args *args)
{
	cg_gate_lists_free(&args->gate);
	memset(args, 0, sizeof(*args));
}

void cg_pam_args_exempt_lists(const struct cg_pam_args *args, struct cg_gate_lists *view)
{
	/* Only what no config can overturn: exemptions always win, while the config's enforce
	 * lists add to any given here. With no enforce list, everyone is gated, so root and
	 * the argument-exempt are the only ones let through before the config is read. */
	memset(view, 0, sizeof(*view));
	view->exempt_users = args->gate.exempt_users;
	view->exempt_groups = args->gate.exempt_groups;
}

static bool same_list(const struct cg_strlist *a, const struct cg_strlist *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		if (a->items[i] == NULL || b->items[i] == NULL ||
		    strcmp(a->items[i], b->items[i]) != 0)
			return false;
	}
	return true;
}

bool cg_pam_gate_lists_same(const struct cg_gate_lists *a, const struct cg_gate_lists *b)
{
	return same_list(&a->enforce_users, &b->enforce_users) &&
	       same_list(&a->enforce_groups, &b->enforce_groups) &&
	       same_list(&a->exempt_users, &b->exempt_users) &&
	       same_list(&a->exempt_groups, &b->exempt_groups);
}

int cg_pam_args_apply(const struct cg_pam_args *args, struct cg_config *cfg)
{
	return cg_gate_lists_add(&cfg->gate, &args->gate);
}
