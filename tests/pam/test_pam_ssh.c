/*
 * pam_changegate.so and the SSH key of the login (issue 18), through libpam under
 * pam_wrapper: sshd's SSH_AUTH_INFO_0 as tests/common/ssh_blob.c writes it. A certificate
 * carrying a token spares the prompt; a token bound to a key (cnf.ssh_fp) passes only with
 * that key; session open judges by the key account checked, never by the variable itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "core_fixture.h"
#include "pam_harness.h"

static const struct pt_service services[] = {
	{"cg", "changegate.conf", NULL},
	{NULL, NULL, NULL},
};

static const unsigned char key_a[32] = {0xa1, 0xa2, 0xa3};
static const unsigned char key_b[32] = {0xb1, 0xb2, 0xb3};
static char fp_a[CG_SSH_FP_LEN + 1], fp_b[CG_SSH_FP_LEN + 1];
static char cnf_json[128];

/* The fingerprint the module will compute for pk, through the core's own parser; 0 or -1. */
static int fingerprint(const unsigned char pk[32], char out[CG_SSH_FP_LEN + 1])
{
	char *info = cg_test_ssh_auth_info(pk, NULL);
	struct cg_ssh_auth a;
	int rc = info != NULL ? cg_ssh_auth_info_parse(info, &a) : -1;
	if (rc == 0)
		cg_strlcpy(out, a.fp, CG_SSH_FP_LEN + 1);
	cg_ssh_auth_free(&a);
	free(info);
	return rc;
}

static void bound_to_a(struct cg_test_claims *c)
{
	snprintf(cnf_json, sizeof(cnf_json), "\"cnf\":{\"ssh_fp\":\"%s\"}", fp_a);
	c->extra_json = cnf_json;
}

static void bound_to_b(struct cg_test_claims *c)
{
	snprintf(cnf_json, sizeof(cnf_json), "\"cnf\":{\"ssh_fp\":[\"%s\"]}", fp_b);
	c->extra_json = cnf_json;
}

/* A handle for alice whose PAM environment holds name=value (value NULL: nothing). */
static pam_handle_t *handle(struct pt_conv *conv, struct pam_conv *pc, const char *name,
			    const char *value)
{
	pam_handle_t *pamh = NULL;
	pc->conv = pt_conv_fn;
	pc->appdata_ptr = conv;
	CU_ASSERT_FATAL(pam_start("cg", "alice", pc, &pamh) == PAM_SUCCESS);
	if (value != NULL) {
		char *entry = malloc(strlen(name) + strlen(value) + 2);
		CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
		sprintf(entry, "%s=%s", name, value);
		CU_ASSERT_EQUAL_FATAL(pam_putenv(pamh, entry), PAM_SUCCESS);
		free(entry);
	}
	return pamh;
}

static bool audit_says(const char *key, const char *want)
{
	char got[512] = "";
	if (!pt_audit_last(key, got, sizeof(got)) || strcmp(got, want) != 0) {
		fprintf(stderr, "audit %s: \"%s\", wanted \"%s\"\n", key, got, want);
		return false;
	}
	return true;
}

/* The whole login with the token in the certificate: asked nothing, in, and neither the token
 * nor the checked key left in the environment the user's shell gets. */
static void test_certificate_token(void)
{
	char *token = pt_token("alice", bound_to_a);
	char *info = cg_test_ssh_auth_info(key_a, token);
	CU_ASSERT_FATAL(token != NULL && info != NULL);
	struct pt_conv conv = {.mode = PT_FAIL};
	struct pam_conv pc;
	pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", info);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(conv.prompts, 0);
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_TRUE(audit_says("event", "session_open"));
	CU_ASSERT_TRUE(audit_says("reason", "ok"));
	CU_ASSERT_PTR_NULL(pam_getenv(pamh, "CHANGEGATE_LOGIN_TOKEN"));
	CU_ASSERT_PTR_NULL(pam_getenv(pamh, "CHANGEGATE_LOGIN_SSH_KEY"));
	CU_ASSERT_EQUAL(pam_close_session(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);
	CU_ASSERT_EQUAL(conv.prompts, 0);
	free(info);
	free(token);
}

/* A certificate whose token is bound to another key, or is another user's: refused, and no
 * prompt offered instead. */
static void test_certificate_token_refused(void)
{
	void (*tweaks[])(struct cg_test_claims *) = {bound_to_b, NULL};
	const char *users[] = {"alice", "bob"};
	const char *reasons[] = {"key_mismatch", "wrong_user"};
	for (size_t i = 0; i < 2; i++) {
		char *token = pt_token(users[i], tweaks[i]);
		char *info = cg_test_ssh_auth_info(key_a, token);
		CU_ASSERT_FATAL(token != NULL && info != NULL);
		struct pt_conv conv = {.mode = PT_FAIL};
		struct pam_conv pc;
		pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", info);
		CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
		CU_ASSERT_EQUAL(conv.prompts, 0);
		CU_ASSERT_TRUE(audit_says("reason", reasons[i]));
		pam_end(pamh, PAM_AUTH_ERR);
		free(info);
		free(token);
	}
}

/* A key-bound token typed at the prompt: in with its key, refused with another or none. */
static void test_typed_token(void)
{
	char *token = pt_token("alice", bound_to_a);
	char *with_a = cg_test_ssh_auth_info(key_a, NULL);
	char *with_b = cg_test_ssh_auth_info(key_b, NULL);
	CU_ASSERT_FATAL(token != NULL && with_a != NULL && with_b != NULL);
	const char *infos[] = {with_a, with_b, NULL, "keyboard-interactive/pam\n"};
	const int want[] = {PAM_SUCCESS, PAM_AUTH_ERR, PAM_AUTH_ERR, PAM_AUTH_ERR};
	for (size_t i = 0; i < 4; i++) {
		struct pt_conv conv = {.mode = PT_REPLY, .reply = token};
		struct pam_conv pc;
		pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", infos[i]);
		CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), want[i]);
		CU_ASSERT_EQUAL(conv.prompts, 1);
		CU_ASSERT_TRUE(audit_says("reason", want[i] == PAM_SUCCESS ? "ok" : "key_mismatch"));
		pam_end(pamh, want[i]);
	}
	/* the detail names both keys */
	struct pt_conv conv = {.mode = PT_REPLY, .reply = token};
	struct pam_conv pc;
	pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", with_b);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_AUTH_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(conv.errors, fp_a));
	CU_ASSERT_PTR_NOT_NULL(strstr(conv.errors, fp_b));
	pam_end(pamh, PAM_AUTH_ERR);
	free(with_a);
	free(with_b);
	free(token);
}

