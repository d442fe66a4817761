#!/bin/bash
# Who is gated, through the real sshd and the real sudo (issue 14 items 7 and 8), in a
# private mount namespace: the example pam.d/sshd (exempt_groups=changegate-exempt on every
# pam_changegate line) and a sudo.conf passing the same exemption.
#  - a typo in enforce_groups ("opps" for "ops") refuses olga, in ops, with config_error at
#    both fronts, while root and oscar (changegate-exempt) are unaffected;
#  - the shipped profile: the config exempts sre and enforces ops; sam, in sre and ops, is
#    exempt at SSH as at sudo, and olga gated at both.
# olga and sam are not in the sshd_config Match group developers: sshd asks them for a key
# only, so the PAM account step alone decides.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
	echo "SKIP: openssh-server and openssh-client are not installed"
	exit 77
fi
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }

ns_changegate_env || exit 1
BASE_CONFIG=$(cat "$CG_CONFIG")
ns_add_user olga ops
ns_add_user sam sre ops
ns_add_user oscar changegate-exempt
sudo_setup || { echo "cannot set up sudo"; exit 1; }
echo "olga,sam,oscar ALL=(ALL) NOPASSWD: /usr/bin/id" >>"$NS_DIR/sudoers"
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF exempt_groups=changegate-exempt"
sshd_start || exit 1
sshd_askpass_setup
for u in olga sam oscar root; do
	sshd_user_key "$u" || exit 1
done

config() {
	printf '%s\n%s\n' "$BASE_CONFIG" "$1" >"$CG_CONFIG"
	chmod 0644 "$CG_CONFIG"
}

# ssh_denied USER REASON: USER's key-only login fails, and the module logs REASON for USER.
ssh_denied() {
	local out
	ns_log_mark
	if out=$(ssh_as "$1" - true 2>&1); then
		echo "login succeeded: $out"
		return 1
	fi
	ns_log_wait "pam_changegate.*decision=deny reason=$2 .*user=$1" || {
		echo "no deny reason=$2 for $1 in the log; ssh said: $out"
		ns_log_since
		return 1
	}
}

ssh_in() {
	local out
	out=$(ssh_as "$1" - echo in 2>/dev/null) && [ "$out" = in ] || { echo "ssh: $out"; return 1; }
}

# ---- item 7: a typo in enforce_groups
config "enforce_groups = opps"
ns_check "typo: olga's ssh login is refused with config_error" ssh_denied olga config_error
ns_check "typo: the log line names the unknown entry" \
	sh -c "grep -q 'enforce_groups opps' '$NS_LOG'"
ns_check "typo: olga's sudo is refused with config_error" \
	denied_with config_error olga sudo_as olga sudo -n /usr/bin/id
ns_check "typo: oscar (changegate-exempt on the PAM line) logs in" ssh_in oscar
ns_check "typo: oscar (changegate-exempt in sudo.conf) keeps sudo" \
	prints_and_succeeds root sudo_as oscar sudo -n /usr/bin/id -un
ns_check "typo: root logs in" ssh_in root
ns_check "typo: root keeps sudo" prints_and_succeeds root sudo -n /usr/bin/id -un

# ---- item 8: the shipped profile, one rule at both fronts
config "enforce_groups = ops
exempt_groups = sre"
ns_check "profile: sam (sre and ops) logs in by key, not gated at SSH" ssh_in sam
ns_check "profile: sam is not gated at sudo either" \
	prints_and_succeeds root sudo_as sam sudo -n /usr/bin/id -un
ns_check "profile: olga (ops) is gated at SSH" ssh_denied olga no_token
ns_check "profile: olga is gated at sudo" denied_with no_token olga sudo_as olga sudo -n /usr/bin/id
ns_check "profile: check-config says so per front" \
	output_has "ssh: sam is exempt: in exempt_groups sre (changegate.conf)" \
	"$CG_BIN" check-config --config "$CG_CONFIG" --no-wiring --user sam
ns_finish
