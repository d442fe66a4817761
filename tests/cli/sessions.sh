#!/bin/bash
# `changegate sessions` lists the sudo leases (commands sudo allowed under a token that is not
# the login's, registered for the reaper) next to the logins: a second section in the text,
# a "sudo_leases" array in --json (the existing keys unchanged), each lease with its sudo
# pid, session id, user, ticket, jti, expires and state. The leases are files in a run
# directory of the test's own, for processes of an audit session of the test's own.
# Needs root (the run directory is root's; a loginuid of our own); skipped otherwise.
. "${top_srcdir:?}/tests/cli/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (sessions reads root's run directory)"
	exit 77
fi
cli_env
CONF="$T/changegate.conf"
RUN="$T/run"
mkdir -m 0700 "$RUN" || exit 99

# holder: a process in an audit session of its own (setting the loginuid opens one), as a
# sudo process in a gated login is; it lives until the test ends.
sh -c 'echo 0 >/proc/self/loginuid && exec sleep 300' 2>/dev/null &
HOLDER=$!
GONE_PID=
trap 'kill "$HOLDER" 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
SID=$(cat "/proc/$HOLDER/sessionid" 2>/dev/null)
if [ -z "$SID" ] || [ "$SID" = 4294967295 ] || ! grep -q 'sleep' "/proc/$HOLDER/comm"; then
	echo "SKIP: no audit session id of our own here (loginuid cannot be set)"
	exit 77
fi
start_of() { awk '{print $22}' "/proc/$1/stat"; }

# lease PID START EXP USER JTI CHG: a lease file in the fixed text the sudo plugin writes
# (shared/sudo_lease.c), root's and 0600 like the plugin's.
lease() {
	printf 'changegate-sudo-lease 1\npid=%s\nstart=%s\nsession=%s\nexp=%s\nuser=%s\njti=%s\nchg=%s\n' \
		"$1" "$2" "$SID" "$3" "$4" "$5" "$6" >"$RUN/sudo-$1" && chmod 0600 "$RUN/sudo-$1" || exit 99
}
now=$(date +%s)
START=$(start_of "$HOLDER")
lease "$HOLDER" "$START" $((now + 3600)) alice tok-live CHG0000101
# a sudo process that has exited: its pid is free again (or another program's)
sleep 0 &
GONE_PID=$!
wait "$GONE_PID"
lease "$GONE_PID" "$START" $((now + 3600)) bob tok-gone CHG0000102
sessions() { "$CG" sessions --config "$CONF" --run-dir "$RUN" "$@"; }
# json_get EXPR: EXPR evaluated on the --json output as `j`.
json_get() { sessions --json | "$PY" -c "import json, sys; j = json.load(sys.stdin); print($1)"; }

check_out "sessions: the text has a sudo lease section" '^sudo leases' 0 sessions
check_out "... listing the live lease: pid, session, user, ticket, jti, state" \
	"^$HOLDER +$SID +alice +CHG0000101 +tok-live .* live\$" 0 sessions
check_out "... and the lease whose sudo has exited as gone" \
	"^$GONE_PID +$SID +bob +CHG0000102 +tok-gone .* gone\$" 0 sessions
check "sessions --json keeps its keys and adds sudo_leases" \
	test "$(json_get 'sorted(j.keys())')" = "['reaper_running', 'sessions', 'sudo_leases']"
check "... no logins here" test "$(json_get 'j["sessions"]')" = "[]"
check "... the live lease with every field" \
	test "$(json_get "[l for l in j['sudo_leases'] if l['pid'] == $HOLDER]")" = \
	"[{'pid': $HOLDER, 'session': $SID, 'user': 'alice', 'ticket': 'CHG0000101', 'jti': 'tok-live', 'expires': $((now + 3600)), 'state': 'live'}]"
check "... the exited one as gone" \
	test "$(json_get "[l['state'] for l in j['sudo_leases'] if l['pid'] == $GONE_PID]")" = "['gone']"

# the states a live lease can be in: warning (within session_warn of its end), expired
# (past its end and the leeway), revoked (the ticket is on the revocation list)
lease "$HOLDER" "$START" $((now + 60)) alice tok-live CHG0000101
check "a lease within session_warn of its end: warning" \
	test "$(json_get "[l['state'] for l in j['sudo_leases'] if l['pid'] == $HOLDER]")" = "['warning']"
lease "$HOLDER" "$START" $((now - 3600)) alice tok-live CHG0000101
check "a lease past its end: expired" \
	test "$(json_get "[l['state'] for l in j['sudo_leases'] if l['pid'] == $HOLDER]")" = "['expired']"
lease "$HOLDER" "$START" $((now + 3600)) alice tok-live CHG0000101
"$CG" revoke --config "$CONF" --ticket CHG0000101 >/dev/null || exit 99
check "a lease whose ticket is revoked: revoked" \
	test "$(json_get "[l['state'] for l in j['sudo_leases'] if l['pid'] == $HOLDER]")" = "['revoked']"
# a lease for the holder's pid with another start time is another process: gone
lease "$HOLDER" $((START + 1)) $((now + 3600)) alice tok-live CHG0000103
check "a lease whose pid was reused (start time differs): gone" \
	test "$(json_get "[l['state'] for l in j['sudo_leases'] if l['pid'] == $HOLDER]")" = "['gone']"

# a malformed lease is reported on stderr and left out; the others are listed
printf 'changegate-sudo-lease 1\npid=%s\n' 4242 >"$RUN/sudo-4242" && chmod 0600 "$RUN/sudo-4242"
check_out "a malformed lease is reported" 'sudo lease of pid 4242 cannot be used' 0 sessions
check "... and left out, the others listed" \
	test "$(json_get "sorted(l['pid'] for l in j['sudo_leases'])" 2>/dev/null)" = \
	"$(printf '%s\n' "$HOLDER" "$GONE_PID" | sort -n | paste -sd, | sed 's/,/, /; s/^/[/; s/$/]/')"
finish
