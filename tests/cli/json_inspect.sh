#!/bin/bash
# verify --json is one JSON object a program can parse; inspect shows what a token says,
# marked UNVERIFIED, and never needs a key or a config.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env

now=$(date +%s)
tok=$(mint alice --jti json-jti-1 --ticket CHG0099999 --nbf "$now" --ttl 30m)

# check_json DESC PYTHON-EXPR JSON: the expression over the parsed object `o` is true.
check_json() {
	local desc=$1 expr=$2 json=$3
	if printf '%s' "$json" | "$PY" -c "import json, sys
o = json.loads(sys.stdin.read())
sys.exit(0 if ($expr) else 1)"; then
		pass "$desc"
	else
		fail "$desc"
		printf '    %s\n' "$json"
	fi
}

out=$(verify "$tok" --user alice --scope login --json)
check "--json allow exits 0" test $? -eq 0
check "--json prints exactly one line" test "$(printf '%s\n' "$out" | wc -l)" -eq 1
check_json "allow object" "o['decision'] == 'allow' and o['reason'] == 'ok' and o['verified'] is True" "$out"
check_json "ticket, jti, sub, approver" \
	"(o['ticket'], o['jti'], o['sub'], o['approver']) == ('CHG0099999', 'json-jti-1', 'alice', 'approver')" "$out"
check_json "expires is the exp claim" "o['expires'] == $((now + 1800))" "$out"
check_json "detail is words" "isinstance(o['detail'], str) and len(o['detail']) > 0" "$out"
check_json "gated, emergency, unrestricted" \
	"o['gated'] is True and o['emergency'] is False and o['unrestricted'] is False" "$out"
check_json "exactly the documented keys" "set(o) == {'decision','reason','detail','verified','ticket','jti','sub','approver','expires','runas','runas_groups','emergency','unrestricted','gated'}" "$out"
check_json "no runas claims: runas and runas_groups are null" \
	"o['runas'] is None and o['runas_groups'] is None" "$out"

# the target user and group claims, as arrays in the token's order (issue 14 item 1)
tok_ras=$(mint alice --cmd /usr/bin/id --runas root --runas www-data --runas-group shadow \
	--runas-group disk) || exit 99
out=$(verify "$tok_ras" --user alice --scope sudo --command /usr/bin/id --runas www-data --json)
check_json "runas and runas_groups are the claims' arrays" \
	"o['decision'] == 'allow' and o['runas'] == ['root', 'www-data'] and o['runas_groups'] == ['shadow', 'disk']" "$out"
out=$(verify "$tok_ras" --user alice --scope sudo --command /usr/bin/id --runas nobody --json)
check_json "... also in a denial (runas_denied)" \
	"o['reason'] == 'runas_denied' and o['runas'] == ['root', 'www-data']" "$out"
tok_ras=$(mint alice --cmd /usr/bin/id --runas svc1) || exit 99
out=$(verify "$tok_ras" --user alice --scope sudo --command /usr/bin/id --runas svc1 --json)
check_json "runas without runas_groups: an array and a null" \
	"o['runas'] == ['svc1'] and o['runas_groups'] is None" "$out"

tok_all=$(mint alice --all-commands 2>/dev/null)
out=$(verify "$tok_all" --user alice --scope sudo --command "/bin/sh -c id" --json)
check_json "a * ticket's sudo decision is marked unrestricted" \
	"o['decision'] == 'allow' and o['unrestricted'] is True" "$out"

out=$(verify "$tok" --user alice --scope login --json --at $((now + 7200)))
check "--json deny exits 1" test $? -eq 1
check_json "deny object" "o['decision'] == 'deny' and o['reason'] == 'expired' and o['ticket'] == 'CHG0099999'" "$out"

out=$(printf 'not-a-token\n' | "$CG" verify --config "$T/changegate.conf" --user alice --scope login --json)
check_json "malformed: no claims, nulls" "o['reason'] == 'malformed' and o['ticket'] is None and o['expires'] is None and o['runas'] is None and o['runas_groups'] is None and o['verified'] is False" "$out"

# Claims are untrusted: a control character in a claim never reaches the output raw.
"$CG" keygen --alg ES256 --out "$T/esc" >/dev/null && cp "$T/esc.pub" "$T/keys/esc.pem"
tok_ctl=$("$CG" issue --key "$T/esc.key" --kid esc --iss "$CG_ISS" --aud "$CG_AUD" --sub alice \
	--ticket CHG1 --approved-by 'Zoë"quoted"\back' --scope login --ttl 1h)
out=$(verify "$tok_ctl" --user alice --scope login --json)
check_json "quotes, backslash and UTF-8 survive JSON" "o['approver'] == 'Zo\\u00eb\"quoted\"\\\\back'" "$out"
out=$(verify "$tok_ctl" --user alice --scope login)
check "text output escapes non-ASCII bytes and the backslash" grep -Fq 'approver: Zo\xc3\xab"quoted"\x5cback' <<<"$out"

out=$(printf '%s\n' "$tok" | "$CG" inspect)
check "inspect exits 0" test $? -eq 0
check "inspect says UNVERIFIED first" test "$(head -n 1 <<<"$out" | cut -d: -f1)" = UNVERIFIED
check "inspect shows the header" grep -q '"kid": "issuer-1"' <<<"$out"
check "inspect shows the claims" grep -q '"chg": "CHG0099999"' <<<"$out"
check "inspect shows exp in words" grep -Eq '^exp: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC \(in (30 minutes|29 minutes)\)' <<<"$out"
check "inspect shows nbf in words" grep -Eq '^nbf: .* UTC' <<<"$out"

# Inspect trusts nothing: a token from an unknown key, expired, still decodes.
tok_old=$("$CG" issue --key "$T/esc.key" --kid nobody-knows --iss x --aud y --sub bob \
	--ticket C --approved-by a --scope sudo --ttl 60 --nbf 1000000000)
check_out "inspect decodes an expired token of an unknown key" '"sub": "bob"' 0 \
	sh -c "printf '%s\n' '$tok_old' | '$CG' inspect"
check_out "inspect shows a past expiry" '^exp: 2001-09-09 01:47:40 UTC \(.* ago\)' 0 \
	sh -c "printf '%s\n' '$tok_old' | '$CG' inspect"
check_out "inspect of garbage: malformed, exit 1" '^not decodable: malformed' 1 \
	sh -c "printf 'a.b\n' | '$CG' inspect"
check_out "inspect of nothing: exit 1" '^not decodable:' 1 sh -c "'$CG' inspect </dev/null"
finish
