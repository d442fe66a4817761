/* check-config's look at the host's wiring: a perfect configuration protects nothing unless
 * sudo loads the plugin, sshd's PAM stack calls the module, and sshd asks for the ticket. Each
 * missing piece is one problem line in plain words. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Far above any real sudo.conf, PAM file or sshd_config; bounds what we read. */
#define WIRING_FILE_MAX (1u << 20)
/* sshd allows Include inside Include; we follow a few levels, enough for Debian's layout. */
#define SSHD_INCLUDE_DEPTH 4
/* Where Debian's sudo looks for plugins named by a relative path (sudo.conf's plugin_dir). */
#define SUDO_PLUGIN_DIR_DEFAULT "/usr/libexec/sudo"
#define SUDO_PLUGIN_FILE "changegate_sudo.so"
#define SUDO_VERIFIER_FILE "changegate_sudo_verify.so"
#define PAM_MODULE_FILE "pam_changegate.so"

/* Opens path for reading if it is a regular file of sane size. NULL with errno set. */
static FILE *open_text(const char *path)
{
	errno = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > WIRING_FILE_MAX) {
		int e = errno;
		if (e == 0 || S_ISREG(st.st_mode))
			e = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		close(fd);
		errno = e;
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (f == NULL)
		close(fd);
	return f;
}

/* Splits line in place into at most max whitespace-separated words, stopping at '#'. */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	char *hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	for (char *w = strtok_r(line, " \t\r\n", &save); w != NULL && n < max;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	return n;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* root's (or, for tests, ours) and writable by nobody else: what sudo demands of its files. */
static void owner_and_mode(struct cli_check *ck, const char *what, const char *path,
			   const struct stat *st, const char *consequence)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		cli_problem(ck, "%s %s: owned by uid %lu, not root; %s", what, path,
			    (unsigned long)st->st_uid, consequence);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		cli_problem(ck, "%s %s: mode %04o, writable by %s; %s", what, path,
			    (unsigned)(st->st_mode & 07777),
			    (st->st_mode & S_IWOTH) ? "others" : "its group", consequence);
}

/* ---- sudo.conf ------------------------------------------------------------------------ */

/* The plugin opens its verifier from its own directory (sudo_plugin/verifier_load.c): asked
 * here the way it asks, O_NOFOLLOW opens checked by the core's cg_check_trusted_fd. */
static void check_sudo_verifier(struct cli_check *ck, const char *plugin_path)
{
	const char *consequence = "the plugin refuses it and denies every gated user (config_error)";
	char dir[4000], path[4096], err[1024], safe_dir[400], safe[512];
	const char *slash = strrchr(plugin_path, '/');
	size_t n = slash != NULL ? (size_t)(slash - plugin_path) : 0;

	if (n == 0 || n >= sizeof(dir))
		return;
	memcpy(dir, plugin_path, n);
	dir[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, SUDO_VERIFIER_FILE);
	cg_sanitize(safe_dir, sizeof(safe_dir), dir);
	cg_sanitize(safe, sizeof(safe), path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		cli_problem(ck, "sudo plugin directory %s: %s; %s", safe_dir,
			    errno == ENOTDIR || errno == ELOOP ? "a symbolic link or not a directory"
							       : strerror(errno), consequence);
		return;
	}
	if (cg_check_trusted_fd(dfd, safe_dir, true, err, sizeof(err)) != 0) {
		cli_problem(ck, "sudo plugin directory %s; %s", err, consequence);
		close(dfd);
		return;
	}
	int fd = openat(dfd, SUDO_VERIFIER_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		cli_problem(ck, "sudo plugin's verifier %s: %s; %s", safe,
			    errno == ELOOP ? "a symbolic link" : strerror(errno), consequence);
		return;
	}
	if (cg_check_trusted_fd(fd, safe, false, err, sizeof(err)) != 0)
		cli_problem(ck, "sudo plugin's verifier %s; %s", err, consequence);
	close(fd);
}

