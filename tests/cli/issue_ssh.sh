#!/bin/bash
# `changegate issue --ssh-pubkey` and `--ssh-ca --ssh-cert` (issue 18): the token's cnf.ssh_fp
# is the fingerprint ssh-keygen -l prints (read back with Debian's python3-jwt), and the
# certificate, read back with ssh-keygen -L, certifies that key for the token's user, from
# nbf to exp, signed by the CA, with a key id naming user, ticket and token, and carries the
# very token printed in the changegate-token@changegate extension.
. "${top_srcdir:?}/tests/cli/lib.sh"
if ! command -v ssh-keygen >/dev/null || ! "$PY" -c 'import jwt, cryptography' 2>/dev/null; then
	echo "SKIP: needs ssh-keygen (openssh-client) and python3-jwt"
	exit 77
fi
INTEROP="$top_srcdir/tests/cli/interop_jwt.py"
cli_env
export TZ=UTC
for t in ed25519 ecdsa rsa; do
	ssh-keygen -q -t $t -N '' -C "alice@laptop" -f "$T/id_$t" || exit 99
done
ssh-keygen -q -t ed25519 -N '' -C 'change system CA' -f "$T/ca" || exit 99
fp() { ssh-keygen -lf "$1" | cut -d' ' -f2; }

# cnf.ssh_fp through PyJWT, for each key type
for t in ed25519 ecdsa rsa; do
	tok=$(mint alice --ssh-pubkey "$T/id_$t.pub") || fail "issue --ssh-pubkey id_$t.pub"
	claims=$(printf '%s\n' "$tok" | "$PY" "$INTEROP" verify "$T/issuer-1.pub" ES256 "$CG_ISS" \
		"$CG_AUD")
	got=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)["cnf"]["ssh_fp"])' \
		<<<"$claims")
	check "$t key: PyJWT reads cnf.ssh_fp = ssh-keygen -l's fingerprint" \
		test "$got" = "$(fp "$T/id_$t.pub")"
done
expect_verdict "a key-bound token where no SSH key is known: key_mismatch" \
	"deny: key_mismatch" "$tok" --user alice --scope login
expect_verdict "verify --ssh-pubkey with the bound key: allow" allow "$tok" --user alice \
	--scope login --ssh-pubkey "$T/id_rsa.pub"
expect_verdict "verify --ssh-pubkey with another key: key_mismatch" "deny: key_mismatch" \
	"$tok" --user alice --scope login --ssh-pubkey "$T/id_ed25519.pub"
check_out "verify --ssh-pubkey names the bound key in the detail" \
	"bound to the SSH key $(fp "$T/id_rsa.pub" | sed 's/[+/]/./g')" 1 verify "$tok" --user alice \
	--scope login --ssh-pubkey "$T/id_ecdsa.pub"
check_out "verify --ssh-pubkey that is no key: a usage error" 'changegate verify: --ssh-pubkey' 2 \
	verify "$tok" --user alice --scope login --ssh-pubkey "$T/nope.pub"

# the certificate
nbf=1893456000 # 2030-01-01T00:00:00Z
tok=$(mint alice --ticket CHG0018018 --jti tok-18 --nbf $nbf --ttl 2h --scope login \
	--ssh-pubkey "$T/id_ed25519.pub" --ssh-ca "$T/ca" --ssh-cert "$T/id_ed25519-cert.pub")
check "issue --ssh-ca prints the token" test -n "$tok"
check "... and writes the certificate" test -s "$T/id_ed25519-cert.pub"
L=$(ssh-keygen -L -f "$T/id_ed25519-cert.pub")
has() { grep -qF -- "$1" <<<"$L" || { echo "ssh-keygen -L said: $L"; return 1; }; }
check "ssh-keygen -L: a user certificate" has 'Type: ssh-ed25519-cert-v01@openssh.com user certificate'
check "... of the bound key" has "Public key: ED25519-CERT $(fp "$T/id_ed25519.pub")"
check "... signed by the CA" has "Signing CA: ED25519 $(fp "$T/ca.pub") "
check "... key id naming user, ticket and token" \
	has 'Key ID: "changegate sub=alice chg=CHG0018018 jti=tok-18"'
check "... valid from nbf to exp" has 'Valid: from 2030-01-01T00:00:00 to 2030-01-01T02:00:00'
check "... for the principal alice alone" \
	test "$(sed -n '/Principals:/,/Critical Options:/p' <<<"$L" | sed '1d;$d' | tr -d ' \t')" = alice
ext=$(sed -n 's/.*changegate-token@changegate UNKNOWN OPTION: \([0-9a-f]*\) .*/\1/p' <<<"$L")
# the extension's data is an SSH string: four length bytes, then the token
carried=$(printf '%s' "${ext:8}" | xxd -r -p)
check "... carrying the printed token in changegate-token@changegate" test "$carried" = "$tok"
check "... and a pty, as a login needs" has 'permit-pty'
# PyJWT checks the signature; the token is valid from 2030, so not its time claims
claims=$("$PY" -c 'import sys, jwt; print(jwt.decode(sys.argv[1], open(sys.argv[2]).read(),
	algorithms=["ES256"], audience=sys.argv[3], options={"verify_nbf": False,
	"verify_iat": False})["cnf"]["ssh_fp"])' "$tok" "$T/issuer-1.pub" "$CG_AUD")
check "the certificate's token is bound to the certified key (PyJWT)" \
	test "$claims" = "$(fp "$T/id_ed25519.pub")"

# refusals: nothing minted, nothing written
rm -f "$T/out-cert.pub"
check_out "--ssh-ca without --ssh-cert" 'go together' 2 mint alice --scope login \
	--ssh-pubkey "$T/id_ed25519.pub" --ssh-ca "$T/ca"
check_out "--ssh-ca without --ssh-pubkey" 'go together' 2 mint alice --scope login \
	--ssh-ca "$T/ca" --ssh-cert "$T/out-cert.pub"
check_out "--ssh-ca for a sudo-only token" 'certificate is for logging in' 2 mint alice \
	--scope sudo --cmd /usr/bin/id --ssh-pubkey "$T/id_ed25519.pub" --ssh-ca "$T/ca" \
	--ssh-cert "$T/out-cert.pub"
check_out "--ssh-pubkey given a certificate" 'a certificate; give' 2 mint alice \
	--ssh-pubkey "$T/id_ed25519-cert.pub"
printf 'ssh-ed25519 AAAAnotakey\n' >"$T/bad.pub"
check_out "--ssh-pubkey not a key" 'not an OpenSSH public key' 2 mint alice \
	--ssh-pubkey "$T/bad.pub"
check_out "--ssh-pubkey given the private key" 'not an OpenSSH public key' 2 mint alice \
	--ssh-pubkey "$T/id_ed25519"
check_out "--ssh-pubkey missing" 'No such file' 2 mint alice --ssh-pubkey "$T/nope.pub"
check_out "--ssh-ca that is not a CA key: ssh-keygen's failure" 'ssh-keygen -s failed' 1 \
	mint alice --scope login --ssh-pubkey "$T/id_ed25519.pub" --ssh-ca "$T/bad.pub" \
	--ssh-cert "$T/out-cert.pub"
check "... and no certificate written" test ! -e "$T/out-cert.pub"
finish
