# The end-to-end harness checks itself before sshd and sudo tests rely on it.
TESTS += tests/e2e/harness_selftest.sh
EXTRA_DIST += tests/e2e/nslib.sh tests/e2e/harness_selftest.sh
