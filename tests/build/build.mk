# Checks on what the build produced: hardening and exported symbols.
TESTS += tests/build/hardening.sh
EXTRA_DIST += tests/build/hardening.sh
