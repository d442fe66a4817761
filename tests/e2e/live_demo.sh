#!/bin/bash
# The README's live demo, run as a test: it must end with its OK line and exit 0. Every check
# lives in the demo itself (each step's outcome, the syslog and JSON audit lines); this test
# makes sure the demo keeps working as the code under it changes.
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"
out=$(bash "$top_srcdir/demo/live_demo.sh" "$top_builddir" 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 77 ] && exit 77
if [ "$rc" -ne 0 ]; then
	echo "not ok - the live demo exited $rc"
	exit 1
fi
if ! printf '%s\n' "$out" | grep -q '^live demo OK: every step behaved as shown'; then
	echo "not ok - the live demo exited 0 without its OK line"
	exit 1
fi
echo "ok - the live demo: every step behaved as shown"