static void check_sudo_plugin(struct cli_check *ck, const char *plugin_dir, const char *file)
{
	char path[4096];
	struct stat st;
	int n = file[0] == '/' ? snprintf(path, sizeof(path), "%s", file)
			       : snprintf(path, sizeof(path), "%s/%s", plugin_dir, file);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cli_problem(ck, "sudo plugin path too long");
		return;
	}
	char safe[512];
	int stat_rc = stat(path, &st);
	int e = errno;
	cg_sanitize(safe, sizeof(safe), path);
	if (stat_rc != 0) {
		cli_problem(ck, "sudo plugin %s: %s; sudo cannot load it", safe, strerror(e));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_problem(ck, "sudo plugin %s: not a regular file", safe);
		return;
	}
	owner_and_mode(ck, "sudo plugin", safe, &st, "sudo refuses to load it");
	check_sudo_verifier(ck, path);
}

void cli_check_sudo_conf(struct cli_check *ck)
{
	const char *path = ck->wiring->sudo_conf;
	char plugin_dir[4096] = SUDO_PLUGIN_DIR_DEFAULT;
	char plugin_file[4096] = "";
	char symbol[64] = "";
	struct stat st;
	if (stat(path, &st) != 0) {
		cli_problem(ck, "sudo.conf %s: %s; sudo does not load the changegate plugin", path,
			    strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_problem(ck, "sudo.conf %s: not a regular file", path);
		return;
	}
	/* sudo says nothing about an insecure sudo.conf: it just runs without our plugin. */
	owner_and_mode(ck, "sudo.conf", path, &st,
		       "sudo silently ignores it and runs without the changegate plugin");
	FILE *f = open_text(path);
	if (f == NULL) {
		cli_problem(ck, "sudo.conf %s: %s", path, strerror(errno));
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char *w[4];
		size_t n = split_words(line, w, 4);
		/* sudo matches keywords and path names in any case (its sudo_conf.c) */
		if (n >= 3 && strcasecmp(w[0], "Path") == 0 && strcasecmp(w[1], "plugin_dir") == 0)
			snprintf(plugin_dir, sizeof(plugin_dir), "%s", w[2]);
		if (n >= 3 && strcasecmp(w[0], "Plugin") == 0 && plugin_file[0] == '\0' &&
		    strcmp(base_name(w[2]), SUDO_PLUGIN_FILE) == 0) {
			snprintf(plugin_file, sizeof(plugin_file), "%s", w[2]);
			snprintf(symbol, sizeof(symbol), "%s", w[1]);
		}
	}
	free(line);
	fclose(f);
	if (plugin_file[0] == '\0') {
		cli_problem(ck, "sudo.conf %s: no Plugin line loads " SUDO_PLUGIN_FILE
			    "; sudo runs without changegate", path);
		return;
	}
	/* An insecure sudo.conf is anyone's text: escape it before it reaches a terminal. */
	char safe_symbol[sizeof(symbol) * 4], safe_file[512];
	cg_sanitize(safe_symbol, sizeof(safe_symbol), symbol);
	cg_sanitize(safe_file, sizeof(safe_file), plugin_file);
	if (strcmp(symbol, "changegate_approval") != 0 && strcmp(symbol, "changegate_policy") != 0)
		cli_problem(ck, "sudo.conf %s: plugin " SUDO_PLUGIN_FILE " is loaded as '%s'; it "
			    "must be changegate_approval or changegate_policy", path, safe_symbol);
	else
		cli_note(ck, "sudo.conf: %s loads %s from %s", path, safe_symbol, safe_file);
	check_sudo_plugin(ck, plugin_dir, plugin_file);
	cli_check_sudoers_runcwd(ck);
}

/* ---- /etc/pam.d/sshd ------------------------------------------------------------------ */

/* What the sshd PAM stack does with our module, in the order the lines run. */
struct pam_seen {
	bool auth, account, session, loginuid, session_before_loginuid;
	struct cg_gate_lists *lists;    /* when set: the first pam_changegate line's lists */
	int lines;                      /* pam_changegate lines seen */
	bool lists_bad;                 /* its list arguments could not be read */
	const char *env_before;         /* the first stack where pam_env lets users write the
					   PAM environment before our line: "auth", ... */
	unsigned ours, audit_only;      /* pam_changegate lines, and those with audit_only */
};

/* pam_env with user_readenv on (its args from p on) reads ~/.pam_environment, so the user
 * can set any PAM variable for the modules after it. */
static bool user_sets_env(const char *mod, const char *p)
{
	if (strcmp(mod, "pam_env.so") != 0)
		return false;
	for (const char *o = strstr(p, "user_readenv="); o != NULL;
	     o = strstr(o + 1, "user_readenv=")) {
		if ((o == p || o[-1] == ' ' || o[-1] == '\t') && o[13] != '0')
			return true;
	}
	return false;
}

/* Whether the whitespace-separated arguments in p (left as they are) include word. */
static bool has_word(const char *p, const char *word)
{
	size_t n = strlen(word);
	for (const char *w = p; (w = strstr(w, word)) != NULL; w += n) {
		bool start = w == p || w[-1] == ' ' || w[-1] == '\t';
		bool end = w[n] == '\0' || w[n] == ' ' || w[n] == '\t' || w[n] == '\n' ||
			   w[n] == '\r' || w[n] == '#';
		if (start && end)
			return true;
	}
	return false;
}

/* The gate lists of one pam_changegate line (its arguments, from p on). */
static void pam_line_lists(char *p, struct pam_seen *s)
{
	char *save = NULL;

	if (s->lists == NULL || s->lines++ > 0)
		return;
	for (char *w = strtok_r(p, " \t\r\n", &save); w != NULL; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (cg_gate_lists_option(s->lists, w) < 0)
			s->lists_bad = true;
	}
}

static void pam_file(struct cli_check *ck, const char *dir, const char *name, const char *only,
		     int depth, struct pam_seen *s);

/* Reads one PAM line: "[-]type control module args", "@include file", control "[...]". */
static void pam_line(struct cli_check *ck, const char *dir, char *line, const char *only,
		     int depth, struct pam_seen *s)
{
	char *w[3];
	char *p = line + strspn(line, " \t");
	if (*p == '#' || *p == '\0' || *p == '\n')
		return;
	if (strncmp(p, "@include", 8) == 0) {
		if (split_words(p, w, 2) == 2 && depth == 0)
			pam_file(ck, dir, w[1], only, depth + 1, s);
		return;
	}
	char *type = strtok_r(p, " \t\r\n", &p);
	if (type == NULL)
		return;
	p += strspn(p, " \t");
	char *control = p;
	if (*p == '[') {
		char *end = strchr(p, ']');
		if (end == NULL)
			return;
		p = end + 1;
		if (*p != '\0')
			*p++ = '\0';
	} else {
		control = strtok_r(p, " \t\r\n", &p);
		if (control == NULL)
			return;
	}
	char *module = strtok_r(p, " \t\r\n", &p);
	if (module == NULL)
		return;
	if (*type == '-')
		type++;
	if (only != NULL && strcasecmp(type, only) != 0)
		return;
	if (strcmp(control, "include") == 0 || strcmp(control, "substack") == 0) {
		if (depth == 0)
			pam_file(ck, dir, module, type, depth + 1, s);
		return;
	}
	const char *mod = base_name(module);
	bool ours = strcmp(mod, PAM_MODULE_FILE) == 0;
	/* before our line of the same stack, it can plant SSH_AUTH_INFO_0 (auth, account) or
	 * what auth hands on (session) */
	bool ours_seen = strcasecmp(type, "auth") == 0 ? s->auth
			 : strcasecmp(type, "account") == 0 ? s->account
			 : s->session || s->session_before_loginuid;
	if (!ours && !ours_seen && s->env_before == NULL && user_sets_env(mod, p))
		s->env_before = strcasecmp(type, "auth") == 0 ? "auth"
				: strcasecmp(type, "account") == 0 ? "account" : "session";
	if (ours) {
		s->ours++;
		if (has_word(p, "audit_only"))
			s->audit_only++;
		pam_line_lists(p, s);
	}
	if (strcasecmp(type, "auth") == 0 && ours) {
		s->auth = true;
	} else if (strcasecmp(type, "account") == 0 && ours) {
		s->account = true;
	} else if (strcasecmp(type, "session") == 0) {
		if (strcmp(mod, "pam_loginuid.so") == 0)
			s->loginuid = true;
		else if (ours && s->loginuid)
			s->session = true;
		else if (ours)
			s->session_before_loginuid = true;
	}
}

static void pam_file(struct cli_check *ck, const char *dir, const char *name, const char *only,
		     int depth, struct pam_seen *s)
{
	char path[4096];
	int n = name[0] == '/' ? snprintf(path, sizeof(path), "%s", name)
			       : snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		cli_problem(ck, "PAM file name too long in %s", dir);
		return;
	}
	FILE *f = open_text(path);
	if (f == NULL) {
		int e = errno;
		char safe[512];
		cg_sanitize(safe, sizeof(safe), path);
		if (depth == 0)
			cli_problem(ck, "PAM %s: %s; sshd logins are not gated", safe, strerror(e));
		else
			cli_problem(ck, "PAM %s (included): %s", safe, strerror(e));
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0)
		pam_line(ck, dir, line, only, depth, s);
	free(line);
	fclose(f);
}

