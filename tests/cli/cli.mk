# Shell tests of the `changegate` command (they find it as $top_builddir/tools/changegate).
# Each runs in its own mktemp -d tree and needs no root: the verifier trusts files owned by
# root or by the user running it.
CLI_TESTS = \
	tests/cli/usage.sh \
	tests/cli/keygen.sh \
	tests/cli/issue_verify.sh \
	tests/cli/ids.sh \
	tests/cli/no_network.sh \
	tests/cli/denials.sh \
	tests/cli/stdin.sh \
	tests/cli/json_inspect.sh \
	tests/cli/check_config.sh \
	tests/cli/check_wiring.sh \
	tests/cli/check_stage.sh \
	tests/cli/check_sshd_users.sh \
	tests/cli/gate_fronts.sh \
	tests/cli/interop.sh \
	tests/cli/issue_ssh.sh \
	tests/cli/revocations.sh \
	tests/cli/demo.sh \
	tests/cli/manpage.sh \
	tests/cli/readme_commands.sh \
	tests/cli/audit.sh \
	tests/cli/askpass.sh \
	tests/cli/issue_policy.sh \
	tests/cli/sessions.sh
dist_check_SCRIPTS += $(CLI_TESTS)
TESTS += $(CLI_TESTS)
EXTRA_DIST += tests/cli/data/audit-e2e.log
EXTRA_DIST += tests/cli/lib.sh tests/cli/interop_jwt.py tests/cli/revlist_jwt.py demo/cli_demo.sh
