/*
 * changegate core: the contract between the core and its front ends (the PAM module, the
 * sudo plugin, the command line and the tests). No PAM or sudo type appears here.
 *
 * Every function that decides anything starts from "deny" and returns an allow only at the
 * end of its happy path. Every failure is one cg_reason with one stable code string.
 */
#ifndef CHANGEGATE_H
#define CHANGEGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* Hard caps on everything that comes from outside. */
#define CG_TOKEN_MAX 8192          /* bytes of a compact JWS, checked before any decoding */
#define CG_CLAIM_MAX 255           /* iss, sub, chg, approved_by, one aud/host/runas entry */
#define CG_JTI_MAX 128             /* jti: 1..128 bytes of the id alphabet (cg_id_valid) */
#define CG_KID_MAX 64              /* kid: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ */
#define CG_CMD_MAX 1024            /* one entry of `cmds` */
/* The one `cmds` entry that is not a path: every command, any arguments, shells included.
 * Only an explicit entry means "everything"; a ticket without cmds allows no command. */
#define CG_CMDS_ALL "*"
#define CG_TEXT_MAX 1024           /* `reason` free text */
#define CG_LIST_MAX 64             /* entries in any claim array or config list */
#define CG_CONFIG_FILE_MAX 65536   /* changegate.conf */
#define CG_KEY_FILE_MAX 65536      /* one PEM public key */
#define CG_DETAIL_MAX 512          /* the plain-words explanation of a decision */

/* The export marker for the few symbols a front end's shared object must expose. */
#define CG_EXPORT __attribute__((visibility("default")))

/* ---- reasons ---------------------------------------------------------------------------- */

typedef enum cg_reason {
	/* Zero is a denial: a decision left zero-initialised on some path can never allow. */
	CG_CONFIG_ERROR = 0,
	CG_OK,
	CG_NO_TOKEN,
	CG_MALFORMED,
	CG_TOO_LARGE,
	CG_BAD_ALG,
	CG_UNKNOWN_KEY,
	CG_BAD_SIGNATURE,
	CG_BAD_ISSUER,
	CG_BAD_AUDIENCE,
	CG_WRONG_USER,
	CG_EXPIRED,
	CG_NOT_YET_VALID,
	CG_LIFETIME_TOO_LONG,
	CG_MISSING_CLAIM,
	CG_BAD_CLAIM,
	CG_SELF_APPROVED,
	CG_SCOPE_DENIED,
	CG_HOST_DENIED,
	CG_COMMAND_DENIED,
	CG_RUNAS_DENIED,
	CG_KEY_MISMATCH,        /* bound to SSH keys (cnf.ssh_fp), none of which authenticated */
	CG_REVOKED,
	CG_REPLAYED,
	CG_REVOCATION_INVALID,  /* the signed list is missing, unreadable or badly signed */
	CG_REVOCATION_STALE,    /* the signed list is past its next update (exp + leeway) */
	CG_REVOCATION_ROLLBACK, /* the signed list's seq is lower than the highest installed */
	CG_REAPER_DOWN,
	CG_REASON_COUNT
} cg_reason;

/* "ok", "no_token", ... "config_error"; "unknown" for out-of-range values. Stable: logs,
 * the CLI's output and the tests all use these strings. */
const char *cg_reason_code(cg_reason r);
/* One short sentence in plain words, for people ("the token has expired"). */
const char *cg_reason_summary(cg_reason r);
/* Parses a code string back; returns false when it names no reason. */
bool cg_reason_from_code(const char *code, cg_reason *out);

/* ---- small shared helpers ---------------------------------------------------------------- */

/* A bounded list of owned, NUL-terminated strings. */
struct cg_strlist {
	char **items;
	size_t count;
};

void cg_strlist_free(struct cg_strlist *l);
/* Appends a copy; -1 on allocation failure or when the list already holds CG_LIST_MAX. */
int cg_strlist_add(struct cg_strlist *l, const char *s);
/* Splits on any of the bytes in seps, skipping empty fields; -1 on error (list left empty). */
int cg_strlist_split(struct cg_strlist *l, const char *s, const char *seps);
bool cg_strlist_contains(const struct cg_strlist *l, const char *s);
/* Deep copy; -1 on allocation failure (dst left empty). */
int cg_strlist_copy(struct cg_strlist *dst, const struct cg_strlist *src);

/* Copies at most dstlen-1 bytes and always terminates; returns strlen(src). */
size_t cg_strlcpy(char *dst, const char *src, size_t dstlen);
/* Writes all n bytes, retrying short writes and EINTR; 0, or -1 with errno set. */
int cg_write_all(int fd, const void *buf, size_t n);
/* Wipes n bytes (explicit_bzero) then frees. Use on every token and secret buffer. */
void cg_wipe_free(void *p, size_t n);
/* Wipes a NUL-terminated string, then frees it. NULL is fine. */
void cg_wipe_free_str(char *s);
/* Makes an untrusted string safe for one log line: printable ASCII other than space, '"',
 * '\\' and '=' is kept; every other byte becomes \xNN; output truncated to dstlen-1 bytes,
 * with "..." marking a cut. NULL src gives "-". */
void cg_sanitize(char *dst, size_t dstlen, const char *src);
/* The same for text whose untrusted parts went through cg_sanitize already (a decision's
 * detail): their \xNN escapes are kept as they are, so a value is escaped once; anything
 * else cg_sanitize would escape still is, so the text cannot forge a field either. */
void cg_sanitize_text(char *dst, size_t dstlen, const char *src);
/* 4 when s starts with a \xNN escape as cg_sanitize writes it (lowercase hex), else 0. */
size_t cg_escape_len(const char *s);
/* Copies text for a terminal or a prompt: control and non-ASCII bytes become '?'; truncated
 * to dstlen-1 bytes. NULL src gives "". */
void cg_printable(char *dst, size_t dstlen, const char *src);

/* Reads a file we must be able to trust: opened with O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC; must be
 * a regular file owned by root (or by the calling process's effective uid), not writable by
 * group or others, at most max bytes. On success *buf holds the contents plus a NUL (free it
 * with cg_wipe_free(*buf, *len + 1)) and 0 is returned. On failure -1, errno is set and err
 * says why in words ("/etc/x: owned by uid 1000, not root"). */
