#!/bin/bash
# A login through the real sshd with a ticket (pam_changegate records it for the session),
# then sudo in that same session: the recorded ticket is used, with no further prompt and
# nothing in the environment. Both sudo set-ups.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
	echo "SKIP: openssh-server and openssh-client are needed"
	exit 77
fi
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
ns_add_user alice developers   # the example sshd config asks developers for a ticket
sudo_setup || { echo "cannot set up sudo"; exit 1; }
sshd_start || { echo "cannot start sshd"; exit 1; }
sshd_askpass_setup
sshd_user_key alice || exit 1

tok=$(cg_mint alice --cmd /usr/bin/id) || exit 1
tokfile=$(printf '%s\n' "$tok" | token_file alice)

for setup in approval policy; do
	sudo_conf_use $setup
	ns_log_mark
	ns_check "$setup: sudo in the ssh session uses the login's ticket" \
		prints_and_succeeds 0 ssh_as alice "$tokfile" 'sudo -n /usr/bin/id -u'
	ns_check "$setup: ... and logs the allow with the ticket" \
		log_has alice decision=allow reason=ok ticket=CHG0012345
	ns_check "$setup: the login's ticket does not cover other commands" \
		denied_with command_denied alice ssh_as alice "$tokfile" 'sudo -n /usr/bin/whoami'
done
# issue 17: `changegate audit` joins the login and the sudo commands run inside it: the same
# audit session id on the ssh records and the sudo records of the ticket
audit_timeline() {
	local out
	out=$("$top_builddir/tools/changegate" audit --file "$CG_AUDIT_LOG" --ticket CHG0012345) ||
		{ echo "exit $?: $out"; return 1; }
	printf '%s\n' "$out" | grep -q '  alice  ssh session_open from 127\.0\.0\.1: allow  ticket CHG0012345  session [0-9]' &&
	printf '%s\n' "$out" | grep -q '  alice  sudo as root:root /usr/bin/id -u: allow  ticket CHG0012345  session [0-9]' &&
	printf '%s\n' "$out" | grep -q '  alice  sudo as root:root /usr/bin/whoami: deny command_denied  ticket CHG0012345' ||
		{ printf '%s\n' "$out"; return 1; }
}
ns_check "changegate audit: the ticket's logins and sudo commands as a timeline" audit_timeline
same_session() {
	"$top_builddir/tools/changegate" audit --file "$CG_AUDIT_LOG" --ticket CHG0012345 --json |
		/usr/bin/python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
ssh = {r["audit_session"] for r in recs if r.get("front") == "pam" and "audit_session" in r}
sudo = [r.get("audit_session") for r in recs if r.get("front") == "sudo"]
sys.exit(0 if sudo and ssh and all(s in ssh for s in sudo) else 1)'
}
ns_check "changegate audit --json: every sudo record names its ssh login's audit session" same_session
token_in_log() { grep -qF -- "${tok##*.}" "$NS_LOG"; }
ns_check_fails "the token never reaches syslog" token_in_log
ns_finish
