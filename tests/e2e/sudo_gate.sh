#!/bin/bash
# The real /usr/bin/sudo with changegate_sudo.so, in a private mount namespace: test
# sudo.conf and sudoers bind-mounted over the real ones, test users run sudo via runuser.
# Both set-ups: changegate_approval beside sudoers, and changegate_policy wrapping sudoers.so.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
SESSION_PUT=$top_builddir/tests/sudo/session_record_put
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
echo "exempt_users = carol" >>"$CG_CONFIG"
# issuer-1 may sign break-glass tokens here (only those with "emergency": true are such)
echo "emergency_keys = issuer-1" >>"$CG_CONFIG"
CG_ALWAYS_CONFIG=$CG_DIR/always.conf
{ cat "$CG_CONFIG"; echo "single_use = always"; } >"$CG_ALWAYS_CONFIG"
chmod 0644 "$CG_ALWAYS_CONFIG"
ns_add_user alice
ns_add_user bob
ns_add_user carol
ns_add_user dave
sudo_setup carol || { echo "cannot set up sudo"; exit 1; }
# dave's rule says CWD=*, so his commands run where he stands: "/" here, so that each case
# below is judged on what it tests rather than refused for the directory (sudo_scope.sh)
cd / || exit 1

now=$(date +%s)
T_OK=$(cg_mint alice --cmd /usr/bin/id --cmd "/bin/true *" --cmd "/usr/bin/sleep 60")
T_EXPIRED=$(cg_mint alice --nbf $((now - 7200)) --ttl 1h)
T_REVOKED=$(cg_mint alice --ticket CHG0099999 --cmd /usr/bin/id)
T_BOB=$(cg_mint bob)
T_OTHER_HOST=$(cg_mint alice --hosts "db-*.prod.example")
T_ALL=$(cg_mint alice --all-commands)
T_DAVE_ID=$(cg_mint dave --cmd "/usr/bin/id *")
T_DAVE_ANY=$(cg_mint dave --scope sudo 2>/dev/null)
T_DAVE_ALL=$(cg_mint dave --all-commands 2>/dev/null)
T_DAVE_GLASS=$(cg_mint dave --emergency --reason "INC-7 db down" --cmd /usr/bin/id)
T_DAVE_PERL=$(cg_mint dave --cmd /usr/bin/perl)
echo CHG0099999 >>"$CG_REVOKED"
ALL_TOKENS=("$T_OK" "$T_EXPIRED" "$T_REVOKED" "$T_BOB" "$T_OTHER_HOST" "$T_ALL" "$T_DAVE_ID"
	"$T_DAVE_ANY" "$T_DAVE_PERL" "$T_DAVE_ALL" "$T_DAVE_GLASS")
for t in "${ALL_TOKENS[@]}"; do
	[ -n "$t" ] || { echo "cg_mint failed"; exit 1; }
done

# a token file root can read but alice cannot, and one of alice's own
install -o root -g root -m 0600 /dev/null "$NS_DIR/root-token"
printf '%s\n' "$T_OK" >"$NS_DIR/root-token"
printf '%s\n' "$T_OK" >"$NS_DIR/home/alice/token"
chown alice: "$NS_DIR/home/alice/token"
chmod 0600 "$NS_DIR/home/alice/token"

