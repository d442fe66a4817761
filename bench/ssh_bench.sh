#!/bin/bash
# A whole SSH login (issue 7, item 3): `ssh alice@127.0.0.1 true` through the real sshd and
# the real ssh client, with the changegate PAM stack against the same stack without it. One
# hyperfine run, so machine noise hits every variant alike. Three sshd, one per variant, each
# on its own loopback port, with its own sshd_config and PAM service:
#   plain   Debian's stack (examples/pam.d/sshd without its pam_changegate lines), key only;
#   prompt  the plain stack whose auth step is one prompt answered through SSH_ASKPASS
#           (pam_matrix from libpam-wrapper: a password compared with a file, no crypto),
#           key then keyboard-interactive, as changegate asks of gated users;
#   cg      examples/pam.d/sshd and examples/sshd_config.d/changegate.conf: key, then the
#           token prompt answered through SSH_ASKPASS, verified, redeemed in account,
#           recorded in session.
# cg vs plain is the whole cost a gated user sees; cg vs prompt is changegate's own work,
# since keyboard-interactive costs a round trip and an askpass run whatever answers it.
# One hyperfine run, then the same logins interleaved (bench/interleave.py). hyperfine's and
# interleave's CPU figures count the client side only (sshd is not their child): compare
# wall times.
# sshd takes its PAM service name from the name it was started under, so each runs through
# a symlink (sshd-plain, ...) and finds its own file in a private copy of /etc/pam.d. All of
# it inside the e2e tests' private mount namespace (tests/e2e/nslib.sh and lib_pam.sh,
# sourced as they are): the host's /etc is never written.
# Needs root, unshare -m, openssh-server and -client, libpam-wrapper and hyperfine; run by
# `make bench-live`. BENCH_LIVE_RUNS (default 40) sets hyperfine's runs per variant.
set -u
: "${top_srcdir:?run through make bench-live}"
: "${top_builddir:?run through make bench-live}"
PAM_MATRIX=/usr/lib/x86_64-linux-gnu/pam_wrapper/pam_matrix.so
if ! command -v hyperfine >/dev/null; then
	echo "SKIP: hyperfine is not installed"
	exit 77
fi
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null || [ ! -e "$PAM_MATRIX" ]; then
	echo "SKIP: openssh-server, openssh-client or libpam-wrapper is not installed"
	exit 77
fi
[ -e "$CG_PAM_MODULE" ] || { echo "pam_changegate.so is not built: $CG_PAM_MODULE"; exit 1; }
RUNS=${BENCH_LIVE_RUNS:-40}
VARIANTS=(plain prompt cg)

fail() {
	echo "FAIL: $*"
	exit 1
}

ns_changegate_env || fail "cannot set up changegate"
ns_add_user alice developers
SSHD_DIR=$NS_DIR/sshd
mkdir -p "$SSHD_DIR/authorized_keys" "$SSHD_DIR/client" "$NS_DIR/bin"
chmod 0755 "$SSHD_DIR" "$SSHD_DIR/authorized_keys"
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_ed25519" || fail "ssh-keygen"
sshd_askpass_setup
sshd_user_key alice || fail "cannot make alice's key"

# PAM services sshd-plain, sshd-prompt, sshd-cg in a private copy of /etc/pam.d
cp -a /etc/pam.d "$NS_DIR/pam.d" && ns_bind "$NS_DIR/pam.d" /etc/pam.d || fail "pam.d copy"
EX=$top_srcdir/examples/pam.d/sshd
sed '/^[a-z].*pam_changegate\.so/d' "$EX" >/etc/pam.d/sshd-plain
sed -e "s#^auth .*pam_changegate\\.so.*#auth [success=done default=die] $PAM_MATRIX passdb=$SSHD_DIR/matrix.db#" \
	-e '/^[a-z].*pam_changegate\.so/d' "$EX" >/etc/pam.d/sshd-prompt
sed "s#pam_changegate\\.so#$CG_PAM_MODULE config=$CG_CONFIG#" "$EX" >/etc/pam.d/sshd-cg
grep -q pam_matrix /etc/pam.d/sshd-prompt || fail "no prompt step in sshd-prompt"
[ "$(grep -c "$CG_PAM_MODULE" /etc/pam.d/sshd-cg)" -eq 3 ] || fail "sshd-cg lacks its lines"
! grep -q '^[^#]*pam_changegate' /etc/pam.d/sshd-plain /etc/pam.d/sshd-prompt || fail "plain has cg"
# pam_matrix: user:password:service
PASSWORD=bench-$RANDOM$RANDOM
echo "alice:$PASSWORD:sshd-prompt" >"$SSHD_DIR/matrix.db"
chmod 0600 "$SSHD_DIR/matrix.db"
printf '%s\n' "$PASSWORD" | token_file password >/dev/null
TOKEN_FILE=$(cg_mint alice | token_file good)

