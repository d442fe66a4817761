#!/bin/bash
# The reaper and `changegate end-session` ask systemd-logind to terminate an ended login's
# session as well as signalling it (issue 12), through the real sshd (pam_loginuid before
# pam_changegate), a real dbus-daemon on /run/dbus/system_bus_socket inside the private mount
# namespace, and tests/e2e/fake_logind (this machine has no logind) that records each call:
# - without a system bus, a revoked login still ends within 5 s (logind=absent);
# - a revoked login: logind got TerminateSession for exactly its session id (the reaper
#   ignores DBUS_SYSTEM_BUS_ADDRESS, which points elsewhere), logind=terminated in the audit
#   log and syslog; another user's live login is never named;
# - a session logind presents with another Audit id is not terminated (logind=refused) while
#   the login's processes still end;
# - a bus that accepts but never answers delays end-session by the bound only (logind=failed).
# Every process the test starts is ended by its pid (ns_daemon and the kills below).
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_reaper.sh"

sshd_prereqs
if [ ! -x /usr/bin/dbus-daemon ]; then
	echo "SKIP: dbus-daemon is not installed"
	exit 77
fi
FAKE_LOGIND=$top_builddir/tests/e2e/fake_logind
[ -x "$FAKE_LOGIND" ] || { echo "fake_logind is not built: $FAKE_LOGIND"; exit 1; }
unset DBUS_SYSTEM_BUS_ADDRESS
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
cat >>"$CG_CONFIG" <<EOF
leeway = 0
session_warn = 20s
session_grace = 2s
EOF
ns_add_user alice developers
ns_add_user bob developers
sshd_start || { echo "cannot start sshd"; exit 1; }
sshd_askpass_setup
for u in alice bob; do
	sshd_user_key "$u" || exit 1
done
RUN_DIR=/run/changegate
BUS_SOCKET=/run/dbus/system_bus_socket
LOGIND_RECORD=$NS_DIR/logind.calls
: >"$LOGIND_RECORD"
export SSH_TIMEOUT=150

# ---- helpers ----------------------------------------------------------------------------------

# login USER TICKET N: USER logs in under a fresh ticket TICKET and runs `sleep N`; sets
# LOGIN_SID and LOGIN_PID (the sleep).
login() {
	local tok
	tok=$(cg_mint "$1" --ticket "$2" --cmd /usr/bin/id --ttl 1h) || return 1
	ssh_as "$1" "$(printf '%s\n' "$tok" | token_file "$1-$2")" "exec sleep $3" \
		>"$NS_DIR/$1-$2.out" 2>&1 &
	NS_PIDS+=($!)
	LOGIN_SID=$(session_of "$1" "$2") || { echo "$1's login under $2 was not recorded"; cat "$NS_DIR/$1-$2.out"; return 1; }
	SIDS="$SIDS $LOGIN_SID"
	LOGIN_PID=$(wait_pid "$LOGIN_SID" "^sleep $3 \$") || { echo "no sleep $3 in session $LOGIN_SID"; return 1; }
}

# audit_logind EVENT SID WORD: the audit log's EVENT record for session SID says logind=WORD.
audit_logind() {
	/usr/bin/python3 - "$CG_AUDIT_LOG" "$@" <<'PY'
import json, sys
path, event, sid, word = sys.argv[1:5]
for _ in range(50):
    for line in open(path):
        r = json.loads(line)
        if r.get("event") == event and r.get("session") == int(sid):
            if r.get("logind") == word:
                sys.exit(0)
            print("logind is %r, not %r: %s" % (r.get("logind"), word, line.strip()))
            sys.exit(1)
    __import__("time").sleep(0.1)
print("no %s record for session %s" % (event, sid))
sys.exit(1)
PY
}

called() { grep -qx "$1" "$LOGIND_RECORD"; }
never_called() {
	! grep -qx "$1" "$LOGIND_RECORD" || { echo "logind got: $1"; cat "$LOGIND_RECORD"; return 1; }
}
# wait_called LINE: LINE appears in the record within 5 s.
wait_called() {
	local i
	for i in $(seq 50); do
		called "$1" && return 0
		sleep 0.1
	done
	echo "logind never got: $1; it got:"
	cat "$LOGIND_RECORD"
	return 1
}

