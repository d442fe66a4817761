# The set-up the in-login benches share (session_bench.sh, instructions.sh): changegate, the
# user alice (developers), sudo, sshd with alice's key and the askpass helper, and a token
# for /usr/bin/true in a token file. Sourced inside the e2e namespace after lib_pam.sh and
# lib_sudo.sh; sets TOKEN, tokfile and RUNDIR, and exits on a failure.
fail() {
	echo "FAIL: $*"
	exit 1
}

ns_changegate_env || fail "cannot set up changegate"
ns_add_user alice developers
sudo_setup || fail "cannot set up sudo"
sshd_start || fail "cannot start sshd"
sshd_askpass_setup
sshd_user_key alice || exit 1
TOKEN=$(cg_mint alice --cmd /usr/bin/true --cmd /bin/true) || fail "cannot mint a token"
tokfile=$(printf '%s\n' "$TOKEN" | token_file alice)
RUNDIR=/run/changegate