common_cases() {
	local m=$1
	ns_check "$m: no token denied" \
		denied_with no_token alice sudo_as alice sudo /usr/bin/id
	ns_check "$m: sudo -n with nothing to offer denied, no prompt" \
		output_has "sudo -n cannot prompt" sudo_as alice sudo -n /usr/bin/id
	ns_log_mark
	ns_check "$m: token in environment allows a covered command" \
		prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id -u
	ns_check "$m: an allow is logged with the ticket, command and target" \
		log_has alice decision=allow reason=ok ticket=CHG0012345 runas=root 'cmd="/usr/bin/id -u"'
	# issue 17: every record names its host, so a collector of many hosts can tell them apart
	ns_check "$m: ... and names this host" \
		log_has alice decision=allow "host=$(hostname)"
	ns_check "$m: uncovered command denied" \
		denied_with command_denied alice sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/whoami
	ns_check "$m: the denial names the ticket and the command" \
		output_has "ticket CHG0012345 does not cover /usr/bin/whoami" \
		sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/whoami
	ns_check "$m: wrong runas denied" \
		denied_with runas_denied alice sudo_as alice CHANGEGATE_TOKEN="$T_ALL" sudo -n -u bob /usr/bin/id
	ns_check "$m: expired token denied" \
		denied_with expired alice sudo_as alice CHANGEGATE_TOKEN="$T_EXPIRED" sudo -n /usr/bin/id
	ns_check "$m: revoked ticket denied" \
		denied_with revoked alice sudo_as alice CHANGEGATE_TOKEN="$T_REVOKED" sudo -n /usr/bin/id
	# issue 14 item 5: a withdrawn ticket says so before any question of what it covers
	ns_check "$m: revoked ticket, a command it never covered: reason=revoked" \
		denied_with revoked alice sudo_as alice CHANGEGATE_TOKEN="$T_REVOKED" sudo -n /bin/true
	ns_check "$m: ... and the user is told it is revoked" \
		output_has "ticket CHG0099999, or this token of it, has been revoked (revoked)" \
		sudo_as alice CHANGEGATE_TOKEN="$T_REVOKED" sudo -n /bin/true
	ns_check "$m: another user's token denied" \
		denied_with wrong_user alice sudo_as alice CHANGEGATE_TOKEN="$T_BOB" sudo -n /usr/bin/id
	ns_check "$m: token for other hosts denied" \
		denied_with host_denied alice sudo_as alice CHANGEGATE_TOKEN="$T_OTHER_HOST" sudo -n /usr/bin/id
	ns_check "$m: sudo -v, then a command without token denied" \
		denied_with no_token alice runuser -u alice -- sh -c 'sudo -n -v && sudo -n /usr/bin/id' </dev/null
	ns_check_fails "$m: a sudoers denial stays a denial whatever the token" \
		sudo_as alice CHANGEGATE_TOKEN="$T_ALL" sudo -n /usr/bin/cat /etc/hostname
	ns_check "$m: exempt user unaffected" \
		prints_and_succeeds 0 sudo_as carol sudo -n /usr/bin/id -u
	ns_check "$m: root unaffected" prints_and_succeeds 0 sudo -n /usr/bin/id -u
	ns_check "$m: CHANGEGATE_TOKEN_FILE of the user's own allows" \
		prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN_FILE="$NS_DIR/home/alice/token" \
		sudo -n /usr/bin/id -u
	ns_check "$m: CHANGEGATE_TOKEN_FILE naming a root-only file refused" \
		denied_with no_token alice sudo_as alice CHANGEGATE_TOKEN_FILE="$NS_DIR/root-token" \
		sudo -n /usr/bin/id
	ns_check "$m: ... and it says why" \
		output_has "cannot be opened by you" sudo_as alice \
		CHANGEGATE_TOKEN_FILE="$NS_DIR/root-token" sudo -n /usr/bin/id
}

# ---- what a ticket does not cover however sudoers is written (dave has ALL, SETENV, CHROOT=*)
# a library whose constructor leaves a mark when it runs as root
mark_library "$NS_DIR/home/dave/mark.so"
[ $? -eq 2 ] && exit 1
# a jail of dave's own holding a working /usr/bin/id
JAIL=$NS_DIR/home/dave/jail
for f in /usr/bin/id $(ldd /usr/bin/id | grep -o '/[^ ]*'); do
	mkdir -p "$JAIL$(dirname "$f")" && cp -L "$f" "$JAIL$f" || exit 1
done
chown -R dave: "$JAIL"

denied_unmarked() { denied_with "$@" && not_marked; }

