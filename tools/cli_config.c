/* Loading the configuration for the subcommands that judge tokens or edit the revocation list.
 * It goes through the same trusted-file path as the PAM module, so a config that the module
 * would refuse is refused here too. */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"

int cli_load_config(struct cg_config *cfg, const char *path, char *err, size_t errlen)
{
	char abs[PATH_MAX];
	if (path == NULL)
		path = cg_default_config_path();
	/* The core takes absolute paths only. Prefix the working directory rather than call
	 * realpath(), which would resolve a symbolic link the core must get to refuse. */
	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    (size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, path) >= sizeof(abs)) {
			snprintf(err, errlen, "%s: cannot make the path absolute", path);
			return -1;
		}
		path = abs;
	}
	if (cg_config_init(cfg) != 0) {
		snprintf(err, errlen, "out of memory");
		cg_config_free(cfg);
		return -1;
	}
	if (cg_config_load(cfg, path, err, errlen) != 0) {
		cg_config_free(cfg);
		return -1;
	}
	return 0;
}
