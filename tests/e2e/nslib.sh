# End-to-end harness, sourced by bash tests: the real sshd and sudo run inside a private mount
# namespace, against test copies of /etc/passwd, group, shadow, pam.d and sudo files bind-mounted
# over the real ones. The host's own files are never written: everything the tests change lives
# in NS_DIR, and the mounts vanish with the namespace.

NS_PASS=0
NS_FAIL=0
NS_PIDS=()
NS_NEXT_UID=20000
NS_NEXT_GID=30000
NS_LOG_MARK=0

# Call first. Outside the namespace: set up NS_DIR, re-run this script inside a new mount
# namespace, and clean NS_DIR up from outside once every mount in there is gone.
ns_enter() {
	if [ -z "${CG_NS_INSIDE:-}" ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "SKIP: end-to-end tests need root (they start sshd and sudo)"
			exit 77
		fi
		if [ -n "${CG_SANITIZED:-}" ]; then
			echo "SKIP: sanitizer build; sshd and sudo run the plain build's module"
			exit 77
		fi
		if ! unshare -m --propagation private true 2>/dev/null; then
			echo "SKIP: unshare -m is not available here"
			exit 77
		fi
		: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
		: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"
		NS_DIR=$(mktemp -d /tmp/cg-e2e.XXXXXX) || exit 1
		# homes live below: users must be able to traverse it
		chmod 0755 "$NS_DIR"
		export NS_DIR CG_NS_INSIDE=1
		local rc=0
		unshare -m --propagation private "$BASH" "$0" "$@" || rc=$?
		# removed from outside: the namespace's mounts (and /dev nodes) are not visible here
		rm -rf --one-file-system "$NS_DIR"
		exit "$rc"
	fi
	ns_setup
}

ns_setup() {
	NS_LOG=$NS_DIR/syslog.log
	: >"$NS_LOG"
	trap ns_cleanup EXIT
	mkdir -p "$NS_DIR/etc" "$NS_DIR/home" "$NS_DIR/dev"
	local f
	for f in passwd group shadow gshadow; do
		[ -e "/etc/$f" ] || continue
		cp -p "/etc/$f" "$NS_DIR/etc/$f"
		mount --bind "$NS_DIR/etc/$f" "/etc/$f"
	done
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
	mkdir -m 0755 /run/sshd
	ns_private_dev
	ns_start_syslog
}

# A /dev of our own, so that /dev/log can be our syslog socket. Built aside, then moved in.
ns_private_dev() {
	local d=$NS_DIR/dev n
	mount -t tmpfs -o mode=0755,nosuid tmpfs "$d"
	for n in null zero full random urandom tty; do
		: >"$d/$n"
		mount --bind "/dev/$n" "$d/$n"
	done
	mkdir -m 0755 "$d/pts"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$d/pts"
	ln -s pts/ptmx "$d/ptmx"
	mkdir -m 1777 "$d/shm"
	ln -s /proc/self/fd "$d/fd"
	ln -s /proc/self/fd/0 "$d/stdin"
	ln -s /proc/self/fd/1 "$d/stdout"
	ln -s /proc/self/fd/2 "$d/stderr"
	mount --move "$d" /dev
}

# A minimal syslog daemon: one line in $NS_LOG per datagram, priority prefix kept so that tests
# can check the facility (authpriv is 10: <80> .. <87>).
ns_start_syslog() {
	cat >"$NS_DIR/syslogd.py" <<'PY'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        data = s.recv(65536)
        f.write(data.rstrip(b"\0\n").replace(b"\n", b"\\n") + b"\n")
PY
	ns_daemon /usr/bin/python3 "$NS_DIR/syslogd.py" /dev/log "$NS_LOG"
	local i
	for i in $(seq 50); do
		[ -S /dev/log ] && return 0
		sleep 0.1
	done
	echo "syslog socket did not appear" >&2
	exit 1
}

ns_cleanup() {
	local p
	for p in "${NS_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${NS_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	return 0
}

ns_daemon() {
	"$@" &
	NS_PIDS+=($!)
}

ns_bind() {
	mount --bind "$1" "$2"
}

# Groups and users go into the namespace copies, written in place (the bind mounts forbid the
# rename that useradd would do).
ns_add_group() {
	local g=$1
	grep -q "^$g:" /etc/group && return 0
	echo "$g:x:$NS_NEXT_GID:" >>/etc/group
	[ -e /etc/gshadow ] && echo "$g:!::" >>/etc/gshadow
	NS_NEXT_GID=$((NS_NEXT_GID + 1))
}

ns_add_member() {
	local user=$1 g=$2 f tmp
	ns_add_group "$g"
	for f in /etc/group /etc/gshadow; do
		[ -e "$f" ] || continue
		tmp=$(mktemp "$NS_DIR/grp.XXXXXX")
		awk -F: -v OFS=: -v g="$g" -v u="$user" \
			'$1 == g { $NF = ($NF == "" ? u : $NF "," u) } { print }' "$f" >"$tmp"
		cat "$tmp" >"$f"
		rm -f "$tmp"
	done
}

ns_drop_account() {
	local name=$1 f tmp
	for f in /etc/passwd /etc/shadow /etc/group /etc/gshadow; do
		[ -e "$f" ] || continue
		grep -q "^$name:" "$f" || continue
		tmp=$(mktemp "$NS_DIR/acct.XXXXXX")
		awk -F: -v n="$name" '$1 != n' "$f" >"$tmp"
		cat "$tmp" >"$f"
		rm -f "$tmp"
	done
}

ns_add_user() {
	local name=$1 uid=$NS_NEXT_UID g
	shift
	NS_NEXT_UID=$((NS_NEXT_UID + 1))
	# a host account of the same name is replaced, in the namespace copies only
	ns_drop_account "$name"
	echo "$name:x:$uid:" >>/etc/group
	[ -e /etc/gshadow ] && echo "$name:!::" >>/etc/gshadow
	echo "$name:x:$uid:$uid:changegate test user:$NS_DIR/home/$name:/bin/bash" >>/etc/passwd
	echo "$name:*:19000:0:99999:7:::" >>/etc/shadow
	mkdir -p "$NS_DIR/home/$name"
	chown "$uid:$uid" "$NS_DIR/home/$name"
	chmod 0755 "$NS_DIR/home/$name"
	for g in "$@"; do
		ns_add_member "$name" "$g"
	done
}

ns_log_mark() {
	NS_LOG_MARK=$(wc -l <"$NS_LOG")
}

ns_log_since() {
	tail -n "+$((NS_LOG_MARK + 1))" "$NS_LOG"
}

ns_log_wait() {
	local ere=$1 secs=${2:-5} i
	for i in $(seq $((secs * 10))); do
		ns_log_since | grep -Eq -- "$ere" && return 0
		sleep 0.1
	done
	return 1
}

ns_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $desc"
		NS_PASS=$((NS_PASS + 1))
	else
		echo "not ok - $desc"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 40
		NS_FAIL=$((NS_FAIL + 1))
	fi
}