scope_cases() {
	local m=$1
	ns_check "$m: dave's ticket allows the covered command" \
		prints_and_succeeds 0 sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" sudo -n /usr/bin/id -u
	if [ -f "$NS_DIR/home/dave/mark.so" ]; then
		ns_check "$m: sudo LD_PRELOAD=lib covered-command denied, the library never runs" \
			denied_unmarked command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" \
			sudo -n LD_PRELOAD="$NS_DIR/home/dave/mark.so" /usr/bin/id -u
		ns_check "$m: sudo -E with LD_PRELOAD set denied, the library never runs" \
			denied_unmarked command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" \
			LD_PRELOAD="$NS_DIR/home/dave/mark.so" sudo -n -E /usr/bin/id -u
	else
		echo "ok - $m: LD_PRELOAD cases # SKIP no C compiler to build the library"
	fi
	# glibc strips LD_PRELOAD from setuid sudo's own environment, not PERL5OPT
	ns_check "$m: sudo --preserve-env=PERL5OPT denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" \
		PERL5OPT=-Mstrict sudo -n --preserve-env=PERL5OPT /usr/bin/id -u
	ns_check "$m: ... and the refusal says why" \
		output_has "sudo -E is not allowed" sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" \
		sudo -n -E /usr/bin/id -u
	ns_check "$m: SHELL=/usr/bin/perl sudo -s under a ticket without cmds denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" \
		SHELL=/usr/bin/perl sudo -n -s
	ns_check "$m: SHELL=/usr/bin/awk sudo -s (no list knows it) under a ticket without cmds denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" \
		SHELL=/usr/bin/awk sudo -n -s
	ns_check "$m: sudo -i under a ticket without cmds denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" sudo -n -i
	ns_check "$m: sudo -s with the shell named in cmds allowed" \
		sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_PERL" SHELL=/usr/bin/perl sudo -n -s
	ns_check "$m: sudo /usr/bin/sudo -n bash under a ticket without cmds denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" \
		sudo -n /usr/bin/sudo -n bash -c 'id -u'
	ns_check "$m: sudo env bash under a ticket without cmds denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" \
		sudo -n /usr/bin/env bash -c 'id -u'
	ns_check "$m: sudo -R jail under a ticket for the command denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" \
		sudo -n -R "$JAIL" /usr/bin/id -u
	ns_check "$m: sudo -D elsewhere denied" \
		denied_with command_denied dave sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ID" \
		sudo -n -D /root /usr/bin/id -u
	ns_check "$m: root keeps sudo -E and VAR=value" \
		prints_and_succeeds 0 sudo -n -E FOO=bar /usr/bin/id -u
}

# ---- issue 14 item 2: cmds is an allow list. Under a ticket without cmds each of these ran
# `id` as root through a list of forbidden shells; now none runs (each would create $PWNED).
# A copy of /bin/sh under another name, in a root-owned directory sudoers lets dave run:
install -d -o root -g root -m 0755 "$NS_DIR/rootbin"
install -o root -g root -m 0755 /bin/sh "$NS_DIR/rootbin/notashell"
LDSO=$(ls /lib64/ld-linux-*.so.* /lib/ld-linux-*.so.* 2>/dev/null | head -n 1)
ALLOW_LIST_RUNS=(
	"/usr/bin/setpriv /usr/bin/touch $PWNED"
	"/usr/bin/timeout 9 /usr/bin/touch $PWNED"
	"/usr/bin/nice /usr/bin/touch $PWNED"
	"/usr/bin/stdbuf -o0 /usr/bin/touch $PWNED"
	"/usr/bin/flock $NS_DIR/lock /usr/bin/touch $PWNED"
	"/usr/bin/prlimit /usr/bin/touch $PWNED"
	"/usr/bin/find $NS_DIR/rootbin -maxdepth 0 -exec /usr/bin/touch $PWNED ;"
	"$NS_DIR/rootbin/notashell -c touch\ $PWNED"
)
[ -n "$LDSO" ] && ALLOW_LIST_RUNS+=("$LDSO /bin/sh -c touch\ $PWNED")