bool cli_check_pam_sshd(struct cli_check *ck)
{
	const char *dir = ck->wiring->pam_dir;
	struct pam_seen s = { 0 };
	unsigned before = ck->problems;
	char path[4096];
	snprintf(path, sizeof(path), "%s/sshd", dir);
	pam_file(ck, dir, "sshd", NULL, 0, &s);
	if (ck->problems != before)
		return s.auth;
	if (!s.auth)
		cli_problem(ck, "PAM %s: no auth line calls " PAM_MODULE_FILE
			    "; sshd lets users in without a ticket", path);
	if (!s.account)
		cli_problem(ck, "PAM %s: no account line calls " PAM_MODULE_FILE
			    "; logins by public key skip the ticket check", path);
	if (!s.session) {
		if (s.session_before_loginuid)
			cli_problem(ck, "PAM %s: the session line for " PAM_MODULE_FILE " comes "
				    "before pam_loginuid.so; move it after, so the audit names the "
				    "login's uid", path);
		else
			cli_problem(ck, "PAM %s: no session line calls " PAM_MODULE_FILE " after "
				    "pam_loginuid.so; sessions are not recorded", path);
	}
	if (s.auth && s.account && s.session)
		cli_note(ck, "PAM: %s calls " PAM_MODULE_FILE " in auth, account and session",
			 path);
	if (s.env_before != NULL)
		cli_note(ck, "warning: PAM %s: pam_env.so with user_readenv comes before "
			 PAM_MODULE_FILE " in %s: users can then set the PAM environment it reads "
			 "(SSH_AUTH_INFO_0, the key and token a login hands on); put pam_env after "
			 "it, or drop user_readenv", path, s.env_before);
	return s.auth;
}

