#!/bin/bash
# SSH logins as users meet them: the real sshd (examples/pam.d/sshd and the example Match
# blocks) and the real ssh client, inside a private mount namespace.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
sshd_prereqs

ns_changegate_env || exit 1
ns_add_user alice developers          # gated: key, then token
ns_add_user eve                       # gated (everyone is), but sshd asks her for a key only
ns_add_user oscar changegate-exempt   # exempt: key only, as before
sshd_start || exit 1
sshd_askpass_setup
for u in alice eve oscar root; do
	sshd_user_key "$u" || exit 1
done

# tok NAME USER [changegate issue options]: mints a token into $SSHD_DIR/NAME.tok and prints
# the file's path. Every token of the test lives in such a file (see the leak check).
tok() {
	local name=$1
	shift
	cg_mint "$@" | token_file "$name"
}

# denied_with NAME REASON TOKENFILE: alice's login fails and the log says why.
denied_with() {
	local out
	ns_log_mark
	if out=$(ssh_as alice "$3" true 2>&1); then
		echo "login succeeded: $out"
		return 1
	fi
	printf '%s\n' "$out" >"$SSHD_DIR/$1.out"
	ns_log_wait "pam_changegate.*decision=deny reason=$2 .*user=alice" || {
		echo "no deny reason=$2 in the log; ssh said: $out"
		ns_log_since
		return 1
	}
}

# ---- gated user without a token
ns_check "gated user without a token is denied" denied_with none no_token -

# ---- gated user with a valid token: in, with the ticket in the session
good=$(tok good alice)
ns_log_mark
: >"$SSHD_DIR/askpass.log"
ssh_as alice "$good" 'echo "ticket=$CHANGEGATE_TICKET"; echo "expires=$CHANGEGATE_EXPIRES";
	echo "sid=$(cat /proc/self/sessionid)"; env | grep -c CHANGEGATE_LOGIN_TOKEN;
	sleep 3' >"$SSHD_DIR/login.out" 2>"$SSHD_DIR/login.err" &
login_pid=$!
for i in $(seq 100); do
	grep -q '^sid=' "$SSHD_DIR/login.out" 2>/dev/null && break
	sleep 0.1
done
sid=$(sed -n 's/^sid=//p' "$SSHD_DIR/login.out")
ns_check "valid token: the command runs and sees CHANGEGATE_TICKET" \
	grep -qx 'ticket=CHG0012345' "$SSHD_DIR/login.out"
ns_check "valid token: CHANGEGATE_EXPIRES is set" grep -qE '^expires=[0-9]+$' "$SSHD_DIR/login.out"
ns_check "valid token: the session has an audit session id" \
	test -n "$sid" -a "$sid" != 4294967295
ns_check "valid token: the login ticket record exists while logged in" \
	test -f "/run/changegate/$sid"
ns_check "valid token: the record is root-only" \
	sh -c "stat -c %a /run/changegate/$sid | grep -qx 600"
ns_check "valid token: the token is not in the user's environment" \
	grep -qx 0 "$SSHD_DIR/login.out"
ns_check "valid token: the prompt was asked once" \
	sh -c "grep -c 'Change ticket token for alice on web-01.prod.example (prod-test): ' '$SSHD_DIR/askpass.log' | grep -qx 1"
wait "$login_pid"
ns_check "valid token: ssh exits 0" test $? -eq 0
ns_check "valid token: allowed in the log with ticket and approver" \
	ns_log_wait 'pam_changegate.*decision=allow reason=ok .*event=session_open user=alice .*ticket=CHG0012345 .*approver=approver'
ns_check "logout: the record is removed" ns_log_wait 'event=session_close user=alice'
ns_check "logout: no record left" test ! -e "/run/changegate/$sid"

# ---- every way a token is refused
now=$(date +%s)
ns_check "expired token is denied" denied_with expired expired \
	"$(tok expired alice --nbf $((now - 7200)) --ttl 1h)"
