#!/bin/bash
# `changegate audit` (issue 17) over tests/cli/data/audit-e2e.log, the JSON audit log that
# tests/e2e/sudo_after_ssh.sh recorded (four SSH logins with ticket CHG0012345, two each under
# the approval and the policy plugin: a covered sudo allowed in one, an uncovered one refused
# in the other), with hostile and foreign lines added here: an event
# this version does not know (the reaper's session_end), control characters, a duplicate
# key, a wrong type, a line that is not JSON, one too long.
. "${top_srcdir:?}/tests/cli/lib.sh"

rec=$top_srcdir/tests/cli/data/audit-e2e.log
log=$T/audit.log
cp "$rec" "$log"
long=$(head -c 70000 /dev/zero | tr '\0' a)
{
	echo '{"time":1796534200,"front":"reaper","event":"session_end","user":"alice","host":"vm","audit_session":868,"ticket":"CHG0012345","why":"expired","pids":3}'
	printf '{"time":1796534201,"decision":"deny","reason":"expired","front":"sudo","event":"check","user":"mallory\\u001b[2J","host":"vm","cmd":["/bin/x\\u0007"],"ticket":"CHG0099999","audit_only":true,"detail":"bad\\u001b]0;title\\u0007"}\n'
	echo '{"time":1796534202,"decision":"allow","decision":"deny","user":"alice","ticket":"CHG0012345"}'
	echo '{"time":"yesterday","decision":"allow","user":"alice","ticket":"CHG0012345"}'
	echo 'not json at all'
	printf '{"time":1796534203,"detail":"%s"}\n' "$long"
	echo '{"decision":"allow","user":"alice"}'
} >>"$log"

out=$("$CG" audit --file "$log" --ticket CHG0012345 2>"$T/err")
rc=$?
if [ "$rc" -eq 1 ]; then pass "bad lines make exit 1, the rest is still shown"; else fail "exit $rc"; fi
n=$(printf '%s\n' "$out" | grep -c '  alice  ssh session_open from 127\.0\.0\.1: allow  ticket CHG0012345  session [0-9]')
if [ "$n" = 4 ]; then pass "all four recorded logins in the timeline, with their session"; else fail "session_open lines: $n"; printf '%s\n' "$out"; fi
if printf '%s\n' "$out" | grep -q '  alice  sudo as root:root /usr/bin/id -u: allow  ticket CHG0012345  session [0-9]'; then
	pass "the covered sudo command, allowed, in its login's session"
else
	fail "no sudo allow line"
fi
if printf '%s\n' "$out" | grep -q '  alice  sudo as root:root /usr/bin/whoami: deny command_denied' &&
	printf '%s\n' "$out" | grep -A1 'whoami: deny' | grep -q '^    ticket CHG0012345 does not cover /usr/bin/whoami'; then
	pass "a denial with its reason, and the detail under it"
else
	fail "no denial line with its detail"
fi
if printf '%s\n' "$out" | grep -q '^2026-12-06 [0-9:]* UTC  vm  alice  reaper session_end why=expired pids=3: -  ticket CHG0012345  session 868$'; then
	pass "an unknown event is shown with its own fields"
else
	fail "session_end not shown generically"
	printf '%s\n' "$out"
fi
if printf '%s\n' "$out" | tail -n 1 | grep -qx '2[0-9] records'; then pass "a count of the records shown"; else fail "no count: $(printf '%s\n' "$out" | tail -n 1)"; fi
for what in ':23: not an audit record (not a JSON object: duplicate object key' \
	'field time has the wrong type' 'not a JSON object: ' 'longer than 65536 bytes' ': not an audit record (no time)'; do
	if grep -qF -- "$what" "$T/err"; then pass "reported: $what"; else fail "not reported: $what"; cat "$T/err"; fi
done

# hostile values never reach the terminal raw
out=$("$CG" audit --file "$log" --user 'mallory' 2>/dev/null)
if [ "$(printf '%s\n' "$out" | tail -n 1)" = "0 records" ]; then pass "--user matches whole names only"; else fail "--user mallory: $out"; fi
out=$("$CG" audit --file "$log" --ticket CHG0099999 2>/dev/null)
if printf '%s' "$out" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'; then
	fail "control characters reached the output"
else
	pass "control characters are escaped"
fi
if printf '%s\n' "$out" | grep -qF 'mallory\x1b[2J  sudo /bin/x\x07: would deny expired (audit_only: let through)'; then
	pass "an audit_only denial reads as let through"
else
	fail "audit_only line: $out"
fi

# filters
t0=$(head -n 1 "$rec" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["time"])')
out=$("$CG" audit --file "$rec" --since $((t0 + 1)) --json 2>&1)
if [ -n "$out" ] && printf '%s\n' "$out" | /usr/bin/python3 -c "
import json, sys
sys.exit(0 if all(json.loads(l)['time'] > $t0 for l in sys.stdin) else 1)" &&
	[ "$(printf '%s\n' "$out" | wc -l)" -lt 20 ]; then
	pass "--since drops the records before it"
else
	fail "--since: $out"
fi
sid=$("$CG" audit --file "$rec" --json | /usr/bin/python3 -c '
import json, sys
print([json.loads(l) for l in sys.stdin if "audit_session" in l][0]["audit_session"])')
out=$("$CG" audit --file "$rec" --session "$sid")
if [ -n "$sid" ] && ! printf '%s\n' "$out" | grep -v '^[0-9]* records\?$' | grep -vq "  session $sid\$"; then
	pass "--session: only that login's records"
else
	fail "--session $sid: $out"
fi
json=$("$CG" audit --file "$log" --json --ticket CHG0012345 2>/dev/null)
if printf '%s\n' "$json" | /usr/bin/python3 -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
assert len(recs) >= 10 and all(r["ticket"] == "CHG0012345" for r in recs)
assert any(r.get("event") == "session_end" for r in recs)'; then
	pass "--json: one valid record a line, the unknown event included"
else
	fail "--json output"
fi
check_out "--since takes an age" '^[0-9]+ records?$' 0 "$CG" audit --file "$rec" --since 7d
check_out "--since takes a date" 'records?$' 0 "$CG" audit --file "$rec" --since 2026-12-06
check_out "--since refuses nonsense" 'not a time' 2 "$CG" audit --file "$rec" --since tomorrow
check_out "--session refuses a non-number" 'wants a number' 2 "$CG" audit --file "$rec" --session x
check_out "a missing log says what to do" 'nothing has been recorded yet' 2 "$CG" audit --file "$T/none"
check_out "stdin: - reads a rotated log piped in" '^20 records$' 0 sh -c "cat '$rec' | '$CG' audit --file -"
cli_env
check_out "no audit_log in the configuration: says so" 'sets no audit_log' 2 \
	"$CG" audit --config "$T/changegate.conf"
write_config "audit_log = $T/audit.log"
check_out "the configured audit_log is read" 'records?$' 1 "$CG" audit --config "$T/changegate.conf"
finish
