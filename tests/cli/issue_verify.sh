#!/bin/bash
# `changegate issue` then `changegate verify`: an allow for every algorithm, the header the
# issuer writes, and the inputs `issue` must refuse because no host would accept them.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env

# One key per curve, one RSA key for the three RSA algorithms (as keygen --help says).
for k in ES256 ES384 ES512 RS256; do
	"$CG" keygen --alg "$k" --out "$T/key-$k" >/dev/null || exit 99
	cp "$T/key-$k.pub" "$T/keys/key-$k.pem" || exit 99
done
for alg in ES256 ES384 ES512 RS256 RS384 RS512; do
	k=$alg
	extra=()
	case $alg in RS*) k=RS256; extra=(--alg "$alg") ;; esac
	tok=$(mint alice --key "$T/key-$k.key" --kid "key-$k" "${extra[@]}" \
		--cmd "/usr/bin/systemctl restart nginx")
	check "issue signs with $alg" test -n "$tok"
	hdr=$(b64url_decode "${tok%%.*}")
	check_out "$alg header is {alg, kid, typ}" \
		"^\{\"alg\":\"$alg\",\"kid\":\"key-$k\",\"typ\":\"JWT\"\}$" 0 echo "$hdr"
	expect_verdict "$alg token allows login" allow "$tok" --user alice --scope login
	expect_verdict "$alg token allows sudo" allow "$tok" --user alice --scope sudo \
		--command "/usr/bin/systemctl restart nginx"
done

check_rc "ES256 key refuses --alg ES384" 1 mint alice --alg ES384
check_rc "--alg HS256 is a usage error" 2 mint alice --alg HS256
check_rc "--alg none is a usage error" 2 mint alice --alg none
check_rc "an EC key refuses --alg RS256" 1 mint alice --alg RS256
check_rc "an RSA key refuses --alg ES256" 1 mint alice --key "$T/key-RS256.key" --kid x --alg ES256

# Claims as given; nbf/iat/exp from --nbf and --ttl.
tok=$(mint alice --jti fixed-jti-1 --nbf 1700000000 --ttl 90m --hosts 'web-*.prod.example' \
	--hosts db-01 --cmd /usr/bin/systemctl --runas root --runas www-data --reason 'disk full')
claims=$(b64url_decode "$(printf '%s' "$tok" | cut -d. -f2)")
check_out "claims carry the options" \
	'"chg":"CHG0012345".*"cmds":\["/usr/bin/systemctl"\].*"exp":1700005400.*"hosts":\["web-\*.prod.example","db-01"\].*"iat":1700000000.*"jti":"fixed-jti-1".*"nbf":1700000000.*"reason":"disk full".*"runas":\["root","www-data"\]' \
	0 echo "$claims"
expect_verdict "the backdated token is valid inside its window" allow "$tok" \
	--user alice --scope sudo --command "/usr/bin/systemctl stop nginx" --runas www-data \
	--at 1700003000
tok2=$(mint alice)
j1=$(printf '%s' "$tok2" | cut -d. -f2)
check "a default jti is random" test "$(mint alice | cut -d. -f2)" != "$j1"

# What issue refuses (exit 2), before touching the key.
check_out "self-approval is refused" 'must differ' 2 mint alice --approved-by alice
check_rc "--emergency without --reason is refused" 2 mint alice --emergency
mint_unapproved() { APPROVER='' mint "$@"; }
check "--emergency with --reason needs no approver" mint_unapproved alice --emergency \
	--reason outage
check_out "self-approval is refused with --emergency too" 'must differ' 2 \
	mint alice --emergency --reason outage --approved-by alice
check_out "no approver without --emergency is refused" 'approved-by is required' 2 \
	mint_unapproved alice
check_rc "bad kid (path)" 2 mint alice --kid ../../dev/null
check_rc "bad kid (leading dot)" 2 mint alice --kid .hidden
check_rc "kid of 65 characters" 2 mint alice --kid "$(printf 'k%.0s' {1..65})"
check_rc "unknown scope" 2 mint alice --scope shell
check_rc "repeated scope" 2 mint alice --scope login,login
check_rc "empty scope" 2 mint alice --scope ''
check_rc "ttl of zero" 2 mint alice --ttl 0
check_out "ttl above the default max_lifetime: a warning, still minted" 'warning: --ttl' 0 \
	mint alice --ttl 5h
