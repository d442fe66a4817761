#!/bin/bash
# A whole sudo call (issue 7, item 2): `sudo -n true` run by a gated user who holds a valid
# token, through changegate_approval and through changegate_policy, against the same sudo
# with plain sudoers, and against the floor of any signature-checking plugin (bench/
# floor_sudo.c: OpenSSL loads the key and checks the token's signature, nothing else). One
# hyperfine run, so machine noise hits them alike; then the same commands interleaved
# (bench/interleave.py), which a load that changes during the run cannot bias. Everything
# runs inside the private mount namespace of the end-to-end tests (tests/e2e/nslib.sh and
# lib_sudo.sh, sourced as they are): the test sudoers and sudo.conf are bind-mounted over the
# real ones in there, and the host's /etc is never written.
# Needs root, unshare -m, sudo and hyperfine; run by `make bench-live`. BENCH_LIVE_RUNS
# (default 40) sets hyperfine's runs per command.
set -u
: "${top_srcdir:?run through make bench-live}"
: "${top_builddir:?run through make bench-live}"
if ! command -v hyperfine >/dev/null; then
	echo "SKIP: hyperfine is not installed"
	exit 77
fi
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
RUNS=${BENCH_LIVE_RUNS:-40}

ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
ns_add_user alice
sudo_setup || { echo "cannot set up sudo"; exit 1; }
# the ticket names what the timed call runs (sudo resolves `true` through secure_path)
TOKEN=$(cg_mint alice --cmd /usr/bin/true --cmd /bin/true) || { echo "cannot mint a token"; exit 1; }

# the three sudo.conf set-ups; before each timed run, hyperfine copies one over the file that
# is bind-mounted on /etc/sudo.conf (cp keeps its inode, owner and mode)
sudo_conf_write "$NS_DIR/sudo.conf.plain" "Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so"
sudo_conf_write "$NS_DIR/sudo.conf.approval" "$APPROVAL_CONF"
sudo_conf_write "$NS_DIR/sudo.conf.policy" "$POLICY_CONF"
install -o root -g root -m 0644 "$top_builddir/bench/.libs/cg_floor_sudo.so" \
	"$NS_DIR/plugins/cg_floor_sudo.so" || { echo "bench/cg_floor_sudo.la is not built"; exit 1; }
sudo_conf_write "$NS_DIR/sudo.conf.floor" "Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so
Plugin floor_approval $NS_DIR/plugins/cg_floor_sudo.so key=$CG_DIR/keys/issuer-1.pem"
# where the cost goes: the approval plugin loaded but alice exempt by its arguments, so no
# config, no token and no verifier (it is opened only for a token: sudo_plugin/
# verifier_load.c), hence neither libjwt nor OpenSSL
sudo_conf_write "$NS_DIR/sudo.conf.exempt" "$APPROVAL_CONF exempt_users=alice"
# and what loading libcrypto alone costs a sudo call: the floor plugin's object, which links
# it, approving without a key or a signature
sudo_conf_write "$NS_DIR/sudo.conf.load" "Plugin sudoers_policy sudoers.so
Plugin sudoers_io sudoers.so
Plugin sudoers_audit sudoers.so
Plugin floor_load_approval $NS_DIR/plugins/cg_floor_sudo.so"
use_conf() {
	cp "$NS_DIR/sudo.conf.$1" "$NS_DIR/sudo.conf"
}

SUDO=(runuser -u alice -- env "CHANGEGATE_TOKEN=$TOKEN" sudo -n true)
NO_TOKEN=(runuser -u alice -- sudo -n true)

# each side must give the right answer before its time counts: plain sudoers lets alice run
# true; changegate refuses her without a token and allows her, and logs it, with one
fail() {
	echo "FAIL: $*"
	exit 1
}
use_conf plain
"${SUDO[@]}" </dev/null || fail "plain sudoers: sudo -n true failed"
for m in floor approval policy; do
	use_conf "$m"
	"${NO_TOKEN[@]}" </dev/null 2>/dev/null && fail "$m: sudo without a token succeeded"
	ns_log_mark
	"${SUDO[@]}" </dev/null || fail "$m: sudo -n true with a valid token failed"
	[ "$m" = floor ] || log_has alice decision=allow reason=ok ||
		fail "$m: no changegate allow in the log"
done
use_conf exempt
"${NO_TOKEN[@]}" </dev/null || fail "exempt: sudo without a token failed"
use_conf load
"${NO_TOKEN[@]}" </dev/null || fail "load: sudo with the load-only plugin failed"

echo "== 2. a whole sudo call: sudo -n true, plain sudoers vs changegate (one hyperfine run)"
echo "load before: $(uptime)"
ns_log_mark
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$NS_DIR/sudo.json" \
	-n "sudo -n true, plain sudoers" --prepare "cp $NS_DIR/sudo.conf.plain $NS_DIR/sudo.conf" \
	"${SUDO[*]}" \
	-n "sudo -n true, floor plugin (OpenSSL: PEM key + 1 signature)" \
	--prepare "cp $NS_DIR/sudo.conf.floor $NS_DIR/sudo.conf" "${SUDO[*]}" \
	-n "sudo -n true, changegate_approval + sudoers" \
	--prepare "cp $NS_DIR/sudo.conf.approval $NS_DIR/sudo.conf" "${SUDO[*]}" \
	-n "sudo -n true, changegate_policy wrapping sudoers" \
	--prepare "cp $NS_DIR/sudo.conf.policy $NS_DIR/sudo.conf" "${SUDO[*]}" \
	-n "sudo -n true, changegate_approval loaded, alice exempt (no verify)" \
	--prepare "cp $NS_DIR/sudo.conf.exempt $NS_DIR/sudo.conf" "${SUDO[*]}" \
	-n "sudo -n true, a plugin that only loads libcrypto (no key, no verify)" \
	--prepare "cp $NS_DIR/sudo.conf.load $NS_DIR/sudo.conf" "${SUDO[*]}" 2>&1 |
	sed '/^ *$/d'
rc=${PIPESTATUS[0]}
echo "load after:  $(uptime)"
[ "$rc" -eq 0 ] || fail "hyperfine failed (a run exited non-zero?)"
/usr/bin/python3 "$top_srcdir/bench/ratios.py" "$NS_DIR/sudo.json" 0 1 2 3 4 5 || exit 1
/usr/bin/python3 "$top_srcdir/bench/ratios.py" "$NS_DIR/sudo.json" 1 2 3 || exit 1
echo "-- the same six, and root's own calls (plain, changegate_approval), interleaved (bench/interleave.py)"
echo "load before: $(uptime)"
args=()
for v in plain floor approval policy exempt load; do
	args+=("$v" "cp $NS_DIR/sudo.conf.$v $NS_DIR/sudo.conf" "${SUDO[*]}")
done
# root's own sudo calls, never gated: plain sudoers against changegate_approval loaded
for v in plain approval; do
	args+=("root-$v" "cp $NS_DIR/sudo.conf.$v $NS_DIR/sudo.conf" "sudo -n true")
done
/usr/bin/python3 "$top_srcdir/bench/interleave.py" "$RUNS" 3 "${args[@]}" || fail "interleaved run"
echo "load after:  $(uptime)"
# every timed changegate run was an allow: none of them may have been denied
denials=$(ns_log_since | grep -c 'front=sudo.*decision=deny')
echo "changegate denials logged during the run: $denials"
[ "$denials" -eq 0 ] || fail "changegate denied a timed run"
