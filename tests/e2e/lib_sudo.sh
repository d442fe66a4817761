# Helpers for the sudo end-to-end tests, on top of nslib.sh (sourced after it).

SUDOERS_SO=/usr/libexec/sudo/sudoers.so

sudo_available() {
	[ -x /usr/bin/sudo ] && [ -f "$SUDOERS_SO" ]
}

# sudo_setup [EXEMPT]: after ns_changegate_env. Installs root-owned copies of the plugin and
# of the verifier it opens from its own directory (sudo refuses a plugin that is not root's
# or is writable by others, and the plugin so refuses its verifier), the test sudoers (0440)
# and an empty sudo.conf over the real ones, and sets APPROVAL_CONF and POLICY_CONF, the
# two sudo.conf set-ups (EXEMPT, if given, in the plugin's exempt_users=). Write one with
# sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF".
sudo_setup() {
	local exempt=${1:+ exempt_users=$1}
	PLUGIN=$NS_DIR/plugins/changegate_sudo.so
	mkdir -m 0755 "$NS_DIR/plugins" || return 1
	install -o root -g root -m 0644 "$top_builddir/sudo_plugin/.libs/changegate_sudo.so" \
		"$PLUGIN" || return 1
	install -o root -g root -m 0644 \
		"$top_builddir/sudo_plugin/.libs/changegate_sudo_verify.so" \
		"$NS_DIR/plugins/changegate_sudo_verify.so" || return 1
	install -o root -g root -m 0440 "$top_srcdir/tests/e2e/sudo/sudoers" "$NS_DIR/sudoers" ||
		return 1
	install -o root -g root -m 0644 "$top_srcdir/tests/e2e/sudo/broken.conf" \
		"$NS_DIR/broken.conf" || return 1
	: >"$NS_DIR/sudo.conf"
	ns_bind "$NS_DIR/sudoers" /etc/sudoers || return 1
	ns_bind "$NS_DIR/sudo.conf" /etc/sudo.conf || return 1
	APPROVAL_CONF="Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so
Plugin changegate_approval $PLUGIN config=$CG_CONFIG$exempt"
	POLICY_CONF="Plugin changegate_policy $PLUGIN config=$CG_CONFIG delegate=$SUDOERS_SO$exempt
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so"
}

# sudo_as USER [VAR=VALUE...] sudo ARGS...: runs sudo as a test user, no terminal, stdin empty.
sudo_as() {
	local user=$1
	shift
	runuser -u "$user" -- env "$@" </dev/null
}

# in_dir DIR CMD...: CMD (a sudo_as line) run from DIR. A user whose sudoers rule says CWD=*
# (dave) runs his commands where he stands, which changegate allows only in root's directories.
in_dir() {
	local dir=$1
	shift
	(cd "$dir" && "$@")
}

# log_has USER KEY=VALUE...: within 3 s of the mark, one changegate line from sudo for USER
# carries every KEY=VALUE given (in any order).
log_has() {
	local user=$1 i kv lines
	shift
	for i in $(seq 30); do
		lines=$(ns_log_since | grep -E '[ :]front=sudo( |$)' | grep -E "[ :]user=$user( |\$)")
		for kv in "$@"; do
			lines=$(printf '%s\n' "$lines" | grep -E "[ :]$kv( |\$)")
		done
		[ -n "$lines" ] && return 0
		sleep 0.1
	done
	return 1
}

# denied_with REASON USER CMD...: CMD must fail, and a changegate syslog line for USER with
# that reason must arrive.
denied_with() {
	local reason=$1 user=$2
	shift 2
	ns_log_mark
	if "$@"; then
		echo "the command succeeded"
		return 1
	fi
	if ! log_has "$user" decision=deny "reason=$reason"; then
		echo "no changegate log line with reason=$reason for $user; log since the mark:"
		ns_log_since
		return 1
	fi
}

# prints_and_succeeds WANT CMD...: CMD succeeds and prints a line equal to WANT.
prints_and_succeeds() {
	local want=$1 out
	shift
	out=$("$@") || { echo "failed: $out"; return 1; }
	printf '%s\n' "$out" | grep -qxF -- "$want" || { echo "output was: $out"; return 1; }
}

