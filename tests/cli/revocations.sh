#!/bin/bash
# Signed revocation lists (issue 13), end to end through `changegate revocations` and
# `changegate verify`: lists minted by Debian's python3-jwt and by our own signer; every
# refusal install owes; what a gated decision says when the list in force is missing, stale,
# rolled back or badly signed; a list is never a token and a token never a list.
. "${top_srcdir:?}/tests/cli/lib.sh"

if ! "$PY" -c 'import jwt, cryptography' 2>/dev/null; then
	echo "SKIP: $PY lacks jwt or cryptography (apt-get install python3-jwt python3-cryptography)"
	exit 77
fi
RL="$top_srcdir/tests/cli/revlist_jwt.py"
mkdir -m 0755 "$T/lists" || exit 99
cli_env "revocation_list = $T/lists/revoked.jws"
CONF="$T/changegate.conf"
now=$(date +%s)

# pylist SEQ [CHG-JSON JTI-JSON [EXTRA-MEMBERS]]: a PyJWT ES256 list from issuer-1.
pylist() {
	local seq=$1 chg=${2:-[]} jti=${3:-[]} extra=${4:-}
	"$PY" "$RL" list "$T/issuer-1.key" ES256 issuer-1 \
		"{\"revocations\": {\"seq\": $seq, \"chg\": $chg, \"jti\": $jti}$extra}"
}
install() { "$CG" revocations install --config "$CONF" "$@"; }

tok=$(mint alice --jti tok-a) || exit 99
other=$(mint alice --ticket CHG0099999 --jti tok-b) || exit 99

# ---- no list installed yet: gated decisions refused ----------------------------------------
expect_verdict "no list installed: revocation_invalid" "deny: revocation_invalid" "$tok" \
	--user alice --scope login

# ---- PyJWT lists -----------------------------------------------------------------------------
pylist 1 '["CHG0012345"]' >"$T/l1"
check_out "PyJWT list: installed" "^installed: seq 1 \(1 chg, 0 jti, signed by issuer-1\)" 0 \
	install "$T/l1"
check_out "installed file is root-owned 0644 (or ours)" "^644 " 0 stat -c '%a %U' \
	"$T/lists/revoked.jws"
check_out "same list again: a no-op" "^unchanged: seq 1" 0 install "$T/l1"
check_out "show: seq, ids, key, ok" "seq: 1 .*ids: 1 chg, 0 jti.*signed by: issuer-1 \(ES256\).*state: ok" 0 \
	sh -c "'$CG' revocations show --config '$CONF' | tr '\n' ' '"
check_out "show --json" '"state": "ok"' 0 "$CG" revocations show --config "$CONF" --json
expect_verdict "revoked by chg" "deny: revoked" "$tok" --user alice --scope login
expect_verdict "another ticket is allowed" allow "$other" --user alice --scope login

pylist 2 '[]' '["tok-b"]' >"$T/l2"
check_out "seq 2 installed" "^installed: seq 2" 0 install "$T/l2"
expect_verdict "snapshot: the chg absent from seq 2 is no longer revoked" allow "$tok" \
	--user alice --scope login
expect_verdict "revoked by jti" "deny: revoked" "$other" --user alice --scope login

# ---- refusals: each exit 1 with the reason, the installed list untouched ---------------------
"$CG" keygen --alg ES256 --out "$T/foreign" >/dev/null || exit 99
"$CG" keygen --alg RS256 --out "$T/rsa" >/dev/null || exit 99
cp "$T/rsa.pub" "$T/keys/rsa-1.pem" || exit 99
refuse() {
	local desc=$1 code=$2 file=$3
	check_out "refused: $desc ($code)" "^refused: $code" 1 install "$file"
}
"$PY" "$RL" tamper '{"revocations": {"seq": 3, "chg": [], "jti": []}}' <"$T/l2" >"$T/bad"
refuse "tampered payload" revocation_invalid "$T/bad"
"$PY" "$RL" list "$T/foreign.key" ES256 issuer-1 '{"revocations": {"seq": 3, "chg": [], "jti": []}}' >"$T/bad"
refuse "a foreign key under a known kid" revocation_invalid "$T/bad"
"$PY" "$RL" list "$T/foreign.key" ES256 nosuchkey '{"revocations": {"seq": 3, "chg": [], "jti": []}}' >"$T/bad"
refuse "an unknown kid" revocation_invalid "$T/bad"
"$PY" "$RL" forge-hs256 "$T/keys/rsa-1.pem" rsa-1 '{"revocations": {"seq": 3, "chg": [], "jti": []}}' >"$T/bad"
refuse "HS256 keyed with the public key" revocation_invalid "$T/bad"
"$PY" "$RL" none '{"revocations": {"seq": 3, "chg": [], "jti": []}}' >"$T/bad"
refuse "alg none" revocation_invalid "$T/bad"
pylist 3 '[]' '[]' ', "iss": "https://other.example.test"' >"$T/bad"
refuse "wrong iss" revocation_invalid "$T/bad"
pylist 3 '[]' '[]' ', "aud": ["prod-other"]' >"$T/bad"
refuse "wrong aud" revocation_invalid "$T/bad"
pylist 3 '[]' '[]' ", \"iat\": $((now - 7200)), \"exp\": $((now - 3600))" >"$T/bad"
refuse "already stale" revocation_stale "$T/bad"
pylist 1 >"$T/bad"
refuse "a lower seq" revocation_rollback "$T/bad"
pylist 2 '["CHG0000001"]' >"$T/bad"
refuse "the same seq with other content" revocation_rollback "$T/bad"
pylist 3 '[]' '[]' ', "sub": "alice"' >"$T/bad"
refuse "a token claim in a list" revocation_invalid "$T/bad"
pylist 3 '["not an id"]' >"$T/bad"
refuse "an entry that is not an id" revocation_invalid "$T/bad"
printf '%s\n' "$tok" >"$T/bad"
refuse "a token offered as a list" revocation_invalid "$T/bad"
check_out "after the refusals seq 2 is still in force" "seq: 2 " 0 "$CG" revocations show \
	--config "$CONF"