# sudo_words TOKEN "WORDS": dave runs sudo -n WORDS (split on spaces; "\ " keeps one).
sudo_words() {
	local -a w
	read -a w <<<"$2"
	sudo_as dave CHANGEGATE_TOKEN="$1" sudo -n "${w[@]}"
}

allow_list_cases() {
	local m=$1 run
	[ -n "$LDSO" ] || echo "ok - $m: the dynamic loader case # SKIP no ld-linux found"
	for run in "${ALLOW_LIST_RUNS[@]}"; do
		ns_check "$m: ticket without cmds: sudo ${run%% *} ... denied, never runs" \
			denied_unmarked command_denied dave sudo_words "$T_DAVE_ANY" "$run"
	done
	ns_check "$m: ... and the user is told the ticket names no commands" \
		output_has "ticket CHG0012345 names no commands, so it allows no sudo command" \
		sudo_words "$T_DAVE_ANY" "/usr/bin/id"
	ns_log_mark
	ns_check "$m: a * ticket allows sudo -n /usr/bin/id" \
		prints_and_succeeds 0 sudo_words "$T_DAVE_ALL" "/usr/bin/id -u"
	ns_check "$m: ... logged at warning priority and marked unrestricted" \
		ns_log_wait '^<84>.*decision=allow reason=ok .*user=dave .*unrestricted=yes detail="ticket CHG0012345, approved by approver, allows any command \(an unrestricted ticket' 3
	ns_check "$m: ... and in the JSON audit log" \
		sh -c "tail -n 5 '$CG_AUDIT_LOG' | grep '\"user\":\"dave\"' | grep -q '\"unrestricted\":true'"
	ns_check "$m: ... and the user is told so" \
		output_has "note: ticket CHG0012345, approved by approver, allows any command" \
		sudo_words "$T_DAVE_ALL" "/usr/bin/id -u"
	ns_check "$m: a * ticket covers sudo -s too" \
		sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ALL" SHELL=/usr/bin/perl sudo -n -s
}

# ---- issue 14 item 14: a break-glass use alerts with its incident reason, escaped once
break_glass_cases() {
	local m=$1
	ns_log_mark
	ns_check "$m: a break-glass ticket allows its command" \
		prints_and_succeeds 0 sudo_words "$T_DAVE_GLASS" "/usr/bin/id -u"
	ns_check "$m: ... the LOG_ALERT line carries the reason and an unescaped detail" \
		ns_log_wait '^<81>.*user=dave .*emergency=1 change_reason="INC-7 db down" detail="break-glass ticket CHG0012345, approved by nobody \(break-glass\), allows this command' 3
	ns_check_fails "$m: ... and escapes nothing twice" \
		sh -c "grep -F 'emergency=1' '$NS_LOG' | grep -qF 'x5c'"
	ns_check "$m: ... the JSON record carries the reason too" \
		sh -c "tail -n 5 '$CG_AUDIT_LOG' | grep '\"alert\":true' | grep -qF '\"change_reason\":\"INC-7 db down\"'"
}

prompt_cases() {
	local m=$1
	if ! command -v script >/dev/null; then
		echo "ok - $m: prompt # SKIP script(1) is not installed"
		return
	fi
	ns_check "$m: a token typed at the prompt allows, not echoed" \
		prompt_allows alice "$T_OK" "sudo /usr/bin/id -u"
	ns_check "$m: a token cut at sudo's 1023 bytes is refused, with advice" \
		output_has "1023-byte prompt limit" at_prompt alice "$T_OK$T_OK$T_OK" "sudo /usr/bin/id -u"
}