ns_check_fails() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "not ok - $desc (succeeded, expected a failure)"
		printf '%s\n' "$out" | sed 's/^/#   /' | head -n 40
		NS_FAIL=$((NS_FAIL + 1))
	else
		echo "ok - $desc"
		NS_PASS=$((NS_PASS + 1))
	fi
}

ns_finish() {
	echo "$NS_PASS passed, $NS_FAIL failed"
	[ "$NS_FAIL" -eq 0 ] && [ "$NS_PASS" -gt 0 ]
	exit $?
}

# A changegate set-up of its own: issuer key, public key dir, config, revocation list, state.
ns_changegate_env() {
	CG_BIN=$top_builddir/tools/changegate
	CG_DIR=$NS_DIR/cg
	CG_ISSUER=https://change.example.test
	CG_AUDIENCE=prod-test
	CG_HOSTNAME=web-01.prod.example
	mkdir -m 0755 "$CG_DIR"
	mkdir -m 0755 "$CG_DIR/keys"
	mkdir -m 0700 "$CG_DIR/state" "$CG_DIR/private"
	"$CG_BIN" keygen --alg ES256 --out "$CG_DIR/private/issuer-1" >/dev/null || return 1
	install -m 0644 "$CG_DIR/private/issuer-1.pub" "$CG_DIR/keys/issuer-1.pem"
	CG_ISSUER_KEY=$CG_DIR/private/issuer-1.key
	CG_REVOKED=$CG_DIR/revoked
	CG_AUDIT_LOG=$CG_DIR/audit.log
	CG_CONFIG=$CG_DIR/changegate.conf
	: >"$CG_REVOKED"
	chmod 0644 "$CG_REVOKED"
	cat >"$CG_CONFIG" <<EOF
issuer = $CG_ISSUER
audience = $CG_AUDIENCE
keys_dir = $CG_DIR/keys
hostname = $CG_HOSTNAME
revocation_file = $CG_REVOKED
state_dir = $CG_DIR/state
audit_log = $CG_AUDIT_LOG
EOF
	chmod 0644 "$CG_CONFIG"
}

# cg_mint USER [changegate issue options]: defaults fill whatever the caller leaves out.
cg_mint() {
	local user=$1
	shift
	local args=" $* " extra=()
	[[ $args == *" --ticket "* ]] || extra+=(--ticket CHG0012345)
	[[ $args == *" --approved-by "* ]] || extra+=(--approved-by approver)
	[[ $args == *" --scope "* ]] || extra+=(--scope login,sudo)
	[[ $args == *" --ttl "* ]] || extra+=(--ttl 1h)
	"$CG_BIN" issue --key "$CG_ISSUER_KEY" --kid issuer-1 --iss "$CG_ISSUER" \
		--aud "$CG_AUDIENCE" --sub "$user" "${extra[@]}" "$@"
}
