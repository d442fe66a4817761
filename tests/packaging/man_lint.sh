#!/bin/bash
# Every man page in the tree is mdoc that `mandoc -Tlint` passes at warning level (STYLE
# notes such as "referenced manual not found" depend on the host's man database), its .Dt
# names the page its file name says, and the four pages of issue 6 exist.
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"

if ! command -v mandoc >/dev/null; then
	echo "FAIL: mandoc not found (Debian: apt-get install mandoc)"
	exit 1
fi

. "${top_srcdir:?}/tests/packaging/lib.sh"

for page in tools/changegate.1 tools/changegate-askpass.1 docs/changegate.conf.5 pam_module/pam_changegate.8 \
	sudo_plugin/changegate_sudo.8; do
	if [ -f "$top_srcdir/$page" ]; then ok "$page exists"; else bad "$page is missing"; fi
done

shopt -s nullglob
# the folders that ship man pages (autom4te.cache and build trees hold other *.1 files)
pages=()
for d in tools docs pam_module sudo_plugin shared; do
	pages+=("$top_srcdir/$d"/*.[1-8])
done
[ "${#pages[@]}" -ge 4 ] || bad "found only ${#pages[@]} man pages under $top_srcdir"
for f in "${pages[@]}"; do
	rel=${f#"$top_srcdir"/}
	out=$(mandoc -Tlint -Wwarning "$f" 2>&1)
	if [ $? -eq 0 ] && [ -z "$out" ]; then
		ok "mandoc -Tlint $rel"
	else
		bad "mandoc -Tlint $rel:"
		printf '%s\n' "$out"
	fi
	base=${f##*/}
	want_name=${base%.*}
	want_sect=${base##*.}
	dt=$(sed -n 's/^\.Dt  *//p' "$f" | head -n 1)
	want_dt="${want_name^^} $want_sect"
	if [ "$dt" = "$want_dt" ]; then
		ok "$rel: .Dt $dt"
	else
		bad "$rel: .Dt is '$dt', want '$want_dt'"
	fi
	if grep -q '^\.Sh SEE ALSO' "$f"; then ok "$rel: SEE ALSO"; else bad "$rel: no SEE ALSO"; fi
done

finish man_lint
