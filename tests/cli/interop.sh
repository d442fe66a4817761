#!/bin/bash
# Interop with Debian's python3-jwt: tokens it mints (ES256, RS256) verify under
# `changegate verify`, and tokens `changegate issue` mints verify under PyJWT. The negative
# cases show both sides really check.
. "${top_srcdir:?}/tests/cli/lib.sh"

# The precondition is the library itself; without it there is nothing to test against.
if ! "$PY" -c 'import jwt, cryptography' 2>/dev/null; then
	echo "SKIP: $PY lacks jwt or cryptography (apt-get install python3-jwt python3-cryptography)"
	exit 77
fi
INTEROP="$top_srcdir/tests/cli/interop_jwt.py"
cli_env

for alg in ES256 RS256; do
	kid="py-$alg"
	"$CG" keygen --alg "$alg" --out "$T/$kid" >/dev/null || exit 99
	cp "$T/$kid.pub" "$T/keys/$kid.pem" || exit 99

	# PyJWT mints, changegate verifies.
	tok=$("$PY" "$INTEROP" mint "$T/$kid.key" "$alg" "$kid" alice)
	check "PyJWT mints an $alg token" test -n "$tok"
	expect_verdict "PyJWT $alg token: changegate allows login" allow "$tok" --user alice \
		--scope login
	expect_verdict "PyJWT $alg token: changegate allows sudo" allow "$tok" --user alice \
		--scope sudo --command /usr/bin/id
	expect_verdict "PyJWT $alg token: wrong user still denied" "deny: wrong_user" "$tok" \
		--user bob --scope login
	# issuer-1 is an ES256 key: another EC key's signature fails, an RSA one names a key
	# that cannot serve its alg.
	want="deny: bad_signature"
	[ "$alg" = RS256 ] && want="deny: unknown_key"
	tok_other=$("$PY" "$INTEROP" mint "$T/$kid.key" "$alg" issuer-1 alice)
	expect_verdict "PyJWT $alg token under the issuer-1 kid: $want" "$want" \
		"$tok_other" --user alice --scope login

	# changegate mints, PyJWT verifies.
	tok=$(mint alice --key "$T/$kid.key" --kid "$kid" --jti "cg-$alg")
	out=$(printf '%s\n' "$tok" | "$PY" "$INTEROP" verify "$T/$kid.pub" "$alg" "$CG_ISS" "$CG_AUD")
	check "changegate $alg token: PyJWT verifies it" test $? -eq 0
	check "changegate $alg token: PyJWT sees the claims" grep -q '"jti": "cg-'"$alg"'"' <<<"$out"
	check_rc "changegate $alg token: PyJWT refuses another audience" 1 sh -c \
		"printf '%s\n' '$tok' | '$PY' '$INTEROP' verify '$T/$kid.pub' $alg '$CG_ISS' prod-other"
	check_rc "changegate $alg token: PyJWT refuses another key" 1 sh -c \
		"printf '%s\n' '$tok' | '$PY' '$INTEROP' verify '$T/issuer-1.pub' $alg '$CG_ISS' '$CG_AUD'"
done

tok=$(mint alice --key "$T/py-RS256.key" --kid py-RS256 --alg RS512)
check "changegate RS512 token: PyJWT verifies it" sh -c \
	"printf '%s\n' '$tok' | '$PY' '$INTEROP' verify '$T/py-RS256.pub' RS512 '$CG_ISS' '$CG_AUD'"

# Algorithm confusion: HS256 keyed with the public key's PEM must never pass.
tok=$("$PY" "$INTEROP" forge-hs256 "$T/keys/py-RS256.pem" py-RS256 alice)
expect_verdict "HS256 keyed with the RSA public key: bad_alg" "deny: bad_alg" "$tok" \
	--user alice --scope login
tok=$("$PY" "$INTEROP" forge-hs256 "$T/keys/issuer-1.pem" issuer-1 alice)
expect_verdict "HS256 keyed with the EC public key: bad_alg" "deny: bad_alg" "$tok" \
	--user alice --scope login
finish