int cg_read_trusted_file(const char *path, size_t max, char **buf, size_t *len,
			 char *err, size_t errlen);
/* What identifies one version of a file: a key replaced, rewritten or touched since has
 * another identity (a rename gives another inode, a write another mtime and ctime). */
struct cg_file_id {
	unsigned long long dev, ino;
	long long size;
	long long mtime_sec, ctime_sec;
	long mtime_nsec, ctime_nsec;    /* 0 .. 999999999 */
};

/* The identity of what fd refers to now. 0, or -1. */
int cg_file_id_of_fd(int fd, struct cg_file_id *out);
bool cg_file_id_equal(const struct cg_file_id *a, const struct cg_file_id *b);

/* cg_read_trusted_file, also giving the identity of the file that was read (id may be NULL). */
int cg_read_trusted_file_id(const char *path, size_t max, char **buf, size_t *len,
			    struct cg_file_id *id, char *err, size_t errlen);
/* The same ownership and mode rules for a directory (keys_dir, state_dir): 0 or -1 + err. */
int cg_check_trusted_dir(const char *path, char *err, size_t errlen);
/* The same rules for what fd refers to, opened by the caller (with O_NOFOLLOW), so that the
 * file checked is the file then used: a directory when want_dir, else a regular file. name
 * only words err. 0 or -1 + err. */
int cg_check_trusted_fd(int fd, const char *name, bool want_dir, char *err, size_t errlen);
/* Reads what fd holds, which fstat said is size bytes (the caller checked its cap): a file
 * that grows or shrinks meanwhile is read as it is, one that grows past size is refused.
 * *buf holds the contents plus a NUL (free with cg_wipe_free(*buf, *len + 1)); 0, or -1 with
 * errno and err ("name: read: ..."). fd stays open. */
int cg_read_fd_all(int fd, const char *name, size_t size, char **buf, size_t *len, char *err,
		   size_t errlen);

/* ---- the login prompt (login_prompt.c) ------------------------------------------------- */

/* The PAM module asks for the token with this prompt, and changegate-askpass answers only a
 * prompt that parses as one:
 *   "Change ticket token for USER on HOST (AUDIENCE): "
 *   "Change ticket token for USER on HOST (AUDIENCE), continued from byte N (the answer was
 *    cut after N characters; paste the rest): "
 * The second form follows an answer exactly CG_SSH_ANSWER_MAX bytes long: the ssh client cuts
 * every answer there (OpenSSH readpass.c, ssh_askpass and read_passphrase: char buf[1024]),
 * so the module asks for the rest from byte N (0-based) on. */
#define CG_SSH_ANSWER_MAX 1023
#define CG_LOGIN_PROMPT_MAX 2048   /* bytes of either form, with an ssh "(user@host) " prefix */

struct cg_login_prompt {
	char user[CG_CLAIM_MAX + 1];
	char host[CG_CLAIM_MAX + 1];
	char audience[CG_CLAIM_MAX + 1];
	size_t offset;              /* 0 for the first prompt, N for a continuation */
};

/* Builds the prompt for offset (0: the first); names become printable ASCII. 0, or -1 when
 * it does not fit buflen. */
int cg_login_prompt_format(char *buf, size_t buflen, const char *user, const char *host,
			   const char *audience, size_t offset);
/* 0 when prompt is exactly one of the two forms (optionally after OpenSSH's "(user@host) "),
 * with out filled; -1 for anything else: user and host hold no space or parenthesis, the
 * audience no parenthesis, N is 1..CG_TOKEN_MAX written the same twice. */
int cg_login_prompt_parse(const char *prompt, struct cg_login_prompt *out);

/* ---- configuration ----------------------------------------------------------------------- */

typedef enum cg_scope {
	CG_SCOPE_LOGIN = 1 << 0,
	CG_SCOPE_SUDO = 1 << 1,
} cg_scope;

typedef enum cg_alg {
	CG_ALG_ES256 = 1 << 0,
	CG_ALG_ES384 = 1 << 1,
	CG_ALG_ES512 = 1 << 2,
	CG_ALG_RS256 = 1 << 3,
	CG_ALG_RS384 = 1 << 4,
	CG_ALG_RS512 = 1 << 5,
} cg_alg;

/* "ES256" etc.; NULL for anything else. */
const char *cg_alg_name(cg_alg a);
/* Case-sensitive: "es256" and "HS256" are not algorithms we know. */
bool cg_alg_from_name(const char *name, cg_alg *out);

typedef enum cg_single_use {
	CG_SINGLE_USE_NO = 0,
	CG_SINGLE_USE_LOGIN,   /* a token's jti may open one login; sudo may reuse it */
	CG_SINGLE_USE_ALWAYS,  /* every successful use, login or sudo, redeems the jti */
} cg_single_use;

/* Who is gated (cg_gate_judge). Empty enforce lists mean "everyone"; exempt lists win; root
 * always exempt; an unknown name in an enforce list cannot be judged. */
struct cg_gate_lists {
	struct cg_strlist enforce_users;
	struct cg_strlist enforce_groups;
	struct cg_strlist exempt_users;
	struct cg_strlist exempt_groups;
};

struct cg_config {
	char *issuer;                   /* required */
	char *audience;                 /* required */
	char *keys_dir;                 /* required; absolute */
	unsigned algorithms;            /* cg_alg bit set; default ES256 */
	long max_lifetime;              /* seconds; default 4h */
	long leeway;                    /* seconds; default 60 */
	char *hostname;                 /* default: gethostname(); no DNS lookup, ever */
	struct cg_gate_lists gate;
	char *ticket_pattern;           /* POSIX ERE source, or NULL */
	void *ticket_re;                /* compiled regex_t *, owned */
	char *revocation_file;          /* or NULL */
	char *revocation_list;          /* the signed list (revocation_list.c), or NULL */
	struct cg_strlist revocation_kids; /* keys that may sign the list; empty: any key */
	struct cg_strlist emergency_keys;
	char *state_dir;                /* default CG_STATEDIR */
	cg_single_use single_use;       /* default no */
	char *audit_log;                /* or NULL */
	bool require_reaper;            /* deny gated users while no reaper runs; default no */
	long session_warn;              /* seconds before a session's end to warn; default 5m */
	long session_grace;             /* SIGTERM to SIGKILL at a session's end; default 30s */
	char *source;                   /* the path it was read from, for messages */
};

