/*
 * Plugin options from the plugin's line in sudo.conf. An option we do not know is an error:
 * a typo such as "audit-only" must not silently change what the gate does. The error denies
 * gated users (sudo_context.c); what did parse stays, so that root and exempt users keep sudo.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "cg_sudo.h"

/* An option as the admin wrote it, cut short and with control bytes shown as '?'. */
static void shown_option(char *dst, size_t dstlen, const char *opt)
{
	size_t i;

	for (i = 0; i + 1 < dstlen && opt[i] != '\0'; i++)
		dst[i] = (opt[i] > 0x20 && opt[i] < 0x7f) ? opt[i] : '?';
	dst[i] = '\0';
}

int cgs_options_parse(struct cgs_options *o, char *const opts[], bool allow_delegate,
		      char *err, size_t errlen)
{
	int rc = 0, list;

	memset(o, 0, sizeof(*o));
	o->config = cg_default_config_path();
	o->delegate = CG_SUDOERS_PLUGIN;
	for (size_t i = 0; opts != NULL && opts[i] != NULL; i++) {
		const char *opt = opts[i];

		if (i >= CGS_KV_SCAN_MAX) {
			if (rc == 0)
				snprintf(err, errlen, "too many plugin options");
			return -1;
		}
		if (strncmp(opt, "config=", 7) == 0 && opt[7] == '/') {
			o->config = opt + 7;
		} else if (allow_delegate && strncmp(opt, "delegate=", 9) == 0 && opt[9] == '/') {
			o->delegate = opt + 9;
		} else if (strcmp(opt, "audit_only") == 0) {
			o->audit_only = true;
		} else if (strcmp(opt, "debug") == 0) {
			o->debug = true;
		} else if ((list = cg_gate_lists_option(&o->lists, opt)) != 0) {
			/* a list of the same name given twice adds up, as with the config's */
			if (list < 0 && rc == 0)
				snprintf(err, errlen, "bad value for plugin option %.*s",
					 (int)strcspn(opt, "="), opt);
			if (list < 0)
				rc = -1;
		} else {
			char shown[64];

			/* the first error is reported; the rest of the line is still read, so
			 * that exempt_users= after a typo keeps working */
			if (rc != 0)
				continue;
			rc = -1;
			shown_option(shown, sizeof(shown), opt);
			snprintf(err, errlen, "unknown plugin option %s%s", shown,
				 ((strncmp(opt, "config=", 7) == 0 && opt[7] != '/') ||
				  (allow_delegate && strncmp(opt, "delegate=", 9) == 0 && opt[9] != '/'))
					 ? " (the path must be absolute)" : "");
		}
	}
	return rc;
}

void cgs_options_free(struct cgs_options *o)
{
	cg_gate_lists_free(&o->lists);
}