check_rc "ttl with unknown unit" 2 mint alice --ttl 2d
check_rc "ttl beyond 30 days" 2 mint alice --ttl 721h
check_rc "relative --cmd" 2 mint alice --cmd systemctl
# cmds is an allow list (issue 14 item 2): "*" only when asked for by name, and a sudo token
# that names no command is minted with a warning that it allows none
check_out "--cmd '*' is refused, pointing at --all-commands" "use --all-commands" 2 \
	mint alice --cmd '*'
check_out "--all-commands with --cmd is refused" "leave out --cmd" 2 \
	mint alice --all-commands --cmd /usr/bin/id
check_rc "--all-commands without sudo scope" 2 mint alice --scope login --all-commands
check_out "a sudo token without --cmd: a warning that it allows no command" \
	'warning: --scope sudo without --cmd: this token allows no sudo command' 0 mint alice
check_out "--all-commands: a warning that it allows everything" \
	'warning: --all-commands: this token allows every sudo command' 0 mint alice --all-commands
quiet_mint() { local err; err=$(mint "$@" 2>&1 >/dev/null) && [ -z "$err" ]; }
check "a login-only token needs no --cmd, and gets no warning" quiet_mint alice --scope login
tok_all=$(mint alice --all-commands 2>/dev/null)
check_out "--all-commands writes cmds [\"*\"]" '"cmds":\["\*"\]' 0 \
	b64url_decode "$(printf '%s' "$tok_all" | cut -d. -f2)"
expect_verdict "a * token allows any command, and says it is unrestricted" \
	allow "$tok_all" --user alice --scope sudo --command "/bin/sh -c id"
check_out "... in plain words" 'allows any command \(an unrestricted ticket: its cmds is \*\)' \
	0 verify "$tok_all" --user alice --scope sudo --command "/bin/sh -c id"
check_out "... and in the claims shown" '^commands: any \(unrestricted: cmds is \*\)$' \
	0 verify "$tok_all" --user alice --scope sudo --command "/bin/sh -c id"
tok_none=$(mint alice 2>/dev/null)
expect_verdict "a token without cmds allows no sudo command" "deny: command_denied" \
	"$tok_none" --user alice --scope sudo --command /usr/bin/id
check_rc "--cmd without sudo scope" 2 mint alice --scope login --cmd /usr/bin/id
check_rc "jti with a space" 2 mint alice --jti 'a b'
check_rc "jti of 129 characters" 2 mint alice --jti "$(printf 'j%.0s' {1..129})"
check_rc "space in --ticket" 2 mint alice --ticket 'CHG 1'
check_rc "space in --approved-by" 2 mint alice --approved-by 'Jane Doe'
check_rc "space in --hosts" 2 mint alice --hosts 'web 1'
check "spaces in --reason and --cmd are fine" mint alice --reason 'disk full' \
	--cmd '/usr/bin/systemctl restart nginx'
check_rc "control character in sub" 2 mint "$(printf 'ali\tce')"
check_rc "not UTF-8 in reason" 2 mint alice --reason "$(printf 'caf\xe9')"
check_rc "--nbf not a number" 2 mint alice --nbf 1e9
check_rc "missing --sub" 2 "$CG" issue --key "$T/issuer-1.key" --kid issuer-1 --iss "$CG_ISS" \
	--aud "$CG_AUD" --ticket CHG1 --approved-by b --scope login --ttl 1h
check_rc "unknown option" 2 mint alice --verbose
check_rc "stray argument" 2 mint alice extra

chmod 0640 "$T/issuer-1.key"
check_out "a group-readable private key is refused" 'chmod 600' 1 mint alice
chmod 0600 "$T/issuer-1.key"
install -m 0600 "$T/keys/issuer-1.pem" "$T/public-only.pem"
check_out "a public key is not a signing key" 'not a PEM private key' 1 \
	mint alice --key "$T/public-only.pem"
check_rc "a missing key file" 1 mint alice --key "$T/nope.key"
# The target group (issue 14 item 1): --runas-group writes runas_groups; verify shows it.
tok=$(mint alice --runas svc1 --runas-group shadow --runas-group disk --cmd /usr/bin/id)
claims=$(b64url_decode "$(printf '%s' "$tok" | cut -d. -f2)")
check_out "--runas-group writes runas_groups" '"runas":\["svc1"\],"runas_groups":\["shadow","disk"\]' 0 \
	echo "$claims"
