#!/bin/bash
# The live demo: changegate doing its job for real. Inside a private mount namespace (the
# host's files are never touched) it starts sshd on 127.0.0.1 with the shipped PAM stack and
# sshd_config lines, installs the sudo approval plugin, creates a demo developer and a demo
# issuer key, then walks through a login refused, a ticket issued, a login allowed, sudo
# allowed and refused, a revocation, and the audit lines for all of it.
#
#   sudo demo/live_demo.sh [BUILD_DIR]      (BUILD_DIR: where changegate was built)
#
# Each command is printed before it runs; exits 0 only if every step behaved as shown.
# It reuses the end-to-end test harness (tests/e2e/nslib.sh, lib_pam.sh, lib_sudo.sh).
set -u

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
fi
if [ -n "${1:-}" ]; then
	top_builddir=$(cd "$1" && pwd) || exit 2
fi
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
if [ ! -x "$top_builddir/tools/changegate" ]; then
	echo "$0: no changegate build in $top_builddir (give the build dir as argument)" >&2
	exit 2
fi

. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

bold='' plain=''
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	plain=$(tput sgr0 2>/dev/null || true)
fi
step() { printf '\n%s## %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '   (%s)\n' "$*"; }
die() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }
indent() { sed 's/^/   | /'; }

# ssh_shown TOKENFILE COMMAND: prints the ssh command as alice would type it, runs it, and
# leaves its output (stdout and stderr) in $out and its status in $rc.
ssh_shown() {
	local tokfile=$1 cmd=$2
	show "ssh -i alice.key -p $SSHD_PORT alice@127.0.0.1 '$cmd'"
	if [ "$tokfile" = - ]; then
		note "alice answers the token prompt with nothing"
	else
		note "alice pastes her token at the prompt"
	fi
	out=$(ssh_as alice "$tokfile" "$cmd" 2>&1)
	rc=$?
	# ssh's note about the throw-away known_hosts file is noise here
	printf '%s\n' "$out" | tr -d '\r' | grep -v '^Warning: Permanently added' | indent
	printf '   exit status %d\n' "$rc"
}

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
	echo "SKIP: openssh-server and openssh-client are needed"
	exit 77
fi
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }

step "0. Setting up, in a private mount namespace (nothing on the host changes)"
ns_changegate_env || die "cannot set up changegate"
ns_add_user alice developers || die "cannot create alice"
sudo_setup || die "cannot set up sudo"
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
sshd_start || die "cannot start sshd"
sshd_askpass_setup
sshd_user_key alice || die "cannot make alice's SSH key"
cat <<EOF
   demo developer:  alice, in group developers, with an SSH key
   issuer key:      issuer-1 (ES256); the host trusts its public half
   sshd:            127.0.0.1:$SSHD_PORT, examples/pam.d/sshd + examples/sshd_config.d
   sudo.conf:       sudoers + changegate_approval (examples/sudo.conf.approval)
   sudoers:         alice may run /usr/bin/id and /usr/bin/whoami (NOPASSWD)
EOF
show "cat changegate.conf"
indent <"$CG_CONFIG"

step "1. alice has her SSH key but no ticket: the login is refused"
ns_log_mark
ssh_shown - 'id'
[ "$rc" -ne 0 ] || die "the login without a ticket was allowed"
printf '%s\n' "$out" | grep -q 'Access denied (no_token)' || die "alice was not told why"
ns_log_wait 'decision=deny reason=no_token .*user=alice' 5 ||
	die "no no_token line in syslog for alice's refused login"

step "2. Change CHG0012345 is approved: the change service issues alice a ticket"
show "changegate issue --key issuer-1.key --kid issuer-1 --iss $CG_ISSUER --aud $CG_AUDIENCE" \
	"--sub alice --ticket CHG0012345 --approved-by bob --scope login,sudo --ttl 1h" \
	"--cmd /usr/bin/id --cmd '/usr/bin/systemctl status ssh' > alice.tok"
tok=$(cg_mint alice --approved-by bob --cmd /usr/bin/id --cmd '/usr/bin/systemctl status ssh') ||
	die "changegate issue failed"
tokfile=$(printf '%s\n' "$tok" | token_file alice)
show "changegate inspect < alice.tok"
"$CG_BIN" inspect <"$tokfile" | indent
[ "${PIPESTATUS[0]}" -eq 0 ] || die "changegate inspect failed"

