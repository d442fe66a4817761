#!/bin/bash
# `changegate check-config` and the host's wiring: sudo.conf, pam.d/sshd and sshd_config,
# written here into the temp tree (no root, no host file touched). Good wiring says
# "config OK"; each missing piece is its own problem line, and exit 1.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env
CONF="$T/changegate.conf"
W="$T/wiring"
mkdir -m 0755 "$W" "$W/pam.d" "$W/ssh" "$W/ssh/sshd_config.d" "$W/plugins" || exit 99
install -m 0644 /dev/null "$W/plugins/changegate_sudo.so" || exit 99
install -m 0644 /dev/null "$W/plugins/changegate_sudo_verify.so" || exit 99

good_sudo() {
	printf 'Path plugin_dir %s\nPlugin changegate_approval changegate_sudo.so\n' \
		"$W/plugins" >"$W/sudo.conf" && chmod 0644 "$W/sudo.conf" || exit 99
}
good_pam() {
	cat >"$W/pam.d/common-auth" <<-'P' || exit 99
	auth	[success=1 default=ignore]	pam_unix.so nullok
	auth	requisite	pam_deny.so
	auth	required	pam_permit.so
	P
	cat >"$W/pam.d/sshd" <<-'P' || exit 99
	# sshd, as Debian ships it plus changegate
	auth       required     pam_changegate.so
	@include common-auth
	account    required     pam_nologin.so
	account    [success=ok default=bad]  /usr/lib/x86_64-linux-gnu/security/pam_changegate.so
	session    required     pam_loginuid.so
	session    optional     pam_changegate.so
	P
}
good_sshd() {
	printf 'Include sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n' \
		>"$W/ssh/sshd_config" || exit 99
	# Debian's layout: the changes live in a drop-in, read first, so its values win.
	printf 'KbdInteractiveAuthentication yes\nMatch Group developers\n\tAuthenticationMethods publickey,keyboard-interactive\n' \
		>"$W/ssh/sshd_config.d/changegate.conf" || exit 99
}
# Debian's sudoers, plus the runcwd=/ pin of examples/sudoers.d/changegate in its includedir
good_sudoers() {
	mkdir -p -m 0755 "$W/sudoers.d" || exit 99
	printf 'Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n@includedir %s/sudoers.d\n' "$W" \
		>"$W/sudoers" || exit 99
	cp "$top_srcdir/examples/sudoers.d/changegate" "$W/sudoers.d/changegate" || exit 99
}
good_sudo; good_pam; good_sshd; good_sudoers
cc() {
	"$CG" check-config --config "$CONF" --sudo-conf "$W/sudo.conf" --pam-dir "$W/pam.d" \
		--sshd-config "$W/ssh/sshd_config" --sudoers "$W/sudoers"
}
# only_problem DESC ERE: exactly one problem line, and it matches ERE.
only_problem() {
	check_out "$1" "$2" 1 cc
	check_out "$1: only that" '^1 problem found$' 1 cc
}

check_out "good wiring: config OK" '^config OK$' 0 cc
check_out "good wiring: names the plugin" "^sudo.conf: .* loads changegate_approval from" 0 cc
check_out "good wiring: PAM line" '^PAM: .*auth, account and session$' 0 cc
check_out "good wiring: sshd line" '^sshd_config: .*keyboard-interactive$' 0 cc
check_out "--config alone leaves the host alone" '^config OK$' 0 \
	"$CG" check-config --config "$CONF" --sudo-conf "$W/nope" --no-wiring

# sudoers: runcwd pins gated users' directory, else a warning (issue 14 item 3), not a problem
check_out "good wiring: the shipped sudoers.d example sets runcwd" \
	"^sudoers: .*/sudoers.d/changegate sets runcwd" 0 cc
runcwd_warned() { cc | grep -q '^warning: sudo loads the changegate plugin, but no Defaults line of .*/sudoers (or what it includes) sets runcwd: .*cd / first; install examples/sudoers.d/changegate'; }
mv "$W/sudoers.d/changegate" "$W/sudoers.d/changegate.off"
check "no runcwd: a warning naming the example" runcwd_warned
check_out "no runcwd: a warning, not a problem" '^config OK$' 0 cc
printf 'Defaults:%%developers runcwd=*\n' >"$W/sudoers.d/star"
check "runcwd=* lets users choose: still the warning" runcwd_warned
printf '#include star\nDefaults  secure_path="/bin", runcwd = "/srv"\n' >"$W/sudoers.d/inc"
check_out "runcwd among a Defaults line's other settings counts (after a relative #include)" \
	"^sudoers: .*/sudoers.d/inc sets runcwd" 0 cc
