/* `changegate keygen`: a signing key pair for the change-approval service. The private half is
 * created 0600 with O_EXCL, so an existing key (maybe the one production trusts) is never
 * replaced by accident; the public half is what hosts install in keys_dir. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"

#define CMD "keygen"
#define RSA_BITS 3072

static const struct {
	const char *alg;
	const char *group;   /* NULL: RSA */
} keygen_algs[] = {
	{ "ES256", "P-256" }, { "ES384", "P-384" }, { "ES512", "P-521" },
	{ "RS256", NULL }, { "RS384", NULL }, { "RS512", NULL },
};

static void usage(void)
{
	printf("Usage: changegate keygen --alg ALG --out PREFIX\n"
	       "\n"
	       "Makes a new key pair for signing change-ticket tokens and writes it as PEM:\n"
	       "  PREFIX.key  the private key (PKCS#8, mode 0600). It stays with the change-approval\n"
	       "              service; whoever holds it can let anyone into production.\n"
	       "  PREFIX.pub  the public key (mode 0644). Install it on each host as\n"
	       "              <keys_dir>/<kid>.pem, root-owned, where <kid> is the key id that\n"
	       "              `changegate issue --kid` puts in each token's header.\n"
	       "Neither file may exist already: keygen never overwrites a key.\n"
	       "\n"
	       "Options:\n"
	       "  -a, --alg ALG      ES256 (P-256), ES384 (P-384), ES512 (P-521), or RS256, RS384,\n"
	       "                     RS512 (RSA, %d bits; one RSA key serves all three)\n"
	       "  -o, --out PREFIX   path prefix of the two files\n"
	       "  -h, --help         show this help and exit\n"
	       "\n"
	       "Exit status: 0 both files written; 1 a file exists or could not be written\n"
	       "(nothing is left behind); 2 usage error.\n"
	       "\n"
	       "Example:\n"
	       "  changegate keygen --alg ES256 --out /srv/approvals/issuer-2026\n"
	       "  install -o root -m 0644 /srv/approvals/issuer-2026.pub \\\n"
	       "      /etc/changegate/keys/issuer-2026.pem\n",
	       RSA_BITS);
}

static EVP_PKEY *generate(const char *group)
{
	if (group == NULL)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_BITS);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", group);
}

/* Writes all of the BIO's bytes to fd; 0 or -1 with errno. */
static int write_bio(int fd, BIO *bio)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);
	if (n <= 0 || data == NULL) {
		errno = EIO;
		return -1;
	}
	if (cg_write_all(fd, data, (size_t)n) != 0)
		return -1;
	return fsync(fd);
}

/* PEM of the key, the private half in secure memory (wiped when freed). */
static int write_key_files(EVP_PKEY *key, int key_fd, int pub_fd)
{
	BIO *priv = BIO_new(BIO_s_secmem());
	BIO *pub = BIO_new(BIO_s_mem());
	int rc = -1;
	if (priv == NULL || pub == NULL)
		goto out;
	if (!PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_PUBKEY(pub, key)) {
		errno = EINVAL;
		goto out;
	}
	if (write_bio(key_fd, priv) != 0 || write_bio(pub_fd, pub) != 0)
		goto out;
	rc = 0;
out:
	BIO_free(priv);
	BIO_free(pub);
	return rc;
}

/* O_EXCL so an existing file is never truncated; fchmod because the umask must not decide
 * who can read a private key. */
static int create_exclusive(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			cli_error(CMD, "%s already exists; refusing to overwrite a key", path);
		else
			cli_error(CMD, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) != 0) {
		cli_error(CMD, "cannot set the mode of %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int keygen(const char *group, const char *prefix)
{
	char key_path[PATH_MAX], pub_path[PATH_MAX];
	if ((size_t)snprintf(key_path, sizeof(key_path), "%s.key", prefix) >= sizeof(key_path) ||
	    (size_t)snprintf(pub_path, sizeof(pub_path), "%s.pub", prefix) >= sizeof(pub_path)) {
		cli_error(CMD, "--out: path too long");
		return CLI_EXIT_USAGE;
	}
	/* Claim both names before spending time on a key. */
	int key_fd = create_exclusive(key_path, 0600);
	if (key_fd < 0)
		return CLI_EXIT_FAIL;
	int pub_fd = create_exclusive(pub_path, 0644);
	if (pub_fd < 0) {
		close(key_fd);
		unlink(key_path);
		return CLI_EXIT_FAIL;
	}
	EVP_PKEY *key = generate(group);
	int rc = CLI_EXIT_FAIL;
	if (key == NULL) {
		cli_error(CMD, "key generation failed");
		ERR_print_errors_fp(stderr);
	} else if (write_key_files(key, key_fd, pub_fd) != 0) {
		cli_error(CMD, "writing the key files failed: %s", strerror(errno));
	} else {
		rc = CLI_EXIT_OK;
	}
	EVP_PKEY_free(key);
	if (close(key_fd) != 0)
		rc = CLI_EXIT_FAIL;
	if (close(pub_fd) != 0)
		rc = CLI_EXIT_FAIL;
	if (rc != CLI_EXIT_OK) {
		unlink(key_path);
		unlink(pub_path);
		return rc;
	}
	printf("wrote %s (private key, mode 0600: keep it with the change-approval service)\n",
	       key_path);
	printf("wrote %s (public key: install it on each host as <keys_dir>/<kid>.pem)\n",
	       pub_path);
	return CLI_EXIT_OK;
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *alg = NULL, *prefix = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "a:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			alg = optarg;
			break;
		case 'o':
			prefix = optarg;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			return cli_usage_error(CMD);
		}
	}
	if (optind != argc) {
		cli_error(CMD, "unexpected argument '%s'", argv[optind]);
		return cli_usage_error(CMD);
	}
	if (alg == NULL || prefix == NULL || *prefix == '\0') {
		cli_error(CMD, "--alg and --out are required");
		return cli_usage_error(CMD);
	}
	for (size_t i = 0; i < sizeof(keygen_algs) / sizeof(keygen_algs[0]); i++)
		if (strcmp(alg, keygen_algs[i].alg) == 0)
			return keygen(keygen_algs[i].group, prefix);
	cli_error(CMD, "--alg: '%s' is not one of ES256 ES384 ES512 RS256 RS384 RS512", alg);
	return cli_usage_error(CMD);
}
