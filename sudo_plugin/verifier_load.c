/*
 * The front end's way to the token pipeline. libjwt and OpenSSL cost a sudo call about a
 * tenth of its time just to load (docs/performance.md), and most sudo calls on a host (root,
 * exempt and ungated users) never check a token. So the pipeline lives in a second object,
 * changegate_sudo_verify.so, opened only when a gated user's token is to be checked.
 *
 * It is looked for next to this plugin, the file sudo itself just checked and loaded, and
 * is loaded through cgs_dlopen_trusted (trusted_dlopen.c), as the policy wrapper's delegate
 * is: no symbolic link, regular, owned by root (or by whoever runs this, as in the tests),
 * not group or world writable; the same for its directory. It must also be built from the same headers
 * (verifier_abi.h), since the two objects share struct layouts. Anything wrong is a config_error denial for the
 * gated user, with the reason in the log; root and exempt users never come here.
 */
#include <config.h>

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cg_sudo.h"
#include "trusted_dlopen.h"
#include "sudo_plugin/verifier_abi.h"

static void *handle;
/* what it was loaded through: never closed (trusted_dlopen.h), and O_CLOEXEC */
static int handle_fd = -1;
static const struct cgs_verifier *verifier;
static char load_error[CG_DETAIL_MAX - 80];

static int verifier_path(char *path, size_t pathlen, char *dir, size_t dirlen)
{
	Dl_info self;

	if (dladdr((void *)cgs_verify_token, &self) == 0 || self.dli_fname == NULL ||
	    self.dli_fname[0] != '/') {
		snprintf(load_error, sizeof(load_error), "the plugin's own path is unknown");
		return -1;
	}
	const char *slash = strrchr(self.dli_fname, '/');
	size_t n = (size_t)(slash - self.dli_fname);
	if (n == 0)
		n = 1;
	if (n >= dirlen || snprintf(path, pathlen, "%.*s/%s", (int)n, self.dli_fname,
				    CGS_VERIFIER_SO) >= (int)pathlen) {
		snprintf(load_error, sizeof(load_error), "the plugin's path is too long");
		return -1;
	}
	memcpy(dir, self.dli_fname, n);
	dir[n] = '\0';
	return 0;
}

static bool matches(const struct cgs_verifier *v)
{
	return v->abi == CGS_VERIFIER_ABI && v->version != NULL && v->layout != NULL &&
	       strcmp(v->version, PACKAGE_VERSION) == 0 &&
	       strcmp(v->layout, CGS_VERIFIER_LAYOUT) == 0 &&
	       v->config_size == sizeof(struct cg_config) &&
	       v->request_size == sizeof(struct cg_request) &&
	       v->decision_size == sizeof(struct cg_decision) && v->verify != NULL;
}

static int load(void)
{
	char path[PATH_MAX], dir[PATH_MAX];

	if (verifier != NULL)
		return 0;
	if (verifier_path(path, sizeof(path), dir, sizeof(dir)) != 0)
		return -1;
	void *h = cgs_dlopen_trusted(dir, CGS_VERIFIER_SO, path, &handle_fd, load_error,
				     sizeof(load_error));
	if (h == NULL)
		return -1;
	const struct cgs_verifier *v = dlsym(h, CGS_VERIFIER_SYMBOL);
	if (v == NULL || !matches(v)) {
		snprintf(load_error, sizeof(load_error), "%.300s is not the verifier of this "
			 "plugin's build (%s)", path, PACKAGE_VERSION);
		/* handle_fd stays open: the object may stay loaded (trusted_dlopen.h) */
		dlclose(h);
		return -1;
	}
	handle = h;
	verifier = v;
	return 0;
}

cg_reason cgs_verify_token(const struct cg_config *cfg, const char *token, size_t len,
			   const struct cg_request *req, struct cg_decision *out)
{
	if (load() == 0)
		return verifier->verify(cfg, token, len, req, out);
	memset(out, 0, sizeof(*out));
	out->reason = CG_CONFIG_ERROR;
	snprintf(out->detail, sizeof(out->detail), "the token verifier cannot be loaded: %s",
		 load_error);
	return out->reason;
}

bool cgs_verifier_loaded(void)
{
	char path[PATH_MAX], dir[PATH_MAX];

	if (verifier_path(path, sizeof(path), dir, sizeof(dir)) != 0)
		return verifier != NULL;
	void *h = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
	if (h == NULL)
		return false;
	dlclose(h);
	return true;
}

/* sudo unloads the plugin at the end of a call (and the tests open it many times) */
__attribute__((destructor)) static void unload(void)
{
	/* handle_fd stays open past dlclose: something else may hold the object, which glibc
	 * would then hand out for a later /proc/self/fd/N of another file (trusted_dlopen.h) */
	if (handle != NULL)
		dlclose(handle);
	handle = NULL;
	handle_fd = -1;
	verifier = NULL;
}