int cli_wiring_pam_lists(const char *pam_dir, struct cg_gate_lists *out)
{
	struct cli_check quiet = { .quiet = true };
	struct pam_seen s = { .lists = out };

	memset(out, 0, sizeof(*out));
	pam_file(&quiet, pam_dir, "sshd", NULL, 0, &s);
	if (quiet.problems != 0)
		return -1;
	if (s.lists_bad)
		return -2;
	return s.lines > 0;
}

int cli_wiring_audit_only(const struct cli_wiring *w, struct cli_audit_only *out)
{
	struct cli_check quiet = { .quiet = true };
	struct pam_seen s = { 0 };
	char *line = NULL;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	pam_file(&quiet, w->pam_dir, "sshd", NULL, 0, &s);
	out->pam_lines = s.ours;
	out->pam_audit_only = s.audit_only;
	FILE *f = open_text(w->sudo_conf);
	if (f == NULL)
		return quiet.problems != 0 ? -1 : 0;
	while (getline(&line, &cap, f) > 0) {
		char *words[3 + CG_LIST_MAX];
		size_t n = split_words(line, words, sizeof(words) / sizeof(words[0]));
		if (n < 3 || strcmp(words[0], "Plugin") != 0 ||
		    strcmp(base_name(words[2]), SUDO_PLUGIN_FILE) != 0)
			continue;
		out->sudo_line = true;
		for (size_t i = 3; i < n; i++)
			if (strcmp(words[i], "audit_only") == 0)
				out->sudo_audit_only = true;
	}
	free(line);
	fclose(f);
	return quiet.problems != 0 ? -1 : 0;
}

