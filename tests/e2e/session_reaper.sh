#!/bin/bash
# Sessions end when their ticket ends (issue 12), through the real sshd (pam_loginuid before
# pam_changegate), the real sudo and `changegate reaper`, in a private mount namespace:
# - a login whose ticket ends in ~30 s, with a detached (setsid) process, a root process run
#   through sudo and the shell: all alive just before the end, all gone within
#   session_grace + a few seconds after it, the client disconnected, the warning and the
#   end seen on the client's terminal, one session_end line in the audit log and syslog;
# - another user's login and an exempt user's login live on; `sessions --json` lists them;
# - a ticket revoked in the plain or the signed list: its login ends within 5 s; a sudo
#   command under a token of its own is listed by `sessions` (a sudo lease) and ends at that
#   token's end; `end-session` ends one now;
# - the policy wrapper's command ended at its ticket's end is explained and logged;
# - a malformed login record is reported and does not stop the reaper;
# - a login that closed normally, leaving a detached process: its record stays as a closed
#   login's, and a reaper restarted since still ends that process at the ticket's end;
# - with require_reaper, a gated login and sudo are refused (reaper_down) once the reaper is
#   stopped, and the exempt user still gets in.
# Every process the test starts is ended by its pid (ns_daemon and the waits below).
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"
. "$top_srcdir/tests/e2e/lib_reaper.sh"

sshd_prereqs
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
LISTS=$CG_DIR/lists
mkdir -m 0755 "$LISTS"
cat >>"$CG_CONFIG" <<EOF
leeway = 0
session_warn = 20s
session_grace = 3s
require_reaper = yes
revocation_list = $LISTS/revoked.jws
EOF
# a signed revocation list (issue 13), empty to begin with
sign_list() {
	"$CG_BIN" revocations sign --key "$CG_ISSUER_KEY" --kid issuer-1 --iss "$CG_ISSUER" \
		--aud "$CG_AUDIENCE" --ttl 1h "$@" >"$CG_DIR/list.jws" &&
		"$CG_BIN" revocations install --config "$CG_CONFIG" "$CG_DIR/list.jws" >/dev/null
}
sign_list --seq 1 || { echo "cannot install a signed revocation list"; exit 1; }
ns_add_user alice developers
ns_add_user bob developers
ns_add_user carol changegate-exempt
sudo_setup || { echo "cannot set up sudo"; exit 1; }
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
sshd_start || { echo "cannot start sshd"; exit 1; }
sshd_askpass_setup
for u in alice bob carol; do
	sshd_user_key "$u" || exit 1
done
RUN_DIR=/run/changegate
export SSH_TIMEOUT=150

# ---- helpers ----------------------------------------------------------------------------------

# file_gone_within SECS PATH: PATH is removed within SECS seconds.
file_gone_within() {
	local i
	for i in $(seq $(($1 * 10))); do
		[ -e "$2" ] || return 0
		sleep 0.1
	done
	echo "$2 is still there"
	return 1
}

# audit_has EVENT REASON SID MINPROCS: one audit_log record for that ended session.
audit_has() {
	/usr/bin/python3 - "$CG_AUDIT_LOG" "$@" <<'PY'
import json, sys
path, event, reason, sid, minprocs = sys.argv[1:6]
for line in open(path):
    r = json.loads(line)
    if (r.get("event") == event and r.get("reason") == reason and
            r.get("session") == int(sid) and r.get("processes", -1) >= int(minprocs)):
        sys.exit(0)
print("no %s/%s record for session %s with >= %s processes; records:" % (event, reason, sid, minprocs))
for line in open(path):
    r = json.loads(line)
    if r.get("event") in ("session_end", "sudo_end", "end_session"):
        print(line.strip())
sys.exit(1)
PY
}