# wait_socket PATH: a socket at PATH within 5 s.
wait_socket() {
	local i
	for i in $(seq 50); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

revoke() { "$CG_BIN" revoke --config "$CG_CONFIG" --ticket "$1" >/dev/null; }

# Every login this test opens ends with it, whatever fails: each process of their sessions.
SIDS=
end_logins() {
	local sid p
	for sid in $SIDS; do
		for p in $(pids_of "$sid"); do
			kill -KILL "$p" 2>/dev/null
		done
	done
	sshd_show_logs_on_failure
	ns_cleanup
}
trap end_logins EXIT

# ---- the reaper, pointed elsewhere by the environment it must ignore -------------------------

mkdir -m 0755 /run/dbus
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$NS_DIR/not-the-bus ns_daemon "$CG_BIN" reaper --config "$CG_CONFIG"
REAPER_PID=$!
for i in $(seq 50); do
	[ "$(json_get "j['reaper_running']" 2>/dev/null)" = True ] && break
	sleep 0.1
done
ns_check "the reaper runs" test "$(json_get "j['reaper_running']")" = True

# ---- no system bus: the login still ends, logind=absent ---------------------------------------

login alice CHG0000010 500 || exit 1
SID_0=$LOGIN_SID PID_0=$LOGIN_PID
ns_log_mark
revoke CHG0000010
ns_check "no bus: the revoked login ends within 5 s" all_gone_within 5 "$PID_0"
ns_check "... audit_log: session_end with logind=absent" audit_logind session_end "$SID_0" absent
ns_check "... syslog: the decision line says logind=absent" \
	ns_log_wait "event=session_end user=alice .*session=$SID_0 processes=[0-9]+ logind=absent"
ns_check "... and the reaper said so at LOG_INFO (authpriv.info: <86>)" \
	ns_log_wait "^<86>.*session $SID_0: not ended through systemd-logind: no system bus"

# ---- the bus and logind: alice's login (terminated), bob's (never named), alice's second
# login, which logind presents with another Audit id (refused) ----------------------------------

login alice CHG0000011 501 || exit 1
SID_A=$LOGIN_SID PID_A=$LOGIN_PID
login bob CHG0000012 502 || exit 1
SID_B=$LOGIN_SID PID_B=$LOGIN_PID
login alice CHG0000013 503 || exit 1
SID_M=$LOGIN_SID PID_M=$LOGIN_PID

cat >"$NS_DIR/dbus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS_SOCKET</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="org.freedesktop.login1"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
ns_daemon /usr/bin/dbus-daemon --config-file="$NS_DIR/dbus.conf" --nofork --nopidfile --nosyslog
DBUS_PID=$!
wait_socket "$BUS_SOCKET" || { echo "dbus-daemon did not start"; exit 1; }
ns_daemon "$FAKE_LOGIND" "$LOGIND_RECORD" "$NS_DIR/logind.ready" \
	"$SID_A:$SID_A:alice" "$SID_B:$SID_B:bob" "$SID_M:$((SID_M + 1000)):alice"
LOGIND_PID=$!
for i in $(seq 50); do
	[ -e "$NS_DIR/logind.ready" ] && break
	sleep 0.1
done
ns_check "the test's logind owns org.freedesktop.login1" test -e "$NS_DIR/logind.ready"

ns_log_mark
revoke CHG0000011
ns_check "revoked: alice's login ends within 5 s" all_gone_within 5 "$PID_A"
ns_check "... logind got TerminateSession for exactly that session" \
	wait_called "TerminateSession $SID_A"
ns_check "... audit_log: session_end with logind=terminated" \
	audit_logind session_end "$SID_A" terminated
ns_check "... syslog: the decision line says logind=terminated" \
	ns_log_wait "event=session_end user=alice .*session=$SID_A processes=[0-9]+ logind=terminated"
ns_check "bob's live login was never named to logind" never_called "GetSession $SID_B"
ns_check "... and lives on" runs "$PID_B"

ns_log_mark
ns_check "end-session ends alice's second login" \
	"$CG_BIN" end-session --config "$CG_CONFIG" "$SID_M"
ns_check "... its processes are gone" all_gone_within 5 "$PID_M"
ns_check "... logind was asked about it" called "GetSession $SID_M"
ns_check "... but not to terminate it: its Audit id is not the login's" \
	never_called "TerminateSession $SID_M"
ns_check "... audit_log: end_session with logind=refused" audit_logind end_session "$SID_M" refused
ns_check "... syslog says why" \
	ns_log_wait "session $SID_M: systemd-logind's session $SID_M not asked to terminate: its Audit id is not the login's"
ns_check "bob's login still was never named to logind" never_called "GetSession $SID_B"
ns_check "the reaper runs on" kill -0 "$REAPER_PID"

# ---- a bus that never answers: bounded, logind=failed -----------------------------------------

kill "$LOGIND_PID" "$DBUS_PID"
wait "$LOGIND_PID" "$DBUS_PID" 2>/dev/null
rm -f "$BUS_SOCKET"
ns_daemon /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])  # accepted, never answered
' "$BUS_SOCKET"
wait_socket "$BUS_SOCKET" || { echo "the silent bus did not start"; exit 1; }
ns_log_mark
start=$(date +%s%N)
ns_check "a silent bus: end-session ends bob's login" \
	"$CG_BIN" end-session --config "$CG_CONFIG" "$SID_B"
took=$((($(date +%s%N) - start) / 1000000))
ns_check "... within session_grace + the 2 s bound (took ${took} ms)" test "$took" -lt 4500
ns_check "... its processes are gone" all_gone_within 5 "$PID_B"
ns_check "... audit_log: end_session with logind=failed" audit_logind end_session "$SID_B" failed
ns_check "bob's session was never named to the test's logind" never_called "TerminateSession $SID_B"

ns_finish
