#!/bin/bash
# Instructions per sudo call (issue 16), counted by callgrind: deterministic, so a shared and
# noisy machine cannot spoil the comparison that timed runs (session_bench.sh) can only
# sample. The real sudo, with each sudo.conf set-up, runs `sudo -n /usr/bin/true` as the
# user once under `valgrind --tool=callgrind` (dynamic loading, relocation and ld.so
# included); the figure is the instructions of sudo's process and of its child up to the
# exec of the command. Set-ups:
#   plain     sudoers alone
#   approval  changegate_approval in a ticketed login: the login record's fast path
#   policy    changegate_policy (sudoers delegated) in the same login: the fast path
#   env       approval, the record set aside, the token in CHANGEGATE_TOKEN: full verification
#   exempt    approval loaded with the user exempt: the plugin's load and nothing else
#   root      approval, root's own call
#   rootplain sudoers alone, root's own call (root's baseline: sudoers does less for root)
# valgrind cannot run a setuid file, and sudo needs only an effective uid of 0: sudo runs
# from a non-setuid copy, with the user's real uid and groups (setpriv), in an audit session
# of its own (loginuid written, as pam_loginuid does) that holds a copy of the record the PAM
# module wrote at a real SSH login with the ticket (only its session id changed).
# Runs inside the private mount namespace of the end-to-end tests; never writes the host's
# /etc. Needs root, sshd, ssh, sudo and valgrind; run by `make bench-instructions`.
set -u
: "${top_srcdir:?run through make bench-instructions}"
: "${top_builddir:?run through make bench-instructions}"
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sshd_prereqs
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
command -v valgrind >/dev/null && command -v setpriv >/dev/null ||
	{ echo "SKIP: valgrind or setpriv is not installed"; exit 77; }
have_audit_sessions || { echo "SKIP: no kernel audit sessions here"; exit 77; }
. "$top_srcdir/bench/lib_login.sh"
SUDO=$NS_DIR/sudo.nosuid
install -o root -g root -m 0755 /usr/bin/sudo "$SUDO" || fail "cannot copy sudo"
# Debian's /usr/bin/valgrind is a sh script, and a shell with a real uid that is not its
# effective one drops to the real one: run the valgrind binary itself
VALGRIND=$(command -v valgrind)
[ -x "$VALGRIND.bin" ] && VALGRIND=$VALGRIND.bin
OUT=$NS_DIR/callgrind
# valgrind checks access with the real uid: the user's directory
mkdir -m 0700 "$OUT" && chown alice "$OUT"

sudo_conf_write "$NS_DIR/sudo.conf.plain" "Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so"
sudo_conf_write "$NS_DIR/sudo.conf.approval" "$APPROVAL_CONF"
sudo_conf_write "$NS_DIR/sudo.conf.policy" "$POLICY_CONF"
sudo_conf_write "$NS_DIR/sudo.conf.exempt" "$APPROVAL_CONF exempt_users=alice"
sudo_conf_write "$NS_DIR/sudo.conf.debug" "${APPROVAL_CONF/config=$CG_CONFIG/config=$CG_CONFIG debug}"
VARIANTS=${BENCH_INSN_VARIANTS:-plain approval policy env exempt rootplain root}

# A real login with the ticket, held open until the counts are taken, for its record.
go=$NS_DIR/go
ssh_as alice "$tokfile" "echo SID=\$(cat /proc/self/sessionid); while [ ! -e $go ]; do sleep 0.1; done" \
	>"$NS_DIR/login.out" 2>&1 &
login=$!
sid=
for _ in $(seq 150); do
	sid=$(sed -n 's/^SID=\([0-9]*\)$/\1/p' "$NS_DIR/login.out" 2>/dev/null)
	[ -n "$sid" ] && [ -e "$RUNDIR/$sid" ] && break
	sleep 0.1
done
[ -n "$sid" ] && [ -e "$RUNDIR/$sid" ] || { touch "$go"; fail "no login record appeared"; }
cp -p "$RUNDIR/$sid" "$NS_DIR/record"
touch "$go"
wait $login

# run VARIANT: one counted call, in an audit session of its own with the login's record
# (but for env). Prints the instructions of sudo and its child before the exec.
run() {
	local v=$1 conf=$1 who=alice tok=
	case $v in
	env) conf=approval tok=$TOKEN ;;
	root) conf=approval who=root ;;
	rootplain) conf=plain who=root ;;
	esac
	cp "$NS_DIR/sudo.conf.$conf" "$NS_DIR/sudo.conf"
	rm -f "$OUT/$v".*
	# the token goes through the environment, never a command line
	CG_T=$tok bash -c '
		v=$1 who=$2 rec=$3 rundir=$4 out=$5 sudo=$6 vg=$7
		echo "$(id -u alice)" >/proc/self/loginuid || exit 1
		s=$(cat /proc/self/sessionid)
		if [ "$v" != env ]; then
			sed "s/^session=[0-9]*$/session=$s/" "$rec" >"$rundir/$s" || exit 1
			chmod 0600 "$rundir/$s"
		fi
		[ -z "$CG_T" ] || export CHANGEGATE_TOKEN=$CG_T
		unset CG_T
		setpriv --ruid "$who" --rgid "$(id -g "$who")" --init-groups \
			"$vg" --tool=callgrind --trace-children=no \
			--callgrind-out-file="$out/$v.%p" "$sudo" -n /usr/bin/true \
			</dev/null >"$out/$v.log" 2>&1
		rc=$?
		rm -f "$rundir/$s"
		exit $rc' insn "$v" "$who" "$NS_DIR/record" "$RUNDIR" "$OUT" "$SUDO" "$VALGRIND" ||
		{ cat "$OUT/$v.log" >&2; return 1; }
	cat "$OUT/$v".[0-9]* | awk '$1 == "totals:" { n += $2 } END { print n + 0 }'
}

# the fast path must be the path counted: check it once with the plugin's debug lines
conf=$NS_DIR/sudo.conf.approval
cp "$NS_DIR/sudo.conf.debug" "$NS_DIR/sudo.conf.approval"
run approval >/dev/null || fail "sudo in the login's session failed"
grep -qF "debug: login record: fast path" "$OUT/approval.log" &&
	grep -qF "debug: verifier loaded: no" "$OUT/approval.log" ||
	fail "the fast path was not taken: $(cat "$OUT/approval.log")"
sudo_conf_write "$conf" "$APPROVAL_CONF"

echo "== instructions per 'sudo -n /usr/bin/true' (callgrind, sudo's process and child before exec)"
printf '%-9s %12s %8s\n' set-up instructions "/ plain"
# each set-up against its own plain: root's calls against rootplain, the others against plain
declare -A base
for v in $VARIANTS; do
	n=$(run "$v") || fail "sudo failed in set-up $v"
	case $v in plain | rootplain) base[$v]=$n ;; esac
	b=${base[plain]:-}
	[ "$v" = root ] && b=${base[rootplain]:-}
	r=-
	[ -n "$b" ] && r=$(awk -v a="$n" -v b="$b" 'BEGIN { printf "%.3f", a / b }')
	printf '%-9s %12s %8s\n' "$v" "$n" "$r"
done
# BENCH_INSN_KEEP=DIR: keep the callgrind files there, for callgrind_annotate
if [ -n "${BENCH_INSN_KEEP:-}" ]; then
	mkdir -p "$BENCH_INSN_KEEP" && cp "$OUT"/* "$BENCH_INSN_KEEP"/ && echo "callgrind files: $BENCH_INSN_KEEP"
fi
exit 0