/* The compiled-in default path: SYSCONFDIR/changegate/changegate.conf. */
const char *cg_default_config_path(void);
/* Sets every default (hostname resolved now); 0 or -1 on allocation failure. */
int cg_config_init(struct cg_config *cfg);
/* Reads path through cg_read_trusted_file and parses it. 0 on success; -1 with err set to
 * "path:line: message" (or "path: message") on any unknown key, bad value, duplicate key,
 * missing required key, unsafe file. cfg must have been cg_config_init()ed. */
int cg_config_load(struct cg_config *cfg, const char *path, char *err, size_t errlen);
/* The parser alone, on a buffer (tests, fuzzing); name is used in messages. */
int cg_config_parse(struct cg_config *cfg, const char *name, const char *buf, size_t len,
		    char *err, size_t errlen);
void cg_config_free(struct cg_config *cfg);
/* Parses "90", "90s", "15m", "4h" into seconds (0 .. 30 days); false on anything else. */
bool cg_parse_duration(const char *s, long *out);

/* The account's canonical name (getpwnam_r's pw_name) for a name as typed ("ALICE",
 * "alice@corp" with some name services); false when the name service does not know it or it
 * does not fit. Front ends gate and verify with the canonical name, never the typed one. */
bool cg_user_canonical(const char *name, char *out, size_t outlen);

/* An account as the name service gave it for a name as typed, so that a front end that has
 * looked its user up once judges the gate with those facts (cg_gate_judge_account) instead
 * of asking the name service for the same account again. */
struct cg_account {
	uid_t uid;
	gid_t gid;
	char name[256];                 /* canonical: getpwnam_r's pw_name */
};
/* 1 found, 0 unknown or a canonical name that does not fit, -1 name service error. */
int cg_user_account(const char *name, struct cg_account *out);

/* Who must present a ticket: one rule for every front end (gate_rule.c, docs/configuration.md).
 * Root is never gated; the exempt lists win over the enforce lists; empty enforce lists gate
 * everyone. A listed name the name service does not know cannot be judged safely: in an
 * enforce list it makes the answer CG_GATE_UNJUDGED for everyone not exempt (a typo must
 * never narrow the gate: config_error), in an exempt list it exempts nobody and is named in
 * unknown_exempt (to be logged at LOG_WARNING). A name-service error gates (fail closed). */
typedef enum cg_gate_answer {
	CG_GATE_UNJUDGED = 0,           /* zero: a result left unset denies (config_error) */
	CG_GATE_GATED,
	CG_GATE_NOT_GATED,
} cg_gate_answer;

struct cg_gate_result {
	cg_gate_answer answer;
	const char *list;               /* the list that decided ("exempt_groups"...), or NULL */
	char entry[CG_CLAIM_MAX + 1];   /* the name in it that decided (for UNJUDGED: unknown) */
	char why[CG_DETAIL_MAX];        /* "in enforce_groups developers", "root", ... */
	char unknown_exempt[CG_DETAIL_MAX]; /* "exempt_groups sre-typo", or "" */
};

/* What the name service said, for the rule on given facts. */
struct cg_gate_facts {
	uid_t uid;
	const char *const *groups;      /* names of the user's groups (the listed ones suffice) */
	size_t ngroups;
	const char *const *unknown_users;  /* listed user names that name no account */
	size_t nunknown_users;
	const char *const *unknown_groups; /* listed group names that name no group */
	size_t nunknown_groups;
	bool nss_failed;                /* a lookup failed (not "no such name"): gated */
};

/* The rule on given facts (tests); NULL lists are the defaults, NULL facts know nothing. */
void cg_gate_judge_with(const struct cg_gate_lists *lists, const char *user,
			const struct cg_gate_facts *facts, struct cg_gate_result *out);
/* The rule for user (canonical name), asking the name service (getpwnam_r, getgrouplist,
 * getgrnam_r) for the facts. An account it does not know is gated. */
void cg_gate_judge(const struct cg_gate_lists *lists, const char *user,
		   struct cg_gate_result *out);
/* The same rule for an account cg_user_account found: the name service is asked only for
 * the groups the lists need. */
void cg_gate_judge_account(const struct cg_gate_lists *lists, const struct cg_account *a,
			   struct cg_gate_result *out);
/* Adds to dst every name of add's lists that dst's list of the same name lacks (the union
 * rule: lists on a PAM line or in sudo.conf add to the config's, never replace them).
 * 0, or -1 when a list would pass CG_LIST_MAX or on allocation failure. */
int cg_gate_lists_add(struct cg_gate_lists *dst, const struct cg_gate_lists *add);
/* One "name=a,b" option of a PAM line, sudo.conf or the command line, where name is one of
 * enforce_users, enforce_groups, exempt_users, exempt_groups: 1 its names were added to that
 * list of g (a list given twice adds up, on every front: never replaced), 0 it names no list,
 * -1 a bad value (empty, too many names) or allocation failure. One parser, so the fronts and
 * the tools read the same names. */
int cg_gate_lists_option(struct cg_gate_lists *g, const char *opt);
/* The names of lists that the name service does not know, "list name, ..." (as in
 * cg_gate_result.unknown_exempt), enforce and exempt lists apart; -1 on a name-service
 * error (the strings then name what was found so far). */
int cg_gate_lists_unknown(const struct cg_gate_lists *lists, char *enforce, size_t elen,
			  char *exempt, size_t xlen);
void cg_gate_lists_free(struct cg_gate_lists *g);

/* ---- SSH keys and certificates (ssh_key_blob.c, ssh_fingerprint.c, ssh_auth_info.c) ------ */