ns_check "... and the user is told why" grep -q "Access denied (expired): ticket CHG0012345 expired" \
	"$SSHD_DIR/expired.out"
ns_check "token for another host is denied" denied_with host host_denied \
	"$(tok host alice --hosts 'db-*')"
ns_check "token for another user is denied" denied_with user wrong_user \
	"$(tok user bob)"
ns_check "self-approved token is denied" denied_with self self_approved \
	"$(mint_python alice alice | token_file self)"
revoked=$(tok revoked alice --ticket CHG0077777)
ns_check "revoking the ticket works" "$CG_BIN" revoke --config "$CG_CONFIG" --ticket CHG0077777
ns_check "revoked token is denied" denied_with revoked revoked "$revoked"

# ---- single use: account (in sshd's keyboard-interactive child) redeems the token, session
# (in the monitor) accepts it once more, and the next login with it is refused
cp "$CG_CONFIG" "$CG_CONFIG.good"
echo "single_use = login" >>"$CG_CONFIG"
once=$(tok once alice)
ns_check "single use: the first login works" ssh_as alice "$once" true
ns_check "single use: the token is refused the second time" denied_with once replayed "$once"
mv "$CG_CONFIG.good" "$CG_CONFIG"

# ---- exempt user: key only, never asked
: >"$SSHD_DIR/askpass.log"
ns_check "exempt user logs in with a key and no prompt" ssh_as oscar - true
ns_check "exempt user was never asked for a token" test ! -s "$SSHD_DIR/askpass.log"

# ---- gated user who reaches sshd with a key alone
ns_log_mark
eve_key_only() { ssh_as eve - true >"$SSHD_DIR/eve.out" 2>&1; }
ns_check_fails "gated user with a public key only is denied" eve_key_only
ns_check "... and is told how to get in" grep -q "needs a change ticket token" "$SSHD_DIR/eve.out"
ns_check "... in account, with a reason" \
	ns_log_wait 'pam_changegate.*decision=deny reason=no_token .*event=account user=eve'

# ---- a broken config: root and the exempt still get in, gated users do not
cp "$CG_CONFIG" "$CG_CONFIG.good"
printf 'issuer = %s\nnot a valid line\n' "$CG_ISSUER" >"$CG_CONFIG"
ns_check "broken config: root logs in" ssh_as root - true
ns_check "broken config: the exempt user logs in" ssh_as oscar - true
ns_check "broken config: the gated user is denied" denied_with broken config_error \
	"$(tok broken alice)"
rm -f "$CG_CONFIG"
ns_check "missing config: root logs in" ssh_as root - true
ns_check "missing config: the gated user is denied" denied_with missing config_error \
	"$SSHD_DIR/broken.tok"
mv "$CG_CONFIG.good" "$CG_CONFIG"

# ---- a config problem the verifier finds (keys_dir writable by the group): the log says what
# and where, the user at the prompt only that the host is misconfigured
chmod g+w "$CG_DIR/keys"
ns_check "untrusted keys_dir: the gated user is denied" denied_with keysdir config_error \
	"$(tok keysdir alice)"
chmod g-w "$CG_DIR/keys"
ns_check "... the log names the problem" ns_log_wait 'reason=config_error .*detail="keys_dir'
ns_check "... the user is told only that changegate is misconfigured" \
	grep -q 'changegate is misconfigured on this host; ask the administrators' \
	"$SSHD_DIR/keysdir.out"
ns_check_fails "... and not which file or why" grep -Eq "keys|writable|$CG_DIR" \
	"$SSHD_DIR/keysdir.out"

# ---- the tokens themselves never reach the log
ns_check_fails "no token appears in the syslog" tokens_leaked
sshd_show_logs_on_failure
[ -n "${CG_E2E_SAVE_LOG:-}" ] && cp "$NS_LOG" "$CG_E2E_SAVE_LOG"
ns_finish
