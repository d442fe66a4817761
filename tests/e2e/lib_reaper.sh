# Helpers of the reaper's end-to-end tests (session_reaper.sh, reaper_logind.sh): the live
# logins as `changegate sessions --json` lists them, and the processes of an audit session.
# Sourced after nslib.sh and lib_pam.sh (CG_BIN, CG_CONFIG).

sessions_json() { "$CG_BIN" sessions --config "$CG_CONFIG" --json; }

# json_get EXPR: evaluates EXPR on the sessions JSON as `j` (python), prints the result.
json_get() {
	sessions_json | /usr/bin/python3 -c "import json, sys; j = json.load(sys.stdin); print($1)"
}

# session_of USER TICKET: the session id of USER's login under TICKET (waits up to 15 s).
session_of() {
	local i sid
	for i in $(seq 150); do
		sid=$(json_get "next((s['session'] for s in j['sessions'] if s['user'] == '$1' and s['ticket'] == '$2'), '')")
		[ -n "$sid" ] && { echo "$sid"; return 0; }
		sleep 0.1
	done
	return 1
}

# pids_of SID: the processes whose audit session id is SID.
pids_of() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(cat "$d/sessionid" 2>/dev/null)" = "$1" ] && echo "${d#/proc/}"
	done
	return 0
}

# pid_by SID PATTERN [UID]: the one process of SID whose command line matches PATTERN.
pid_by() {
	local p
	for p in $(pids_of "$1"); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -Eq -- "$2" || continue
		[ -z "${3:-}" ] || [ "$(stat -c %u "/proc/$p")" = "$3" ] || continue
		echo "$p"
		return 0
	done
	return 1
}

# wait_pid SID PATTERN: pid_by, waiting up to 10 s for the process to appear.
wait_pid() {
	local i p
	for i in $(seq 100); do
		p=$(pid_by "$1" "$2") && { echo "$p"; return 0; }
		sleep 0.1
	done
	return 1
}

# runs PID: the process exists and is not a zombie (which has ended, unreaped).
runs() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

all_alive() {
	local p
	for p in "$@"; do
		runs "$p" || { echo "process $p is gone"; return 1; }
	done
}

# all_gone_within SECS PID...: every PID exits within SECS seconds.
all_gone_within() {
	local secs=$1 i p left
	shift
	for i in $(seq $((secs * 10))); do
		left=
		for p in "$@"; do
			runs "$p" && left="$left $p"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "still alive:$left"
	ps -o pid,ppid,user,stat,args -p "${left# }" 2>/dev/null
	return 1
}