rm -f "$W/sudoers.d/inc" "$W/sudoers.d/star"
mv "$W/sudoers.d/changegate.off" "$W/sudoers.d/changegate"

# sudo.conf
chmod 0666 "$W/sudo.conf"
only_problem "world-writable sudo.conf" \
	'^problem: sudo.conf .*writable by others; sudo silently ignores it'
chmod 0664 "$W/sudo.conf"
only_problem "group-writable sudo.conf" '^problem: sudo.conf .*writable by its group'
rm "$W/sudo.conf"
only_problem "missing sudo.conf" '^problem: sudo.conf .*No such file'
printf 'Plugin sudoers_policy sudoers.so\n' >"$W/sudo.conf"
only_problem "sudo.conf without the plugin" \
	'^problem: sudo.conf .*no Plugin line loads changegate_sudo.so'
printf 'Plugin changegate_other %s/plugins/changegate_sudo.so\n' "$W" >"$W/sudo.conf"
only_problem "plugin under a wrong symbol" "is loaded as 'changegate_other'"
printf 'Plugin changegate_policy %s/plugins/changegate_sudo.so\n' "$W" >"$W/sudo.conf"
check_out "changegate_policy by absolute path" '^config OK$' 0 cc
# sudo reads its keywords and path names in any case (sudo_conf.c, strncasecmp): so do we
printf 'path PLUGIN_DIR %s\nplugin changegate_approval changegate_sudo.so exempt_users=daemon\n' \
	"$W/plugins" >"$W/sudo.conf"
check_out "lowercase plugin and path lines" '^config OK$' 0 cc
check_out "lowercase plugin line: its lists count" \
	'^sudo: gate lists \(changegate\.conf \+ sudo\.conf\): .*exempt_users: daemon;' 0 cc
good_sudo
rm "$W/plugins/changegate_sudo.so"
only_problem "plugin file missing" '^problem: sudo plugin .*changegate_sudo.so: No such file'
install -m 0666 /dev/null "$W/plugins/changegate_sudo.so"
only_problem "plugin file world-writable" '^problem: sudo plugin .*writable by others'
chmod 0644 "$W/plugins/changegate_sudo.so"
# the verifier the plugin opens next to itself for a gated user's token
rm "$W/plugins/changegate_sudo_verify.so"
only_problem "verifier missing" \
	"^problem: sudo plugin's verifier .*changegate_sudo_verify.so: No such file.*denies every gated user"
ln -s changegate_sudo.so "$W/plugins/changegate_sudo_verify.so"
only_problem "verifier a symbolic link" "^problem: sudo plugin's verifier .*a symbolic link"
rm "$W/plugins/changegate_sudo_verify.so"
install -m 0664 /dev/null "$W/plugins/changegate_sudo_verify.so"
only_problem "verifier group-writable" \
	"^problem: sudo plugin's verifier .*changegate_sudo_verify.so: writable by group or others \(mode 0664\)"
chmod 0646 "$W/plugins/changegate_sudo_verify.so"
only_problem "verifier world-writable" \
	"^problem: sudo plugin's verifier .*: writable by group or others \(mode 0646\)"
chmod 0644 "$W/plugins/changegate_sudo_verify.so"
chmod 0777 "$W/plugins"
only_problem "plugin directory world-writable" \
	"^problem: sudo plugin directory .*plugins: writable by group or others \(mode 0777\)"
chmod 0755 "$W/plugins"
# sudo.conf naming the plugin through a symlinked directory: sudo follows it, the plugin's
# O_NOFOLLOW open of its own directory does not
ln -s plugins "$W/plugins-link"
printf 'Plugin changegate_approval %s/plugins-link/changegate_sudo.so\n' "$W" >"$W/sudo.conf"
only_problem "plugin directory through a symlink" \
	"^problem: sudo plugin directory .*plugins-link: a symbolic link or not a directory"
