#!/bin/bash
# Tickets bound to the SSH key and carried in an OpenSSH certificate (issue 18), through the
# real sshd and ssh client in a private mount namespace, with a CA that ssh-keygen makes now:
# a certificate carrying a valid key-bound token logs in with no prompt at all; one carrying
# another user's, an expired or another key's token is refused; a key-bound token typed at
# the prompt works with its key and no other; sudo refuses a key-bound token given any way
# but through the login that checked the key, and accepts it there.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"
sshd_prereqs
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }

ns_changegate_env || exit 1
ns_add_user alice developers
sudo_setup || exit 1
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
CA_DIR=$NS_DIR/ca
mkdir -m 0700 "$CA_DIR"
ssh-keygen -q -t ed25519 -N '' -C 'change system CA' -f "$CA_DIR/ca" || exit 1
SSHD_EXTRA_CONFIG="TrustedUserCAKeys $CA_DIR/ca.pub"
sshd_start || exit 1
sshd_user_key alice || exit 1                       # alice: the key that plain logins use
C=$SSHD_DIR/client
ssh-keygen -q -t ed25519 -N '' -f "$C/other" || exit 1   # a key that is not alice's
# alicecert: a key of alice's that logs in only with a certificate (not in authorized_keys)
ssh-keygen -q -t ed25519 -N '' -f "$C/alicecert" || exit 1

# The askpass for certificate logins fails every prompt and notes it: a login that succeeds
# with it was asked nothing.
cat >"$SSHD_DIR/failpass" <<EOF
#!/bin/sh
printf '%s\n' "\$1" >>"$SSHD_DIR/failpass.log"
exit 1
EOF
chmod 0755 "$SSHD_DIR/failpass"

# cert_for KEYNAME TOKENFILE [ssh-keygen options]: certifies $C/KEYNAME.pub for alice (valid
# from a minute ago for an hour unless -V is given) with the token in the extension.
cert_for() {
	local key=$1 tok=$2
	shift 2
	rm -f "$C/$key-cert.pub"
	ssh-keygen -q -s "$CA_DIR/ca" -I "test $key" -n alice -V -1m:+1h \
		-O "extension:changegate-token@changegate=$(cat "$tok")" "$@" "$C/$key.pub"
}

# ssh_cert KEYNAME CMD...: logs in as alice with $C/KEYNAME and its certificate, failing any
# prompt.
ssh_cert() {
	local key=$1
	shift
	ssh_login "$C/$key" "$SSHD_DIR/failpass" alice "$@"
}

# tok NAME USER [cg_mint options]: a token in $SSHD_DIR/NAME.tok. The tokens minted here only
# log in (--scope login); the one that sudo runs with is the certificate's, which names its
# command (--cmd), since a sudo ticket without cmds allows nothing.
tok() {
	local name=$1
	shift
	cg_mint "$@" | token_file "$name"
}

# refused NAME REASON CMD...: the login fails and the log says why.
refused() {
	local name=$1 reason=$2 out
	shift 2
	ns_log_mark
	if out=$("$@" 2>&1); then
		echo "login succeeded: $out"
		return 1
	fi
	printf '%s\n' "$out" >"$SSHD_DIR/$name.out"
	ns_log_wait "pam_changegate.*decision=deny reason=$reason .*user=alice" || {
		echo "no deny reason=$reason in the log; ssh said: $out"
		ns_log_since
		return 1
	}
}

# ---- a certificate carrying a valid token bound to its key: in, and asked nothing
"$CG_BIN" issue --key "$CG_ISSUER_KEY" --kid issuer-1 --iss "$CG_ISSUER" --aud "$CG_AUDIENCE" \
	--sub alice --ticket CHG0018000 --approved-by approver --scope login,sudo --ttl 1h \
	--cmd /usr/bin/id --ssh-pubkey "$C/alicecert.pub" --ssh-ca "$CA_DIR/ca" \
	--ssh-cert "$C/alicecert-cert.pub" | token_file bound >/dev/null
bound=$SSHD_DIR/bound.tok
: >"$SSHD_DIR/failpass.log"
ns_log_mark
ns_check "certificate with a key-bound token: logs in" \
	prints_and_succeeds 'ticket=CHG0018000' ssh_cert alicecert 'echo "ticket=$CHANGEGATE_TICKET"'
