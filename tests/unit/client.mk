# Unit tests of the developer's side (tools/client.h, shared/login_prompt.c): the prompt's
# wording, the choice of a token, the rules for token files. Through the real programs:
# tests/cli/askpass.sh and tests/e2e/ssh_askpass.sh.
check_PROGRAMS += tests/unit/test_askpass
TESTS += tests/unit/test_askpass
tests_unit_test_askpass_SOURCES = tests/unit/test_askpass.c
tests_unit_test_askpass_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common \
	-I$(top_srcdir)/tools
tests_unit_test_askpass_CFLAGS = $(CORE_TEST_CFLAGS)
tests_unit_test_askpass_LDADD = tools/libcgclient.la tests/common/libcgtest.la $(CORE_TEST_LDADD)