declare -A PORT
base=$((20000 + RANDOM % 30000))
for i in 0 1 2; do
	v=${VARIANTS[$i]}
	PORT[$v]=$((base + i))
	ln -s /usr/sbin/sshd "$NS_DIR/bin/sshd-$v"
	{
		cat <<EOF
Port ${PORT[$v]}
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_ed25519
PidFile $SSHD_DIR/sshd-$v.pid
AuthorizedKeysFile $SSHD_DIR/authorized_keys/%u
StrictModes no
PasswordAuthentication no
LogLevel INFO
EOF
		case $v in
		plain) printf 'UsePAM yes\nKbdInteractiveAuthentication yes\nAuthenticationMethods publickey\n' ;;
		prompt) printf 'UsePAM yes\nKbdInteractiveAuthentication yes\n'
			printf 'AuthenticationMethods publickey,keyboard-interactive:pam\n' ;;
		cg) cat "$top_srcdir/examples/sshd_config.d/changegate.conf" ;;
		esac
	} >"$SSHD_DIR/sshd_config.$v"
	"$NS_DIR/bin/sshd-$v" -t -f "$SSHD_DIR/sshd_config.$v" || fail "sshd -t ($v)"
	ns_daemon "$NS_DIR/bin/sshd-$v" -D -f "$SSHD_DIR/sshd_config.$v" -E "$SSHD_DIR/sshd-$v.log"
done
for v in "${VARIANTS[@]}"; do
	up=no
	for i in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/${PORT[$v]}") 2>/dev/null && { up=yes; break; }
		sleep 0.1
	done
	[ "$up" = yes ] || { cat "$SSHD_DIR/sshd-$v.log"; fail "sshd-$v is not listening"; }
done

# each variant must give the right answer before its time counts
login() {
	SSHD_PORT=${PORT[$1]} ssh_as alice "$2" true >/dev/null 2>&1
}
: >"$SSHD_DIR/askpass.log"
login plain - || fail "plain: key login failed"
[ ! -s "$SSHD_DIR/askpass.log" ] || fail "plain: a prompt was asked"
login prompt - && fail "prompt: an empty answer got in"
login prompt "$SSHD_DIR/password.tok" || fail "prompt: the right answer was refused"
login cg - && fail "cg: a login without a token got in"
ns_log_mark
login cg "$TOKEN_FILE" || fail "cg: a login with a valid token failed"
ns_log_wait 'pam_changegate.*decision=allow reason=ok .*user=alice' || fail "cg: no allow logged"

export -f ssh_as ssh_login
export SSHD_DIR
echo "== 3. a whole SSH login: ssh alice@127.0.0.1 true through the real sshd (one hyperfine run)"
echo "load before: $(uptime)"
ns_log_mark
hyperfine --shell=bash --warmup 3 --runs "$RUNS" --export-json "$NS_DIR/ssh.json" \
	-n "ssh login, plain stack, key only" "SSHD_PORT=${PORT[plain]} ssh_as alice - true" \
	-n "ssh login, plain stack + one prompt (pam_matrix), key + kbd-int" \
	"SSHD_PORT=${PORT[prompt]} ssh_as alice $SSHD_DIR/password.tok true" \
	-n "ssh login, changegate stack, key + token" \
	"SSHD_PORT=${PORT[cg]} ssh_as alice $TOKEN_FILE true" 2>&1 | sed '/^ *$/d'
rc=${PIPESTATUS[0]}
echo "load after:  $(uptime)"
[ "$rc" -eq 0 ] || fail "hyperfine failed (a login exited non-zero?)"
/usr/bin/python3 "$top_srcdir/bench/ratios.py" "$NS_DIR/ssh.json" 0 2 || exit 1
/usr/bin/python3 "$top_srcdir/bench/ratios.py" "$NS_DIR/ssh.json" 1 2 || exit 1
echo "-- the same three, interleaved (bench/interleave.py; each login in a bash that has ssh_as)"
echo "load before: $(uptime)"
/usr/bin/python3 "$top_srcdir/bench/interleave.py" "$RUNS" 2 \
	plain - "bash -c 'SSHD_PORT=${PORT[plain]} ssh_as alice - true'" \
	prompt - "bash -c 'SSHD_PORT=${PORT[prompt]} ssh_as alice $SSHD_DIR/password.tok true'" \
	changegate - "bash -c 'SSHD_PORT=${PORT[cg]} ssh_as alice $TOKEN_FILE true'" ||
	fail "interleaved run"
echo "load after:  $(uptime)"
denials=$(ns_log_since | grep -c 'pam_changegate.*decision=deny')
echo "changegate denials logged during the runs: $denials"
[ "$denials" -eq 0 ] || fail "changegate denied a timed login"
