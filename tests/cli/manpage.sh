#!/bin/bash
# changegate(1) lints clean under mandoc, documents every option that --help lists, and
# explains every reason code.
. "${top_srcdir:?}/tests/cli/lib.sh"
MAN="$top_srcdir/tools/changegate.1"

if ! command -v mandoc >/dev/null; then
	echo "SKIP: mandoc is not installed (apt-get install mandoc)"
	exit 77
fi
check "changegate.1 lints clean" mandoc -Tlint -W warning "$MAN"
for sub in keygen issue verify inspect check-config revoke token reaper sessions end-session; do
	check "changegate.1 has a section for $sub" grep -q "^\.Ss $sub\$" "$MAN"
	for opt in $("$CG" "$sub" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$'); do
		[ "$opt" = --help ] && continue
		check "changegate.1 documents $sub $opt" grep -Eq "^\.(Op )?Fl -${opt#--}( |$)" "$MAN"
	done
done
# the signed list's actions: the section, and every option of sign (install and show share
# --config and --json with the synopsis)
check "changegate.1 has a section for revocations" grep -q "^\.Ss revocations\$" "$MAN"
for opt in $("$CG" revocations sign --help | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$'); do
	[ "$opt" = --help ] && continue
	check "changegate.1 documents revocations sign $opt" grep -Eq "^\.(Op )?Fl -${opt#--}( |$)" "$MAN"
done
# every stable reason code has an entry saying what it means and what to do
codes=$(sed -n 's/^\t\[CG_[A-Z_]*\] = {"\([a-z_]*\)",.*/\1/p' "$top_srcdir/shared/reason.c" | grep -vx ok)
check "reason codes read from shared/reason.c" test "$(printf '%s\n' "$codes" | wc -l)" -ge 20
for code in $codes; do
	check "changegate.1 REASONS explains $code" grep -qx "\.It Cm $code" "$MAN"
done
finish
