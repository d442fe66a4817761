#!/bin/bash
# check-config cross-checks sshd's Match blocks against who is gated at ssh (issue 17): an
# exempt user whom sshd still asks for keyboard-interactive gets PAM's password prompt, and a
# gated user whom sshd never asks is refused at the account step; each is a warning naming
# the Match block. postgres is in the group ssl-cert (the group file lists it) on the test
# hosts, as tests/cli/gate_fronts.sh relies on too.
. "${top_srcdir:?}/tests/cli/lib.sh"
if ! getent group ssl-cert | grep -q ':postgres$\|:postgres,\|,postgres'; then
	echo "SKIP: no group ssl-cert listing postgres on this host"
	exit 77
fi
cli_env
CONF="$T/changegate.conf"
wiring_env
printf 'Path plugin_dir %s\nPlugin changegate_approval changegate_sudo.so\n' "$W/plugins" \
	>"$W/sudo.conf" && chmod 0644 "$W/sudo.conf" || exit 99
printf 'auth required pam_changegate.so\naccount required pam_changegate.so\nsession required pam_loginuid.so\nsession required pam_changegate.so\n' \
	>"$W/pam.d/sshd" || exit 99
sshd() {	# sshd_config: the global lines, then the Match blocks given, one argument each
	{
		printf 'UsePAM yes\nKbdInteractiveAuthentication yes\nAuthenticationMethods publickey\n'
		for b in "$@"; do printf '%b\n' "$b"; done
	} >"$W/ssh/sshd_config" || exit 99
}
cc() {
	"$CG" check-config --config "$CONF" --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d" \
		--sshd-config "$W/ssh/sshd_config" "$@"
}
GATED_BLOCK='Match Group ssl-cert\n\tAuthenticationMethods publickey,keyboard-interactive:pam'

# the reported case: an exempt user who is also in the gated group's Match block
write_config "enforce_groups = ssl-cert
exempt_users = postgres"
sshd "$GATED_BLOCK"
check_out "exempt user in a kbd-interactive Match block: warned, naming the block" \
	"^warning: sshd asks postgres, who is not gated at ssh, for keyboard-interactive \\($W/ssh/sshd_config:4\\): pam_changegate lets postgres through and the next auth module asks for a password" 0 cc
sshd 'Match User postgres\n\tAuthenticationMethods publickey' "$GATED_BLOCK"
check_out "a Match block for the exempt before it: no warning" '^config OK$' 0 \
	sh -c "'$CG' check-config --config '$CONF' --sudo-conf '$W/sudo.conf' --pam-dir '$W/pam.d' --sshd-config '$W/ssh/sshd_config' | grep -v '^warning: sshd asks'"
out=$(cc)
if printf '%s\n' "$out" | grep -q 'warning: sshd asks'; then fail "still warned: $out"; else pass "... and nothing said"; fi

# a gated user whom sshd never asks for the ticket
write_config "enforce_groups = ssl-cert"
sshd
check_out "gated user never asked: warned (refused at account, no_token)" \
	'^warning: postgres is gated at ssh, but sshd \(its global AuthenticationMethods\) does not require keyboard-interactive of them: .*no_token' 0 cc
sshd "$GATED_BLOCK"
out=$(cc)
if printf '%s\n' "$out" | grep -q '^warning: postgres is gated'; then fail "warned although the block asks: $out"; else pass "the Match block asks: no warning"; fi
# what sshd decides by address or host cannot be judged here: nothing is claimed
sshd 'Match Address 10.0.0.0/8\n\tAuthenticationMethods publickey' "$GATED_BLOCK"
out=$(cc)
if printf '%s\n' "$out" | grep -q '^warning: postgres'; then fail "claimed past a Match Address: $out"; else pass "a Match Address block: no claim"; fi
# the audit stage leaves sshd as it was: not asking is what it wants
printf 'auth required pam_changegate.so audit_only\naccount required pam_changegate.so audit_only\nsession required pam_loginuid.so\nsession required pam_changegate.so audit_only\n' \
	>"$W/pam.d/sshd"
printf 'Path plugin_dir %s\nPlugin changegate_approval changegate_sudo.so audit_only\n' "$W/plugins" >"$W/sudo.conf"
sshd
out=$(cc --stage audit)
if printf '%s\n' "$out" | grep -q '^warning: postgres is gated'; then fail "warned in the audit stage: $out"; else pass "audit stage: no warning about the prompt"; fi
finish