int cli_wiring_sudo_lists(const char *sudo_conf, struct cg_gate_lists *out)
{
	FILE *f = open_text(sudo_conf);
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return -1;
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		char *w[3 + CG_LIST_MAX];
		size_t n = split_words(line, w, sizeof(w) / sizeof(w[0]));
		if (n < 3 || strcasecmp(w[0], "Plugin") != 0 ||
		    strcmp(base_name(w[2]), SUDO_PLUGIN_FILE) != 0)
			continue;
		rc = 1;
		/* a list given twice adds up, as in the plugin (sudo_options.c) */
		for (size_t i = 3; i < n; i++) {
			if (cg_gate_lists_option(out, w[i]) < 0)
				rc = -2;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

/* ---- sshd_config ---------------------------------------------------------------------- */

enum tristate { UNSET, NO, YES };

struct sshd_seen {
	enum tristate use_pam, kbd;
	bool methods_kbd;
	/* The first Match block that requires keyboard-interactive: "file:line: Match ...",
	 * escaped; empty when there is none. */
	char kbd_match[768];
	/* The first AuthenticationMethods that lets keyboard-interactive run before publickey
	 * (or without it): "file:line: AuthenticationMethods ...", escaped; empty when there is none. */
	char kbd_first[768];
	bool key_first;                 /* some alternative requires publickey, then kbd */
	struct cli_sshd_auth *auth;     /* when set: the AuthenticationMethods, block by block */
};

/* Whether, in one alternative ("publickey,keyboard-interactive:pam"), keyboard-interactive
 * comes without a publickey before it: then PAM auth runs before sshd knows the key, and
 * SSH_AUTH_INFO_0 names none (no certificate token, key-bound tokens key_mismatch). */
static bool kbd_before_key(const char *alternative)
{
	const char *kbd = strstr(alternative, "keyboard-interactive");
	const char *key = strstr(alternative, "publickey");
	return kbd != NULL && (key == NULL || key > kbd);
}

/* Whether every alternative of an AuthenticationMethods value (words[0..n-1], each a
 * comma-separated list) includes keyboard-interactive: then a user cannot get in without it. */
static bool methods_require_kbd(char **words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(words[i], "keyboard-interactive") == NULL)
			return false;
	return n > 0;
}

/* Records a Match line's criteria (w[1..n-1]) as a new block of s->auth. */
static void auth_block(struct sshd_seen *s, const char *path, unsigned line, char **w, size_t n)
{
	struct cli_sshd_auth *a = s->auth;
	if (a == NULL)
		return;
	if (a->nblocks == CLI_SSHD_BLOCKS_MAX) {
		a->truncated = true;
		return;
	}
	struct cli_sshd_block *b = &a->blocks[a->nblocks++];
	memset(b, 0, sizeof(*b));
	snprintf(b->where, sizeof(b->where), "%.200s:%u", path, line);
	for (size_t i = 1; i < n && b->ncrit < CLI_SSHD_CRIT_MAX; i++)
		snprintf(b->crit[b->ncrit++], sizeof(b->crit[0]), "%s", w[i]);
	if (n - 1 > CLI_SSHD_CRIT_MAX)
		b->ncrit = CLI_SSHD_CRIT_MAX + 1; /* more than we keep: never evaluated */
}

/* An AuthenticationMethods line: the first one outside Match, or the block's first. */
static void auth_methods(struct sshd_seen *s, bool in_match, char **w, size_t n)
{
	struct cli_sshd_auth *a = s->auth;
	char *dst;
	if (a == NULL || (in_match && (a->nblocks == 0 || a->truncated)))
		return;
	if (in_match) {
		struct cli_sshd_block *b = &a->blocks[a->nblocks - 1];
		if (b->have_methods)
			return;
		b->have_methods = true;
		b->require_kbd = methods_require_kbd(w + 1, n - 1);
		dst = b->methods;
	} else {
		if (a->have_global)
			return;
		a->have_global = true;
		a->global_require_kbd = methods_require_kbd(w + 1, n - 1);
		a->global_offers_kbd = false;
		for (size_t i = 1; i < n; i++)
			if (strstr(w[i], "keyboard-interactive") != NULL)
				a->global_offers_kbd = true;
		dst = a->global;
	}
	size_t len = 0;
	dst[0] = '\0';
	for (size_t i = 1; i < n; i++) {
		int k = snprintf(dst + len, CLI_SSHD_METHODS_MAX - len, "%s%s", i > 1 ? " " : "", w[i]);
		if (k < 0 || (size_t)k >= CLI_SSHD_METHODS_MAX - len)
			break;
		len += (size_t)k;
	}
}

static enum tristate yes_no(const char *v)
{
	return strcasecmp(v, "yes") == 0 ? YES : NO;
}

static void sshd_file(struct cli_check *ck, const char *dir, const char *path, int depth,
		      struct sshd_seen *s);

/* Include takes globs, relative to the main file's directory (/etc/ssh), as sshd does. */
static void sshd_include(struct cli_check *ck, const char *dir, const char *pattern, int depth,
			 struct sshd_seen *s)
{
	char full[4096];
	glob_t g;
	int n = pattern[0] == '/' ? snprintf(full, sizeof(full), "%s", pattern)
				  : snprintf(full, sizeof(full), "%s/%s", dir, pattern);
	if (n < 0 || (size_t)n >= sizeof(full))
		return;
	if (depth >= SSHD_INCLUDE_DEPTH) {
		cli_problem(ck, "sshd_config: Include %s nested too deeply to follow", full);
		return;
	}
	if (glob(full, 0, NULL, &g) != 0)
		return; /* no match is fine: sshd ignores it too */
	for (size_t i = 0; i < g.gl_pathc; i++)
		sshd_file(ck, dir, g.gl_pathv[i], depth + 1, s);
	globfree(&g);
}


/* "Match Group developers" from the Match line's words, each escaped: sshd_config is root's,
 * but what reaches the terminal is escaped everywhere in check-config. */
static void match_words(char *out, size_t outlen, char **w, size_t n)
{
	size_t len = (size_t)snprintf(out, outlen, "Match");
	for (size_t i = 1; i < n; i++) {
		char safe[128];
		cg_sanitize(safe, sizeof(safe), w[i]);
		int k = snprintf(out + len, outlen - len, " %s", safe);
		if (k < 0 || (size_t)k >= outlen - len)
			break; /* cut short: what fits still finds the block */
		len += (size_t)k;
	}
}

static void sshd_file(struct cli_check *ck, const char *dir, const char *path, int depth,
		      struct sshd_seen *s)
{
	FILE *f = open_text(path);
	bool in_match = false;
	char match[300] = "";
	unsigned lineno = 0, match_line = 0;
	if (f == NULL) {
		cli_problem(ck, "sshd_config %s: %s; cannot tell whether sshd uses PAM", path,
			    strerror(errno));
		return;
	}
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		char *w[16];
		lineno++;
		/* "Keyword=value" is allowed too. */
		for (char *c = line; *c != '\0' && *c != ' ' && *c != '\t'; c++)
			if (*c == '=') {
				*c = ' ';
				break;
			}
		size_t n = split_words(line, w, 16);
		if (n < 2)
			continue;
		if (strcasecmp(w[0], "Match") == 0) {
			in_match = true;
			match_line = lineno;
			match_words(match, sizeof(match), w, n);
			auth_block(s, path, lineno, w, n);
		} else if (strcasecmp(w[0], "Include") == 0) {
			for (size_t i = 1; i < n; i++)
				sshd_include(ck, dir, w[i], depth, s);
		} else if (strcasecmp(w[0], "AuthenticationMethods") == 0) {
			auth_methods(s, in_match, w, n);
			for (size_t i = 1; i < n; i++)
				if (strstr(w[i], "keyboard-interactive") != NULL)
					s->methods_kbd = true;
			for (size_t i = 1; i < n; i++) {
				char safe[400], m[256];
				if (strstr(w[i], "keyboard-interactive") != NULL && !kbd_before_key(w[i]))
					s->key_first = true;
				if (!kbd_before_key(w[i]) || s->kbd_first[0] != '\0')
					continue;
				cg_sanitize(safe, sizeof(safe), path);
				cg_sanitize(m, sizeof(m), w[i]);
				snprintf(s->kbd_first, sizeof(s->kbd_first),
					 "%s:%u: AuthenticationMethods %s", safe, lineno, m);
			}
			if (in_match && s->kbd_match[0] == '\0' && methods_require_kbd(w + 1, n - 1)) {
				char safe[512];
				cg_sanitize(safe, sizeof(safe), path);
				snprintf(s->kbd_match, sizeof(s->kbd_match), "%s:%u: %s", safe,
					 match_line, match);
			}
		} else if (in_match) {
			continue; /* sshd's first value wins, and Match values are per user */
		} else if (strcasecmp(w[0], "UsePAM") == 0 && s->use_pam == UNSET) {
			s->use_pam = yes_no(w[1]);
		} else if ((strcasecmp(w[0], "KbdInteractiveAuthentication") == 0 ||
			    strcasecmp(w[0], "ChallengeResponseAuthentication") == 0) &&
			   s->kbd == UNSET) {
			s->kbd = yes_no(w[1]);
		}
	}
	free(line);
	fclose(f);
}

