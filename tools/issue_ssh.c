/* `changegate issue --ssh-pubkey` and `--ssh-ca`: binding a token to a developer's SSH key
 * (claim cnf.ssh_fp) and carrying it in an OpenSSH user certificate. The key file is read
 * with the same strict parser the hosts use on SSH_AUTH_INFO_0 (shared/ssh_key_blob.c), so the
 * fingerprint minted is the one the host computes. The certificate is ssh-keygen's: signing
 * with an OpenSSH CA key in every format it takes is its job, not ours. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "token_internal.h"

#define CMD "issue"
#define PUBKEY_FILE_MAX 16384

extern char **environ;

/* The first line of an OpenSSH public key file: "TYPE BASE64[ comment]". */
static int read_line(const char *cmd, const char *path, char *line, size_t linelen)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		cli_error(cmd, "--ssh-pubkey %s: %s", path, strerror(errno));
		return -1;
	}
	bool ok = fgets(line, (int)linelen, f) != NULL;
	fclose(f);
	size_t n = ok ? strlen(line) : 0;
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	else if (n + 1 >= linelen)
		ok = false;
	if (!ok || n == 0) {
		cli_error(cmd, "--ssh-pubkey %s: empty, or not one line of at most %d bytes", path,
			  PUBKEY_FILE_MAX);
		return -1;
	}
	return 0;
}

int cli_ssh_pubkey_fp(const char *cmd, const char *path, char fp[CG_SSH_FP_LEN + 1])
{
	char *line = malloc(PUBKEY_FILE_MAX);
	unsigned char *blob = malloc(PUBKEY_FILE_MAX);
	int rc = -1;

	if (line == NULL || blob == NULL || read_line(cmd, path, line, PUBKEY_FILE_MAX) != 0)
		goto out;
	char *b = strchr(line, ' ');
	size_t blen = b != NULL ? strcspn(b + 1, " ") : 0;
	size_t len = blen > 0 ? cg_b64_decode_padded(b + 1, blen, blob) : 0;
	struct cg_ssh_key k;
	char why[128];
	if (len == 0 || cg_ssh_key_parse(blob, len, &k, why, sizeof(why)) != 0) {
		cli_error(cmd, "--ssh-pubkey %s: not an OpenSSH public key line%s%s", path,
			  len > 0 ? ": " : "", len > 0 ? why : "");
	} else if (k.cert) {
		cli_error(cmd, "--ssh-pubkey %s: a certificate; give the developer's public key "
			  "(the .pub file)", path);
	} else if ((size_t)(b - line) != strlen(k.type) || strncmp(line, k.type, strlen(k.type))) {
		cli_error(cmd, "--ssh-pubkey %s: the line names another type than its key", path);
	} else if (cg_ssh_key_fingerprint(&k, fp) != 0) {
		cli_error(cmd, "cannot compute the key's fingerprint");
	} else {
		rc = 0;
	}
out:
	free(line);
	free(blob);
	return rc;
}

/* Runs argv (ssh-keygen, found on PATH) and waits; 0 when it exited 0. */
static int run(char *const argv[])
{
	pid_t pid;
	int status, e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (e != 0) {
		cli_error(CMD, "cannot run %s: %s", argv[0], strerror(e));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_error(CMD, "ssh-keygen -s failed (its message is above)");
		return -1;
	}
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[CG_SSH_BLOB_MAX / 3 * 4 + 1024];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	ssize_t n = in >= 0 ? read(in, buf, sizeof(buf)) : -1;
	if (in >= 0)
		close(in);
	if (n <= 0 || (size_t)n == sizeof(buf))
		return -1;
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0)
		return -1;
	int rc = cg_write_all(out, buf, (size_t)n);
	if (close(out) != 0)
		rc = -1;
	return rc;
}

int cli_ssh_certify(const struct cli_issue *o, const char *token, const char *jti,
		    long long nbf, long long exp)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096], pub[4200], cert[4200], id[1024], validity[64], ext[CG_TOKEN_MAX + 64];
	int rc = -1;

	snprintf(dir, sizeof(dir), "%s/changegate-issue.XXXXXX", tmp != NULL && tmp[0] == '/' ?
		 tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		cli_error(CMD, "cannot make a temporary directory: %s", strerror(errno));
		return -1;
	}
	snprintf(pub, sizeof(pub), "%s/key.pub", dir);
	snprintf(cert, sizeof(cert), "%s/key-cert.pub", dir);
	/* the key id names user, ticket and token: sshd logs it with every login */
	snprintf(id, sizeof(id), "changegate sub=%s chg=%s jti=%s", o->sub, o->ticket, jti);
	snprintf(validity, sizeof(validity), "0x%llx:0x%llx", nbf, exp);
	/* On ssh-keygen's command line, the token is visible to this host's ps for a moment;
	 * it is bound to the key (cnf.ssh_fp), so it opens nothing without the private key. */
	snprintf(ext, sizeof(ext), "extension:%s=%s", CG_SSH_TOKEN_EXT, token);
	char *const argv[] = {"ssh-keygen", "-q", "-s", (char *)o->ssh_ca, "-I", id,
			      "-n", (char *)o->sub, "-V", validity, "-O", ext, pub, NULL};
	if (copy_file(o->ssh_pubkey, pub) != 0)
		cli_error(CMD, "--ssh-pubkey %s: cannot copy it for signing", o->ssh_pubkey);
	else if (run(argv) == 0 && copy_file(cert, o->ssh_cert) != 0)
		cli_error(CMD, "--ssh-cert %s: cannot write it: %s", o->ssh_cert, strerror(errno));
	else
		rc = access(o->ssh_cert, F_OK) == 0 ? 0 : -1;
	explicit_bzero(ext, sizeof(ext));
	unlink(cert);
	unlink(pub);
	rmdir(dir);
	return rc;
}
