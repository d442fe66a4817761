#!/bin/bash
# Root only, run by rpm_package.sh with the built RPM: its %pre and %preun bodies, taken from
# the package (rpm -qp --qf '%{PREIN}' / '%{PREUN}', what rpm -qp --scripts prints), run by
# /bin/sh as rpm runs them, each in a private mount namespace over fake roots: /etc/sudo.conf
# and /etc/pam.d are bind-mounted test copies, the package's wired-check is laid over
# /usr/libexec read-only, and %pre writes /etc/group through an overlay. Nothing on the host
# changes.
#   %preun on erase ($1 = 0): refused, naming the file and line, while sudo.conf has a live
#   Plugin line for changegate_sudo.so or a pam.d file names pam_changegate.so; allowed when
#   neither does (commented-out lines do not count); on upgrade ($1 = 1) never refused. A line
#   in a file a pam.d file includes by absolute path counts too, and an include target that
#   cannot be read refuses.
#   %pre: creates the system group changegate-exempt, and a second run changes nothing.
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
rpm_file=${1:?usage: rpm_scriptlets.sh RPM}

. "${top_srcdir:?}/tests/packaging/lib.sh"

work=$(mktemp -d /tmp/cg-rpmscr.XXXXXX) || exit 1
trap 'rm -rf --one-file-system "$work"' EXIT
mkdir -p "$work/pkg" "$work/etc-upper" "$work/etc-work"
# rpm2archive: rpm's own unpacker (Debian's rpm has no cpio by its side)
if ! rpm2archive - <"$rpm_file" | tar -xzf - -C "$work/pkg"; then
	bad "cannot unpack $rpm_file"
	finish rpm_scriptlets
	exit 1
fi
if [ -x "$work/pkg/usr/libexec/changegate/wired-check" ]; then
	ok "the RPM ships /usr/libexec/changegate/wired-check"
else
	bad "the RPM lacks an executable /usr/libexec/changegate/wired-check"
fi
# a package without the scriptlet prints "(none)": rpm then runs nothing
scriptlet() {
	local body
	body=$(rpm -qp --qf "%{$1}" "$rpm_file" 2>/dev/null)
	[ "$body" = "(none)" ] || printf '%s\n' "$body"
}
preun=$(scriptlet PREUN)
prein=$(scriptlet PREIN)
postin=$(scriptlet POSTIN)

# fake_root NAME: a sudo.conf and a pam.d like a host's, without changegate
fake_root() {
	local r=$work/$1
	mkdir -p "$r/pam.d"
	printf 'Plugin sudoers_policy sudoers.so\nPlugin sudoers_io sudoers.so\n' >"$r/sudo.conf"
	printf '@include common-auth\naccount required pam_nologin.so\n' >"$r/pam.d/sshd"
	printf 'auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\n' \
		>"$r/pam.d/common-auth"
	echo "$r"
}

# run_in ROOT SCRIPT ARG: SCRIPT run by /bin/sh with $1 = ARG, over ROOT's sudo.conf and pam.d
# (and /etc/security, when ROOT has one) and the package's /usr/libexec/changegate; output in
# $work/out
run_in() {
	unshare -m --propagation private /bin/sh -c '
		mount --bind "$1/sudo.conf" /etc/sudo.conf &&
		mount --bind "$1/pam.d" /etc/pam.d &&
		{ [ ! -d "$1/security" ] || mount --bind "$1/security" /etc/security; } &&
		mount -t overlay overlay -o "lowerdir=$2/usr/libexec:/usr/libexec" /usr/libexec ||
			exit 99
		exec /bin/sh -c "$3" preun "$4"' sh "$1" "$work/pkg" "$2" "$3" >"$work/out" 2>&1
}

# preun_refused DESC ROOT FILE: %preun on erase exits non-zero, naming FILE:LINE
preun_refused() {
	run_in "$2" "$preun" 0
	local rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 99 ] && grep -qE "^  $3:[0-9]+: " "$work/out" &&
		grep -q 'dnf remove changegate' "$work/out"; then
		ok "$1: %preun refuses the erase, naming $3:LINE"
	else
		bad "$1: %preun exit $rc"
		cat "$work/out"
	fi
}
preun_allowed() {
	run_in "$2" "$preun" "$3"
	local rc=$?
	if [ "$rc" -eq 0 ]; then ok "$1: %preun \$1=$3 goes through"; else bad "$1: %preun \$1=$3 exit $rc"; cat "$work/out"; fi
}

clean=$(fake_root clean)
preun_allowed "nothing names changegate" "$clean" 0

sudo_wired=$(fake_root sudo)
printf 'Plugin changegate_approval changegate_sudo.so exempt_groups=changegate-exempt\n' \
	>>"$sudo_wired/sudo.conf"
