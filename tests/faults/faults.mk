# Fault-injection tests of issue 5 (see docs/security.md for the case list).
FAULT_TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common -I$(top_srcdir)/tests/unit
FAULT_TEST_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
FAULT_TEST_LDADD = tests/unit/libcorefixture.la tests/common/libcgtest.la \
	shared/libcgcore.la $(CUNIT_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)

fault_tests = tests/faults/test_key_faults tests/faults/test_state_faults
check_PROGRAMS += $(fault_tests)
TESTS += $(fault_tests)

tests_faults_test_key_faults_SOURCES = tests/faults/test_key_faults.c
tests_faults_test_key_faults_CPPFLAGS = $(FAULT_TEST_CPPFLAGS)
tests_faults_test_key_faults_CFLAGS = $(FAULT_TEST_CFLAGS)
tests_faults_test_key_faults_LDADD = $(FAULT_TEST_LDADD)

tests_faults_test_state_faults_SOURCES = tests/faults/test_state_faults.c
tests_faults_test_state_faults_CPPFLAGS = $(FAULT_TEST_CPPFLAGS)
tests_faults_test_state_faults_CFLAGS = $(FAULT_TEST_CFLAGS)
tests_faults_test_state_faults_LDADD = $(FAULT_TEST_LDADD)

# PAM level, through pam_wrapper and tests/pam's harness. Every login process gets a /tmp of
# its own (private_tmp.c), so pam_wrapper's machine-wide /tmp/pam.X names never collide.
check_PROGRAMS += tests/faults/test_pam_load
TESTS += tests/faults/test_pam_load
tests_faults_test_pam_load_SOURCES = tests/faults/test_pam_load.c \
	tests/faults/private_tmp.h tests/faults/private_tmp.c \
	tests/faults/load_count.h tests/faults/load_count.c \
	tests/pam/pam_harness.h tests/pam/pam_harness.c \
	tests/common/fake_nss.h tests/common/fake_nss.c
tests_faults_test_pam_load_LDFLAGS = $(AM_LDFLAGS) -Wl,--export-dynamic
tests_faults_test_pam_load_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-I$(top_srcdir)/tests/pam -DCG_PAM_MODULE='"$(CG_PAM_MODULE_PATH)"' \
	-DCG_TOP_SRCDIR='"$(abs_top_srcdir)"'
tests_faults_test_pam_load_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(PAMTEST_CFLAGS) \
	$(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_faults_test_pam_load_LDADD = tests/common/libcgtest.la $(CUNIT_LIBS) $(PAMTEST_LIBS) \
	$(PAM_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
EXTRA_tests_faults_test_pam_load_DEPENDENCIES = pam_module/pam_changegate.la
