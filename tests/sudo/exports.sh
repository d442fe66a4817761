#!/bin/bash
# changegate_sudo.so exports exactly its two plugin structs: every other symbol, the whole
# core included, stays local (the version script's "local: *").
so=$top_builddir/sudo_plugin/.libs/changegate_sudo.so
[ -f "$so" ] || { echo "missing $so"; exit 1; }
command -v nm >/dev/null || { echo "SKIP: nm is not installed"; exit 77; }
got=$(nm -D --defined-only "$so" | awk '$2 ~ /^[A-Z]$/ { print $3 }' | sort | tr '\n' ' ')
want="changegate_approval changegate_policy "
if [ "$got" != "$want" ]; then
	echo "exported: $got"
	echo "expected: $want"
	exit 1
fi
echo "ok - exports are exactly: $got"
