# Counting for the packaging checks. Sourced, not run: ok and bad say one line each, finish
# prints the tally under the test's name and returns non-zero when anything was bad.
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