/* sshd's monitor: the token comes back from the keyboard-interactive child in the PAM
 * environment, with the key account checked there. Session open takes that key; it never
 * believes SSH_AUTH_INFO_0 itself (other session modules run before it). */
static void test_session_takes_the_checked_key(void)
{
	char *token = pt_token("alice", bound_to_a);
	char *with_a = cg_test_ssh_auth_info(key_a, NULL);
	CU_ASSERT_FATAL(token != NULL && with_a != NULL);

	/* account in this process checked key a: session open agrees */
	struct pt_conv conv = {.mode = PT_REPLY, .reply = token};
	struct pam_conv pc;
	pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", with_a);
	CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_acct_mgmt(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_putenv(pamh, "SSH_AUTH_INFO_0"), PAM_SUCCESS);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);

	/* a monitor handle with the token but no checked key, and SSH_AUTH_INFO_0 naming key a
	 * (as sshd sets it again at session open): refused */
	pamh = handle(&conv, &pc, "CHANGEGATE_LOGIN_TOKEN", token);
	CU_ASSERT_EQUAL(pam_putenv(pamh, "SSH_AUTH_INFO_0=publickey x"), PAM_SUCCESS);
	char *entry = malloc(strlen(with_a) + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
	sprintf(entry, "SSH_AUTH_INFO_0=%s", with_a);
	CU_ASSERT_EQUAL(pam_putenv(pamh, entry), PAM_SUCCESS);
	free(entry);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SESSION_ERR);
	CU_ASSERT_TRUE(audit_says("reason", "key_mismatch"));
	CU_ASSERT_PTR_NULL(pam_getenv(pamh, "CHANGEGATE_LOGIN_TOKEN"));
	pam_end(pamh, PAM_SESSION_ERR);

	/* the same handle as sshd's child hands it back: token and checked key */
	pamh = handle(&conv, &pc, "CHANGEGATE_LOGIN_TOKEN", token);
	entry = malloc(CG_SSH_FP_LEN + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(entry);
	sprintf(entry, "CHANGEGATE_LOGIN_SSH_KEY=%s", fp_a);
	CU_ASSERT_EQUAL(pam_putenv(pamh, entry), PAM_SUCCESS);
	free(entry);
	CU_ASSERT_EQUAL(pam_open_session(pamh, 0), PAM_SUCCESS);
	CU_ASSERT_PTR_NULL(pam_getenv(pamh, "CHANGEGATE_LOGIN_SSH_KEY"));
	CU_ASSERT_EQUAL(pam_close_session(pamh, 0), PAM_SUCCESS);
	pam_end(pamh, PAM_SUCCESS);
	free(with_a);
	free(token);
}

/* A token that is not bound ignores the key, and a malformed SSH_AUTH_INFO_0 costs nothing
 * but the key: the prompt is asked as before. */
static void test_unbound_and_malformed(void)
{
	char *token = pt_token("alice", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(token);
	const char *infos[] = {"publickey ssh-ed25519 AAAA\n", "garbage", NULL};
	for (size_t i = 0; i < 3; i++) {
		struct pt_conv conv = {.mode = PT_REPLY, .reply = token};
		struct pam_conv pc;
		pam_handle_t *pamh = handle(&conv, &pc, "SSH_AUTH_INFO_0", infos[i]);
		CU_ASSERT_EQUAL(pam_authenticate(pamh, 0), PAM_SUCCESS);
		CU_ASSERT_EQUAL(conv.prompts, 1);
		pam_end(pamh, PAM_SUCCESS);
	}
	free(token);
}

static int run_tests(void)
{
	static const struct cf_test tests[] = {
		{"certificate token: no prompt", test_certificate_token},
		{"certificate token refused, no prompt instead", test_certificate_token_refused},
		{"key-bound token typed", test_typed_token},
		{"session takes the key account checked", test_session_takes_the_checked_key},
		{"unbound token, malformed variable", test_unbound_and_malformed},
		{NULL, NULL},
	};
	if (fingerprint(key_a, fp_a) != 0 || fingerprint(key_b, fp_b) != 0)
		return 1;
	return cf_run("pam_changegate and the SSH key", tests);
}

int main(int argc, char **argv)
{
	return pt_main(argc, argv, services, run_tests);
}