check_out "check-config: the list in force" "revocation_list: .*seq 2, 0 chg and 1 jti, signed by issuer-1" 0 \
	"$CG" check-config --config "$CONF"
expect_verdict "a list offered as a token: bad_claim" "deny: bad_claim" "$(cat "$T/l2")" \
	--user alice --scope login

pylist 3 '[]' '[]' ", \"iat\": $((now - 3000)), \"exp\": $((now + 600))" >"$T/l3"
check_out "a list with 10 of its 60 minutes left installs" "^installed: seq 3" 0 install "$T/l3"
check_out "check-config: near stale" "^problem: revocation_list .*\(seq 3\) is near stale" 1 \
	"$CG" check-config --config "$CONF"

# ---- the list in force changed behind install's back ------------------------------------------
cp "$T/l3" "$T/good"
pylist 1 >"$T/lists/revoked.jws"
expect_verdict "a lower seq written by hand: revocation_rollback" "deny: revocation_rollback" \
	"$tok" --user alice --scope login
check_out "check-config: rolled back" "^problem: revocation_list .*\(revocation_rollback\)" 1 \
	"$CG" check-config --config "$CONF"
pylist 9 '[]' '[]' ", \"iat\": $((now - 7200)), \"exp\": $((now - 3600))" >"$T/lists/revoked.jws"
expect_verdict "a stale list written by hand: revocation_stale" "deny: revocation_stale" \
	"$tok" --user alice --scope login
check_out "check-config: stale" "^problem: revocation_list .*\(revocation_stale\)" 1 \
	"$CG" check-config --config "$CONF"
"$PY" "$RL" tamper '{"iss": "https://change.example.test"}' <"$T/good" | tr 'A-Ma-m' 'N-Zn-z' \
	>"$T/lists/revoked.jws"
expect_verdict "a broken list written by hand: revocation_invalid" "deny: revocation_invalid" \
	"$tok" --user alice --scope login
sed 's/\.[^.]*$/.AAAA/' "$T/good" >"$T/lists/revoked.jws"
expect_verdict "a broken signature written by hand: revocation_invalid" \
	"deny: revocation_invalid" "$tok" --user alice --scope login
check_out "check-config: badly signed" "^problem: revocation_list .*\(revocation_invalid\)" 1 \
	"$CG" check-config --config "$CONF"
rm "$T/lists/revoked.jws"
expect_verdict "a missing list: revocation_invalid" "deny: revocation_invalid" "$tok" \
	--user alice --scope login
check_rc "show on a missing list: exit 1" 1 "$CG" revocations show --config "$CONF"
check_out "check-config: missing" "^problem: revocation_list is missing" 1 \
	"$CG" check-config --config "$CONF"

# ---- our own signer, and time -------------------------------------------------------------------
sign() {
	"$CG" revocations sign --key "$T/issuer-1.key" --kid issuer-1 --iss "$CG_ISS" \
		--aud "$CG_AUD" "$@"
}
sign --seq 4 --ttl 10m --chg CHG0012345 --jti tok-b >"$T/l4" || exit 99
check_out "our signer's list installs" "^installed: seq 4 \(1 chg, 1 jti" 0 install - <"$T/l4"
expect_verdict "our list: revoked by chg" "deny: revoked" "$tok" --user alice --scope login
long=$(mint alice --ticket CHG0077777 --jti tok-c --ttl 4h) || exit 99
expect_verdict "our list: fresh now" allow "$long" --user alice --scope login
expect_verdict "stale at a later clock (verify --at)" "deny: revocation_stale" "$long" \
	--user alice --scope login --at $((now + 1800))
printf 'chg CHG0000001\n# a comment\n\njti tok-z\n' >"$T/ids"
sign --seq 5 --ttl 1h --chg CHG0000002 --from "$T/ids" >"$T/l5" || exit 99
check_out "sign --from: the file's ids after the options'" \
	'"chg":\["CHG0000002","CHG0000001"\].*"jti":\["tok-z"\]' 0 b64url_decode "$(cut -d. -f2 "$T/l5")"
check_rc "sign: a bad id is a usage error" 2 sign --seq 5 --ttl 1h --chg 'bad id'
check_rc "sign: seq 0 is a usage error" 2 sign --seq 0 --ttl 1h
check_rc "install: no file is a usage error" 2 "$CG" revocations install --config "$CONF"
check_rc "an unknown action is a usage error" 2 "$CG" revocations frobnicate

# ---- revocation_kids: only the named keys may sign lists ---------------------------------------
write_config "revocation_list = $T/lists/revoked.jws
revocation_kids = rsa-1"
sign --seq 6 --ttl 1h >"$T/l6" || exit 99
refuse "a key revocation_kids does not name" revocation_invalid "$T/l6"
"$CG" revocations sign --key "$T/rsa.key" --kid rsa-1 --iss "$CG_ISS" --aud "$CG_AUD" \
	--seq 6 --ttl 1h >"$T/l6r" || exit 99
check_out "the key revocation_kids names (RS256)" "^installed: seq 6" 0 install "$T/l6r"
write_config ""
check_rc "install without revocation_list: exit 2" 2 install "$T/l6r"
finish
