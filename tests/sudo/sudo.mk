# changegate_sudo.so driven through its exported structs, with a fake delegate policy.
check_LTLIBRARIES += tests/sudo/fake_delegate.la
tests_sudo_fake_delegate_la_SOURCES = tests/sudo/fake_delegate.c tests/sudo/fake_delegate.h
# a module that is never installed: -rpath only makes libtool build it shared
tests_sudo_fake_delegate_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere

check_PROGRAMS += tests/sudo/test_sudo_plugin
TESTS += tests/sudo/test_sudo_plugin tests/sudo/exports.sh
dist_check_SCRIPTS += tests/sudo/exports.sh
tests_sudo_test_sudo_plugin_SOURCES = tests/sudo/test_sudo_plugin.c \
	tests/sudo/plugin_harness.c tests/sudo/plugin_harness.h
tests_sudo_test_sudo_plugin_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-DCGS_PLUGIN_SO='"$(abs_top_builddir)/sudo_plugin/.libs/changegate_sudo.so"' \
	-DCGS_FAKE_DELEGATE_SO='"$(abs_top_builddir)/tests/sudo/.libs/fake_delegate.so"'
tests_sudo_test_sudo_plugin_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(CRYPTO_CFLAGS)
tests_sudo_test_sudo_plugin_LDADD = tests/common/libcgtest.la $(CUNIT_LIBS) $(CRYPTO_LIBS) -ldl
EXTRA_tests_sudo_test_sudo_plugin_DEPENDENCIES = sudo_plugin/changegate_sudo.la \
	sudo_plugin/changegate_sudo_verify.la \
	tests/sudo/fake_delegate.la

# the real sudo in a private mount namespace (root only; skips otherwise), with a helper that
# records a login session's ticket the way the PAM module does
check_PROGRAMS += tests/sudo/session_record_put
tests_sudo_session_record_put_SOURCES = tests/sudo/session_record_put.c
tests_sudo_session_record_put_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_sudo_session_record_put_LDADD = shared/libcgcore.la
TESTS += tests/e2e/sudo_gate.sh tests/e2e/sudo_after_ssh.sh tests/e2e/sudo_scope.sh \
	tests/e2e/sudo_fast.sh
dist_check_SCRIPTS += tests/e2e/sudo_gate.sh tests/e2e/sudo_after_ssh.sh \
	tests/e2e/sudo_scope.sh tests/e2e/sudo_fast.sh
# what the plugin leaves in state_dir (owner, stale temporaries), and the policy wrapper's
# delegate under the verifier's trust rules (issue 14, item 13)
TESTS += tests/e2e/sudo_state.sh
dist_check_SCRIPTS += tests/e2e/sudo_state.sh
# the signed revocation list through the real sudo (issue 13)
TESTS += tests/e2e/sudo_revlist.sh
dist_check_SCRIPTS += tests/e2e/sudo_revlist.sh
EXTRA_DIST += tests/e2e/lib_sudo.sh tests/e2e/sudo/sudoers tests/e2e/sudo/broken.conf

# the front end opens the verifier only for a gated user's token, and only one it can trust;
# stale_verifier.so is one from another build that would allow everything
check_LTLIBRARIES += tests/sudo/stale_verifier.la
tests_sudo_stale_verifier_la_SOURCES = tests/sudo/stale_verifier.c
tests_sudo_stale_verifier_la_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sudo_plugin
tests_sudo_stale_verifier_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version -shared -rpath /nowhere
check_PROGRAMS += tests/sudo/test_verifier_load
TESTS += tests/sudo/test_verifier_load
tests_sudo_test_verifier_load_SOURCES = tests/sudo/test_verifier_load.c \
	tests/sudo/plugin_harness.c tests/sudo/plugin_harness.h
tests_sudo_test_verifier_load_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-DCGS_PLUGIN_SO='"$(abs_top_builddir)/sudo_plugin/.libs/changegate_sudo.so"' \
	-DCGS_VERIFIER_SO_PATH='"$(abs_top_builddir)/sudo_plugin/.libs/changegate_sudo_verify.so"' \
	-DCGS_FAKE_DELEGATE_SO='"$(abs_top_builddir)/tests/sudo/.libs/fake_delegate.so"' \
	-DCGS_STALE_VERIFIER_SO='"$(abs_top_builddir)/tests/sudo/.libs/stale_verifier.so"'
tests_sudo_test_verifier_load_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(CRYPTO_CFLAGS)
tests_sudo_test_verifier_load_LDADD = tests/common/libcgtest.la $(CUNIT_LIBS) $(CRYPTO_LIBS) -ldl
EXTRA_tests_sudo_test_verifier_load_DEPENDENCIES = sudo_plugin/changegate_sudo.la \
	sudo_plugin/changegate_sudo_verify.la tests/sudo/fake_delegate.la \
	tests/sudo/stale_verifier.la

# the policy wrapper's and the verifier's loader without /proc: by path, then checked to be
# the file it opened and checked (issue 14 item 13, review)
check_PROGRAMS += tests/sudo/test_trusted_dlopen
TESTS += tests/sudo/test_trusted_dlopen
tests_sudo_test_trusted_dlopen_SOURCES = tests/sudo/test_trusted_dlopen.c \
	sudo_plugin/trusted_dlopen.c sudo_plugin/trusted_dlopen.h
tests_sudo_test_trusted_dlopen_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/sudo_plugin \
	-I$(top_srcdir)/tests/unit \
	-DCGS_FAKE_DELEGATE_SO='"$(abs_top_builddir)/tests/sudo/.libs/fake_delegate.so"' \
	-DCGS_STALE_VERIFIER_SO='"$(abs_top_builddir)/tests/sudo/.libs/stale_verifier.so"'
tests_sudo_test_trusted_dlopen_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_sudo_test_trusted_dlopen_LDADD = tests/unit/libcorefixture.la shared/libcgbase.la $(JANSSON_LIBS) \
	$(CUNIT_LIBS) -ldl
EXTRA_tests_sudo_test_trusted_dlopen_DEPENDENCIES = tests/sudo/fake_delegate.la \
	tests/sudo/stale_verifier.la
