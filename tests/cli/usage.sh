#!/bin/bash
# The command line itself: every subcommand documents itself (synopsis, options, exit status,
# an example), and anything it does not know is an error with exit 2, never ignored.
. "${top_srcdir:?}/tests/cli/lib.sh"

out=$("$CG" --help)
check "changegate --help exits 0" test $? -eq 0
for sub in keygen issue verify inspect check-config revoke; do
	check "--help lists $sub" grep -q "^  $sub " <<<"$out"
	help=$("$CG" "$sub" --help)
	check "$sub --help exits 0" test $? -eq 0
	check "$sub --help has a synopsis" grep -q "^Usage: changegate $sub" <<<"$help"
	check "$sub --help has options" grep -q '^Options:' <<<"$help"
	check "$sub --help has exit status" grep -q '^Exit status:' <<<"$help"
	check "$sub --help has an example" grep -Eq '^Examples?:' <<<"$help"
	# measured with the usual default config path: a build's own prefix (make distcheck's
	# is long) is not the text's fault
	check "$sub --help fits 100 columns" test "$(sed 's|/[^ )]*/changegate/changegate\.conf|/etc/changegate/changegate.conf|g' <<<"$help" |
		awk '{ if (length > m) m = length } END { print m }')" -le 100
	check_rc "$sub rejects an unknown option" 2 "$CG" "$sub" --no-such-option
	check_out "$sub points at --help on a usage error" "changegate $sub --help" 2 \
		"$CG" "$sub" --no-such-option
done
check_rc "no command: exit 2" 2 "$CG"
check_out "unknown command: exit 2" 'unknown command' 2 "$CG" frobnicate
check_out "--version" '^changegate [0-9]+\.[0-9]+' 0 "$CG" --version
check_rc "verify without --user" 2 "$CG" verify --scope login
check_rc "verify with a bad scope" 2 "$CG" verify --user a --scope shell
check_rc "verify --command with scope login" 2 "$CG" verify --user a --scope login --command /bin/true
check_rc "verify --scope sudo without --command" 2 "$CG" verify --user a --scope sudo
check_rc "verify --command not absolute" 2 "$CG" verify --user a --scope sudo --command 'true'
check_rc "verify --at not a number" 2 "$CG" verify --user a --scope login --at yesterday
check_rc "verify --at negative" 2 "$CG" verify --user a --scope login --at -5
check_rc "revoke with neither --ticket nor --jti" 2 "$CG" revoke
finish
