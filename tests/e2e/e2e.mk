# The end-to-end harness checks itself before sshd and sudo tests rely on it.
TESTS += tests/e2e/harness_selftest.sh
EXTRA_DIST += tests/e2e/nslib.sh tests/e2e/harness_selftest.sh tests/e2e/lib_reaper.sh
# The invoking user's OPENSSL_CONF, LD_PRELOAD, proxies, TZ and CHANGEGATE_CONFIG under the
# real setuid sudo change no decision (issue 5).
TESTS += tests/e2e/opensslconf_sudo.sh
dist_check_SCRIPTS += tests/e2e/opensslconf_sudo.sh
# Sessions end when their ticket ends: `changegate reaper` with the real sshd and sudo
# (issue 12).
TESTS += tests/e2e/session_reaper.sh
dist_check_SCRIPTS += tests/e2e/session_reaper.sh
# ... and asks systemd-logind to terminate the login's session too: a real dbus-daemon on a
# private socket in the namespace, and a test-only logind that records what it is asked.
TESTS += tests/e2e/reaper_logind.sh
dist_check_SCRIPTS += tests/e2e/reaper_logind.sh
check_PROGRAMS += tests/e2e/fake_logind
tests_e2e_fake_logind_SOURCES = tests/e2e/fake_logind.c
tests_e2e_fake_logind_CFLAGS = $(AM_CFLAGS) $(SYSTEMD_CFLAGS)
tests_e2e_fake_logind_LDADD = $(SYSTEMD_LIBS)