#define CG_SSH_FP_LEN 50               /* "SHA256:" and 43 base64 characters */
#define CG_SSH_BLOB_MAX 49152          /* a key or certificate blob we read */
#define CG_SSH_AUTH_INFO_MAX 65536     /* SSH_AUTH_INFO_0 */
#define CG_SSH_TOKEN_EXT "changegate-token@changegate"  /* the certificate extension */
#define CG_SSH_AUTH_INFO_ENV "SSH_AUTH_INFO_0"

/* A public key or user certificate blob, read strictly and by an allow list of types (the
 * ed25519, RSA, ECDSA and security-key types). Pointers go into the blob parsed. */
struct cg_ssh_key {
	char type[64];                  /* the blob's type name */
	bool cert;                      /* an OpenSSH user certificate */
	const char *plain_type;         /* the (certified) key's own type name */
	const unsigned char *fields;    /* the key's own fields, as its plain blob holds them */
	size_t fieldslen;
	const unsigned char *token;     /* certificates: the CG_SSH_TOKEN_EXT value, or NULL */
	size_t token_len;
};
/* 0, or -1 with why (plain words) on anything but a well-formed blob of a known type; a
 * certificate must be a user certificate, options in order, nothing after its signature. */
int cg_ssh_key_parse(const unsigned char *blob, size_t len, struct cg_ssh_key *k, char *why,
		     size_t whylen);
/* The key's fingerprint as `ssh-keygen -l` prints it; for a certificate, the certified
 * key's. 0, or -1 when hashing fails. */
int cg_ssh_key_fingerprint(const struct cg_ssh_key *k, char out[CG_SSH_FP_LEN + 1]);
/* Whether s is a fingerprint in that form: "SHA256:" and 43 canonical base64 characters. */
bool cg_ssh_fp_valid(const char *s);

/* What SSH_AUTH_INFO_0 says about the public key that authenticated a login. */
struct cg_ssh_auth {
	bool have_key;                  /* exactly one publickey entry, well-formed */
	bool cert;                      /* it was a certificate */
	char fp[CG_SSH_FP_LEN + 1];     /* the (certified) key's fingerprint */
	char *token;                    /* the certificate's CG_SSH_TOKEN_EXT value, or NULL */
	size_t token_len;
	char why[160];                  /* without a key: why, in plain words */
};
/* Parses the variable's value (NULL: not set). 0 with have_key; -1 with why (no publickey
 * entry, two of them, anything malformed). Release with cg_ssh_auth_free (wipes the token). */
int cg_ssh_auth_info_parse(const char *info, struct cg_ssh_auth *a);
void cg_ssh_auth_free(struct cg_ssh_auth *a);

/* ---- tokens ------------------------------------------------------------------------------ */

/* Whether pem, a whole key file (path and kid only name it in *detail), is one strict PEM
 * "PUBLIC KEY" block whose DER SubjectPublicKeyInfo fits alg, without decoding the key:
 * CG_OK, CG_UNKNOWN_KEY (a well-formed key of another type, curve or size) or
 * CG_CONFIG_ERROR (anything else). The verifier uses a key only when this says CG_OK;
 * check-config asks the same question. */
cg_reason cg_token_key_fits(const char *path, const char *kid, cg_alg alg, const char *pem,
			    size_t pemlen, char *detail, size_t detlen);

/* Ticket and token ids (chg, jti) as the verifier, issue, revoke and the revocation list all
 * take them: 1..max bytes, a letter or digit, then letters, digits and "._:-". s[0..n) need
 * not be NUL-terminated. False when it is not one, with why ("is empty", "is longer than 128
 * bytes", ...) written to why (may be NULL). */
bool cg_id_valid(const char *s, size_t n, size_t max, char *why, size_t whylen);

/* The form in which four eyes compares sub and approved_by (docs/token-format.md):
 * default-ignorable code points removed, NFKC with case folding, cut at the first '@'. Two
 * names with equal forms are one person. A malloc'd string, or NULL with errno EILSEQ when
 * name is not valid UTF-8 (ENOMEM, EINVAL otherwise). */
char *cg_identity_fold(const char *name);

/* What a token says. Filled as far as decoding got, so a denial can still name the ticket. */
struct cg_ticket {
	char alg[8];
	char kid[CG_KID_MAX + 1];
	char iss[CG_CLAIM_MAX + 1];
	char sub[CG_CLAIM_MAX + 1];
	char jti[CG_JTI_MAX + 1];
	char chg[CG_CLAIM_MAX + 1];
	char approved_by[CG_CLAIM_MAX + 1];
	char reason[CG_TEXT_MAX + 1];
	long long iat, nbf, exp;        /* 0 when absent */
	unsigned scopes;                /* cg_scope bit set */
	bool emergency;
	bool has_hosts, has_cmds, has_runas, has_runas_groups;
	struct cg_strlist aud, hosts, cmds, runas, runas_groups;
	bool has_cnf;                   /* key-bound: cnf.ssh_fp names the SSH keys it needs */
	struct cg_strlist ssh_fp;       /* "SHA256:..." fingerprints (cg_ssh_fp_valid) */
};

typedef enum cg_replay_mode {
	CG_REPLAY_PEEK = 0,  /* deny a jti already redeemed, record nothing (PAM auth) */
	CG_REPLAY_REDEEM,    /* deny a redeemed jti, else redeem it atomically (PAM account) */
	CG_REPLAY_SKIP,      /* this jti was redeemed by this same login (session, sudo reuse) */
} cg_replay_mode;

/* ---- the groups a sudo command runs with (runas_group.c, runas_group_nss.c) -------------- */

#define CG_GROUPS_MAX 1024          /* gids of one target, or of one command, we judge */

/* A group the command would hold that the target user does not own, by name. */
struct cg_group_name {
	gid_t gid;
	char name[CG_CLAIM_MAX + 1];    /* "" when the name service cannot name the gid */
};

/* What sudo will set against what the target user owns: the facts the runas_groups rule
 * judges. cg_group_facts_lookup fills them from the name service; tests fill them by hand. */
