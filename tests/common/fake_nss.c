/* See fake_nss.h. A definition in the test program comes before libc's: the core linked in
 * statically, and a module dlopen()ed by a program linked with --export-dynamic, both get it. */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>

#include "fake_nss.h"

typedef int getpwnam_r_fn(const char *, struct passwd *, char *, size_t, struct passwd **);
typedef int getgrnam_r_fn(const char *, struct group *, char *, size_t, struct group **);

/* Copies s into buf at *off; NULL when it does not fit. */
static char *put(char *buf, size_t buflen, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;
	if (buflen - *off < n)
		return NULL;
	char *p = memcpy(buf + *off, s, n);
	*off += n;
	return p;
}

/* default visibility: the build hides symbols, and a dlopen()ed module must see this one */
__attribute__((visibility("default"))) int getpwnam_r(const char *name, struct passwd *pw,
						      char *buf, size_t buflen,
						      struct passwd **result)
{
	*result = NULL;
	if (strcasecmp(name, FAKE_NSS_USER) == 0) {
		size_t off = 0;
		memset(pw, 0, sizeof(*pw));
		pw->pw_name = put(buf, buflen, &off, FAKE_NSS_USER);
		pw->pw_passwd = put(buf, buflen, &off, "x");
		pw->pw_gecos = put(buf, buflen, &off, "");
		pw->pw_dir = put(buf, buflen, &off, "/nonexistent");
		pw->pw_shell = put(buf, buflen, &off, "/usr/sbin/nologin");
		if (pw->pw_name == NULL || pw->pw_passwd == NULL || pw->pw_gecos == NULL ||
		    pw->pw_dir == NULL || pw->pw_shell == NULL)
			return ERANGE;
		pw->pw_uid = FAKE_NSS_UID;
		pw->pw_gid = FAKE_NSS_GID;
		*result = pw;
		return 0;
	}
	getpwnam_r_fn *real;
	*(void **)&real = dlsym(RTLD_NEXT, "getpwnam_r");
	if (real == NULL)
		return EIO;
	return real(name, pw, buf, buflen, result);
}

__attribute__((visibility("default"))) int getgrnam_r(const char *name, struct group *gr,
						      char *buf, size_t buflen,
						      struct group **result)
{
	*result = NULL;
	if (strcmp(name, FAKE_NSS_BROKEN_GROUP) == 0)
		return EIO;
	getgrnam_r_fn *real;
	*(void **)&real = dlsym(RTLD_NEXT, "getgrnam_r");
	if (real == NULL)
		return EIO;
	return real(name, gr, buf, buflen, result);
}