good_sudo
if [ "$(id -u)" -eq 0 ]; then
	# Only root can give a file away.
	chown 65534 "$W/sudo.conf"
	only_problem "sudo.conf owned by another user" '^problem: sudo.conf .*owned by uid 65534'
	chown 0 "$W/sudo.conf"
	chown 65534 "$W/plugins/changegate_sudo_verify.so"
	only_problem "verifier owned by another user" \
		"^problem: sudo plugin's verifier .*: owned by uid 65534, not root; .*denies every gated user"
	chown 0 "$W/plugins/changegate_sudo_verify.so"
fi

# pam.d/sshd
sed -i '/^auth.*pam_changegate/d' "$W/pam.d/sshd"
only_problem "PAM: no auth line" '^problem: PAM .*sshd: no auth line calls pam_changegate.so'
good_pam
sed -i '/^account.*pam_changegate/d' "$W/pam.d/sshd"
only_problem "PAM: no account line" '^problem: PAM .*sshd: no account line'
good_pam
sed -i '/^session.*pam_changegate/d' "$W/pam.d/sshd"
only_problem "PAM: no session line" '^problem: PAM .*sshd: no session line calls pam_changegate.so after pam_loginuid'
good_pam
sed -i '/^session/d' "$W/pam.d/sshd"
printf 'session optional pam_changegate.so\nsession required pam_loginuid.so\n' >>"$W/pam.d/sshd"
only_problem "PAM: session before pam_loginuid" 'comes before pam_loginuid.so'
good_pam
# the module only in an included file counts: @include and include/substack
sed -i '/pam_changegate/d' "$W/pam.d/sshd"
printf 'auth required pam_changegate.so\n' >>"$W/pam.d/common-auth"
printf 'account required pam_changegate.so\n' >"$W/pam.d/cg-account"
printf 'account include cg-account\nsession required pam_loginuid.so\n' >>"$W/pam.d/sshd"
printf 'session substack cg-session\n' >>"$W/pam.d/sshd"
printf 'session optional pam_changegate.so\n' >"$W/pam.d/cg-session"
check_out "PAM: module reached through @include, include, substack" '^config OK$' 0 cc
rm "$W/pam.d/cg-account"
only_problem "PAM: included file missing" '^problem: PAM .*cg-account \(included\)'
good_pam
rm "$W/pam.d/sshd"
only_problem "PAM: no sshd file" '^problem: PAM .*sshd: No such file.*not gated'
good_pam
printf 'session required pam_loginuid.so\n' >"$W/pam.d/sshd"
check_out "PAM: all three missing, three lines" '^3 problems found$' 1 cc
good_pam

# A rollback that stopped at PAM (issue 14.12): sshd's Match block still requires
# keyboard-interactive, which now runs the plain PAM stack (a password prompt): a warning
# naming the block, on top of the problems for the missing PAM lines.
warned() { cc | grep '^warning:'; }
check_rc "good wiring: no warning" 1 warned
sed -i '/pam_changegate/d' "$W/pam.d/sshd"
check_out "Match block requiring keyboard-interactive without the module: warned" \
	'^warning: sshd_config .*/ssh/sshd_config.d/changegate.conf:2: Match Group developers requires keyboard-interactive, but no auth line of .*/pam.d/sshd calls pam_changegate.so.*reload sshd' \
	0 warned
check_out "... not counted: the three missing PAM lines are" '^3 problems found$' 1 cc
printf 'auth required pam_changegate.so\n' >>"$W/pam.d/sshd"
check_rc "... no warning once an auth line calls the module" 1 warned
good_pam
sed -i '/^auth.*pam_changegate/d' "$W/pam.d/sshd"
check_out "... the account and session lines alone do not run at the prompt: warned" \
	'^warning: sshd_config .*Match Group developers requires keyboard-interactive' 0 warned
printf 'Match User ops\n\tAuthenticationMethods publickey,keyboard-interactive publickey,password\n' \
	>"$W/ssh/sshd_config.d/changegate.conf"
check_rc "... a Match block offering another way in is not a lockout: no warning" 1 warned
printf 'Match User ops\n\tAuthenticationMethods keyboard-interactive:pam\n' \
	>"$W/ssh/sshd_config.d/changegate.conf"
check_out "... keyboard-interactive alone is required: warned" \
	'^warning: sshd_config .*changegate.conf:1: Match User ops requires' 0 warned
