#!/bin/bash
# README's two commands work as written on a fresh Debian machine (issue 17): they do not begin
# with sudo, which such a machine logged in as root does not have; run by anyone else,
# scripts/demo and scripts/run-tests run themselves again through sudo where it exists, and
# say "run it as root" where it does not. A stand-in sudo records what it was asked; nothing
# is installed or built.
. "${top_srcdir:?}/tests/cli/lib.sh"

if [ ! -x "$top_srcdir/scripts/demo" ]; then
	echo "SKIP: scripts/ is not in this tree (a release tarball)"
	exit 77
fi
block=$(sed -n '/^## Two commands/,/^## /p' "$top_srcdir/README.md" | grep '^    ')
check "README's two commands are there" test "$(printf '%s\n' "$block" | wc -l)" -eq 2
while read -r cmd _; do
	if [ "$cmd" = sudo ]; then fail "README command begins with sudo: $cmd"; continue; fi
	check "README's $cmd is an executable in the tree" test -x "$top_srcdir/$cmd"
done <<<"$block"

# someone who is not root, with or without a sudo on PATH
if [ "$(id -u)" = 0 ]; then as_user=(runuser -u nobody --); else as_user=(); fi
mkdir -m 0755 "$T/bin" "$T/nosudo" || exit 99
for tool in bash id dirname basename cat env; do ln -s "$(command -v "$tool")" "$T/nosudo/$tool"; done
cp -P "$T"/nosudo/* "$T/bin/"
cat >"$T/bin/sudo" <<STANDIN
#!/bin/bash
printf '%s\n' "\$*" >"$T/sudo-args"
STANDIN
chmod 0755 "$T/bin/sudo"
touch "$T/sudo-args" && chmod 0666 "$T/sudo-args"
chmod 0755 "$T"
for script in demo run-tests; do
	arg=--quick
	[ "$script" = demo ] && arg=--no-install   # the demo needs root even without installing
	out=$("${as_user[@]}" env PATH="$T/nosudo" "$top_srcdir/scripts/$script" 2>&1)
	rc=$?
	if [ "$rc" -eq 2 ] && printf '%s\n' "$out" | grep -q "^$script: run it as root (there is no sudo here"; then
		pass "$script as a user, no sudo: says to run it as root"
	else
		fail "$script as a user, no sudo: exit $rc: $out"
	fi
	: >"$T/sudo-args"
	"${as_user[@]}" env PATH="$T/bin" "$top_srcdir/scripts/$script" "$arg" >/dev/null 2>&1
	if [ "$(cat "$T/sudo-args")" = "-- $top_srcdir/scripts/$script $arg" ]; then
		pass "$script as a user with sudo: runs itself again through sudo, arguments kept"
	else
		fail "$script through sudo: '$(cat "$T/sudo-args")'"
	fi
done
# --no-install needs no root: run-tests must not ask for sudo then
: >"$T/sudo-args"
"${as_user[@]}" env PATH="$T/bin" "$top_srcdir/scripts/run-tests" --no-install --bad-arg >/dev/null 2>&1
check "run-tests --no-install as a user does not go through sudo" test ! -s "$T/sudo-args"
finish