step "3+4. alice logs in with key + ticket; in that session sudo runs a covered command"
ns_log_mark
ssh_shown "$tokfile" 'echo CHANGEGATE_TICKET=$CHANGEGATE_TICKET; sudo -n /usr/bin/id'
[ "$rc" -eq 0 ] || die "the login with a ticket, or sudo /usr/bin/id, failed"
printf '%s\n' "$out" | grep -q '^CHANGEGATE_TICKET=CHG0012345' ||
	die "CHANGEGATE_TICKET was not set in the session"
printf '%s\n' "$out" | grep -q '^uid=0(root)' || die "sudo /usr/bin/id did not run as root"
log_has alice decision=allow reason=ok ticket=CHG0012345 ||
	die "no syslog allow line for alice's sudo"
note "no token prompt from sudo: the login's ticket was used"

step "5. A command the ticket does not cover is refused, with the reason"
ns_log_mark
ssh_shown "$tokfile" 'sudo -n /usr/bin/whoami'
[ "$rc" -ne 0 ] || die "sudo /usr/bin/whoami was allowed"
printf '%s\n' "$out" | grep -q command_denied || die "alice was not told the reason"
log_has alice decision=deny reason=command_denied || die "no command_denied line in syslog"

step "6. The change is called off: the ticket is revoked, and the next sudo is refused"
note "alice is still logged in, in a session opened before the revocation"
flag=$NS_DIR/revoked.flag
show "ssh -i alice.key -p $SSHD_PORT alice@127.0.0.1   # alice's session, kept open"
ssh_as alice "$tokfile" "echo logged-in; while [ ! -e $flag ]; do sleep 0.1; done;
	echo '\$ sudo -n /usr/bin/id'; sudo -n /usr/bin/id" >"$NS_DIR/held.out" 2>&1 &
held=$!
for _ in $(seq 100); do
	grep -q logged-in "$NS_DIR/held.out" && break
	sleep 0.1
done
grep -q logged-in "$NS_DIR/held.out" || die "alice's session did not open"
ns_log_mark
show "changegate revoke --ticket CHG0012345"
"$CG_BIN" revoke --config "$CG_CONFIG" --ticket CHG0012345 2>&1 | indent
[ "${PIPESTATUS[0]}" -eq 0 ] || die "changegate revoke failed"
touch "$flag"
wait "$held"
rc=$?
note "in alice's open session:"
tr -d '\r' <"$NS_DIR/held.out" | grep -v '^Warning: Permanently added' | indent
printf '   exit status %d\n' "$rc"
[ "$rc" -ne 0 ] || die "sudo after the revocation was allowed"
grep -q revoked "$NS_DIR/held.out" || die "alice was not told the ticket is revoked"
log_has alice decision=deny reason=revoked || die "no revoked line in syslog for sudo"
ssh_shown "$tokfile" 'id'
[ "$rc" -ne 0 ] || die "a new login with the revoked ticket was allowed"
printf '%s\n' "$out" | grep -q 'Access denied (revoked)' || die "alice was not told why"

step "7. The audit trail: syslog (authpriv) and the JSON audit log"
# the gate's own lines carry decision=; sudo adds one of its own for each refusal
show "grep -E 'decision=|changegate' /var/log/auth.log"
grep -E 'decision=|changegate' "$NS_LOG" | sed 's/^<[0-9]*>//' | indent
for r in 'decision=deny reason=no_token' 'decision=allow reason=ok front=sudo' \
	'decision=deny reason=command_denied' 'decision=deny reason=revoked'; do
	grep -q -- "$r" "$NS_LOG" || die "syslog lacks a line with $r"
done
show "cat $CG_AUDIT_LOG"
indent <"$CG_AUDIT_LOG"
[ -s "$CG_AUDIT_LOG" ] || die "the JSON audit log is empty"
for r in command_denied revoked; do
	grep -q "\"$r\"" "$CG_AUDIT_LOG" || die "the JSON audit log lacks $r"
done
if grep -qF -- "${tok##*.}" "$NS_LOG" "$CG_AUDIT_LOG"; then
	die "the token reached a log"
fi

printf '\n%slive demo OK: every step behaved as shown%s\n' "$bold" "$plain"
exit 0
