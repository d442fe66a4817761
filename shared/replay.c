/*
 * Single use: the first successful use of a jti leaves a record in state_dir; later uses
 * find it and are denied. The record is named by the SHA-256 of the jti, so no byte of the
 * token ever becomes part of a path. Redeeming is one link(2): of any number of racing
 * processes exactly one creates the name, and a name only ever appears with its contents
 * complete (written and fsynced under a private temporary name first).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "changegate.h"
#include "state_file.h"

#define RECORD_NAME_LEN 64          /* hex SHA-256 */
#define RECORD_MAGIC "changegate-replay 1\n"
/* Pruning costs at most this much per redeem, so a huge state_dir cannot slow logins. Each
 * redeem adds one record and examines PRUNE_EXAMINE_MAX at random, so the directory stays
 * near the number of live records (far below the scan cap on any real host). */
#define PRUNE_SCAN_MAX 16384        /* directory entries read */
#define PRUNE_EXAMINE_MAX 16        /* records opened */
/* A record whose contents we cannot read may still guard a live token: keep it longer than
 * any token can live (max_lifetime and leeway are each capped at 30 days and 1 hour). */
#define GARBAGE_KEEP (32L * 24 * 3600)

static int record_name(const char *jti, char name[RECORD_NAME_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(jti, strlen(jti), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < 32; i++)
		snprintf(name + 2 * i, 3, "%02x", md[i]);
	return 0;
}

static bool is_record_name(const char *n)
{
	return strlen(n) == RECORD_NAME_LEN && strspn(n, "0123456789abcdef") == RECORD_NAME_LEN;
}

/* keep_until from a record; false when it is empty or garbage. */
static bool read_keep_until(int dirfd, const char *name, long long *out, struct stat *st)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return false;
	char buf[64];
	ssize_t n = -1;
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode))
		n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	size_t m = strlen(RECORD_MAGIC);
	if (strncmp(buf, RECORD_MAGIC, m) != 0 || strncmp(buf + m, "keep_until=", 11) != 0)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(buf + m + 11, &end, 10);
	if (errno != 0 || end == buf + m + 11 || *end != '\n')
		return false;
	*out = v;
	return true;
}

static void prune_one(int dirfd, const char *name, time_t now)
{
	struct stat st;
	long long keep_until;
	if (read_keep_until(dirfd, name, &keep_until, &st)) {
		if (keep_until < (long long)now)
			unlinkat(dirfd, name, 0);
		return;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
	    st.st_mtime < now - GARBAGE_KEEP)
		unlinkat(dirfd, name, 0);
}

/* A small generator for sampling; unpredictability is not needed, only spread. */
static unsigned long long next_rand(unsigned long long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Removes a few expired records: a uniform random sample (reservoir sampling) of the
 * records seen in one bounded directory scan, so that every record gets its turn however
 * the directory orders them, and the directory shrinks whenever a fair share of it is
 * expired. The same scan removes the temporaries of dead writers (state_file.c). Failures
 * only mean less pruning. */
static void prune(int dirfd, time_t now)
{
	unsigned long long x = 0;
	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != (ssize_t)sizeof(x) || x == 0)
		x = (unsigned long long)now | 1;
	DIR *d = cg_state_dir_list(dirfd);
	if (d == NULL)
		return;
	char sample[PRUNE_EXAMINE_MAX][RECORD_NAME_LEN + 1];
	unsigned long long seen = 0;
	unsigned scanned = 0, temps = 0;
	struct dirent *e;
	while (scanned < PRUNE_SCAN_MAX && (e = readdir(d)) != NULL) {
		scanned++;
		if (is_record_name(e->d_name)) {
			unsigned long long slot = seen < PRUNE_EXAMINE_MAX ?
				seen : next_rand(&x) % (seen + 1);
			if (slot < PRUNE_EXAMINE_MAX)
				memcpy(sample[slot], e->d_name, RECORD_NAME_LEN + 1);
			seen++;
		} else if (temps < CG_STATE_TEMPS_MAX) {
			temps += cg_state_temp_prune(dirfd, e->d_name, now);
		}
	}
	closedir(d);
	for (unsigned long long i = 0; i < seen && i < PRUNE_EXAMINE_MAX; i++)
		prune_one(dirfd, sample[i], now);
}

/* Writes the record under a fresh temporary name (root:root, 0600); its name goes to tmp.
 * 0 or -1. */
static int write_temp(int dirfd, long long keep_until, char tmp[CG_STATE_TEMP_NAME_MAX])
{
	char body[96];
	int n = snprintf(body, sizeof(body), RECORD_MAGIC "keep_until=%lld\n", keep_until);
	if (n < 0 || (size_t)n >= sizeof(body))
		return -1;
	int fd = cg_state_temp_create(dirfd, 0600, tmp);
	if (fd < 0)
		return -1;
	int rc = cg_write_all(fd, body, (size_t)n) == 0 && fsync(fd) == 0 ? 0 : -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc != 0)
		unlinkat(dirfd, tmp, 0);
	return rc;
}

static cg_reason redeem(int dirfd, const char *name, long long keep_until, time_t now)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return CG_REPLAYED;
	if (errno != ENOENT)
		return CG_CONFIG_ERROR;
	prune(dirfd, now);
	char tmp[CG_STATE_TEMP_NAME_MAX];
	if (write_temp(dirfd, keep_until, tmp) != 0)
		return CG_CONFIG_ERROR;
	cg_reason r = CG_OK;
	if (linkat(dirfd, tmp, dirfd, name, 0) != 0)
		r = errno == EEXIST ? CG_REPLAYED : CG_CONFIG_ERROR;
	if (unlinkat(dirfd, tmp, 0) != 0 && r == CG_OK)
		r = CG_CONFIG_ERROR;
	/* the record must survive a crash, or a reboot would make the jti usable again */
	if (r == CG_OK && fsync(dirfd) != 0)
		r = CG_CONFIG_ERROR;
	return r;
}

cg_reason cg_replay_check(const char *state_dir, const char *jti, long long keep_until,
			  time_t now, cg_replay_mode mode)
{
	if (mode == CG_REPLAY_SKIP)
		return CG_OK;
	if (mode != CG_REPLAY_PEEK && mode != CG_REPLAY_REDEEM)
		return CG_CONFIG_ERROR;
	if (state_dir == NULL || jti == NULL || jti[0] == '\0' ||
	    strnlen(jti, CG_JTI_MAX + 1) > CG_JTI_MAX)
		return CG_CONFIG_ERROR;
	char name[RECORD_NAME_LEN + 1];
	if (record_name(jti, name) != 0)
		return CG_CONFIG_ERROR;
	int dirfd = cg_state_dir_open(state_dir);
	if (dirfd < 0)
		return CG_CONFIG_ERROR;

	cg_reason r;
	if (mode == CG_REPLAY_PEEK) {
		struct stat st;
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			r = CG_REPLAYED;
		else
			r = errno == ENOENT ? CG_OK : CG_CONFIG_ERROR;
	} else {
		/* prune by the real clock too, so a request judged "as of" a later time cannot
		 * expire records that still guard live tokens */
		time_t real = time(NULL);
		r = redeem(dirfd, name, keep_until, real < now ? real : now);
	}
	close(dirfd);
	return r;
}
