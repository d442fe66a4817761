# PAM module tests: libpamtest under pam_wrapper (no root, no /etc/pam.d), and the export check.
# Both load the built module by absolute path.
CG_PAM_MODULE_PATH = $(abs_top_builddir)/pam_module/.libs/pam_changegate.so

check_PROGRAMS += tests/pam/test_pam_module tests/pam/test_pam_exports
TESTS += tests/pam/test_pam_module tests/pam/test_pam_exports

tests_pam_test_pam_module_SOURCES = \
	tests/pam/pam_harness.h \
	tests/pam/pam_harness.c \
	tests/pam/test_pam_module.c \
	tests/common/fake_nss.h \
	tests/common/fake_nss.c
# exported, so that the dlopen()ed module finds fake_nss.c's getpwnam_r before libc's
tests_pam_test_pam_module_LDFLAGS = $(AM_LDFLAGS) -Wl,--export-dynamic
tests_pam_test_pam_module_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-DCG_PAM_MODULE='"$(CG_PAM_MODULE_PATH)"' \
	-DCG_PAM_PROBE='"$(abs_top_builddir)/tests/pam/.libs/pam_probe_runtime.so"'
tests_pam_test_pam_module_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PAMTEST_CFLAGS) \
	$(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_pam_test_pam_module_LDADD = tests/common/libcgtest.la $(CUNIT_LIBS) $(PAMTEST_LIBS) \
	$(PAM_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
EXTRA_tests_pam_test_pam_module_DEPENDENCIES = pam_module/pam_changegate.la \
	tests/pam/pam_probe_runtime.la

# stands where pam_systemd would, to read what pam_changegate hands it (issue 12)
check_LTLIBRARIES += tests/pam/pam_probe_runtime.la
tests_pam_pam_probe_runtime_la_SOURCES = tests/pam/pam_probe_runtime.c
tests_pam_pam_probe_runtime_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared \
	-rpath /nowhere
tests_pam_pam_probe_runtime_la_LIBADD = $(PAM_LIBS)

tests_pam_test_pam_exports_SOURCES = tests/pam/test_pam_exports.c
tests_pam_test_pam_exports_CPPFLAGS = $(AM_CPPFLAGS) -DCG_PAM_MODULE='"$(CG_PAM_MODULE_PATH)"'
tests_pam_test_pam_exports_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_pam_test_pam_exports_LDADD = $(CUNIT_LIBS)
EXTRA_tests_pam_test_pam_exports_DEPENDENCIES = pam_module/pam_changegate.la

# The SSH key of the login (issue 18): SSH_AUTH_INFO_0 as sshd sets it, the token in a
# certificate, key-bound tokens, the key handed from account to session.
check_PROGRAMS += tests/pam/test_pam_ssh
TESTS += tests/pam/test_pam_ssh
tests_pam_test_pam_ssh_SOURCES = tests/pam/pam_harness.h tests/pam/pam_harness.c \
	tests/pam/test_pam_ssh.c
tests_pam_test_pam_ssh_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-I$(top_srcdir)/tests/unit -DCG_PAM_MODULE='"$(CG_PAM_MODULE_PATH)"'
tests_pam_test_pam_ssh_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PAMTEST_CFLAGS) \
	$(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_pam_test_pam_ssh_LDADD = tests/unit/libcorefixture.la tests/common/libcgtest.la \
	$(CUNIT_LIBS) $(PAMTEST_LIBS) \
	$(PAM_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
EXTRA_tests_pam_test_pam_ssh_DEPENDENCIES = pam_module/pam_changegate.la

# The once-per-call gate check (module_context.c) against configs whose lists differ from the
# PAM line's: module_args.c compiled in for the list comparison, then the built module under
# pam_wrapper through the PAM tests' harness.
check_PROGRAMS += tests/pam/test_gate_lists
TESTS += tests/pam/test_gate_lists
tests_pam_test_gate_lists_SOURCES = \
	tests/pam/test_gate_lists.c \
	pam_module/module_args.c \
	tests/pam/pam_harness.h \
	tests/pam/pam_harness.c
# exported, so that the dlopen()ed module finds the test's getgrouplist before libc's
tests_pam_test_gate_lists_LDFLAGS = $(AM_LDFLAGS) -Wl,--export-dynamic
tests_pam_test_gate_lists_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/pam_module \
	-I$(top_srcdir)/tests/pam -I$(top_srcdir)/tests/common \
	-DCG_PAM_MODULE='"$(CG_PAM_MODULE_PATH)"'
tests_pam_test_gate_lists_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PAMTEST_CFLAGS) \
	$(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_pam_test_gate_lists_LDADD = tests/common/libcgtest.la $(CUNIT_LIBS) $(PAMTEST_LIBS) \
	$(PAM_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
EXTRA_tests_pam_test_gate_lists_DEPENDENCIES = pam_module/pam_changegate.la

# End to end: the real sshd and ssh client in a private mount namespace (root only; skips
# otherwise). Uses the example pam.d/sshd and sshd_config Match blocks as shipped.
# The same stack with the module made unloadable: root and changegate-exempt still get in
# through the guards, gated users do not (issue 14.11).
TESTS += tests/e2e/sshd_login.sh tests/e2e/gate_lists.sh tests/e2e/sshd_unloadable.sh \
	tests/e2e/ssh_askpass.sh
EXTRA_DIST += tests/e2e/sshd_login.sh tests/e2e/gate_lists.sh tests/e2e/sshd_unloadable.sh \
	tests/e2e/ssh_askpass.sh tests/e2e/lib_pam.sh \
	examples/pam.d/sshd examples/sshd_config.d/changegate.conf
# Tickets bound to the SSH key and carried in a certificate (issue 18): the real sshd with a
# CA made by ssh-keygen, and sudo in and outside the login.
TESTS += tests/e2e/sshd_cert.sh
EXTRA_DIST += tests/e2e/sshd_cert.sh
