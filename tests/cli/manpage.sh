#!/bin/bash
# changegate(1) lints clean under mandoc, documents every option that --help lists for the
# program and each of its subcommands (read from its own --help), names no option --help does
# not list, and explains every reason code. Other programs with a man page of their own get
# the same two-way check.
. "${top_srcdir:?}/tests/cli/lib.sh"
MAN="$top_srcdir/tools/changegate.1"

if ! command -v mandoc >/dev/null; then
	echo "SKIP: mandoc is not installed (apt-get install mandoc)"
	exit 77
fi
check "changegate.1 lints clean" mandoc -Tlint -W warning "$MAN"
# help_opts CMD...: the long options CMD's --help lists, one a line
help_opts() {
	"$@" --help | grep -oE '^ {2,6}(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+$' | sort -u
}
# man_opts TEXT: the long options mdoc TEXT lists as items or in a synopsis (.It/.Op Fl -x)
man_opts() {
	printf '%s\n' "$1" | grep -E '^\.(It|Op|Fl)' | grep -oE 'Fl -[a-z][a-z-]*' | sed 's/^Fl /-/' | sort -u
}
# the subcommands from the program's own list, so a new one cannot be left out
subs=$("$CG" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
check "the subcommands are read from changegate --help" test "$(printf '%s\n' "$subs" | wc -l)" -ge 7
for sub in $subs; do
	check "changegate.1 has a section for $sub" grep -q "^\.Ss $sub\$" "$MAN"
	for opt in $(help_opts "$CG" "$sub"); do
		[ "$opt" = --help ] && continue
		check "changegate.1 documents $sub $opt" grep -Eq "^\.(Op |It )?Fl (. , Fl )?-${opt#--}( |$)" "$MAN"
	done
	# and back: what the man page says the subcommand takes, its --help lists
	synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$MAN" | sed -n "/^\.Cm $sub\$/,/^\.Nm\$/p")
	section=$(sed -n "/^\.Ss $sub\$/,/^\.S[sh] /p" "$MAN")
	given=$(help_opts "$CG" "$sub")
	for opt in $(man_opts "$synopsis$(printf '\n')$section"); do
		if printf '%s\n' "$given" | grep -qxF -- "$opt"; then
			pass "changegate $sub --help lists $opt, as changegate.1 does"
		else
			fail "changegate.1 names $sub $opt, which changegate $sub --help does not list"
		fi
	done
done
# the program's own options, both ways
for opt in $(help_opts "$CG"); do
	check "changegate.1 documents changegate $opt" grep -Eq "^\.It Fl (. , Fl )?-${opt#--}( |$)" "$MAN"
done
# the other programs that have a --help and a man page of their own
for prog in changegate-askpass; do
	bin=$top_builddir/tools/$prog page=$top_srcdir/tools/$prog.1
	[ -x "$bin" ] && [ -f "$page" ] || continue
	for opt in $(help_opts "$bin"); do
		check "$prog.1 documents $opt" grep -Eq "Fl (. , Fl )?-${opt#--}( |$)" "$page"
	done
	for opt in $(man_opts "$(cat "$page")"); do
		check "$prog --help lists $opt, as $prog.1 does" sh -c "'$bin' --help | grep -qF -- '$opt'"
	done
done
# pam_changegate(8)'s EXAMPLES copy-paste into a working stack: every line a whole PAM line
# (none continued on the next), and each the same, up to spacing, as a line of the shipped
# examples/pam.d/sshd; the sudo.conf examples exempt the group the PAM lines exempt
PAM8=$top_srcdir/pam_module/pam_changegate.8
squeeze() { sed -e 's/[[:space:]]\+/ /g' -e 's/ *$//'; }
shipped=$(grep -v '^#' "$top_srcdir/examples/pam.d/sshd" | squeeze)
while IFS= read -r line; do
	case $line in '\&...' | '') continue ;; esac
	if printf '%s\n' "$shipped" | grep -qxF -- "$(printf '%s\n' "$line" | squeeze)"; then
		pass "pam_changegate.8 example line is a line of examples/pam.d/sshd: ${line:0:40}"
	else
		fail "pam_changegate.8 example line not in examples/pam.d/sshd: $line"
	fi
done < <(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$PAM8" | sed -n '/^\.Bd -literal/,/^\.Ed/p' | sed '1d;$d')
check "pam_changegate.8 points at the installed examples" grep -q '/usr/share/doc/changegate/examples' "$PAM8"
for f in sudo.conf.approval sudo.conf.policy; do
	check "examples/$f exempts changegate-exempt as the PAM lines do" \
		grep -Eq '^Plugin changegate_[a-z]+ changegate_sudo.so .*exempt_groups=changegate-exempt' "$top_srcdir/examples/$f"
done
# the signed list's actions: every option of sign, from its own --help (the section is checked
# with the other subcommands above)
for opt in $(help_opts "$CG" revocations sign); do
	[ "$opt" = --help ] && continue
	check "changegate.1 documents revocations sign $opt" grep -Eq "^\.(Op |It )?Fl (. , Fl )?-${opt#--}( |$)" "$MAN"
done
# every stable reason code has an entry saying what it means and what to do
codes=$(sed -n 's/^\t\[CG_[A-Z_]*\] = {"\([a-z_]*\)",.*/\1/p' "$top_srcdir/shared/reason.c" | grep -vx ok)
check "reason codes read from shared/reason.c" test "$(printf '%s\n' "$codes" | wc -l)" -ge 20
for code in $codes; do
	check "changegate.1 REASONS explains $code" grep -qx "\.It Cm $code" "$MAN"
done
finish