struct cg_group_facts {
	char fault[128];                /* non-empty: the facts could not be gathered (why) */
	gid_t target_gid;               /* the target's primary gid, from its passwd entry */
	size_t ntarget, nset, count, nnames;  /* how much of each array below holds facts */
	char shown[CG_CLAIM_MAX + 2];   /* the gid it runs with: "shadow", "#42", "-" (logs) */
	/* From here on, read only up to the counts above, so cg_group_facts_lookup does not
	 * clear them: 25 KB cleared on every sudo call for nothing (docs/performance.md). */
	gid_t target_groups[CG_GROUPS_MAX];  /* getgrouplist of the target */
	gid_t gids[CG_GROUPS_MAX];      /* [0, nset): the gid and egid the command runs with;
					   [nset, count): its supplementary groups */
	struct cg_group_name names[CG_LIST_MAX];  /* every gid above the target does not own */
};

/* Gathers the facts for a command run as target (its name as sudo gives it, or NULL) and
 * target_uid with gids set[0..nset) as gid/egid and supp[0..nsupp) as supplementary groups
 * (sudo's runas_gid, runas_egid and runas_groups). Never fails: anything the name service
 * cannot answer is left for cg_runas_groups_check to deny (f->fault, or a nameless gid). */
void cg_group_facts_lookup(struct cg_group_facts *f, const char *target, uid_t target_uid,
			   const gid_t *set, size_t nset, const gid_t *supp, size_t nsupp);
/* "shadow", or "#42" when the name service cannot name gid. */
void cg_group_shown(gid_t gid, char *out, size_t outlen);
/* The rule, on facts alone: every gid the command runs with as gid/egid is the target's own
 * primary gid, every supplementary gid is one of the target's own groups, or else the group
 * is named in allowed (the ticket's runas_groups; NULL or empty: none). CG_OK, or
 * CG_RUNAS_DENIED with detail naming the group; ticket only words detail. */
cg_reason cg_runas_groups_check(const struct cg_group_facts *f, const struct cg_strlist *allowed,
				const char *ticket, char *detail, size_t detlen);
/* The rule for f->gids[i] alone: whether the target owns it in that place. */
bool cg_group_facts_owned(const struct cg_group_facts *f, size_t i);

/* What is being asked for. */
struct cg_request {
	cg_scope scope;                 /* exactly one of CG_SCOPE_LOGIN, CG_SCOPE_SUDO */
	const char *user;               /* the person: login account, or sudo's invoking user */
	const char *host;               /* NULL: cfg->hostname */
	const char *const *argv;        /* sudo: argv[0] is the resolved absolute path */
	size_t argc;
	const char *runas_user;         /* sudo: target user's name, or NULL when it has none */
	uid_t runas_uid;                /* sudo: target uid; judged when the token has no runas */
	const struct cg_group_facts *groups; /* sudo: the groups the command runs with; NULL only
					   where no group is set (changegate verify, sudo -l) */
	const char *cwd;                /* sudo: the directory the command runs in, against which
					   a relative argument word names a file; NULL unknown */
	const char *ssh_key_fp;         /* the SSH key that authenticated this login, checked by
					   the front that read it ("SHA256:..."); NULL: none is
					   known, and a key-bound token is key_mismatch */
	const char *ssh_key_none;       /* when NULL: why (plain words, for the detail), or NULL */
	time_t now;
	cg_replay_mode replay;
};

struct cg_decision {
	cg_reason reason;
	char detail[CG_DETAIL_MAX];     /* plain words, names the ticket: "ticket CHG0012345
					   expired 12 minutes ago" */
	bool have_claims;               /* ticket below holds decoded (maybe unverified) claims */
	bool verified;                  /* signature checked with a configured key */
	bool unrestricted;              /* the sudo command was judged under a "*" cmds entry:
					   logged at LOG_WARNING and marked unrestricted */
	struct cg_ticket ticket;
	bool have_key;                  /* verified: key below is the key file it was verified
					   with, as it was when read */
	struct cg_file_id key;
};

/* The whole verification, in the order docs/token-format.md gives. token need not be
 * NUL-terminated; it is never logged and never kept. Always fills out (reason, detail) and
 * returns out->reason. Release with cg_decision_free. */
cg_reason cg_verify_token(const struct cg_config *cfg, const char *token, size_t len,
			  const struct cg_request *req, struct cg_decision *out);
void cg_decision_free(struct cg_decision *d);
/* A deep copy of src's claims (its lists copied); -1 on allocation failure (dst then holds
 * what was copied so far: release it with cg_decision_free on the decision around it). */
int cg_ticket_copy(struct cg_ticket *dst, const struct cg_ticket *src);

/* Judges req from claims t that were verified earlier with the key file whose identity is
 * key (a login record's, or this process's own earlier verification), without checking the
 * signature again and without cryptography: every check of cg_verify_token after the
 * signature (but four eyes, which depends on t alone) runs on t with today's config, clock
 * and revocation list, and the key file keys_dir/<kid>.pem must still be the same file (same
 * identity, still trusted) with its algorithm still configured. True with out an allow only
 * then; false on any doubt or denial (out then holds no allow, why says which): the caller
 * verifies the token in full, which decides. Release out with cg_decision_free. */
bool cg_recorded_allows(const struct cg_config *cfg, const struct cg_ticket *t,
			const struct cg_file_id *key, const struct cg_request *req,
			struct cg_decision *out, char *why, size_t whylen);
/* The same for a token this very process verified earlier (PAM auth, then account), with
 * the single-use step of cg_verify_token on top (req->replay as there). True with out an
 * allow; false: verify the token in full. Never across processes: the caller keeps t and
 * key in its own memory only. */
bool cg_verify_again(const struct cg_config *cfg, const struct cg_ticket *t,
		     const struct cg_file_id *key, const struct cg_request *req,
		     struct cg_decision *out);
/* Frees the lists a ticket holds and wipes it. */
void cg_ticket_clear(struct cg_ticket *t);

/* Decodes header and payload without trusting anything, for `changegate inspect`. Returns
 * CG_OK with two malloc'd, pretty-printed JSON texts, or CG_TOO_LARGE / CG_MALFORMED. */
cg_reason cg_token_inspect(const char *token, size_t len, char **header_json,
			   char **payload_json);
