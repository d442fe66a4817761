#!/bin/bash
# sudo inside a ticketed login (issue 16): a real SSH login made with a ticket, and in it
# `sudo -n true` run by the user, with sudo.conf flipped between rounds (plain sudoers,
# changegate_approval, changegate_policy, the approval plugin with the user exempt) and, for
# the token-in-the-environment comparison,
# the login record set aside so that the token comes from CHANGEGATE_TOKEN. Interleaved:
# every round runs each set-up once, CALLS calls each, so a load that changes during the run
# meets them alike; each round gives each set-up's ratio to plain sudoers in that round, and
# the median and spread of those ratios are printed, with CPU time (user + system of the
# calls, from bash's `times`) beside wall time.
# Runs inside the private mount namespace of the end-to-end tests (tests/e2e/nslib.sh,
# lib_sudo.sh, lib_pam.sh); never writes the host's /etc. Needs root, sshd, ssh and sudo;
# run by `make bench-live`. BENCH_SESSION_ROUNDS (default 15) and BENCH_SESSION_CALLS
# (default 10) set the shape.
set -u
: "${top_srcdir:?run through make bench-live}"
: "${top_builddir:?run through make bench-live}"
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sshd_prereqs
sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ROUNDS=${BENCH_SESSION_ROUNDS:-15}
CALLS=${BENCH_SESSION_CALLS:-10}
. "$top_srcdir/bench/lib_login.sh"

sudo_conf_write "$NS_DIR/sudo.conf.plain" "Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so"
sudo_conf_write "$NS_DIR/sudo.conf.approval" "$APPROVAL_CONF"
sudo_conf_write "$NS_DIR/sudo.conf.policy" "$POLICY_CONF"
# the plugin loaded with alice exempt: what loading it costs, before any judgement
sudo_conf_write "$NS_DIR/sudo.conf.exempt" "$APPROVAL_CONF exempt_users=alice"
VARIANTS=${BENCH_SESSION_VARIANTS:-plain approval policy env exempt}
# BENCH_SESSION_PERF=FILE: the timed login under `perf record -a -g` into FILE, for
# `perf report --comm sudo --sort dso` (where a set-up's sudo spends its time; give one
# set-up in BENCH_SESSION_VARIANTS)
PERF=${BENCH_SESSION_PERF:-}
gated=0
for v in $VARIANTS; do [ "$v" = plain ] || [ "$v" = exempt ] || gated=$((gated + 1)); done

# The user's side, run in the login: for each round and set-up, ask root (outside) to set
# it up through a FIFO, wait for its answer, then time CALLS calls. One line per measure:
# "round variant wall_seconds cpu_seconds".
ctl=$NS_DIR/ctl
mkdir -m 0755 "$ctl"
mkfifo -m 0666 "$ctl/req" "$ctl/ack"
cat >"$ctl/user.sh" <<'EOF'
#!/bin/bash
ctl=$1 rounds=$2 calls=$3
shift 3
token=$(cat "$ctl/token")
# `times` must run in this shell (a $(...) subshell has no children of its own): its
# second line is the user and system time of the children waited for, "0m0.010s 0m0.020s"
tf=$(mktemp)
cpu() { tail -n1 "$tf" | tr -d s | awk '{split($1,a,"m"); split($2,b,"m");
	print a[1]*60 + a[2] + b[1]*60 + b[2]}'; }
for r in $(seq "$rounds"); do
	for v in "$@"; do
		echo "$v" >"$ctl/req"
		read -r _ <"$ctl/ack"
		env=()
		[ "$v" = env ] && env=(env "CHANGEGATE_TOKEN=$token")
		times >"$tf"
		c0=$(cpu)
		t0=$EPOCHREALTIME
		for _ in $(seq "$calls"); do
			"${env[@]}" sudo -n true </dev/null || { echo "FAILED $v"; exit 1; }
		done
		t1=$EPOCHREALTIME
		times >"$tf"
		c1=$(cpu)
		echo "$r $v $(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}') $(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')"
	done
done
echo done >"$ctl/req"
rm -f "$tf"
EOF
chmod 0755 "$ctl/user.sh"
# the env set-up's token, for alice only (never on a command line)
printf '%s' "$TOKEN" >"$ctl/token"
chown alice "$ctl/token"
chmod 0600 "$ctl/token"