# session_prompt_says TEXT: in a login whose ticket is T_OK, sudo /usr/bin/whoami on a
# terminal prints TEXT before its token prompt, and T_ALL typed there lets it run
session_prompt_says() {
	local out
	out=$( (sleep 2; printf '%s\n' "$T_ALL") | CG_KEEP_STDIN=1 in_session alice "$T_OK" \
		runuser -u alice -- script -qec "sudo /usr/bin/whoami" /dev/null | tr -d '\r')
	printf '%s\n' "$out" | grep -qxF "changegate: $1" &&
		printf '%s\n' "$out" | grep -B1 -- '\[changegate\] change ticket token' | head -n 1 |
		grep -qxF "changegate: $1" &&
		printf '%s\n' "$out" | grep -qx root || { echo "terminal: $out"; return 1; }
}

session_cases() {
	local m=$1
	if ! have_audit_sessions; then
		echo "ok - $m: login session tickets # SKIP the kernel gives no audit session ids"
		return
	fi
	ns_check "$m: the login session's ticket allows, nothing else given" \
		prints_and_succeeds 0 in_session alice "$T_OK" runuser -u alice -- sudo -n /usr/bin/id -u
	# issue 17: a prompt that appears because the login's ticket does not cover the command
	# says so before asking, and a ticket that does cover it is then taken
	if command -v script >/dev/null; then
		ns_check "$m: the login's ticket does not cover it: said before the prompt" \
			session_prompt_says "ticket CHG0012345 does not cover /usr/bin/whoami (command_denied); give a ticket that does"
	fi
	ns_check "$m: the login session's ticket does not cover other commands" \
		denied_with command_denied alice in_session alice "$T_OK" \
		runuser -u alice -- sudo -n /usr/bin/whoami
	ns_check "$m: a session ticket recorded for another user is not used" \
		denied_with no_token alice in_session bob "$T_BOB" runuser -u alice -- sudo -n /usr/bin/id
	# single_use=always: every use redeems, so the login's ticket is not reused by sudo
	sudo_conf_write "$NS_DIR/sudo.conf" "${2//config=$CG_CONFIG/config=$CG_ALWAYS_CONFIG}"
	ns_check "$m, single_use=always: the login session's ticket is not reused" \
		denied_with no_token alice in_session alice "$T_OK" runuser -u alice -- sudo -n /usr/bin/id
	sudo_conf_write "$NS_DIR/sudo.conf" "$2"
}

broken_cases() {
	local m=$1 conf=$2
	sudo_conf_write "$NS_DIR/sudo.conf" "${conf//config=$CG_CONFIG/config=$NS_DIR/broken.conf}"
	ns_check "$m, broken config: gated user denied" \
		denied_with config_error alice sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id
	# issue 17: the decision line is tagged for `grep changegate` (sudo's ident is "sudo"),
	# and what sudo logs of the refusal says the real reason, not "no ticket covers it"
	ns_check "$m, broken config: the decision line carries the changegate tag" \
		ns_log_wait 'changegate: decision=deny reason=config_error front=sudo ' 3
	ns_check "$m, broken config: sudo's own refusal line names config_error" \
		ns_log_wait "sudo.*changegate: changegate's configuration on this host is unusable \\(config_error\\)" 3
	ns_check "$m, broken config: exempt user unaffected" \
		prints_and_succeeds 0 sudo_as carol sudo -n /usr/bin/id -u
	ns_check "$m, broken config: root unaffected" prints_and_succeeds 0 sudo -n /usr/bin/id -u
	# a typo on the plugin's line in sudo.conf: sudo keeps working for root and the exempt
	sudo_conf_write "$NS_DIR/sudo.conf" "${conf//config=$CG_CONFIG/config=$CG_CONFIG audit-only}"
	ns_log_mark
	ns_check "$m, option typo: root unaffected" prints_and_succeeds 0 sudo -n /usr/bin/id -u
	ns_check "$m, option typo: exempt user unaffected" \
		prints_and_succeeds 0 sudo_as carol sudo -n /usr/bin/id -u
	ns_check "$m, option typo: gated user denied" \
		denied_with config_error alice sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id
	ns_check "$m, option typo: the option is logged at LOG_ERR" \
		ns_log_wait '^<83>.*sudo.conf: unknown plugin option audit-only' 3
	# the verifier object the plugin opens for a gated user's token: missing, then writable
	# by others. Root and the exempt keep sudo; the gated user with a valid token does not.
	local v=$NS_DIR/plugins/changegate_sudo_verify.so
	sudo_conf_write "$NS_DIR/sudo.conf" "$conf"
	mv "$v" "$v.away"
	ns_log_mark
	ns_check "$m, verifier missing: gated user denied" \
		denied_with config_error alice sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id
	ns_check "$m, verifier missing: the log says why" \
		ns_log_wait 'reason=config_error.*token verifier cannot be loaded.*No such file' 3
	ns_check "$m, verifier missing: root unaffected" prints_and_succeeds 0 sudo -n /usr/bin/id -u
	ns_check "$m, verifier missing: exempt user unaffected" \
		prints_and_succeeds 0 sudo_as carol sudo -n /usr/bin/id -u
	mv "$v.away" "$v"
	chmod 0666 "$v"
	ns_log_mark
	ns_check "$m, verifier writable by others: gated user denied" \
		denied_with config_error alice sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id
	ns_check "$m, verifier writable by others: the log says why" \
		ns_log_wait 'token verifier cannot be loaded.*writable by group or others' 3
	chmod 0644 "$v"
	ns_check "$m, verifier restored: gated user allowed again" \
		prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id -u
}