void cli_check_sshd_config(struct cli_check *ck, bool pam_auth)
{
	const char *path = ck->wiring->sshd_config;
	struct sshd_seen s = { UNSET, UNSET, false, "", "", false, NULL };
	unsigned before = ck->problems;
	char *copy = strdup(path);
	if (copy == NULL) {
		cli_problem(ck, "out of memory");
		return;
	}
	sshd_file(ck, dirname(copy), path, 0, &s);
	free(copy);
	/* The state a rollback that stopped at PAM leaves (issue 14.12): sshd still demands
	 * keyboard-interactive, which now runs the plain PAM auth stack. A warning, not a problem:
	 * the missing PAM line is already counted as one. */
	if (!pam_auth && s.kbd_match[0] != '\0')
		cli_note(ck, "warning: sshd_config %s requires keyboard-interactive, but no auth "
			 "line of %s/sshd calls " PAM_MODULE_FILE ": the users it matches are asked "
			 "for a password instead of a ticket, and those without one cannot log in; "
			 "remove the Match block and reload sshd, or put the PAM lines back",
			 s.kbd_match, ck->wiring->pam_dir);
	if (s.kbd_first[0] != '\0')
		cli_note(ck, "warning: sshd_config %s lets keyboard-interactive run before "
			 "publickey: pam_changegate cannot see the login's key then, so a token in an "
			 "SSH certificate is not found and a token bound to a key is refused "
			 "(key_mismatch); require publickey first (publickey,keyboard-interactive)",
			 s.kbd_first);
	else if (!s.key_first && s.kbd == YES && s.use_pam == YES)
		cli_note(ck, "warning: sshd_config %s: no AuthenticationMethods requires publickey "
			 "before keyboard-interactive, so keyboard-interactive may run without a key: "
			 "pam_changegate then sees no key, a token in an SSH certificate is not found "
			 "and a token bound to a key is refused (key_mismatch); require "
			 "publickey,keyboard-interactive for gated users", path);
	if (ck->problems != before)
		return;
	if (s.use_pam != YES)
		cli_problem(ck, "sshd_config %s: UsePAM is not yes; sshd never calls "
			    PAM_MODULE_FILE, path);
	/* In the audit stage sshd is left as it was (deployment.md section 7): nobody is
	 * asked for a ticket yet, so a missing prompt is what that stage wants. */
	if (ck->stage == CLI_STAGE_AUDIT && (s.kbd == NO || (!s.methods_kbd && s.kbd != YES)))
		cli_note(ck, "sshd_config: %s does not ask for keyboard-interactive yet: right for "
			 "the audit stage; the enforce stage turns it on", path);
	else if (s.kbd == NO)
		cli_problem(ck, "sshd_config %s: KbdInteractiveAuthentication is no; sshd cannot "
			    "ask gated users for their ticket", path);
	else if (!s.methods_kbd && s.kbd != YES)
		cli_problem(ck, "sshd_config %s: no AuthenticationMethods names "
			    "keyboard-interactive and KbdInteractiveAuthentication is not yes; "
			    "sshd never asks gated users for their ticket", path);
	if (s.use_pam == YES && s.kbd != NO && (s.methods_kbd || s.kbd == YES))
		cli_note(ck, "sshd_config: %s uses PAM with keyboard-interactive", path);
}

int cli_wiring_sshd_auth(const char *sshd_config, struct cli_sshd_auth *out)
{
	struct cli_check quiet = { .quiet = true };
	struct sshd_seen s = { UNSET, UNSET, false, "", "", false, out };
	char *copy = strdup(sshd_config);

	memset(out, 0, sizeof(*out));
	if (copy == NULL)
		return -1;
	sshd_file(&quiet, dirname(copy), sshd_config, 0, &s);
	free(copy);
	return quiet.problems == 0 ? 0 : -1;
}

void cli_check_wiring(struct cli_check *ck)
{
	if (ck->wiring == NULL)
		return;
	cli_check_sudo_conf(ck);
	bool pam_auth = cli_check_pam_sshd(ck);
	cli_check_sshd_config(ck, pam_auth);
}
