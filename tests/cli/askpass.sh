#!/bin/bash
# changegate-askpass and `changegate token` as a developer runs them, without ssh: which
# prompt gets what, the fallback, the token store's modes, continuation slices, and that the
# helper links neither libjwt nor libcrypto (it runs on laptops). The real ssh client and
# sshd drive it in tests/e2e/ssh_askpass.sh.
. "$top_srcdir/tests/cli/lib.sh"
AP=$top_builddir/tools/changegate-askpass
cli_env
me=$(id -un)
export HOME=$T/home XDG_CONFIG_HOME=
unset CHANGEGATE_TOKEN_FILE CHANGEGATE_ASKPASS_FALLBACK XDG_CONFIG_HOME
mkdir -m 0700 "$HOME"
store=$HOME/.config/changegate/tokens
P="Change ticket token for $me on $CG_HOST ($CG_AUD): "

# ---- the helper's own linking: no verifier on a laptop
bin=$top_builddir/tools/.libs/changegate-askpass
[ -f "$bin" ] || bin=$AP
needed=$(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $needed in
*libjwt* | *libcrypto* | *libssl*) fail "changegate-askpass needs only libc and jansson (needs: $needed)" ;;
*) pass "changegate-askpass needs only: $needed" ;;
esac
check_out "--help says what it answers" "CHANGEGATE_ASKPASS_FALLBACK" 0 "$AP" --help
check_out "no prompt is a usage error" "usage" 2 "$AP"

# ---- token add and list
good=$(mint "$me" --ticket CHG0000001)
check_out "token add without a directory creates it" "stored CHG0000001 for $me on $CG_AUD" 0 \
	sh -c "printf '%s\n' '$good' | '$CG' token add -"
check "the store is 0700" sh -c "stat -c %a '$store' | grep -qx 700"
check "... and so is its parent" sh -c "stat -c %a '$HOME/.config/changegate' | grep -qx 700"
check "the token file is 0600" sh -c "stat -c %a '$store'/CHG0000001-* | grep -qx 600"
check "no temporary is left" sh -c "! ls -A '$store' | grep -q '^\\.'"
check_out "token list shows ticket, audience, user and expiry" \
	"^CHG0000001	$CG_AUD	$me	.* UTC \\(in .*\\)	good	CHG0000001-" 0 "$CG" token list
expired=$(mint "$me" --ticket CHG0000002 --nbf $(($(date +%s) - 7200)) --ttl 1h)
printf '%s\n' "$expired" >"$T/expired.jwt"
check_out "token add refuses an expired token" "expired" 1 "$CG" token add "$T/expired.jwt"
check_out "token add refuses what is not a token" "not stored" 1 sh -c "echo nope | '$CG' token add -"
check_out "token add with a usage error" "expected" 2 "$CG" token frob

# ---- the prompt and the answer
check_out "changegate's prompt gets the token" "^$good\$" 0 "$AP" "$P"
check_out "... with ssh's (user@host) prefix too" "^$good\$" 0 "$AP" "($me@127.0.0.1) $P"
passphrase_prompt() {
	local out
	out=$("$AP" "Enter passphrase for key '$HOME/.ssh/id_ed25519': " 2>/dev/null)
	[ $? -eq 1 ] && [ -z "$out" ]
}
check "a passphrase prompt gets nothing, exit 1" passphrase_prompt
cat >"$T/fallback" <<FB
#!/bin/sh
printf '%s\n' "\$1" >>"$T/fallback.log"
echo from-fallback
FB
chmod 0755 "$T/fallback"
check_out "... or the fallback's answer" "^from-fallback\$" 0 \
	env CHANGEGATE_ASKPASS_FALLBACK="$T/fallback" "$AP" "Password: "
check "... which was given the prompt" grep -qx "Password: " "$T/fallback.log"
check_out "a relative fallback is refused" "absolute" 1 \
	env CHANGEGATE_ASKPASS_FALLBACK=fallback "$AP" "Password: "
check_out "the fallback never gets changegate's prompt" "^$good\$" 0 \
	env CHANGEGATE_ASKPASS_FALLBACK="$T/fallback" "$AP" "$P"
check "... (it was asked once only)" sh -c "wc -l <'$T/fallback.log' | grep -qx 1"
check_out "another audience's prompt gets nothing" "no token for $me on $CG_HOST \\(prod-other\\)" 1 \
	"$AP" "Change ticket token for $me on $CG_HOST (prod-other): "
check_out "another user's prompt gets nothing" "is for another user" 1 \
	"$AP" "Change ticket token for someone-else on $CG_HOST ($CG_AUD): "

# ---- several tokens: the one that expires last
later=$(mint "$me" --ticket CHG0000003 --ttl 2h)
printf '%s\n' "$later" | "$CG" token add - >/dev/null
check_out "of two, the token that expires last" "^$later\$" 0 "$AP" "$P"

# ---- a long token, in ssh-sized pieces
cmds=()
for i in $(seq -w 1 24); do cmds+=(--cmd "/usr/local/sbin/deploy-service-$i"); done
long=$(mint "$me" --ticket CHG0000004 --ttl 3h "${cmds[@]}")
printf '%s\n' "$long" >"$T/long.jwt"
chmod 0600 "$T/long.jwt"
pieces() {
	local off=0 got="" part
	while :; do
		if [ "$off" -eq 0 ]; then
			part=$(CHANGEGATE_TOKEN_FILE="$T/long.jwt" "$AP" "$P") || return 1
		else
			part=$(CHANGEGATE_TOKEN_FILE="$T/long.jwt" "$AP" "Change ticket token for $me on $CG_HOST ($CG_AUD), continued from byte $off (the answer was cut after $off characters; paste the rest): ") || return 1
		fi
		[ ${#part} -le 1023 ] || return 1
		got=$got$part
		off=$((off + ${#part}))
		[ ${#part} -eq 1023 ] || break
	done
	[ ${#long} -gt 1023 ] && [ "$got" = "$long" ]
}
check "a ${#long}-byte token comes out in 1023-byte pieces that make it whole" pieces

# ---- the rules for files
chmod 0644 "$T/long.jwt"
check_out "CHANGEGATE_TOKEN_FILE readable by others is refused, naming it" \
	"$T/long.jwt: mode 0644" 1 env CHANGEGATE_TOKEN_FILE="$T/long.jwt" "$AP" "$P"
ln -s "$T/expired.jwt" "$store/link"
check_out "a symlink in the store is refused, naming it" "$store/link: is a symbolic link" 0 "$AP" "$P"
rm -f "$store/link"
chmod 0755 "$store"
check_out "a store others can enter is refused" "$store: mode 0755" 1 "$AP" "$P"
check_out "... and token list says so" "$store: mode 0755" 1 "$CG" token list
chmod 0700 "$store"
# ---- prune: the expired go, what is not a token stays
printf '%s\n' "$expired" >"$store/old" && chmod 0600 "$store/old"
echo "notes" >"$store/notes" && chmod 0600 "$store/notes"
check_out "token prune removes the expired token" "^removed \\(expired\\): old\$" 0 "$CG" token prune
check "... which is gone" test ! -e "$store/old"
check "... and leaves what it cannot read" test -e "$store/notes"
check "... and the good tokens" sh -c "ls '$store' | grep -q '^CHG0000001-'"
check "the helper never writes a token to stderr" \
	sh -c "! '$AP' 'Change ticket token for $me on $CG_HOST (other): ' 2>&1 >/dev/null | grep -qF -- '${good##*.}'"
finish