/* The checks of cg_verify_token that need only cfg, on a freshly minted token: header (alg
 * allowed by cfg's algorithms, kid well-formed), claims, and the claim rules (issuer,
 * audience, validity window at now, max_lifetime, ticket_pattern, four eyes, emergency_keys).
 * Not the signature, the grant, revocation or single use. For `changegate issue --config`:
 * CG_OK, or the reason a host with cfg would give, with detail set. */
cg_reason cg_token_check_policy(const struct cg_config *cfg, const char *token, size_t len,
				time_t now, char *detail, size_t detlen);
/* Decodes the token and reads its claims into t with the verifier's own strict reader, without
 * verifying anything: for the developer's helper, which picks a token to hand to a host that
 * will verify it. Never a reason to let anyone in. CG_OK, or the first fault (CG_NO_TOKEN,
 * CG_TOO_LARGE, CG_MALFORMED, CG_MISSING_CLAIM, CG_BAD_CLAIM, CG_CONFIG_ERROR for memory)
 * with detail set; t is filled as far as it goes either way: cg_ticket_clear it. */
cg_reason cg_token_peek(const char *token, size_t len, struct cg_ticket *t, char *detail,
			size_t detlen);

/* Matching rules, exposed for tests and fuzzing. */
bool cg_host_matches(const struct cg_strlist *patterns, const char *host);
/* One `cmds` entry against argv (argv[0] an absolute path). See docs/token-format.md. */
bool cg_command_matches(const char *pattern, const char *const *argv, size_t argc);
/* The same match, also telling how many argument words the entry names literally: on a
 * match, argv[1 .. *nliteral] are exactly the entry's own words (the rest, if any, came
 * through a trailing "*" or an entry that is a path alone). */
bool cg_command_match_words(const char *pattern, const char *const *argv, size_t argc,
			    size_t *nliteral);
/* Whether root alone controls path (absolute): every component from "/" on, judged with
 * lstat, is owned by root and not writable by group or others; a symlink is followed and its
 * target's whole chain judged too. 1 root controls it, 0 it names nothing (a component is
 * missing), -1 it does not (why says which component and how). */
int cg_path_root_controlled(const char *path, char *why, size_t whylen);
/* The working-directory rule for the argument words a `cmds` entry named literally,
 * argv[1 .. nliteral]: a relative word (not starting with '/' or '-') that names an existing
 * object in cwd must name one root controls. CG_OK, or CG_COMMAND_DENIED with detail. */
cg_reason cg_command_paths_check(const char *const *argv, size_t nliteral, const char *cwd,
				 char *detail, size_t detlen);

/* ---- revocation and single use ----------------------------------------------------------- */

/* CG_OK when neither jti nor chg is listed, CG_REVOKED when one is, CG_CONFIG_ERROR when the
 * file cannot be trusted or read. NULL path: CG_OK. state_dir holds the list's index (a
 * cache, docs/performance.md); NULL, missing, untrusted or read-only: the list is scanned. */
cg_reason cg_revocation_check(const char *path, const char *jti, const char *chg,
			      const char *state_dir);
/* Appends one value (a jti or a ticket id: cg_id_valid, at most CG_CLAIM_MAX) atomically; 0
 * or -1 with err. */
int cg_revocation_append(const char *path, const char *value, char *err, size_t errlen);
/* Whether buf, a whole revocation list, is one the verifier uses rather than denies on: each
 * line blank, a comment ('#' first, after blanks) or one id (cg_id_valid, at most
 * CG_CLAIM_MAX). 0, or -1 with err naming the first line that is none of these. */
int cg_revocation_list_valid(const char *buf, size_t len, char *err, size_t errlen);

/* ---- the signed revocation list (revocation_list*.c, docs/token-format.md section 8) ----- */

#define CG_REVLIST_FILE_MAX (64 * 1024 * 1024) /* bytes of the list file, before decoding */
#define CG_REVLIST_IDS_MAX 2000000             /* chg and jti entries together */
#define CG_REVLIST_SEQ_MAX 9007199254740991LL  /* 2^53 - 1: every JSON reader's integer */

/* What a verified list says (and who signed it). */
struct cg_revlist_info {
	long long seq, iat, exp;
	size_t nchg, njti;
	char kid[CG_KID_MAX + 1];
	char alg[8];
};

/* The whole pipeline on a list text (one trailing newline forgiven): size cap, strict
 * decoding, header allow list, kid (and revocation_kids), key fit, signature, the list's
 * claim profile, issuer and audience, and iat not in the future at now. Not the freshness:
 * see cg_revlist_judge. CG_OK with *info filled, else CG_REVOCATION_INVALID (or
 * CG_CONFIG_ERROR when the keys cannot be read) with detail. */
cg_reason cg_revlist_verify(const struct cg_config *cfg, const char *text, size_t len,
			    time_t now, struct cg_revlist_info *info, char *detail, size_t detlen);
/* Freshness of a verified list: CG_REVOCATION_ROLLBACK when info->seq < recorded,
 * CG_REVOCATION_INVALID when it was issued after now + leeway, CG_REVOCATION_STALE when
 * now >= exp + leeway, else CG_OK; detail says why. */
cg_reason cg_revlist_judge(const struct cg_config *cfg, const struct cg_revlist_info *info,
			   long long recorded, time_t now, char *detail, size_t detlen);
/* The highest seq installed on this host (state_dir/revocation_list.seq): 0 and *seq = 0
 * when none was; -1 when the record exists but cannot be trusted or read. */
int cg_revlist_seq_read(const char *state_dir, long long *seq);
/* At a decision, with cfg->revocation_list set: the list in force is verified (or its
 * verified index in state_dir reused, bound to the exact list and key files), judged at now,
 * then jti and chg looked up. CG_OK, CG_REVOKED, CG_REVOCATION_INVALID, _STALE, _ROLLBACK
 * (or CG_CONFIG_ERROR), with detail. NULL revocation_list: CG_OK. */
cg_reason cg_revlist_check(const struct cg_config *cfg, const char *jti, const char *chg,
			   time_t now, char *detail, size_t detlen);