ns_check "... with no prompt at all" test ! -s "$SSHD_DIR/failpass.log"
ns_check "... and neither the token nor the checked key reach the user's environment" \
	prints_and_succeeds 0 ssh_cert alicecert 'env | grep -c ^CHANGEGATE_LOGIN; true'
ns_check "... allowed in auth, account and session" \
	ns_log_wait 'pam_changegate.*decision=allow reason=ok .*event=session_open user=alice .*ticket=CHG0018000'
ns_check "sudo in that login accepts the token through the login's record" \
	prints_and_succeeds 0 ssh_cert alicecert 'sudo -n /usr/bin/id -u'
ns_check "... and says so in the log" log_has alice decision=allow reason=ok ticket=CHG0018000
# sudo -l lists the login's ticket in the policy set-up (changegate_policy wraps sudoers)
sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
ns_check "policy: sudo -l in that login shows the ticket, not key_mismatch" \
	output_has "change ticket CHG0018000" ssh_cert alicecert 'sudo -n -l'
ns_check "policy: sudo in that login accepts the token too" \
	prints_and_succeeds 0 ssh_cert alicecert 'sudo -n /usr/bin/id -u'
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"

# ---- certificates whose token is refused
now=$(date +%s)
tok alice-for-bob bob --scope login --ticket CHG0018001 --ssh-pubkey "$C/alicecert.pub" >/dev/null
cert_for alicecert "$SSHD_DIR/alice-for-bob.tok" || exit 1
ns_check "certificate carrying another user's token: refused" \
	refused bobtok wrong_user ssh_cert alicecert true
tok expired alice --scope login --ticket CHG0018002 --nbf $((now - 7200)) --ttl 1h \
	--ssh-pubkey "$C/alicecert.pub" >/dev/null
cert_for alicecert "$SSHD_DIR/expired.tok" || exit 1
ns_check "certificate carrying an expired token: refused" \
	refused expired expired ssh_cert alicecert true
tok otherkey alice --scope login --ticket CHG0018003 --ssh-pubkey "$C/other.pub" >/dev/null
cert_for alicecert "$SSHD_DIR/otherkey.tok" || exit 1
ns_check "certificate carrying a token bound to another key: refused" \
	refused otherkey key_mismatch ssh_cert alicecert true
ns_check "... and no prompt was offered instead" test ! -s "$SSHD_DIR/failpass.log"

# ---- key-bound tokens typed at the prompt (authorized_keys, no certificate)
sshd_askpass_setup
kb=$(tok keybound alice --scope login --ticket CHG0018004 --ssh-pubkey "$C/alice.pub")
ns_check "key-bound token at the prompt, with its key: logs in" ssh_as alice "$kb" true
cat "$C/other.pub" >>"$SSHD_DIR/authorized_keys/alice"
ssh_other() { CG_TOKEN_FILE=$1 ssh_login "$C/other" "$SSHD_DIR/askpass" alice true; }
ns_check "key-bound token at the prompt, with another of alice's keys: refused" \
	refused typedother key_mismatch ssh_other "$kb"
ns_check "... and the user is told why" grep -q "Access denied (key_mismatch)" \
	"$SSHD_DIR/typedother.out"
plain=$(tok plain alice --scope login --ticket CHG0018005)
ns_check "a token bound to no key still logs in with any authorised key" ssh_other "$plain"

# ---- sudo: a key-bound token from the environment is refused, outside and inside a login
ns_check "sudo refuses a key-bound token from CHANGEGATE_TOKEN" \
	denied_with key_mismatch alice sudo_as alice "CHANGEGATE_TOKEN=$(cat "$bound")" \
	sudo -n /usr/bin/id -u
ns_check "sudo in a login that the token did not open refuses it from the environment" \
	denied_with key_mismatch alice ssh_as alice "$plain" \
	"CHANGEGATE_TOKEN=$(cat "$bound") sudo -n /usr/bin/id -u"

ns_check_fails "no token appears in the syslog" tokens_leaked
sshd_show_logs_on_failure
ns_finish
