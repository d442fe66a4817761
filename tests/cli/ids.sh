#!/bin/bash
# Every ticket and token id the verifier accepts can be revoked, and no other (issue 14.4):
# one alphabet for chg and jti in the claims, issue, revoke and the revocation list. And four
# eyes compares people, not bytes (issue 14.6): an approver who is the user under another
# spelling is the user. Tokens issue refuses to mint are minted with python3-jwt.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env

INTEROP="$top_srcdir/tests/cli/interop_jwt.py"
if ! "$PY" -c 'import jwt, cryptography' 2>/dev/null; then
	echo "SKIP: $PY lacks jwt or cryptography (apt-get install python3-jwt python3-cryptography)"
	exit 77
fi
# pymint USER JSON: issuer-1's token for USER with the claims of JSON replacing the defaults.
pymint() { "$PY" "$INTEROP" mint-with "$T/issuer-1.key" ES256 issuer-1 "$1" "$2"; }
conf=(--config "$T/changegate.conf")

# ---- ids at their limits: accepted, then revoked with `changegate revoke`
jti128=$(printf 'j%.0s' {1..127})Z
chg255=CHG-$(printf 'c%.0s' {1..250}):
tok=$(mint alice --jti "$jti128" --ticket CHG0000042)
expect_verdict "a 128-byte jti verifies" allow "$tok" --user alice --scope login
check_out "revoke --jti of 128 bytes" "revoked jti $jti128" 0 "$CG" revoke "${conf[@]}" --jti "$jti128"
expect_verdict "the 128-byte jti is revoked" "deny: revoked" "$tok" --user alice --scope login
tok=$(mint alice --ticket "$chg255")
expect_verdict "a 255-byte chg verifies" allow "$tok" --user alice --scope login
check_out "revoke --ticket of 255 bytes" "revoked ticket $chg255" 0 \
	"$CG" revoke "${conf[@]}" --ticket "$chg255"
expect_verdict "the 255-byte chg is revoked" "deny: revoked" "$tok" --user alice --scope login
tok=$(mint alice --ticket urn:chg:OPS-1_2.3)
check "revoke --ticket of a urn" "$CG" revoke "${conf[@]}" --ticket urn:chg:OPS-1_2.3
expect_verdict "the urn chg is revoked" "deny: revoked" "$tok" --user alice --scope login
check "the list has one id a line" grep -qx "$chg255" "$T/revoked"
check "check-config reads the list as ids" "$CG" check-config "${conf[@]}"

# ---- ids the list could not hold are refused everywhere
tok=$(pymint alice '{"jti": "#abc"}')
check_out "a jti starting with # is a bad claim" \
	"^deny: bad_claim"$'\n'".*jti claim does not start with a letter or digit" 1 \
	verify "$tok" --user alice --scope login
tok=$(pymint alice '{"chg": "CHG 1"}')
check_out "a chg with a space is a bad claim" "chg claim holds a character other than" 1 \
	verify "$tok" --user alice --scope login
tok=$(pymint alice '{"chg": "CHG\u00e91"}')
check_out "a non-ASCII chg is a bad claim" "^deny: bad_claim" 1 verify "$tok" --user alice --scope login
check_out "issue refuses --jti '#abc'" "--jti does not start with a letter or digit" 2 \
	mint alice --jti '#abc'
check_out "issue refuses a non-ASCII --ticket" "--ticket holds a character" 2 mint alice --ticket 'CHGé1'
check_rc "issue refuses a 129-byte --jti" 2 mint alice --jti "${jti128}x"
check_rc "revoke refuses --jti '#abc'" 2 "$CG" revoke "${conf[@]}" --jti '#abc'
check_rc "revoke refuses a 129-byte --jti" 2 "$CG" revoke "${conf[@]}" --jti "${jti128}x"
check_rc "revoke refuses a 256-byte --ticket" 2 "$CG" revoke "${conf[@]}" --ticket "${chg255}x"
check_rc "revoke refuses a non-ASCII --ticket" 2 "$CG" revoke "${conf[@]}" --ticket 'CHGé1'

# ---- a hand-written line that is not an id denies, and check-config names it
tok=$(mint alice --ticket CHG0000043)
printf 'CHG0000099 # the outage\n' >>"$T/revoked"
check_out "a list with a line that is not an id denies" "^deny: config_error" 2 \
	verify "$tok" --user alice --scope login
check_out "check-config names the line" \
	"problem: revocation_file .*line 4 is neither a comment nor a ticket or token id" 1 \
	"$CG" check-config "${conf[@]}"
: >"$T/revoked"

# ---- four eyes across spellings of one person
for approver in 'ｄｅｖ１' 'dev\u200b1' 'de\u00adv1' 'dev1@corp' 'DEV1' 'dev1\u00a0' \
	'\u3000dev1' 'corp\\dev1' 'CORP\uff3cdev1'; do
	tok=$(pymint dev1 "{\"approved_by\": \"$approver\"}")
	expect_verdict "approved_by $approver for sub dev1 is self-approval" "deny: self_approved" \
		"$tok" --user dev1 --scope login
done
tok=$(pymint dev1 '{"approved_by": "dev2@corp"}')
expect_verdict "another person approves" allow "$tok" --user dev1 --scope login
tok=$(pymint dev1 '{"approved_by": "\u200b@corp"}')
expect_verdict "an approver who names nobody is a bad claim" "deny: bad_claim" "$tok" \
	--user dev1 --scope login
check_out "issue refuses the full-width approver" "--approved-by must differ from --sub" 2 \
	mint dev1 --approved-by 'ｄｅｖ１'
check_out "issue refuses an approver at a domain" "--approved-by must differ from --sub" 2 \
	mint dev1 --approved-by 'dev1@corp'
# issue 14 item 6 (review): NFKC turned these into an ASCII space that nothing removed, and
# the DOMAIN\user form named another person
check_out "issue refuses an approver with a no-break space" "--approved-by must differ from --sub" 2 \
	mint dev1 --approved-by $'dev1\xc2\xa0'
check_out "issue refuses an approver with an ideographic space" \
	"--approved-by must differ from --sub" 2 mint dev1 --approved-by $'\xe3\x80\x80dev1'
check_out "issue refuses a DOMAIN\\user approver" "--approved-by must differ from --sub" 2 \
	mint dev1 --approved-by 'corp\dev1'
tok=$(pymint dev1 '{"approved_by": "corp\\dev2"}')
expect_verdict "another person in DOMAIN\\user form approves" allow "$tok" --user dev1 --scope login
tok=$(pymint dev1 '{"approved_by": "corp\\\u00a0"}')
expect_verdict "a domain and a no-break space name nobody" "deny: bad_claim" "$tok" \
	--user dev1 --scope login
finish