/* `changegate revocations install`: verifies text, refuses a stale list, a lower seq and
 * the same seq with other bytes, then replaces cfg->revocation_list atomically (root:root
 * 0644, fsync, rename) and records seq. CG_OK (*unchanged when it was the installed list
 * already), a refusal reason, or CG_CONFIG_ERROR when the files could not be written. */
cg_reason cg_revlist_install(const struct cg_config *cfg, const char *text, size_t len,
			     time_t now, struct cg_revlist_info *info, bool *unchanged,
			     char *detail, size_t detlen);

/* The single-use record for jti in state_dir. CG_OK, CG_REPLAYED, or CG_CONFIG_ERROR when the
 * state cannot be read or written (which denies: fail closed). keep_until is the last second
 * at which the token could still be valid (exp + leeway); records past it may be pruned. */
cg_reason cg_replay_check(const char *state_dir, const char *jti, long long keep_until,
			  time_t now, cg_replay_mode mode);

/* ---- login records (PAM writes; sudo, the reaper and `changegate sessions` read) -------- */

/* The kernel audit session id of the calling process (/proc/self/sessionid); -1 when unset
 * (4294967295) or unreadable. */
int cg_audit_session_id(unsigned *out);
/* The start time of process pid in clock ticks since boot (/proc/PID/stat field 22): with the
 * pid, it tells a process from a later one that reuses its pid. 0, or -1. */
int cg_proc_start_time(pid_t pid, unsigned long long *out);

#define CG_LOGIN_RECORD_VERSION 1
#define CG_LOGIN_RECORD_MAX 65536   /* bytes of one record file (docs/session-record.md) */
#define CG_LOGIN_FIELD_MAX 255      /* service, tty, rhost: longer values are cut */

/* One ticketed login, as the PAM module verified it at session open (docs/session-record.md
 * gives the file format). Everything in it was true when it was written by root. */
struct cg_login_record {
	unsigned sessionid;             /* the kernel audit session id; names the file */
	char user[CG_CLAIM_MAX + 1];    /* the account (canonical name) */
	char service[CG_LOGIN_FIELD_MAX + 1];  /* PAM service, "" when unknown */
	long long leader_pid;           /* the process that opened the session */
	unsigned long long leader_start; /* its start time (cg_proc_start_time) */
	char tty[CG_LOGIN_FIELD_MAX + 1];      /* PAM_TTY, "" when none */
	char rhost[CG_LOGIN_FIELD_MAX + 1];    /* PAM_RHOST, "" when none */
	long long opened;               /* when the session opened (the token was verified) */
	struct cg_file_id key;          /* the key file the signature was verified with */
	struct cg_ticket ticket;        /* the verified claims (aud: the whole claim) */
	char ssh_key[CG_SSH_FP_LEN + 1]; /* the SSH key this login authenticated with, as the
					   PAM module checked it ("SHA256:..."), or "" */
	char *token;                    /* the token itself, for a full verification again */
	size_t token_len;
};

/* Releases the ticket's lists and wipes and frees the token; the record is zeroed. */
void cg_login_record_free(struct cg_login_record *r);
/* The record as its file holds it: *buf malloc'd (wipe with cg_wipe_free(*buf, *len)).
 * -1 with errno EINVAL when a field cannot be recorded (an empty user, a token outside the
 * base64url alphabet, a list entry too long...), EFBIG past CG_LOGIN_RECORD_MAX. */
int cg_login_record_format(const struct cg_login_record *r, char **buf, size_t *len);
/* The strict parser: accepts exactly what cg_login_record_format writes (version line, every
 * key once and in order, canonical numbers and encodings, bounded values) and nothing else.
 * buf need not be NUL-terminated. 0, or -1 with err naming the first fault; r is then zeroed. */
int cg_login_record_parse(const char *buf, size_t len, struct cg_login_record *r, char *err,
			  size_t errlen);

/* Writes r as run_dir/<sessionid>, root:root 0600, atomically (temporary, fsync, rename);
 * run_dir is created 0700 when missing. 0, or -1 with errno. */
int cg_login_record_write(const char *run_dir, const struct cg_login_record *r);
/* Reads run_dir/<sessionid> when run_dir and the file can be trusted (cg_check_trusted_fd
 * rules: as root, root-owned; not group or other writable; no link) and the file parses and
 * names this sessionid. When user is not NULL the record must be that user's. 0, or -1 with
 * errno (ENOENT: no record) and err saying why. */
int cg_login_record_read(const char *run_dir, unsigned sessionid, const char *user,
			 struct cg_login_record *r, char *err, size_t errlen);
/* Removes the record of sessionid; none is fine. 0 or -1. */
int cg_login_record_remove(const char *run_dir, unsigned sessionid);
/* The session ids that have a record file in run_dir (names all digits), at most max of them
 * in ids (ascending order not promised); *count says how many were found in all. A missing
 * run_dir is an empty list. 0, or -1 when run_dir cannot be trusted or read. */
int cg_login_record_list(const char *run_dir, unsigned *ids, size_t max, size_t *count);
/* A closed login: at session close, while a reaper runs, the record is renamed to
 * run_dir/closed-<sessionid> (retire: none is fine) so that what the login left behind
 * still ends with its ticket after a restart of the reaper; the reaper removes it once the
 * session has no process left. The read, remove and list of those, as above; sudo never
 * reads a closed record. 0, or -1 with errno. */
int cg_login_record_retire(const char *run_dir, unsigned sessionid);
int cg_login_record_read_closed(const char *run_dir, unsigned sessionid,
				struct cg_login_record *r, char *err, size_t errlen);
int cg_login_record_remove_closed(const char *run_dir, unsigned sessionid);
int cg_login_record_list_closed(const char *run_dir, unsigned *ids, size_t max, size_t *count);

/* ---- sudo leases (sudo_lease.c): a sudo command allowed under a token that is not the
 * login's, registered so the reaper ends it at that token's end ---------------------------- */

#define CG_SUDO_LEASE_MAX 1024          /* bytes of one lease file */
#define CG_SUDO_LEASES_MAX 4096         /* lease files read from one directory */

