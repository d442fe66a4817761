# The README's live demo (demo/live_demo.sh), run as an end-to-end test.
TESTS += tests/e2e/live_demo.sh
EXTRA_DIST += tests/e2e/live_demo.sh demo/live_demo.sh