# output_has TEXT CMD...: CMD's output (stdout and stderr) contains TEXT, whatever its status.
output_has() {
	local want=$1 out
	shift
	out=$("$@" 2>&1)
	printf '%s\n' "$out" | grep -qF -- "$want" || { echo "output was: $out"; return 1; }
}

# sudo_conf_write FILE CONTENT: sudo ignores a sudo.conf that is not root's or is writable
# by others, so write it 0644 root.
sudo_conf_write() {
	printf '%s\n' "$2" >"$1"
	chown root:root "$1"
	chmod 0644 "$1"
}

# sudo_conf_use SETUP [OPTIONS]: sudo.conf for the approval or the policy set-up, with
# OPTIONS (e.g. "debug") added to changegate's own plugin line.
sudo_conf_use() {
	local conf
	if [ "$1" = approval ]; then conf=$APPROVAL_CONF; else conf=$POLICY_CONF; fi
	[ -n "${2:-}" ] && conf=${conf/config=$CG_CONFIG/config=$CG_CONFIG $2}
	sudo_conf_write "$NS_DIR/sudo.conf" "$conf"
}

# in_session USER TOKEN CMD...: runs CMD in a new kernel audit session (loginuid set, as
# pam_loginuid does at login) in which TOKEN is recorded for USER, as the PAM module does.
# CMD's stdin is empty, or the caller's with CG_KEEP_STDIN=1 (to answer a prompt).
# Needs $SESSION_PUT (tests/sudo/session_record_put).
in_session() {
	local user=$1 token=$2
	shift 2
	# echo is a builtin: /proc/self is this bash, which the later commands inherit from
	CG_T=$token CG_KEEP_STDIN=${CG_KEEP_STDIN:-} bash -c '
		u=$(id -u "$1") && echo "$u" >/proc/self/loginuid || exit 1
		printf "%s" "$CG_T" | "$0" "$1" || exit 1
		unset CG_T
		[ -n "$CG_KEEP_STDIN" ] || exec </dev/null
		shift
		exec "$@"' "$SESSION_PUT" "$user" "$@"
}

# True when this kernel gives a process that sets its loginuid an audit session id.
have_audit_sessions() {
	bash -c 'echo 0 >/proc/self/loginuid && [ "$(cat /proc/self/sessionid)" != 4294967295 ]' \
		2>/dev/null
}

# at_prompt USER ANSWER COMMAND: runs COMMAND (a shell command line) as USER on a new
# terminal (script(1)) and types ANSWER once sudo has had time to ask. Output: the terminal.
at_prompt() {
	local user=$1 answer=$2 cmd=$3
	(sleep 2; printf '%s\n' "$answer") |
		runuser -u "$user" -- script -qec "$cmd" /dev/null
}

# prompt_allows USER TOKEN COMMAND: at_prompt succeeds, never shows the token, and prints 0.
prompt_allows() {
	local out
	out=$(at_prompt "$1" "$2" "$3") || { echo "failed: $out"; return 1; }
	case $out in
	*"${2##*.}"*) echo "the token was echoed"; return 1 ;;
	esac
	printf '%s\n' "$out" | tr -d '\r' | grep -qx 0 || { echo "output was: $out"; return 1; }
}

# mark_library OUT: builds OUT, a shared library whose constructor creates $PWNED
# ($NS_DIR/pwned) when it runs as root, for the tests that a user's library never does.
# Returns 1 when no C compiler is installed (OUT then does not exist), 2 when the build
# fails. not_marked says whether it ran as root since the last check.
PWNED=$NS_DIR/pwned
mark_library() {
	command -v cc >/dev/null || return 1
	printf '%s\n' '#include <fcntl.h>' '#include <unistd.h>' \
		'__attribute__((constructor)) static void mark(void)' \
		"{ if (geteuid() == 0) close(open(\"$PWNED\", O_CREAT | O_WRONLY, 0644)); }" \
		>"$NS_DIR/mark.c" &&
		cc -shared -fPIC -o "$1" "$NS_DIR/mark.c" && chmod 0755 "$1" || return 2
}
not_marked() { [ ! -e "$PWNED" ] || { echo "the library ran as root"; rm -f "$PWNED"; return 1; }; }