struct cg_sudo_lease {
	long long pid;                  /* the sudo process that runs the command */
	unsigned long long start;       /* its start time (cg_proc_start_time) */
	unsigned sessionid;             /* its audit session id */
	long long exp;                  /* the token's exp */
	char user[CG_CLAIM_MAX + 1];    /* the invoking user; letters, digits and "._:@-" */
	char jti[CG_JTI_MAX + 1];       /* the token's jti and chg: ids (cg_id_valid) */
	char chg[CG_CLAIM_MAX + 1];
};

/* The one text of l ("changegate-sudo-lease 1", then pid, start, session, exp, user, jti,
 * chg as key=value lines, in that order) into buf: its length, or -1 (EINVAL: a field that
 * cannot be written; ENOSPC: buf too small). */
int cg_sudo_lease_format(const struct cg_sudo_lease *l, char *buf, size_t buflen);
/* The strict parser: exactly what cg_sudo_lease_format writes, nothing else. 0 or -1. */
int cg_sudo_lease_parse(const char *buf, size_t len, struct cg_sudo_lease *out);
/* run_dir/sudo-<pid>, root:root 0600, atomically; run_dir made when missing. 0 or -1. */
int cg_sudo_lease_write(const char *run_dir, const struct cg_sudo_lease *l);
/* Reads run_dir/sudo-<pid> when the directory and the file are root's and it parses and
 * names pid. 0, or -1 with errno (ENOENT: none). */
int cg_sudo_lease_read(const char *run_dir, long long pid, struct cg_sudo_lease *out);
int cg_sudo_lease_remove(const char *run_dir, long long pid);
/* The pids that have a lease file in run_dir (at most max in pids; *count all found). A
 * missing run_dir is none. 0, or -1 when run_dir cannot be trusted or read. */
int cg_sudo_lease_list(const char *run_dir, long long *pids, size_t max, size_t *count);

/* ---- the reaper's lock (reaper_lock.c) ----------------------------------------------------- */

/* The file in the run dir that a running `changegate reaper` holds an exclusive flock on. */
#define CG_REAPER_LOCK_NAME "reaper.lock"
/* Whether a reaper holds the lock in run_dir: 1 yes; 0 no (no lock file, or nobody holds it);
 * -1 it cannot be told (the file or directory is not root's, an I/O error). The fronts deny
 * with CG_REAPER_DOWN on anything but 1 when require_reaper is set. Never blocks. */
int cg_reaper_running(const char *run_dir);
/* Takes the lock for a starting reaper: the lock fd (kept open for the reaper's life), or -1
 * with errno EWOULDBLOCK when another reaper holds it (err says so in words). */
int cg_reaper_lock_take(const char *run_dir, char *err, size_t errlen);

/* ---- decisions, logged ------------------------------------------------------------------- */

struct cg_audit_event {
	const char *front;              /* "pam", "sudo", "cli" */
	const char *event;              /* "auth", "account", "session_open", "session_close",
					   "check", "verify"; the reaper's "session_end" and
					   "sudo_end", "end_session" (an administrator's),
					   sudo's "command_end" (ended at its ticket's end) */
	const char *service;            /* PAM service, or NULL */
	const char *user;
	const char *rhost;
	const char *tty;
	const char *cwd;
	const char *runas;
	const char *runas_group;        /* sudo: the group the command runs with, or NULL */
	const char *const *argv;
	size_t argc;
	bool audit_only;                /* a denial that was let through for rollout */
	bool have_session;              /* session_end, end_session: the login ended */
	unsigned sessionid;             /* ... its audit session id */
	long processes;                 /* ... how many of its processes were signalled */
	const char *logind;             /* ... what systemd-logind was asked ("terminated",
					   "absent", "refused", "failed"), or NULL: not asked */
	const struct cg_decision *decision;
	const char *host;               /* this host's name (cg_audit_origin_set), or NULL */
	bool have_audit_session;        /* the login's kernel audit session id is known */
	unsigned audit_session;
};

/* What joins records across fronts and hosts: the host name and the audit session id. */
struct cg_audit_origin {
	char host[256];
	bool have_session;
	unsigned session;
};
/* Fills o for the calling process: gethostname() (no DNS) and /proc/self/sessionid. */
void cg_audit_origin_get(struct cg_audit_origin *o);
/* Points ev's host and audit_session at o's (o must outlive ev's use). */
void cg_audit_origin_set(struct cg_audit_event *ev, const struct cg_audit_origin *o);

/* One line, key=value, every untrusted value sanitised; never the token. Returns the length
 * written (truncated to fit buflen). */
size_t cg_audit_format(const struct cg_audit_event *ev, char *buf, size_t buflen);
/* The syslog priority for it: LOG_ALERT for break-glass, LOG_NOTICE allow, LOG_WARNING deny
 * and any decision under an unrestricted ("*") ticket. */
int cg_audit_priority(const struct cg_audit_event *ev);
/* Appends one JSON object to path (created 0600, must be root-owned); 0 or -1. */
int cg_audit_append_json(const char *path, const struct cg_audit_event *ev, time_t now);

/* The same decision as one journald entry in its native protocol: MESSAGE= the syslog line,
 * PRIORITY=, SYSLOG_FACILITY=10, SYSLOG_IDENTIFIER=changegate and CHANGEGATE_DECISION,
 * _REASON, _FRONT, _EVENT, _USER, _RHOST, _TTY, _HOST, _AUDIT_SESSION, _RUNAS, _VERIFIED,
 * _TICKET, _JTI, _APPROVER, _EMERGENCY, _UNRESTRICTED, _AUDIT_ONLY (those that apply), each
 * value sanitised. Into buf: its length, or 0 when it does not fit whole. */
size_t cg_audit_journal_format(const struct cg_audit_event *ev, int priority, const char *line,
			       char *buf, size_t buflen);
/* Sends it to the datagram socket at socket_path, without blocking; 0 or -1. */
int cg_audit_journal_send_to(const char *socket_path, const struct cg_audit_event *ev,
			     int priority, const char *line);
/* To journald's socket when there is one; best effort, in addition to the syslog line. */
void cg_audit_journal_send(const struct cg_audit_event *ev, int priority, const char *line);

#endif /* CHANGEGATE_H */
