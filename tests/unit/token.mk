# The token pipeline's unit tests: one binary, one shared fixture (keys made at test time).
check_PROGRAMS += tests/unit/test_token
TESTS += tests/unit/test_token
tests_unit_test_token_SOURCES = \
	tests/unit/test_token.h \
	tests/unit/test_token.c \
	tests/unit/test_token_input.c \
	tests/unit/test_token_header.c \
	tests/unit/test_token_claims.c \
	tests/unit/test_token_grant.c \
	tests/unit/test_token_revlist.c \
	tests/unit/test_token_lists.c \
	tests/unit/test_token_recorded.c
tests_unit_test_token_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_unit_test_token_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_token_CPPFLAGS += -I$(top_srcdir)/tests/unit
tests_unit_test_token_LDADD = tests/unit/libcorefixture.la tests/common/libcgtest.la \
	shared/libcgcore.la $(CUNIT_LIBS) \
	$(JANSSON_LIBS) $(CRYPTO_LIBS)

# the key file's PEM/DER fit check (shared/token_key_der.c), case by case
check_PROGRAMS += tests/unit/test_token_key
TESTS += tests/unit/test_token_key
tests_unit_test_token_key_SOURCES = tests/unit/test_token_key.c
tests_unit_test_token_key_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common -I$(top_srcdir)/tests/unit
tests_unit_test_token_key_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_token_key_LDADD = tests/unit/libcorefixture.la tests/common/libcgtest.la \
	shared/libcgcore.la $(CUNIT_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
