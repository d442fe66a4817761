#!/bin/bash
# Root only: the built .deb through the real dpkg, inside a private mount namespace whose /etc,
# /usr and /var are overlays (the host's files below, every write in a tmpfs above): the host's
# own files and dpkg database never change. Checks that the postinst creates the system group
# changegate-exempt (once, never removed), that `dpkg -r` is refused with the file and line to
# edit while /etc/sudo.conf or a PAM file names changegate (a file of /etc/pam.d or
# /usr/lib/pam.d, or one they include by absolute path), leaving the package and
# its files (and an enabled pam-auth-update profile) in place, that removal goes through once
# the lines are gone, and that an upgrade (reinstalling the same .deb) is never blocked.
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"

. "${top_srcdir:?}/tests/packaging/lib.sh"

if [ -z "${CG_DPKG_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: dpkg -i and -r need root"
		exit 77
	fi
	for tool in dpkg dpkg-buildpackage dh pam-auth-update; do
		if ! command -v "$tool" >/dev/null; then
			echo "FAIL: $tool not found (Debian: apt-get install dpkg-dev debhelper libpam-runtime)"
			exit 1
		fi
	done
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "SKIP: unshare -m is not available here"
		exit 77
	fi
	if dpkg-query -W changegate >/dev/null 2>&1; then
		echo "SKIP: changegate is installed on this host; the test installs its own copy"
		exit 77
	fi
	work=$(mktemp -d /tmp/cg-dpkg.XXXXXX) || exit 1
	if ! build_deb "$work/changegate.deb"; then
		echo "FAIL: make deb"
		rm -rf "$work"
		exit 1
	fi
	export CG_DPKG_NS="$work"
	rc=0
	unshare -m --propagation private "$BASH" "$0" "$@" || rc=$?
	rm -rf --one-file-system "$work"
	# the overlays are gone with the namespace: the host never saw the package
	if dpkg-query -W changegate >/dev/null 2>&1; then
		echo "FAIL: changegate is in the host's dpkg database after the test"
		rc=1
	fi
	exit "$rc"
fi

# Inside the namespace: copy-on-write over everything dpkg, its maintainer scripts and their
# tools (addgroup, pam-auth-update, debconf, triggers) write.
work=$CG_DPKG_NS
deb=$work/changegate.deb
mkdir -p "$work/ov"
mount -t tmpfs -o mode=0700 tmpfs "$work/ov" || { echo "FAIL: cannot mount a tmpfs"; exit 1; }
for d in /etc /usr /var; do
	mkdir -p "$work/ov$d/upper" "$work/ov$d/work"
	if ! mount -t overlay overlay \
		-o "lowerdir=$d,upperdir=$work/ov$d/upper,workdir=$work/ov$d/work" "$d"; then
		echo "SKIP: cannot mount an overlay over $d"
		exit 77
	fi
done
export DEBIAN_FRONTEND=noninteractive
pammod="$(pkg-config --variable=libdir pam)/security/pam_changegate.so"

status() { dpkg-query -W -f='${Status}' changegate 2>/dev/null; }
installed() { status | grep -q ' ok installed$'; }
gone() { ! status | grep -q ' installed$'; }
files_present() {
	[ -f /usr/libexec/sudo/changegate_sudo.so ] && [ -f "$pammod" ] &&
		[ -x /usr/libexec/changegate/wired-check ] && [ -f /usr/bin/changegate ]
}
files_gone() { [ ! -e /usr/libexec/sudo/changegate_sudo.so ] && [ ! -e "$pammod" ]; }
# install: dpkg -i, quietly unless it fails
install_deb() {
	if dpkg -i "$deb" >"$work/out" 2>&1; then return 0; fi
	cat "$work/out"
	return 1
}
# remove_refused DESC FILE: dpkg -r fails, its message names FILE with a line number and the
# command to run again, and the package stays with its files
remove_refused() {
	local desc=$1 file=$2
	if dpkg -r changegate >"$work/out" 2>&1; then
		bad "$desc: dpkg -r succeeded"
		cat "$work/out"
		return
	fi
	ok "$desc: dpkg -r is refused"
	if grep -qE "^  $file:[0-9]+: " "$work/out" && grep -q 'apt-get remove changegate' "$work/out"; then
		ok "$desc: the message names $file:LINE and the command to run again"
	else
		bad "$desc: the message does not name $file:LINE and the command"
	fi
	cat "$work/out"
	if installed && files_present; then
		ok "$desc: the package stays installed with its files"
	else
		bad "$desc: status '$(status)' after the refused removal, or files missing"
	fi
}
remove_ok() {
	local desc=$1
	if dpkg -r changegate >"$work/out" 2>&1 && gone && files_gone; then
		ok "$desc: dpkg -r removes the package and its files"
	else
		bad "$desc: dpkg -r did not remove it (status '$(status)')"
		cat "$work/out"
	fi
}
group_line_count() { grep -c '^changegate-exempt:' /etc/group; }

# ---- install: the group
if getent group changegate-exempt >/dev/null; then
	echo "SKIP: the host already has a changegate-exempt group: cannot check its creation"
	exit 77
fi
if install_deb && installed && files_present; then ok "dpkg -i installs"; else bad "dpkg -i"; fi
gid=$(getent group changegate-exempt | cut -d: -f3)
if [ -n "$gid" ]; then ok "postinst creates changegate-exempt"; else bad "no changegate-exempt group"; fi
# a system group: in the range adduser keeps for them (FIRST_SYSTEM_GID..LAST_SYSTEM_GID)
if [ -n "$gid" ] && [ "$gid" -ge 100 ] && [ "$gid" -le 999 ]; then
	ok "changegate-exempt is a system group (gid $gid)"
else
	bad "changegate-exempt gid '$gid' is not a system gid"
fi
if [ -z "$(getent group changegate-exempt | cut -d: -f4)" ]; then
	ok "changegate-exempt is created empty"
else
	bad "changegate-exempt has members: $(getent group changegate-exempt)"
fi

# ---- issue 17: what the shipped configuration names exists, with the right owner and mode
mode_of() { stat -c '%U:%G %a' "$1" 2>/dev/null; }
if [ -f /etc/changegate/revoked ] && [ ! -s /etc/changegate/revoked ] &&
	[ "$(mode_of /etc/changegate/revoked)" = "root:root 644" ]; then
	ok "postinst creates /etc/changegate/revoked, empty, root:root 0644"
else
	bad "/etc/changegate/revoked: '$(mode_of /etc/changegate/revoked)'"
fi
if [ -d /var/log/changegate ] && [ "$(mode_of /var/log/changegate)" = "root:root 750" ]; then
	ok "the package ships /var/log/changegate, root:root 0750"
else
	bad "/var/log/changegate: '$(mode_of /var/log/changegate)'"
fi
if grep -qxF /etc/logrotate.d/changegate /var/lib/dpkg/info/changegate.conffiles; then
	ok "/etc/logrotate.d/changegate is a conffile"
else
	bad "/etc/logrotate.d/changegate is not a conffile"
fi
echo CHG0000042 >>/etc/changegate/revoked
if install_deb && [ "$(cat /etc/changegate/revoked)" = CHG0000042 ]; then
	ok "upgrade keeps the revocation list as it is"
else
	bad "upgrade changed /etc/changegate/revoked: $(cat /etc/changegate/revoked 2>&1)"
fi
# the shipped configuration, with a key, passes check-config's file checks as installed
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl ec -pubout >/etc/changegate/keys/issuer-1.pem 2>/dev/null
sed -i 's|^#audit_log|audit_log|' /etc/changegate/changegate.conf
getent group developers >/dev/null || groupadd developers   # its enforce_groups (overlay /etc)
if out=$(changegate check-config --no-wiring 2>&1) && ! printf '%s\n' "$out" | grep -q '^problem:'; then
	ok "check-config --no-wiring passes on the installed files (revoked, state_dir, audit_log)"
else
	bad "check-config on the installed files: $out"
fi
rm -f /etc/changegate/keys/issuer-1.pem
sed -i 's|^audit_log|#audit_log|' /etc/changegate/changegate.conf

# ---- sudo.conf names the plugin
sudo_line='Plugin changegate_approval changegate_sudo.so exempt_groups=changegate-exempt'
printf '%s\n' "$sudo_line" >>/etc/sudo.conf
# a commented-out line is not wiring; the live one above is
printf '#Plugin changegate_approval changegate_sudo.so\n' >>/etc/sudo.conf
if install_deb && installed && [ "$(group_line_count)" = 1 ]; then
	ok "upgrade (same .deb again) while sudo.conf names the plugin: not blocked, one group"
else
	bad "reinstall while wired failed, or the group was added twice"
fi
# an enabled profile goes out before the check and comes back when the removal is refused
pam-auth-update --enable changegate >"$work/out" 2>&1 || { cat "$work/out"; bad "pam-auth-update --enable"; }
remove_refused "sudo.conf names the plugin" /etc/sudo.conf
if grep -q pam_changegate /etc/pam.d/common-auth; then
	ok "refused removal: the enabled pam-auth-update profile is back in the stacks"
else
	bad "refused removal left the profile disabled"
fi
sed -i '/^Plugin changegate_approval/d' /etc/sudo.conf
remove_ok "after the sudo.conf line is gone"
if grep -rq pam_changegate /etc/pam.d; then
	bad "removal left pam_changegate in /etc/pam.d"
else
	ok "removal took the profile out of the PAM stacks"
fi

# ---- a hand-made line in /etc/pam.d/sshd
install_deb || bad "dpkg -i again"
[ -f /etc/pam.d/sshd ] || : >/etc/pam.d/sshd
printf 'account    required     pam_changegate.so exempt_groups=changegate-exempt\n' >>/etc/pam.d/sshd
remove_refused "pam.d/sshd names the module" /etc/pam.d/sshd
sed -i '/pam_changegate\.so/d' /etc/pam.d/sshd
remove_ok "after the pam.d/sshd line is gone"

# ---- issue 14 item 10 (review): what Linux-PAM also reads: an absolute include target, and
# /usr/lib/pam.d (read for a service /etc/pam.d lacks)
install_deb || bad "dpkg -i for the include cases"
mkdir -p /etc/security
printf 'auth required pam_changegate.so\n' >/etc/security/cg-stack
printf 'auth include /etc/security/cg-stack\n' >>/etc/pam.d/sshd
remove_refused "an absolutely included file names the module" /etc/security/cg-stack
rm /etc/security/cg-stack
if dpkg -r changegate >"$work/out" 2>&1; then
	bad "an include target that cannot be read: dpkg -r succeeded"
elif grep -q 'cannot read /etc/security/cg-stack (a PAM include target)' "$work/out" &&
	installed && files_present; then
	ok "an include target that cannot be read: dpkg -r is refused, the package stays"
else
	bad "an include target that cannot be read: the message does not name it, or files went"
	cat "$work/out"
fi
sed -i '\#include /etc/security/cg-stack#d' /etc/pam.d/sshd
mkdir -p /usr/lib/pam.d
printf 'auth required pam_changegate.so\n' >/usr/lib/pam.d/cg-vendor
remove_refused "/usr/lib/pam.d names the module" /usr/lib/pam.d/cg-vendor
rm /usr/lib/pam.d/cg-vendor
remove_ok "after the included and the /usr/lib/pam.d lines are gone"

# ---- purge: the group stays (its members and any line naming it are the administrator's)
install_deb || bad "dpkg -i once more"
if dpkg -P changegate >"$work/out" 2>&1 && gone && [ ! -e /etc/changegate/changegate.conf ] &&
	[ ! -e /etc/changegate/revoked ]; then
	ok "dpkg -P purges (the revocation list the postinst made too)"
else
	bad "dpkg -P (status '$(status)')"
	cat "$work/out"
fi
if [ -n "$gid" ] && [ "$(getent group changegate-exempt | cut -d: -f3)" = "$gid" ]; then
	ok "purge leaves changegate-exempt (gid $gid)"
else
	bad "purge removed or changed changegate-exempt"
fi

finish deb_lifecycle
