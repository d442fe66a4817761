#!/bin/bash
# `changegate check-config` through deployment.md's rollout, in order (issue 17): right after
# install (keys and configuration, nothing wired), the audit stage (the PAM lines and the
# sudo.conf line with audit_only, sshd left as it was, KbdInteractiveAuthentication no), and
# enforcement. Each stage has a check that passes, audit_only is flagged wherever it is set,
# and what contradicts the stage asked for is a problem. Files in the temp tree only.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env
CONF="$T/changegate.conf"
wiring_env

# sudo_line [OPTS]: sudo.conf loading the approval plugin with OPTS; no argument: sudo's own
sudo_conf() {
	{
		printf 'Path plugin_dir %s\nPlugin sudoers_policy sudoers.so\n' "$W/plugins"
		if [ $# -gt 0 ]; then printf 'Plugin changegate_approval changegate_sudo.so %s\n' "$1"; fi
	} >"$W/sudo.conf" && chmod 0644 "$W/sudo.conf" || exit 99
}
# pam_sshd [AUTH_OPTS [ACCOUNT_OPTS [SESSION_OPTS]]]: Debian's sshd stack, with the three
# changegate lines when any argument is given
pam_sshd() {
	{
		if [ $# -gt 0 ]; then printf 'auth required pam_changegate.so %s\n' "$1"; fi
		printf '@include common-auth\naccount required pam_nologin.so\n'
		if [ $# -gt 0 ]; then printf 'account required pam_changegate.so %s\n' "${2-$1}"; fi
		printf 'session required pam_loginuid.so\n'
		if [ $# -gt 0 ]; then printf 'session required pam_changegate.so %s\n' "${3-$1}"; fi
	} >"$W/pam.d/sshd" || exit 99
	printf 'auth required pam_unix.so\n' >"$W/pam.d/common-auth" || exit 99
}
# sshd as Debian ships it (no keyboard-interactive), or with the changegate drop-in
sshd_stock() { printf 'KbdInteractiveAuthentication no\nUsePAM yes\n' >"$W/ssh/sshd_config" || exit 99; }
sshd_gated() {
	printf 'KbdInteractiveAuthentication yes\nUsePAM yes\nAuthenticationMethods publickey\nMatch Group developers\n\tAuthenticationMethods publickey,keyboard-interactive:pam\n' \
		>"$W/ssh/sshd_config" || exit 99
}
cc() {
	"$CG" check-config --config "$CONF" --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d" \
		--sshd-config "$W/ssh/sshd_config" "$@"
}

# ---- section 1: installed, keys and configuration written, nothing wired
sudo_conf; pam_sshd; sshd_stock
check_out "keys stage: passes right after install" '^config OK$' 0 cc --stage keys
check_out "keys stage: says what comes next" '^stage: keys done; next, the audit stage' 0 cc --stage keys
check_out "keys stage: the wiring is not its business" '^config OK$' 0 \
	"$CG" check-config --config "$CONF" --sudo-conf "$W/none" --stage keys
check_out "no stage: the missing wiring is reported, and the stage named" \
	'^stage: keys done, nothing wired yet; next, the audit stage' 1 cc
check_out "audit stage asked too early: the missing lines are problems" \
	'^problem: PAM .*no auth line calls pam_changegate.so' 1 cc --stage audit
write_config "enforce_groups = no-such-group-cg17"
check_out "keys stage fails on a configuration problem" '^stage: keys not done' 1 cc --stage keys
write_config

# ---- section 7: audit_only on every line, sshd left as it was
sudo_conf "audit_only exempt_groups=root"
pam_sshd "audit_only"
check_out "audit stage: passes with sshd untouched (KbdInteractiveAuthentication no)" \
	'^config OK$' 0 cc --stage audit
check_out "audit stage: audit_only flagged on the PAM lines" \
	'^warning: audit_only on 3 of the 3 pam_changegate lines of .*/sshd' 0 cc --stage audit
check_out "audit stage: audit_only flagged on sudo.conf" \
	'^warning: audit_only on the changegate Plugin line of .*sudo.conf' 0 cc --stage audit
check_out "audit stage: says what comes next" '^stage: audit; next, once the logs show' 0 cc --stage audit
check_out "no stage: a host with audit_only everywhere is judged in the audit stage" \
	'^config OK$' 0 cc
check_out "enforce asked during the audit stage: audit_only is a problem" \
	'^problem: sudo.conf .*audit_only is still set: nobody is refused at sudo' 1 cc --stage enforce
check_out "enforce asked during the audit stage: sshd's missing prompt is a problem" \
	'^problem: sshd_config .*KbdInteractiveAuthentication is no' 1 cc --stage enforce
# what was reported: config OK while sudo.conf was still in audit_only
sudo_conf "audit_only"
pam_sshd ""
sshd_gated
check_out "sudo.conf alone in audit_only: flagged even when all else is OK" \
	'^warning: audit_only on the changegate Plugin line' 0 cc
check_out "... and the stage line says mixed" '^stage: mixed: audit_only on sudo.conf but not on the PAM lines' 0 cc
check_out "audit stage asked with PAM enforcing: a problem" \
	'^problem: PAM .*its pam_changegate lines enforce; the audit stage puts audit_only on each' 1 cc --stage audit
pam_sshd "audit_only" "" "audit_only"
check_out "audit_only on some PAM lines only: a problem at any stage" \
	'^problem: PAM .*audit_only on 2 of its 3 pam_changegate lines' 1 cc

# ---- enforcement
sudo_conf "exempt_groups=root"
pam_sshd ""
sshd_gated
check_out "enforce stage: passes when everything is wired without audit_only" '^config OK$' 0 cc --stage enforce
check_out "enforce stage: named" '^stage: enforce$' 0 cc --stage enforce
check_out "enforce stage: no audit_only warning" '^config OK$' 0 sh -c \
	"! '$CG' check-config --config '$CONF' --sudo-conf '$W/sudo.conf' --pam-dir '$W/pam.d' --sshd-config '$W/ssh/sshd_config' | grep -q audit_only && echo 'config OK'"

# usage
check_out "--stage: only the three names" '--stage: keys, audit or enforce' 2 cc --stage rollout
check_out "--stage keys with --wiring: a usage error" 'checks no wiring' 2 cc --stage keys --wiring
check_out "--stage audit with --no-wiring: a usage error" 'check the wiring' 2 cc --stage audit --no-wiring
finish