check_out "verify prints runas and runas_groups" '^groups: +shadow disk$' 0 \
	verify "$tok" --user alice --scope sudo --command /usr/bin/id --runas svc1
check_out "verify prints the runas list" '^runas: +svc1$' 0 \
	verify "$tok" --user alice --scope sudo --command /usr/bin/id --runas svc1
check_rc "--runas-group without sudo scope" 2 mint alice --scope login --runas-group shadow
check_rc "space in --runas-group" 2 mint alice --runas-group 'sha dow'

# Relative words in --cmd (issue 14 item 3): a warning, not an error. verify applies the
# directory rule to the current directory, or --cwd, as the plugin does to the command's.
check_out "a relative --cmd word draws a warning" \
	"warning: --cmd '/usr/bin/python3 migrate.py': 'migrate.py' is a relative path" 0 \
	mint alice --cmd '/usr/bin/python3 migrate.py'
no_warning() { ! mint alice "$@" 2>&1 >/dev/null | grep -q warning; }
check "absolute words, options and a trailing * draw none" \
	no_warning --cmd '/usr/bin/journalctl -u *' --cmd '/usr/bin/cat /etc/hosts'
check_out "every relative word is named" "'nginx' is a relative path" 0 \
	mint alice --cmd '/usr/bin/systemctl restart nginx'
tok=$(mint alice --cmd '/usr/bin/cat notes.txt' 2>/dev/null)
mkdir -m 0755 "$T/work" && echo notes >"$T/work/notes.txt"
in_work() { (cd "$T/work" && "$@"); }
check_out "verify refuses a command run in a directory root does not control" \
	'the command would run in .*/work, a directory root does not control' 1 \
	in_work verify "$tok" --user alice --scope sudo --command '/usr/bin/cat notes.txt'
in_root() { (cd / && "$@"); }
check_out "and allows it in / where the word names nothing" '^allow$' 0 \
	in_root verify "$tok" --user alice --scope sudo --command '/usr/bin/cat notes.txt'
check_out "--cwd / judges where sudoers' runcwd=/ runs it, wherever verify stands" '^allow$' 0 \
	in_work verify "$tok" --user alice --scope sudo --command '/usr/bin/cat notes.txt' --cwd /
check_out "--cwd names the directory judged" 'the command would run in .*/work, a directory' 1 \
	in_root verify "$tok" --user alice --scope sudo --command '/usr/bin/cat notes.txt' \
	--cwd "$T/work"
tok_all=$(mint alice --all-commands 2>/dev/null)
check_out "a * ticket is exempt from the directory rule" '^allow$' 0 \
	in_work verify "$tok_all" --user alice --scope sudo --command '/usr/bin/cat notes.txt'
check_rc "--cwd relative" 2 verify "$tok" --user alice --scope sudo --command /usr/bin/id \
	--cwd work
check_rc "--cwd without sudo scope" 2 verify "$tok" --user alice --scope login --cwd /

# issue 17: a token over the verifier's 8 KiB is refused at issue time, never printed
long=$(printf 'a%.0s' $(seq 200))
many=()
for i in $(seq 40); do many+=(--cmd "/usr/bin/$long$i"); done
check_out "a token over 8192 bytes is refused, saying why" \
	'over the 8192 that hosts accept \(they refuse it with too_large\)' 2 mint alice "${many[@]}"
out=$(mint alice "${many[@]}" 2>/dev/null)
if [ -z "$out" ]; then pass "... and nothing is printed"; else fail "a too-large token was printed"; fi
few=()
for i in $(seq 20); do few+=(--cmd "/usr/bin/$long$i"); done
tok=$(mint alice "${few[@]}" 2>/dev/null)
if [ "${#tok}" -gt 4096 ] && [ "${#tok}" -le 8192 ]; then
	check_out "a large token within the limit verifies" '^allow$' 0 \
		verify "$tok" --user alice --scope sudo --command "/usr/bin/${long}7"
else
	fail "the within-limit token is ${#tok} bytes"
fi

finish
