/* check-config's look at sudoers once sudo.conf loads the plugin: whether a Defaults line
 * sets runcwd. The plugin allows a command under a cmds entry only in a root-controlled
 * directory (shared/command_paths.c), so without runcwd=/ gated users must cd / before
 * every sudo; a warning says so and names the example that pins it. Only a warning: the
 * gate is as safe without it, just less usable. The parse is deliberately small: a
 * Defaults line naming runcwd with a value other than "*", in sudoers and what it
 * includes (@include, @includedir and their # forms, a few levels deep). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define SUDOERS_INCLUDE_DEPTH 4   /* Debian: sudoers -> sudoers.d, one level */
#define SUDOERS_FILE_MAX (1u << 20)

static bool file_sets_runcwd(const char *path, int depth, char *where, size_t wherelen);

/* A Defaults line ("Defaults", "Defaults:%developers", "Defaults>root"...) whose settings
 * give runcwd a value that pins the directory ("*" lets the user choose it instead). */
static bool defaults_pins(const char *line)
{
	if (strncmp(line, "Defaults", 8) != 0)
		return false;
	for (const char *p = strstr(line, "runcwd"); p != NULL; p = strstr(p + 1, "runcwd")) {
		const char *q = p + 6;
		bool word_start = p == line || strchr(" \t,", p[-1]) != NULL;
		q += strspn(q, " \t");
		if (!word_start || *q != '=')
			continue;
		q++;
		q += strspn(q, " \t\"");
		if (*q != '\0' && *q != '*' && *q != '\n')
			return true;
	}
	return false;
}

/* The files sudo reads from an @includedir: names without '.' that do not end in '~'. */
static bool dir_sets_runcwd(const char *dir, int depth, char *where, size_t wherelen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char path[4096];
		if (n == 0 || strchr(e->d_name, '.') != NULL || e->d_name[n - 1] == '~')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		found = file_sets_runcwd(path, depth + 1, where, wherelen);
	}
	closedir(d);
	return found;
}

/* An include's target; a relative one is relative to the including file's directory. */
static bool include_sets_runcwd(const char *from, const char *target, bool is_dir, int depth,
				char *where, size_t wherelen)
{
	char path[4096], copy[4096];
	size_t n = strcspn(target, " \t\r\n");

	if (n == 0 || n >= sizeof(path))
		return false;
	if (target[0] == '/') {
		memcpy(path, target, n);
		path[n] = '\0';
	} else {
		cg_strlcpy(copy, from, sizeof(copy));
		if ((size_t)snprintf(path, sizeof(path), "%s/%.*s", dirname(copy), (int)n, target) >=
		    sizeof(path))
			return false;
	}
	return is_dir ? dir_sets_runcwd(path, depth, where, wherelen)
		      : file_sets_runcwd(path, depth + 1, where, wherelen);
}

static bool file_sets_runcwd(const char *path, int depth, char *where, size_t wherelen)
{
	struct stat st;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (depth > SUDOERS_INCLUDE_DEPTH)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	FILE *f = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= SUDOERS_FILE_MAX
			  ? fdopen(fd, "r") : NULL;
	if (f == NULL) {
		close(fd);
		return false;
	}
	while (!found && getline(&line, &cap, f) > 0) {
		const char *l = line + strspn(line, " \t");
		if (strncmp(l, "@includedir", 11) == 0 || strncmp(l, "#includedir", 11) == 0)
			found = include_sets_runcwd(path, l + 11 + strspn(l + 11, " \t"), true, depth,
						    where, wherelen);
		else if (strncmp(l, "@include", 8) == 0 || strncmp(l, "#include", 8) == 0)
			found = include_sets_runcwd(path, l + 8 + strspn(l + 8, " \t"), false, depth,
						    where, wherelen);
		else if (defaults_pins(l))
			found = true;
		if (found && where[0] == '\0')
			cg_sanitize(where, wherelen, path);
	}
	free(line);
	fclose(f);
	return found;
}

void cli_check_sudoers_runcwd(struct cli_check *ck)
{
	const char *sudoers = ck->wiring->sudoers;
	char where[512] = "", shown[512];

	if (sudoers == NULL)
		return;
	if (file_sets_runcwd(sudoers, 0, where, sizeof(where))) {
		cli_note(ck, "sudoers: %s sets runcwd: gated users' commands run in a fixed "
			 "directory", where);
		return;
	}
	cg_sanitize(shown, sizeof(shown), sudoers);
	cli_note(ck, "warning: sudo loads the changegate plugin, but no Defaults line of %s (or "
		 "what it includes) sets runcwd: gated users' commands run in the directory they "
		 "stand in, which the plugin refuses unless root controls it, so they must cd / "
		 "first; install examples/sudoers.d/changegate (Defaults runcwd=/ for gated "
		 "users, docs/deployment.md)", shown);
}
