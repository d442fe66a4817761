#!/bin/bash
# The main denials, end to end through the command line: each token is minted by
# `changegate issue` and judged by `changegate verify`, whose first line names the reason.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env

now=$(date +%s)
tok=$(mint alice --nbf "$now" --ttl 1h --hosts 'web-*.prod.example' \
	--cmd '/usr/bin/systemctl restart nginx' --cmd /usr/bin/journalctl --runas root --runas www-data)

expect_verdict "allowed as minted" allow "$tok" --user alice --scope sudo \
	--command "/usr/bin/systemctl restart nginx"
expect_verdict "expired an hour later (--at)" "deny: expired" "$tok" --user alice --scope login \
	--at $((now + 3600 + 61))
expect_verdict "still valid within the leeway" allow "$tok" --user alice --scope login \
	--at $((now + 3600 + 30))
expect_verdict "not yet valid before nbf" "deny: not_yet_valid" "$tok" --user alice \
	--scope login --at $((now - 600))
expect_verdict "wrong user" "deny: wrong_user" "$tok" --user mallory --scope login
expect_verdict "wrong host" "deny: host_denied" "$tok" --user alice --scope login \
	--host db-01.prod.example
expect_verdict "matching host pattern" allow "$tok" --user alice --scope login \
	--host web-17.prod.example
expect_verdict "command not covered" "deny: command_denied" "$tok" --user alice --scope sudo \
	--command "/usr/bin/systemctl stop nginx"
expect_verdict "a shell is not covered" "deny: command_denied" "$tok" --user alice --scope sudo \
	--command "/bin/bash"
expect_verdict "path-only entry allows any arguments" allow "$tok" --user alice --scope sudo \
	--command "/usr/bin/journalctl -u nginx"
expect_verdict "runas not listed" "deny: runas_denied" "$tok" --user alice --scope sudo \
	--command /usr/bin/journalctl --runas nobody
expect_verdict "runas listed" allow "$tok" --user alice --scope sudo \
	--command /usr/bin/journalctl --runas www-data

tok_root=$(mint alice --scope sudo --cmd /usr/bin/id)
expect_verdict "no runas claim: root allowed" allow "$tok_root" --user alice --scope sudo \
	--command /usr/bin/id
expect_verdict "no runas claim: others denied" "deny: runas_denied" "$tok_root" --user alice \
	--scope sudo --command /usr/bin/id --runas nobody
expect_verdict "sudo-only token refused at login" "deny: scope_denied" "$tok_root" --user alice \
	--scope login

tok_login=$(mint alice --scope login)
expect_verdict "login-only token refused for sudo" "deny: scope_denied" "$tok_login" \
	--user alice --scope sudo --command /usr/bin/id

# Revocation through the CLI: by ticket, then by jti.
tok_a=$(mint alice --ticket CHG0000001 --jti jti-a)
tok_b=$(mint alice --ticket CHG0000002 --jti jti-b)
expect_verdict "before revoke: allowed" allow "$tok_a" --user alice --scope login
check_out "revoke --ticket" 'revoked ticket CHG0000001' 0 \
	"$CG" revoke --config "$T/changegate.conf" --ticket CHG0000001
expect_verdict "revoked ticket" "deny: revoked" "$tok_a" --user alice --scope login
expect_verdict "another ticket unaffected" allow "$tok_b" --user alice --scope login
check_out "revoke --jti" 'revoked jti jti-b' 0 \
	"$CG" revoke --config "$T/changegate.conf" --jti jti-b
expect_verdict "revoked jti" "deny: revoked" "$tok_b" --user alice --scope login
check "the revocation file holds both" grep -qx CHG0000001 "$T/revoked"
check "the revocation file holds the jti" grep -qx jti-b "$T/revoked"
check_rc "revoke needs exactly one of --ticket/--jti" 2 \
	"$CG" revoke --config "$T/changegate.conf" --ticket A --jti B
check_rc "revoke refuses a value with a newline" 2 \
	"$CG" revoke --config "$T/changegate.conf" --ticket "$(printf 'A\nB')"

# Self-approval cannot even be minted.
check_out "issue refuses self-approval" 'must differ' 2 mint alice --approved-by alice

# Keys the host does not trust.
"$CG" keygen --alg ES256 --out "$T/rogue" >/dev/null || exit 99
tok_rogue=$(mint alice --key "$T/rogue.key" --kid rogue-1)
expect_verdict "unknown key" "deny: unknown_key" "$tok_rogue" --user alice --scope login
tok_forged=$(mint alice --key "$T/rogue.key" --kid issuer-1)
expect_verdict "known kid, other key" "deny: bad_signature" "$tok_forged" --user alice \
	--scope login

# Issuer, audience, lifetime and algorithms come from the config.
expect_verdict "wrong issuer" "deny: bad_issuer" "$(mint alice --iss https://evil.example)" \
	--user alice --scope login
expect_verdict "wrong audience" "deny: bad_audience" "$(AUD=prod-other mint alice)" \
	--user alice --scope login
expect_verdict "one of several audiences" allow "$(mint alice --aud prod-other --aud "$CG_AUD")" \
	--user alice --scope login
expect_verdict "lifetime above max_lifetime (4h)" "deny: lifetime_too_long" \
	"$(mint alice --ttl 5h)" --user alice --scope login
write_config "algorithms = RS256"
expect_verdict "ES256 not configured" "deny: bad_alg" "$tok" --user alice --scope login
write_config "emergency_keys = issuer-1"
expect_verdict "break-glass token from an emergency key" allow \
	"$(APPROVER='' mint alice --emergency --reason 'outage INC-1')" --user alice --scope login
write_config
expect_verdict "break-glass token from a normal key" "deny: bad_claim" \
	"$(mint alice --emergency --reason 'outage INC-1')" --user alice --scope login

# A denial still says what it is about, in words.
check_out "the plain-words line names the ticket" 'CHG0012345' 1 \
	verify "$tok" --user alice --scope login --at $((now + 7200))
check_out "expiry line" '^expires: +[0-9]{4}-[0-9]{2}-[0-9]{2} ' 1 \
	verify "$tok" --user alice --scope login --at $((now + 7200))

# verify only peeks at single-use records: checking twice never burns the token.
write_config "single_use = always"
tok_once=$(mint alice --jti once-1)
expect_verdict "single-use token, first check" allow "$tok_once" --user alice --scope login
expect_verdict "single-use token, second check" allow "$tok_once" --user alice --scope login
# (the revocation index, a cache, may appear there: it is not a record)
check "no single-use record written" test -z "$(ls -A "$T/state" | grep -vx revocation.idx)"

# A broken config denies with config_error and exit 2.
write_config "frobnicate = yes"
check_out "unusable config: deny: config_error" '^deny: config_error' 2 \
	verify "$tok" --user alice --scope login
check_out "unusable config: file:line on stderr" 'changegate\.conf:[0-9]+:' 2 \
	verify "$tok" --user alice --scope login
check_out "missing config: config_error" '^deny: config_error' 2 \
	sh -c "printf '%s\n' '$tok' | '$CG' verify --config '$T/nope.conf' --user alice --scope login"
finish
