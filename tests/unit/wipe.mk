# Token wiping (issue 5): every free() and realloc() the core makes goes through a wrapper
# that looks for the token in play in the block (tests/unit/test_wipe.c). --wrap reaches the
# objects linked into the binary: the core (libcgcore.la is a convenience library) and the
# test's own, not shared libraries such as libjwt.
check_PROGRAMS += tests/unit/test_wipe
TESTS += tests/unit/test_wipe
tests_unit_test_wipe_SOURCES = tests/unit/test_wipe.c
tests_unit_test_wipe_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/common
tests_unit_test_wipe_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS) $(JANSSON_CFLAGS) $(CRYPTO_CFLAGS)
tests_unit_test_wipe_LDFLAGS = $(AM_LDFLAGS) -Wl,--wrap=free -Wl,--wrap=realloc
tests_unit_test_wipe_LDADD = tests/unit/libcorefixture.la tests/common/libcgtest.la \
	shared/libcgcore.la $(CUNIT_LIBS) $(JANSSON_LIBS) $(CRYPTO_LIBS)
