#!/bin/bash
# Who is gated, per front (issue 14 items 7 and 8): check-config names every list entry the
# name service does not know (an enforce one fails it), and prints, for ssh (the
# pam_changegate line's lists) and sudo (sudo.conf's), each added to the config's, the
# effective lists or, with --user, whether that user is gated and why; verify --user too.
# postgres is in the groups postgres and ssl-cert on the test hosts; bin and daemon are
# base-passwd accounts in their own groups.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env
CONF="$T/changegate.conf"
W="$T/wiring"
mkdir -m 0755 "$W" "$W/pam.d" "$W/plugins" "$W/ssh" || exit 99
printf 'UsePAM yes\nKbdInteractiveAuthentication yes\n' >"$W/ssh/sshd_config" || exit 99
install -m 0644 /dev/null "$W/plugins/changegate_sudo.so" || exit 99
install -m 0644 /dev/null "$W/plugins/changegate_sudo_verify.so" || exit 99
printf 'Path plugin_dir %s\nPlugin changegate_approval changegate_sudo.so exempt_groups=daemon\n' \
	"$W/plugins" >"$W/sudo.conf" && chmod 0644 "$W/sudo.conf" || exit 99
cat >"$W/pam.d/sshd" <<-'P' || exit 99
auth       required     pam_changegate.so exempt_groups=daemon
account    required     pam_changegate.so exempt_groups=daemon
session    required     pam_loginuid.so
session    required     pam_changegate.so exempt_groups=daemon
P
cc() {
	"$CG" check-config --config "$CONF" --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d" \
		--sshd-config "$W/ssh/sshd_config" "$@"
}

# Item 7: a typo in an enforce list fails check-config, naming the entry.
write_config "enforce_groups = bin, developpers"
check_out "enforce typo: named" \
	'^problem: changegate\.conf: enforce_groups developpers: the name service does not know this' 1 cc
check_out "enforce typo: not config OK" '^1 problem found$' 1 cc
write_config "enforce_users = bin, no-such-user-changegate"
check_out "enforce_users typo: named" \
	'^problem: changegate\.conf: enforce_users no-such-user-changegate: ' 1 cc
check_out "enforce typo: the user cannot be judged" \
	'^sudo: bin cannot be judged: enforce_users no-such-user-changegate: .*\(config_error' 1 cc --user bin
# A typo in an exempt list only narrows the exemptions: a warning, not a failure.
write_config "exempt_groups = ssl-cert, sre-typo"
check_out "exempt typo: warned" \
	'^warning: changegate\.conf: exempt_groups sre-typo: the name service does not know this, which exempts nobody$' 0 cc
check_out "exempt typo: config OK" '^config OK$' 0 cc

# Item 8: the shipped profile. The config exempts ssl-cert and enforces postgres and bin; the
# PAM line and sudo.conf add exempt_groups=daemon. Both fronts: the same answer.
write_config "exempt_groups = ssl-cert
enforce_groups = postgres, bin"
check_out "lists per front: ssh" \
	'^ssh: gate lists \(changegate\.conf \+ pam\.d/sshd line\): enforce_users: \(empty\); enforce_groups: postgres bin; exempt_users: \(empty\); exempt_groups: ssl-cert daemon;' 0 cc
check_out "lists per front: sudo" \
	'^sudo: gate lists \(changegate\.conf \+ sudo\.conf\): .*exempt_groups: ssl-cert daemon;' 0 cc
check_out "--no-wiring: the config's lists alone" \
	'^ssh: gate lists .*exempt_groups: ssl-cert; exempt lists win' 0 cc --no-wiring
for front in ssh sudo; do
	check_out "$front: postgres is exempt by the config" \
		"^$front: postgres is exempt: in exempt_groups ssl-cert \\(changegate\\.conf\\)\$" 0 \
		cc --user postgres
	check_out "$front: bin is gated by the config" \
		"^$front: bin is gated: in enforce_groups bin \\(changegate\\.conf\\)\$" 0 cc --user bin
	check_out "$front: root is never gated" "^$front: root is exempt: root is never gated\$" 0 \
		cc --user root
done
check_out "ssh: daemon is exempt by the PAM line" \
	'^ssh: daemon is exempt: in exempt_groups daemon \(pam\.d/sshd line\)$' 0 cc --user daemon
check_out "sudo: daemon is exempt by sudo.conf" \
	'^sudo: daemon is exempt: in exempt_groups daemon \(sudo\.conf\)$' 0 cc --user daemon

# verify --user says it per front, after the decision.
TOKEN=$(mint postgres) || exit 99
vf() { verify "$TOKEN" --user postgres --scope login --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d"; }
check_out "verify: ssh" '^ssh: postgres is exempt: in exempt_groups ssl-cert \(changegate\.conf\)$' 0 vf
check_out "verify: sudo" '^sudo: postgres is exempt: in exempt_groups ssl-cert \(changegate\.conf\)$' 0 vf
check_out "verify --json: gated from the front of --scope (the PAM line exempts daemon)" '"gated":false' 1 \
	verify "$TOKEN" --user daemon --scope login --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d" --json
TOKEN=$(mint bin) || exit 99
check_out "verify: gated user" '^sudo: bin is gated: in enforce_groups bin \(changegate\.conf\)$' 0 \
	verify "$TOKEN" --user bin --scope login --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d"
# Item 8 (review): a list given twice on the PAM line adds up, as in sudo.conf: both fronts
# then agree that bin, named first, is exempt.
sed -i 's/^auth .*/auth required pam_changegate.so exempt_users=bin exempt_users=nobody/' "$W/pam.d/sshd"
sed -i 's/exempt_groups=daemon$/exempt_users=bin exempt_users=nobody/' "$W/sudo.conf"
check_out "PAM line list twice: ssh adds up" \
	'^ssh: bin is exempt: in exempt_users bin \(pam\.d/sshd line\)$' 0 cc --user bin
check_out "sudo.conf list twice: sudo adds up" \
	'^sudo: bin is exempt: in exempt_users bin \(sudo\.conf\)$' 0 cc --user bin
check_out "PAM line list twice: the second counts too" \
	'^ssh: nobody is exempt: in exempt_users nobody \(pam\.d/sshd line\)$' 0 cc --user nobody
# A list with no names on the PAM line: the module denies gated users for it; so says check-config.
sed -i 's/^auth .*/auth required pam_changegate.so exempt_groups=/' "$W/pam.d/sshd"
check_out "empty list on the PAM line" '^problem: ssh: a gate list on the pam\.d/sshd line has a bad value$' 1 cc
finish
