#!/bin/bash
# changegate(1) lints clean under mandoc, and documents every option that --help lists.
. "${top_srcdir:?}/tests/cli/lib.sh"
MAN="$top_srcdir/tools/changegate.1"

if ! command -v mandoc >/dev/null; then
	echo "SKIP: mandoc is not installed (apt-get install mandoc)"
	exit 77
fi
check "changegate.1 lints clean" mandoc -Tlint -W warning "$MAN"
for sub in keygen issue verify inspect check-config revoke; do
	check "changegate.1 has a section for $sub" grep -q "^\.Ss $sub\$" "$MAN"
	for opt in $("$CG" "$sub" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$'); do
		[ "$opt" = --help ] && continue
		check "changegate.1 documents $sub $opt" grep -Eq "^\.(Op )?Fl -${opt#--}( |$)" "$MAN"
	done
done
finish