syslog_has() { ns_log_since | grep -E -- "$1"; }
reaper_alive() { kill -0 "$REAPER_PID"; }
# not_listed_within SECS SID: no record (open or closed) lists SID within SECS seconds: the
# reaper removes an ended login's record at its first pass with no process left.
not_listed_within() {
	local i
	for i in $(seq $(($1 * 10))); do
		[ "$(json_get "len([s for s in j['sessions'] if s['session'] == $2])")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

# Every login this test opens ends with it, whatever fails: each process of their audit
# sessions, by pid (sshd's connection processes outlive the listener that ns_cleanup stops).
SID_A= SID_B= SID_C= SID_R= SID_S= SID_L=
end_logins() {
	local sid p
	for sid in $SID_A $SID_B $SID_C $SID_R $SID_S $SID_L; do
		for p in $(pids_of "$sid"); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	ns_cleanup
}
trap end_logins EXIT

# ---- the reaper -----------------------------------------------------------------------------

# start_reaper: starts `changegate reaper` (REAPER_PID) and waits up to 5 s for its lock.
start_reaper() {
	local i
	ns_daemon "$CG_BIN" reaper --config "$CG_CONFIG"
	REAPER_PID=$!
	for i in $(seq 50); do
		[ "$(json_get "j['reaper_running']" 2>/dev/null)" = True ] && break
		sleep 0.1
	done
}

ns_log_mark
start_reaper
ns_check "the reaper runs and holds its lock" test "$(json_get "j['reaper_running']")" = True

# a malformed record, root's and 0600 like a real one: reported, never fatal
printf 'changegate-login-record 1\nnot a record\n' >"$RUN_DIR/999999"
chmod 0600 "$RUN_DIR/999999"

# ---- a login that expires, with a detached, a sudo'd root process and the shell ------------

# the others first: they must live on when alice's login ends
tok_bob=$(cg_mint bob --ticket CHG0000002 --cmd /usr/bin/id --ttl 1h) || exit 1
ssh_as bob "$(printf '%s\n' "$tok_bob" | token_file bob)" 'echo READY; exec sleep 300' \
	>"$NS_DIR/bob.out" 2>&1 &
BOB_CLIENT=$!
NS_PIDS+=("$BOB_CLIENT")
ssh_as carol - 'echo READY $(cat /proc/self/sessionid); exec sleep 301' >"$NS_DIR/carol.out" 2>&1 &
CAROL_CLIENT=$!
NS_PIDS+=("$CAROL_CLIENT")

tok_alice=$(cg_mint alice --ticket CHG0000001 --cmd '/usr/bin/sleep *' --ttl 32s) || exit 1
ALICE_EXP=$(($(date +%s) + 32))
SSH_PTY=1 ssh_as alice "$(printf '%s\n' "$tok_alice" | token_file alice)" \
	'setsid sleep 1000 </dev/null >/dev/null 2>&1 & sudo -n /usr/bin/sleep 1001 </dev/null >/dev/null 2>&1 & echo READY; wait' \
	>"$NS_DIR/alice.out" 2>&1 &
ALICE_CLIENT=$!
NS_PIDS+=("$ALICE_CLIENT")

SID_A=$(session_of alice CHG0000001) || { echo "alice's login was not recorded"; cat "$NS_DIR/alice.out"; exit 1; }
SID_B=$(session_of bob CHG0000002) || { echo "bob's login was not recorded"; cat "$NS_DIR/bob.out"; exit 1; }
for i in $(seq 100); do
	DETACHED=$(pid_by "$SID_A" '^sleep 1000') && ROOTCMD=$(pid_by "$SID_A" '^/usr/bin/sleep 1001' 0) &&
		SHELL_PID=$(pid_by "$SID_A" '^bash -c') && break
	sleep 0.1
done
BOB_PID=$(pid_by "$SID_B" '^sleep 300')
for i in $(seq 100); do
	SID_C=$(sed -n 's/^READY \([0-9]*\).*/\1/p' "$NS_DIR/carol.out")
	[ -n "$SID_C" ] && CAROL_PID=$(pid_by "$SID_C" '^sleep 301') && break
	sleep 0.1
done
ns_check "alice's login has a detached process, a root process from sudo and the shell" \
	test -n "$DETACHED" -a -n "$ROOTCMD" -a -n "$SHELL_PID"
ns_check "the detached process left the login's process session but kept its audit session" \
	test "$(ps -o sid= -p "$DETACHED")" != "$(ps -o sid= -p "$SHELL_PID")"
ns_check "sessions --json lists alice's and bob's logins, not carol's (exempt)" \
	test "$(json_get "sorted(s['user'] for s in j['sessions'])")" = "['alice', 'bob']"
ns_check "sessions --json gives alice's expiry and state" \
	test "$(json_get "[(s['expires'] > 0, s['state']) for s in j['sessions'] if s['user'] == 'alice'][0]")" = "(True, 'live')"

# just before the end, everything is alive
now=$(date +%s)
[ "$now" -lt $((ALICE_EXP - 2)) ] && sleep $((ALICE_EXP - 2 - now))
ns_check "2 s before the ticket's end: shell, detached and root processes alive" \
	all_alive "$SHELL_PID" "$DETACHED" "$ROOTCMD" "$ALICE_CLIENT"
# then all gone within session_grace (3 s) + a few seconds of the end
ns_check "after the end: all of alice's processes gone within grace + 5 s" \
	all_gone_within 10 "$SHELL_PID" "$DETACHED" "$ROOTCMD"
ns_check "the ssh client was disconnected" all_gone_within 5 "$ALICE_CLIENT"
no_process_of() {
	local p left=
	for p in $(pids_of "$1"); do
		runs "$p" && left="$left $p"
	done
	[ -z "$left" ] || { ps -o pid,ppid,user,stat,args -p "${left# }"; return 1; }
}
ns_check "no process of alice's audit session is left" no_process_of "$SID_A"
ns_check "the warning reached alice's terminal" \
	grep -q "changegate: ticket CHG0000001 ends in" "$NS_DIR/alice.out"
ns_check "the end reached alice's terminal" \
	grep -q "changegate: ticket CHG0000001 has expired; this login is being closed" \
	"$NS_DIR/alice.out"
ns_check "audit_log: session_end, expired, alice's session, 3+ processes" \
	audit_has session_end expired "$SID_A" 3
ns_check "syslog: the session_end decision line" \
	syslog_has "event=session_end user=alice .*ticket=CHG0000001 .*session=$SID_A processes="
ns_check "alice's login record is gone" not_listed_within 8 "$SID_A"
ns_check "bob's login (another ticket) lives on" all_alive "$BOB_PID" "$BOB_CLIENT"
ns_check "carol's login (exempt) lives on" all_alive "$CAROL_PID" "$CAROL_CLIENT"
ns_check "the malformed record was reported" syslog_has "login record 999999 cannot be used"
ns_check "... and the reaper runs on" reaper_alive

# ---- revocation: ended within 5 s -----------------------------------------------------------

# The login's ticket covers /usr/bin/id only; in it, sudo runs sleep under a token of its
# own that lives 12 s (a token file): the approval plugin registers it (a sudo lease) and
# the reaper ends that command, and only it, at that token's end.
tok_rev=$(cg_mint alice --ticket CHG0000003 --cmd /usr/bin/id --ttl 1h) || exit 1
SHORT_TOK=$NS_DIR/home/alice/short.tok
cg_mint alice --ticket CHG0000005 --cmd '/usr/bin/sleep *' --ttl 12s >"$SHORT_TOK" || exit 1
SHORT_EXP=$(($(date +%s) + 12))
chown alice "$SHORT_TOK"
chmod 0600 "$SHORT_TOK"
ssh_as alice "$(printf '%s\n' "$tok_rev" | token_file alice-rev)" \
	"CHANGEGATE_TOKEN_FILE=$SHORT_TOK sudo -n /usr/bin/sleep 1003 </dev/null >/dev/null 2>&1 & echo READY; exec sleep 400" \
	>"$NS_DIR/alice-rev.out" 2>&1 &
REV_CLIENT=$!
NS_PIDS+=("$REV_CLIENT")
SID_R=$(session_of alice CHG0000003) || { echo "the second login was not recorded"; exit 1; }
for i in $(seq 100); do
	REV_PID=$(pid_by "$SID_R" '^sleep 400') && SUDO_CMD=$(pid_by "$SID_R" '^/usr/bin/sleep 1003' 0) &&
		SUDO_PID=$(pid_by "$SID_R" '^sudo -n /usr/bin/sleep 1003') && break
	sleep 0.1
done
ns_check "a sudo command under a token of its own runs, as root" test -n "$SUDO_CMD" -a -n "$SUDO_PID"
ns_check "... and is registered for the reaper (a root-only sudo lease)" \
	test "$(stat -c %U:%a "$RUN_DIR/sudo-$SUDO_PID" 2>&1)" = root:600
# its token lives 12 s, less than session_warn (20 s): the lease is in its warning time
ns_check "sessions --json lists the sudo lease: its pid, the login's session, its ticket, warning" \
	test "$(json_get "[(l['session'], l['user'], l['ticket'], l['state']) for l in j['sudo_leases'] if l['pid'] == $SUDO_PID]")" = "[($SID_R, 'alice', 'CHG0000005', 'warning')]"
ns_check "... and so does the text output, in its own section" \
	sh -c '"$1" sessions --config "$2" | grep -Eq "^$3 +$4 +alice +CHG0000005 .* warning\$"' \
	sh "$CG_BIN" "$CG_CONFIG" "$SUDO_PID" "$SID_R"
now=$(date +%s)
[ "$now" -lt $((SHORT_EXP - 2)) ] && sleep $((SHORT_EXP - 2 - now))
ns_check "2 s before its token's end the command runs" all_alive "$SUDO_CMD" "$SUDO_PID"
ns_check "after its token's end the command is gone within grace + 5 s" \
	all_gone_within 10 "$SUDO_CMD" "$SUDO_PID"
ns_check "... while the login it ran in lives on" all_alive "$REV_PID" "$REV_CLIENT"
ns_check "audit_log: sudo_end, expired, in that login's session" audit_has sudo_end expired "$SID_R" 1
ns_check "the sudo lease is removed" file_gone_within 6 "$RUN_DIR/sudo-$SUDO_PID"
ns_check "a login under a ticket about to be revoked runs" all_alive "$REV_PID"
"$CG_BIN" revoke --config "$CG_CONFIG" --ticket CHG0000003 >/dev/null
ns_check "revoked: the login ends within 5 s" all_gone_within 5 "$REV_PID"
ns_check "... the client is disconnected" all_gone_within 5 "$REV_CLIENT"
ns_check "audit_log: session_end, revoked" audit_has session_end revoked "$SID_R" 1
ns_check "bob's login still lives on" all_alive "$BOB_PID"

# the signed list revokes a ticket: its login ends within 5 s too
tok_sig=$(cg_mint alice --ticket CHG0000007 --cmd /usr/bin/id --ttl 1h) || exit 1
ssh_as alice "$(printf '%s\n' "$tok_sig" | token_file alice-sig)" 'echo READY; exec sleep 401' \
	>"$NS_DIR/alice-sig.out" 2>&1 &
SIG_CLIENT=$!
NS_PIDS+=("$SIG_CLIENT")
SID_S=$(session_of alice CHG0000007) || { echo "the third login was not recorded"; exit 1; }
SIG_PID=$(wait_pid "$SID_S" '^sleep 401')
ns_check "a login under a ticket the signed list will revoke runs" all_alive "$SIG_PID"
sign_list --seq 2 --chg CHG0000007
ns_check "revoked by the signed list: the login ends within 5 s" all_gone_within 5 "$SIG_PID"
ns_check "audit_log: session_end, revoked (signed list)" audit_has session_end revoked "$SID_S" 1

# ---- end-session: an administrator ends bob's login -----------------------------------------

ns_check "end-session SESSION ends bob's login" \
	"$CG_BIN" end-session --config "$CG_CONFIG" "$SID_B"
ns_check "... its processes are gone" all_gone_within 5 "$BOB_PID" "$BOB_CLIENT"
ns_check "audit_log: end_session for bob's session" audit_has end_session revoked "$SID_B" 1
ns_check_fails "end-session of a session that is not there fails" \
	"$CG_BIN" end-session --config "$CG_CONFIG" 4000000000
ns_check "carol's login (exempt) still lives on" all_alive "$CAROL_PID"

# ---- the policy wrapper: sudo ends the command at its ticket's end, and says why ----------

sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
tok_pol=$(cg_mint alice --ticket CHG0000006 --cmd '/usr/bin/sleep *' --ttl 4s) || exit 1
ns_log_mark
sudo_as alice "CHANGEGATE_TOKEN=$tok_pol" sudo -n /usr/bin/sleep 30 >"$NS_DIR/policy.out" 2>&1
ns_check "policy: the command ended at the ticket's end is explained to the user" \
	grep -q "changegate: ticket CHG0000006 expired: sudo ended the command at the ticket's end" \
	"$NS_DIR/policy.out"
ns_check "... and logged" log_has alice event=command_end reason=expired ticket=CHG0000006
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"

# ---- a closed login's leftovers end with its ticket, across a restart of the reaper ---------

tok_cl=$(cg_mint alice --ticket CHG0000008 --cmd /usr/bin/id --ttl 20s) || exit 1
CL_EXP=$(($(date +%s) + 20))
ssh_as alice "$(printf '%s\n' "$tok_cl" | token_file alice-closed)" \
	'setsid sleep 1002 </dev/null >/dev/null 2>&1 & echo READY' >"$NS_DIR/alice-closed.out" 2>&1 &
CL_CLIENT=$!
NS_PIDS+=("$CL_CLIENT")
SID_L=$(session_of alice CHG0000008) || { echo "the closing login was not recorded"; exit 1; }
LEFT_PID=$(wait_pid "$SID_L" '^sleep 1002')
ns_check "a login that closes normally leaves a detached process behind" \
	all_gone_within 10 "$CL_CLIENT"
ns_check "... which runs on" all_alive "$LEFT_PID"
ns_check "the login's record stays as a closed login's (root-only)" \
	test -f "$RUN_DIR/closed-$SID_L" -a ! -e "$RUN_DIR/$SID_L" -a \
	"$(stat -c %a "$RUN_DIR/closed-$SID_L")" = 600
ns_check "sessions --json lists it as closed" \
	test "$(json_get "[s['state'] for s in j['sessions'] if s['session'] == $SID_L][0]")" = closed
kill "$REAPER_PID"
wait "$REAPER_PID"
start_reaper
ns_check "the reaper, restarted, runs" test "$(json_get "j['reaper_running']")" = True
now=$(date +%s)
[ "$now" -lt $((CL_EXP - 2)) ] && sleep $((CL_EXP - 2 - now))
ns_check "2 s before the ticket's end the left-behind process runs" all_alive "$LEFT_PID"
ns_check "after the end, the restarted reaper ends it within grace + 5 s" \
	all_gone_within $((2 + 3 + 5)) "$LEFT_PID"
ns_check "audit_log: session_end, expired, for the closed login" \
	audit_has session_end expired "$SID_L" 1
ns_check "the closed login's record is removed" file_gone_within 8 "$RUN_DIR/closed-$SID_L"

# ---- require_reaper: the reaper stopped ------------------------------------------------------

kill "$REAPER_PID"
wait "$REAPER_PID"
ns_check "the stopped reaper is seen at once" test "$(json_get "j['reaper_running']")" = False
tok_late=$(cg_mint alice --ticket CHG0000004 --cmd /usr/bin/id --ttl 1h) || exit 1
late=$(printf '%s\n' "$tok_late" | token_file alice-late)
ns_log_mark
ns_check_fails "require_reaper: a gated login is refused without a reaper" \
	ssh_as alice "$late" true
ns_check "... with reason reaper_down" syslog_has "reason=reaper_down .*user=alice"
ns_check "... and the exempt user still gets in" ssh_as carol - true
ns_log_mark
ns_check_fails "require_reaper: gated sudo is refused without a reaper" \
	sudo_as alice "CHANGEGATE_TOKEN=$tok_late" sudo -n /usr/bin/id
ns_check "... with reason reaper_down" log_has alice decision=deny reason=reaper_down

ns_finish