preun_refused "sudo.conf names the plugin" "$sudo_wired" /etc/sudo.conf
preun_allowed "sudo.conf names the plugin, upgrade" "$sudo_wired" 1

abs_wired=$(fake_root abs)
printf 'Plugin changegate_policy /usr/libexec/sudo/changegate_sudo.so delegate=/usr/libexec/sudo/sudoers.so\n' \
	>>"$abs_wired/sudo.conf"
preun_refused "sudo.conf names the plugin by absolute path" "$abs_wired" /etc/sudo.conf

commented=$(fake_root commented)
printf '# Plugin changegate_approval changegate_sudo.so\n' >>"$commented/sudo.conf"
printf '#auth required pam_changegate.so\n' >>"$commented/pam.d/sshd"
preun_allowed "only commented-out lines name changegate" "$commented" 0

pam_wired=$(fake_root pam)
printf 'account    required     pam_changegate.so exempt_groups=changegate-exempt\n' \
	>>"$pam_wired/pam.d/sshd"
preun_refused "pam.d/sshd names the module" "$pam_wired" /etc/pam.d/sshd
preun_allowed "pam.d/sshd names the module, upgrade" "$pam_wired" 1

inc_wired=$(fake_root inc)
printf 'auth [success=end default=die] /usr/lib64/security/pam_changegate.so\n' \
	>>"$inc_wired/pam.d/common-auth"
preun_refused "an included pam.d file names the module by path" "$inc_wired" /etc/pam.d/common-auth

# issue 14 item 10 (review): Linux-PAM follows an absolute include target; wired-check too
abs_inc=$(fake_root absinc)
mkdir -p "$abs_inc/security"
printf 'auth required pam_changegate.so\n' >"$abs_inc/security/cg-stack"
printf 'auth include /etc/security/cg-stack\n' >>"$abs_inc/pam.d/sshd"
preun_refused "an absolutely included file names the module" "$abs_inc" /etc/security/cg-stack
# an include target that cannot be read: what it loads is unknown, so the erase is refused
rm "$abs_inc/security/cg-stack"
run_in "$abs_inc" "$preun" 0
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 99 ] &&
	grep -q 'cannot read /etc/security/cg-stack (a PAM include target)' "$work/out"; then
	ok "an include target that cannot be read: %preun refuses the erase"
else
	bad "an include target that cannot be read: %preun exit $rc"
	cat "$work/out"
fi
printf 'auth required pam_unix.so\n' >"$abs_inc/security/cg-stack"
preun_allowed "an absolutely included file without the module" "$abs_inc" 0

# %pre: the group, created once, over an overlay of /etc
run_pre_twice() {
	unshare -m --propagation private /bin/sh -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" /etc ||
			exit 99
		/bin/sh -c "$2" pre 1 || exit 1
		/bin/sh -c "$2" pre 2 || exit 2
		getent group changegate-exempt | cut -d: -f3
		grep -c "^changegate-exempt:" /etc/group' sh "$work" "$prein"
}
if getent group changegate-exempt >/dev/null; then
	echo "# the host has changegate-exempt already: %pre cannot be seen creating it"
elif ! command -v groupadd >/dev/null; then
	bad "groupadd not found (Debian: passwd)"
else
	out=$(run_pre_twice 2>&1)
	rc=$?
	gid=$(printf '%s\n' "$out" | sed -n 1p)
	if [ "$rc" -eq 0 ] && [ -n "$gid" ] && [ "$gid" -lt 1000 ] && [ "$(printf '%s\n' "$out" | sed -n 2p)" = 1 ]; then
		ok "%pre creates the system group changegate-exempt (gid $gid), once over two runs"
	else
		bad "%pre (exit $rc): $out"
	fi
fi

# %post (issue 17): the revocation list the shipped configuration names, created empty,
# root:root 0644, and a second run (an upgrade) keeps what `changegate revoke` appended
run_post_twice() {
	mkdir -p "$work/post-upper" "$work/post-work"
	unshare -m --propagation private /bin/sh -c '
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/post-upper,workdir=$1/post-work" /etc ||
			exit 99
		rm -rf /etc/changegate && mkdir -m 0755 /etc/changegate || exit 98
		/bin/sh -c "$2" post 1 || exit 1
		stat -c "%U:%G %a %s" /etc/changegate/revoked
		echo CHG0000042 >>/etc/changegate/revoked
		/bin/sh -c "$2" post 2 || exit 2
		cat /etc/changegate/revoked' sh "$work" "$postin"
}
out=$(run_post_twice 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ "$out" = "root:root 644 0
CHG0000042" ]; then
	ok "%post creates /etc/changegate/revoked empty, root:root 0644, and keeps it on upgrade"
else
	bad "%post (exit $rc): $out"
fi

finish rpm_scriptlets
