#!/bin/bash
# The in-session fast path (issue 16), through the real sshd and the real sudo: in a login
# made with a ticket, sudo judges the login record's verified claims without loading the
# verifier object (the plugin's debug lines say which path it took and whether the verifier
# is mapped, asked with dlopen RTLD_NOLOAD), and every doubt about the record falls back:
# key file replaced or removed, record of another user, record not root-owned, run dir
# writable by others, ticket expired, ticket revoked after the login (plain list; a signed
# list is verified in full), a command the ticket does not cover. Both sudo set-ups for the main case.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sshd_prereqs
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
# expiry is tested with a ticket of seconds: no leeway, and a lifetime cap that allows it
echo "leeway = 0" >>"$CG_CONFIG"
ns_add_user alice developers   # the example sshd config asks developers for a ticket
sudo_setup || { echo "cannot set up sudo"; exit 1; }
sshd_start || { echo "cannot start sshd"; exit 1; }
sshd_askpass_setup
sshd_user_key alice || exit 1
RUNDIR=/run/changegate

tok=$(cg_mint alice --cmd /usr/bin/id) || exit 1
tokfile=$(printf '%s\n' "$tok" | token_file alice)
KEY=$CG_DIR/keys/issuer-1.pem

# login_then TOKFILE ACTION REMOTE: logs in as alice, waits for the login's record, runs
# ACTION (a shell command, as root here, with $REC naming the record), then REMOTE in the
# same login. Prints REMOTE's output (stdout and stderr); its status is REMOTE's.
login_then() {
	local tf=$1 action=$2 remote=$3 go out pid sid="" i rc
	go=$NS_DIR/go.$RANDOM$RANDOM
	out=$NS_DIR/out.$RANDOM$RANDOM
	ssh_as alice "$tf" "echo SID=\$(cat /proc/self/sessionid); while [ ! -e $go ]; do sleep 0.1; done; $remote" \
		>"$out" 2>&1 &
	pid=$!
	for i in $(seq 150); do
		sid=$(sed -n 's/^SID=\([0-9]*\)$/\1/p' "$out" 2>/dev/null)
		[ -n "$sid" ] && [ -e "$RUNDIR/$sid" ] && break
		sleep 0.1
	done
	REC=$RUNDIR/$sid
	[ -e "$REC" ] || { echo "no login record appeared ($REC)"; cat "$out"; touch "$go"; wait $pid; return 1; }
	eval "$action" || { echo "the action failed: $action"; touch "$go"; wait $pid; return 1; }
	touch "$go"
	wait $pid
	rc=$?
	grep -v -e '^SID=' -e '^Warning: Permanently added' "$out"
	rm -f "$out" "$go"
	return $rc
}

# fast_path OUTPUT: the plugin said it judged from the record, and the verifier is not mapped
fast_path() {
	grep -qF "debug: login record: fast path" <<<"$1" &&
		grep -qF "debug: verifier loaded: no" <<<"$1" || { echo "output was: $1"; return 1; }
}
# full_path WHY OUTPUT: the plugin fell back to the full verification, saying WHY
full_path() {
	grep -qF "debug: login record: full verification: $1" <<<"$2" &&
		grep -qF "debug: verifier loaded: yes" <<<"$2" || { echo "output was: $2"; return 1; }
}
# no_record WHY OUTPUT: the record was not used at all, saying WHY
no_record() {
	grep -qF "debug: login record: " <<<"$2" && grep -qF -- "$1" <<<"$2" &&
		! grep -qF "fast path" <<<"$2" || { echo "output was: $2"; return 1; }
}
allowed() { grep -qx 0 <<<"$1" || { echo "not allowed; output was: $1"; return 1; }; }

for setup in approval policy; do
	sudo_conf_use $setup debug
	ns_log_mark
	out=$(login_then "$tokfile" : 'sudo -n /usr/bin/id -u; sudo -n /usr/bin/id -u')
	ns_check "$setup: sudo in the login is allowed" allowed "$out"
	ns_check "$setup: ... from the record, without loading the verifier" fast_path "$out"
	ns_check "$setup: ... and logs the allow with the ticket" \
		log_has alice decision=allow reason=ok ticket=CHG0012345
	out=$(login_then "$tokfile" : 'sudo -n /usr/bin/whoami')
	ns_check "$setup: a command the ticket does not cover: full verification" \
		full_path "the recorded ticket does not allow it (command_denied)" "$out"
	ns_check "$setup: ... which denies it" log_has alice decision=deny reason=command_denied
done

# the key file put back as another file with the same bytes: not the file it was verified with
replace_key() { cp -p "$KEY" "$KEY.new" && mv "$KEY.new" "$KEY"; }
out=$(login_then "$tokfile" replace_key 'sudo -n /usr/bin/id -u')
ns_check "key file replaced: full verification" \
	full_path "its key file was replaced or changed since" "$out"
ns_check "... which still allows (same key)" allowed "$out"

ns_log_mark
out=$(login_then "$tokfile" 'mv "$KEY" "$KEY.gone"' 'sudo -n /usr/bin/id -u')
mv "$KEY.gone" "$KEY"
ns_check "key file removed: full verification" full_path "its key file is gone" "$out"
ns_check "... which denies" log_has alice decision=deny reason=unknown_key