# ---- set-up 1: sudoers policy + changegate_approval
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
common_cases approval
session_cases approval "$APPROVAL_CONF"
scope_cases approval
allow_list_cases approval
break_glass_cases approval
prompt_cases approval
broken_cases approval "$APPROVAL_CONF"

# ---- set-up 2: changegate_policy wrapping sudoers.so
sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
common_cases policy
session_cases policy "$POLICY_CONF"
scope_cases policy
allow_list_cases policy
break_glass_cases policy
prompt_cases policy
ns_check "policy: sudo -l shows the ticket and what it covers" \
	output_has "change ticket CHG0012345" sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n -l
ns_check "policy: sudo -l still shows sudoers' rules" \
	output_has "/usr/bin/whoami" sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n -l
ns_check "policy: sudo -l without a token says so" \
	output_has "no change ticket" sudo_as alice sudo -n -l
ns_check "policy: sudo -l under a * ticket says it allows any command, unrestricted" \
	output_has "commands: any command (an unrestricted ticket: its cmds is *)" \
	sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ALL" sudo -n -l
ns_check "policy: sudo -l under a ticket without cmds says it names none" \
	output_has "names no commands, so it allows no sudo command (command_denied)" \
	sudo_as dave CHANGEGATE_TOKEN="$T_DAVE_ANY" sudo -n -l

kill_at_expiry() {
	local t start rc=0 took
	t=$(cg_mint alice --cmd "/usr/bin/sleep 60" --ttl 4s) || return 1
	start=$(date +%s)
	sudo_as alice CHANGEGATE_TOKEN="$t" sudo -n /usr/bin/sleep 60 || rc=$?
	took=$(($(date +%s) - start))
	echo "exit $rc after ${took}s"
	[ "$rc" -ne 0 ] && [ "$took" -lt 20 ]
}
ns_check "policy: the command is killed when the ticket expires" kill_at_expiry
broken_cases policy "$POLICY_CONF"

# ---- what went to syslog
token_in_log() {
	local t
	for t in "${ALL_TOKENS[@]}"; do
		if grep -qF -- "${t##*.}" "$NS_LOG"; then
			echo "a token's signature is in the log"
			return 0
		fi
	done
	return 1
}
ns_check_fails "no token ever reaches syslog" token_in_log
ns_check "changegate's lines go to authpriv" \
	sh -c "grep 'front=sudo' '$NS_LOG' | grep -qv '^<8[0-7]>' && exit 1; grep -q 'front=sudo' '$NS_LOG'"
ns_finish