# Root's side: sets each set-up up as asked. "env": approval, with the record set aside so
# that sudo finds no login ticket and takes CHANGEGATE_TOKEN.
serve() {
	local v rec
	while read -r v <"$ctl/req"; do
		[ "$v" = done ] && return 0
		for rec in "$RUNDIR"/.aside-*; do
			[ -e "$rec" ] && mv "$rec" "$RUNDIR/${rec##*/.aside-}"
		done
		case $v in
		env)
			cp "$NS_DIR/sudo.conf.approval" "$NS_DIR/sudo.conf"
			for rec in "$RUNDIR"/[0-9]*; do
				[ -e "$rec" ] && mv "$rec" "$RUNDIR/.aside-${rec##*/}"
			done ;;
		*) cp "$NS_DIR/sudo.conf.$v" "$NS_DIR/sudo.conf" ;;
		esac
		echo ok >"$ctl/ack"
	done
}

# every set-up must give the right answer first: the login's ticket allows, the fast path
sudo_conf_use approval debug
out=$(ssh_as alice "$tokfile" 'sudo -n true' 2>&1) || fail "sudo in the login failed: $out"
grep -qF "debug: login record: fast path" <<<"$out" || fail "the fast path was not taken: $out"
grep -qF "debug: verifier loaded: no" <<<"$out" || fail "the verifier was loaded: $out"

echo "== sudo -n true inside a ticketed SSH login: $ROUNDS rounds of $CALLS calls per set-up"
echo "load before: $(uptime)"
ns_log_mark
serve &
server=$!
perf_pid=
if [ -n "$PERF" ]; then
	perf record -a -g -q -o "$PERF" &
	perf_pid=$!
	sleep 1
fi
ssh_as alice "$tokfile" "$ctl/user.sh $ctl $ROUNDS $CALLS $VARIANTS" >"$NS_DIR/session.out" 2>&1
rc=$?
if [ -n "$perf_pid" ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid"
fi
wait "$server"
echo "load after:  $(uptime)"
sleep 2     # the last calls' syslog lines
[ "$rc" -eq 0 ] || { cat "$NS_DIR/session.out"; fail "the timed login failed"; }
denials=$(ns_log_since | grep -E '[ :]front=sudo( |$)' | grep -c 'decision=deny')
allows=$(ns_log_since | grep -E '[ :]front=sudo( |$)' | grep -c 'decision=allow')
echo "changegate decisions logged during the run: $allows allows, $denials denials"
[ "$denials" -eq 0 ] || fail "changegate denied a timed call"
[ "$allows" -eq $((ROUNDS * CALLS * gated)) ] || { cat "$NS_DIR/session.out"; fail "expected $((ROUNDS * CALLS * gated)) allows"; }
case " $VARIANTS " in *" plain "*) ;; *) echo "no plain set-up: no ratios"; exit 0 ;; esac
/usr/bin/python3 - "$NS_DIR/session.out" "$CALLS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) == 4 and f[0].isdigit():
        rows.setdefault(int(f[0]), {})[f[1]] = (float(f[2]), float(f[3]))
calls = int(sys.argv[2])
names = {"approval": "changegate_approval, token from the login record",
         "policy": "changegate_policy, token from the login record",
         "env": "changegate_approval, token in CHANGEGATE_TOKEN (no record)",
         "exempt": "changegate_approval loaded, alice exempt (no judgement)"}
plain = [r["plain"][0] / calls * 1000 for r in rows.values()]
print(f"plain sudoers: median {statistics.median(plain):.1f} ms per call "
      f"(min {min(plain):.1f}, max {max(plain):.1f})")
for v, label in names.items():
    if any(v not in r for r in rows.values()):
        continue
    for k, what in ((0, "wall"), (1, "cpu")):
        q = sorted(r[v][k] / r["plain"][k] for r in rows.values() if r["plain"][k] > 0)
        if not q:
            continue
        quart = statistics.quantiles(q, n=4) if len(q) > 1 else [q[0]] * 3
        print(f"{label} / plain, {what}: median {statistics.median(q):.3f} "
              f"(quartiles {quart[0]:.3f}-{quart[2]:.3f}, min {q[0]:.3f}, max {q[-1]:.3f}, "
              f"{len(q)} rounds)")
PY
