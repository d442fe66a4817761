/*
 * check-config says what a missing or unreadable file means and what to do about it. The core
 * keeps its one wording for logs ("Error opening PATH: reason", as pam_faillock writes it),
 * which is right for syslog and wrong for someone setting up a host: "No such file or
 * directory" names neither the consequence nor the fix.
 */
#include <errno.h>
#include <string.h>

#include "cli.h"

void cli_problem_file(struct cli_check *ck, const char *what, const char *path, int e,
		      const char *err, const char *consequence, const char *create_cmd,
		      const char *note)
{
	char safe[512];
	cg_sanitize(safe, sizeof(safe), path);
	if (e == ENOENT || e == ENOTDIR)
		cli_problem(ck, "%s %s does not exist: %s; create it: %s %s (%s)", what, safe,
			    consequence, create_cmd, safe, note);
	else if (e == EACCES)
		cli_problem(ck, "%s %s cannot be read by this user (permission denied): run "
			    "changegate check-config as root", what, safe);
	else
		cli_problem(ck, "%s %s", what, err);
}