ns_log_mark
out=$(login_then "$tokfile" 'sed -i "s/^user=alice\$/user=bob/" "$REC"' 'sudo -n /usr/bin/id -u')
ns_check "record of another user: not used" no_record "another user's" "$out"
ns_check "... and sudo -n has no ticket" log_has alice decision=deny reason=no_token

out=$(login_then "$tokfile" 'chown alice "$REC"' 'sudo -n /usr/bin/id -u')
ns_check "record not root-owned: not used" no_record "not root" "$out"

out=$(login_then "$tokfile" 'chmod 0777 "$RUNDIR"' 'sudo -n /usr/bin/id -u')
chmod 0700 "$RUNDIR"
ns_check "run dir writable by others: record not used" no_record "cannot be trusted" "$out"

# revoked after the login: the fast path sees the list, and the full verification says so
ns_log_mark
out=$(login_then "$tokfile" 'echo CHG0012345 >>"$CG_REVOKED"' 'sudo -n /usr/bin/id -u')
: >"$CG_REVOKED"
ns_check "ticket revoked after login: full verification" \
	full_path "the recorded ticket does not allow it (revoked)" "$out"
ns_check "... which denies it as revoked" log_has alice decision=deny reason=revoked

# expired during the login (a ticket of a few seconds, leeway 0)
short=$(cg_mint alice --cmd /usr/bin/id --ttl 6s --jti short-1) || exit 1
shortfile=$(printf '%s\n' "$short" | token_file alice-short)
ns_log_mark
out=$(login_then "$shortfile" 'sleep 7' 'sudo -n /usr/bin/id -u')
ns_check "ticket expired since the login: full verification" \
	full_path "the recorded ticket does not allow it (expired)" "$out"
ns_check "... which denies it as expired" log_has alice decision=deny reason=expired

# the config's audience changed since the login: the recorded claims no longer match
ns_log_mark
out=$(login_then "$tokfile" 'sed -i "s/^audience = .*/audience = other-fleet/" "$CG_CONFIG"' \
	'sudo -n /usr/bin/id -u')
sed -i "s/^audience = .*/audience = $CG_AUDIENCE/" "$CG_CONFIG"
ns_check "audience changed since the login: full verification" \
	full_path "the recorded ticket does not allow it (bad_audience)" "$out"

# a signed revocation list (issue 13): judged from its verified index (install writes it),
# bound to the list file in place and its key; without one the token is verified in full,
# which verifies and indexes the list; a refusal is always the full verification's
LISTS=$CG_DIR/lists
mkdir -m 0755 "$LISTS"
echo "revocation_list = $LISTS/revoked.jws" >>"$CG_CONFIG"
sign() {
	"$CG_BIN" revocations sign --key "$CG_ISSUER_KEY" --kid issuer-1 --iss "$CG_ISSUER" \
		--aud "$CG_AUDIENCE" "$@"
}
sign --seq 1 --ttl 1h >"$CG_DIR/l1" && sign --seq 2 --ttl 1h --chg CHG0012345 >"$CG_DIR/l2" ||
	{ echo "sign failed"; exit 1; }
"$CG_BIN" revocations install --config "$CG_CONFIG" "$CG_DIR/l1" >/dev/null || exit 1
out=$(login_then "$tokfile" : 'sudo -n /usr/bin/id -u')
ns_check "signed revocation list installed: the fast path, from its verified index" \
	fast_path "$out"
ns_check "... which allows (the list names nothing)" allowed "$out"
IDX=$CG_DIR/state/revocation_list.idx
out=$(login_then "$tokfile" 'rm -f "$IDX"' 'sudo -n /usr/bin/id -u; sudo -n /usr/bin/id -u')
ns_check "the list's index removed: full verification" \
	full_path "the signed revocation list has no verified index" "$out"
ns_check "... which allows and indexes the list again, so the next sudo takes the fast path" \
	grep -qF "debug: login record: fast path" <<<"$out"
ns_check "... index rewritten, root-only" test "$(stat -c %U "$IDX")" = root
# the same list's bytes put in place by hand: another file, so the index does not bind
out=$(login_then "$tokfile" 'cp "$LISTS/revoked.jws" "$CG_DIR/copy" && mv "$CG_DIR/copy" "$LISTS/revoked.jws"' \
	'sudo -n /usr/bin/id -u')
ns_check "the list file replaced since it was indexed: full verification" \
	full_path "the signed revocation list has no verified index" "$out"
ns_log_mark
out=$(login_then "$tokfile" '"$CG_BIN" revocations install --config "$CG_CONFIG" "$CG_DIR/l2" >/dev/null' \
	'sudo -n /usr/bin/id -u')
ns_check "ticket revoked by a signed list after login: full verification" \
	full_path "the signed revocation list refuses it" "$out"
ns_check "... which denies it as revoked" log_has alice decision=deny reason=revoked

token_in_log() { grep -qF -- "${tok##*.}" "$NS_LOG"; }
ns_check_fails "the token never reaches syslog" token_in_log
ns_finish
