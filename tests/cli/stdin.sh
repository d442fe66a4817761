#!/bin/bash
# How verify and inspect read a token: from standard input only, at most 8 KiB plus one line
# ending, which is the only thing removed.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env
tok=$(mint alice)

# first_line FORMAT [ARG]: the first line of verify's output for exactly the bytes that
# printf FORMAT ARG makes.
first_line() {
	# shellcheck disable=SC2059 # the format is the test input
	printf "$@" | "$CG" verify --config "$T/changegate.conf" --user alice --scope login 2>&1 |
		head -n 1
}
check_line() {
	local desc=$1 want=$2 got
	shift 2
	got=$(first_line "$@")
	if [ "$got" = "$want" ]; then pass "$desc"; else fail "$desc (got '$got')"; fi
}

check_line "token with no newline" allow '%s' "$tok"
check_line "token and \\n" allow '%s\n' "$tok"
check_line "token and \\r\\n" allow '%s\r\n' "$tok"
check_line "token and two newlines" "deny: malformed" '%s\n\n' "$tok"
check_line "token and a space" "deny: malformed" '%s \n' "$tok"
check_line "token and a lone \\r" "deny: malformed" '%s\r' "$tok"
check_line "a leading newline" "deny: malformed" '\n%s' "$tok"
check_line "a trailing '='" "deny: malformed" '%s=\n' "$tok"
check_line "a trailing '.'" "deny: malformed" '%s.\n' "$tok"
check_line "empty stdin" "deny: no_token" ''
check_line "only a newline" "deny: no_token" '\n'

# The token can never come from argv: a stray argument is a usage error, and the message
# does not echo it back.
out=$("$CG" verify --config "$T/changegate.conf" --user alice --scope login "$tok" </dev/null 2>&1)
rc=$?
check "a token as an argument is refused with exit 2" test "$rc" -eq 2
check "the refusal says stdin only" grep -q 'standard input only' <<<"$out"
check "the refusal does not echo the token" test "${out/$tok/}" = "$out"
check "the refusal says to revoke an exposed token" grep -q 'revoke it' <<<"$out"
check_rc "there is no --token option" 2 "$CG" verify --config "$T/changegate.conf" \
	--user alice --scope login --token "$tok"
check_rc "inspect takes no argument either" 2 "$CG" inspect "$tok"

# Size cap: 8192 bytes plus "\r\n" may be read; beyond that, too_large without decoding.
big=$(head -c 65536 /dev/zero | tr '\0' 'A')
out=$(printf '%s' "$big" | "$CG" verify --config "$T/changegate.conf" --user alice --scope login 2>&1)
rc=$?
check "64 KiB on stdin: deny: too_large" test "$(head -n 1 <<<"$out")" = "deny: too_large"
check "64 KiB on stdin: exit 1" test "$rc" -eq 1
big=$(head -c 65536 /dev/zero | tr '\0' 'A').$(head -c 100 /dev/zero | tr '\0' 'B').cc
check_line "64 KiB token-shaped input" "deny: too_large" '%s\n' "$big"
check_out "64 KiB JSON output" '"reason":"too_large"' 1 \
	sh -c "head -c 65536 /dev/zero | '$CG' verify --config '$T/changegate.conf' --user alice --scope login --json"
check_out "inspect of 64 KiB: too_large" '^not decodable: too_large' 1 \
	sh -c "head -c 65536 /dev/zero | '$CG' inspect"
just=$(head -c 8193 /dev/zero | tr '\0' 'A')
check_line "8193 bytes: too_large" "deny: too_large" '%s' "$just"
at=$(head -c 8192 /dev/zero | tr '\0' 'A')
check_line "8192 bytes of one segment: malformed, not too_large" "deny: malformed" '%s\r\n' "$at"
finish