good_pam
good_sshd

# Key-bound tickets and certificates (issue 18): pam_changegate reads SSH_AUTH_INFO_0 in auth
# and account, so a user must not be able to write the PAM environment before it, and sshd
# must have checked the key before keyboard-interactive runs. Warnings, not problems.
printf 'Match User ops\n\tAuthenticationMethods keyboard-interactive,publickey\n' \
	>"$W/ssh/sshd_config.d/changegate.conf"
check_out "keyboard-interactive before publickey: warned, naming the line" \
	'^warning: sshd_config .*changegate.conf:2: AuthenticationMethods keyboard-interactive,publickey lets keyboard-interactive run before publickey.*key_mismatch' \
	0 warned
printf 'Match User ops\n\tAuthenticationMethods publickey,password publickey,keyboard-interactive:pam\n' \
	>"$W/ssh/sshd_config.d/changegate.conf"
check_rc "... publickey first in every alternative with it: no warning" 1 warned
good_sshd
sed -i 's/^auth .*pam_changegate.so$/auth required pam_env.so user_readenv=1\n&/' "$W/pam.d/sshd"
check_out "pam_env with user_readenv before the auth line: warned" \
	'^warning: PAM .*sshd: pam_env.so with user_readenv comes before pam_changegate.so in auth' \
	0 warned
good_pam
sed -i 's/^auth .*pam_changegate.so$/auth required pam_env.so user_readenv=0\n&/' "$W/pam.d/sshd"
check_rc "... with user_readenv=0: no warning" 1 warned
good_pam
sed -i 's/^account .*pam_nologin.so$/account required pam_env.so user_readenv=1 readenv=1\n&/' \
	"$W/pam.d/sshd"
check_out "... before the account line: warned" \
	'^warning: PAM .*pam_changegate.so in account' 0 warned
good_pam
printf 'session required pam_env.so user_readenv=1\n' >>"$W/pam.d/sshd"
check_rc "... after the module's lines (Debian's place): no warning" 1 warned
good_pam

# sshd_config
sed -i 's/^UsePAM yes/UsePAM no/' "$W/ssh/sshd_config"
only_problem "UsePAM no" '^problem: sshd_config .*UsePAM is not yes'
sed -i '/^UsePAM/d' "$W/ssh/sshd_config"
only_problem "UsePAM unset" '^problem: sshd_config .*UsePAM is not yes'
good_sshd
rm "$W/ssh/sshd_config.d/changegate.conf"
only_problem "no keyboard-interactive" \
	'^problem: sshd_config .*KbdInteractiveAuthentication is no'
printf 'AuthenticationMethods publickey,keyboard-interactive\n' >"$W/ssh/sshd_config.d/cg.conf"
check_out "AuthenticationMethods alone is not enough when kbd-interactive is off" \
	'KbdInteractiveAuthentication is no' 1 cc
printf 'UsePAM yes\nChallengeResponseAuthentication yes\n' >"$W/ssh/sshd_config"
rm "$W/ssh/sshd_config.d/cg.conf"
check_out "ChallengeResponseAuthentication yes (Include-less)" '^config OK$' 0 cc
check_out "... keyboard-interactive with no publickey required before it: warned (issue 18)" \
	'^warning: sshd_config .*: no AuthenticationMethods requires publickey before keyboard-interactive' \
	0 warned
printf 'UsePAM=yes\n' >"$W/ssh/sshd_config"
only_problem "neither AuthenticationMethods nor KbdInteractive" \
	'^problem: sshd_config .*no AuthenticationMethods names keyboard-interactive'
rm "$W/ssh/sshd_config"
only_problem "missing sshd_config" '^problem: sshd_config .*No such file'
good_sshd
check_out "all fixed" '^config OK$' 0 cc
check_out "wiring checked even when the config cannot be loaded" \
	'^problem: sudo.conf .*writable by others' 1 sh -c "chmod 0666 '$W/sudo.conf' && '$CG' check-config \
	--config '$T/nope.conf' --sudo-conf '$W/sudo.conf' --pam-dir '$W/pam.d' \
	--sshd-config '$W/ssh/sshd_config'"
chmod 0644 "$W/sudo.conf"
check_rc "wiring option without its value" 2 "$CG" check-config --config "$CONF" --pam-dir
finish
