#!/bin/bash
# Root only: builds the .deb with `make deb`, runs lintian on it (no errors allowed) and
# checks what it installs: the PAM module where pkg-config says PAM modules go, the sudo
# plugin in /usr/libexec/sudo, the command, the man pages, the example config as a conffile,
# a pam-auth-update profile that is off by default, and nothing that turns anything on.
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: building the .deb needs root (dpkg-buildpackage, lintian as CI runs them)"
	exit 77
fi
for tool in dpkg-buildpackage dh lintian pkg-config; do
	if ! command -v "$tool" >/dev/null; then
		echo "FAIL: $tool not found (Debian: apt-get install dpkg-dev debhelper lintian pkgconf)"
		exit 1
	fi
done

. "${top_srcdir:?}/tests/packaging/lib.sh"

ctl=$(mktemp -d /tmp/cg-debctl.XXXXXX) || exit 1
trap 'rm -rf "$ctl"' EXIT
if ! build_deb "$ctl/changegate.deb"; then
	echo "FAIL: make deb"
	exit 1
fi
ok "make deb"

# lintian: errors fail the test; warnings are printed for the reader
lintian_out=$(lintian --fail-on error "$deb" 2>&1)
lintian_rc=$?
printf '%s\n' "$lintian_out" | grep -v '^running with root privileges' || true
if [ "$lintian_rc" -eq 0 ] && ! printf '%s\n' "$lintian_out" | grep -q '^E: '; then
	ok "lintian: no errors"
else
	bad "lintian reports errors (rc $lintian_rc)"
fi

files=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\./|/|')
has() {
	if printf '%s\n' "$files" | grep -qxF "$1"; then ok "ships $1"; else bad "does not ship $1"; fi
}
pammoddir="$(pkg-config --variable=libdir pam)/security"
has "$pammoddir/pam_changegate.so"
has /usr/libexec/sudo/changegate_sudo.so
has /usr/libexec/sudo/changegate_sudo_verify.so
has /usr/bin/changegate
has /usr/bin/changegate-askpass
has /usr/libexec/changegate/wired-check
has /usr/share/man/man1/changegate.1.gz
has /usr/share/man/man1/changegate-askpass.1.gz
has /usr/share/doc/changegate/developers.md.gz
has /usr/share/doc/changegate/operations.md.gz
has /usr/share/man/man5/changegate.conf.5.gz
has /usr/share/man/man8/pam_changegate.8.gz
has /usr/share/man/man8/changegate_sudo.8.gz
has /etc/changegate/changegate.conf
has /etc/changegate/keys/
has /usr/share/pam-configs/changegate
has /lib/systemd/system/changegate-reaper.service
# the reaper ships off: nothing enables it but the administrator (debhelper re-enables it
# on upgrade only when it "was-enabled"), and no enablement link is shipped
postinst=$(dpkg-deb -I "$deb" postinst 2>/dev/null)
unguarded=$(printf '%s\n' "$postinst" | awk '/was-enabled/ { g = 1 } /^[ \t]*fi/ { g = 0 }
	/deb-systemd-helper enable/ && !g { print }')
if [ -n "$unguarded" ] || printf '%s\n' "$files" | grep -q 'wants/changegate-reaper'; then
	bad "the package enables changegate-reaper.service: $unguarded"
else
	ok "changegate-reaper.service is shipped, not enabled"
fi
has /etc/logrotate.d/changegate
has /var/log/changegate/
# the runcwd=/ pin for gated users' sudo (issue 14 item 3): an example, never enabled
has /usr/share/doc/changegate/examples/sudoers.d/changegate

if printf '%s\n' "$files" | grep -q '\.la$'; then bad "ships libtool archives"; else ok "no .la files"; fi
# nothing the package installs may wire changegate in by itself
if printf '%s\n' "$files" | grep -qE '^/etc/(pam\.d|sudo\.conf|sudoers|ssh)'; then
	bad "ships files under /etc/pam.d, sudo or ssh configuration"
else
	ok "no PAM, sudo or sshd configuration shipped"
fi

dpkg-deb -e "$deb" "$ctl/DEBIAN"
dpkg-deb -x "$deb" "$ctl/root"
if grep -qxF /etc/changegate/changegate.conf "$ctl/DEBIAN/conffiles" 2>/dev/null; then
	ok "/etc/changegate/changegate.conf is a conffile"
else
	bad "/etc/changegate/changegate.conf is not a conffile"
fi
if cmp -s "$ctl/root/etc/changegate/changegate.conf" "$top_srcdir/examples/changegate.conf"; then
	ok "the conffile is examples/changegate.conf"
else
	bad "the conffile differs from examples/changegate.conf"
fi
profile="$ctl/root/usr/share/pam-configs/changegate"
if grep -qx 'Default: no' "$profile"; then ok "pam-auth-update profile: Default: no"; else bad "pam-auth-update profile is not Default: no"; fi
if grep -q 'pam_changegate\.so' "$profile"; then ok "profile names pam_changegate.so"; else bad "profile does not name pam_changegate.so"; fi
# maintainer scripts may take the profile out on removal, never put it in
if grep -l -- '--enable\|pam_changegate' "$ctl"/DEBIAN/{preinst,postinst} 2>/dev/null; then
	bad "a maintainer script enables changegate"
else
	ok "no maintainer script enables changegate"
fi
if grep -q 'pam-auth-update --package --remove changegate' "$ctl/DEBIAN/prerm" 2>/dev/null; then
	ok "prerm removes the profile from the PAM stacks"
else
	bad "prerm does not remove the profile"
fi
for so in changegate_sudo.so changegate_sudo_verify.so; do
	mode=$(stat -c %a "$ctl/root/usr/libexec/sudo/$so")
	if [ "$mode" = 644 ]; then ok "$so mode 0644"; else bad "$so mode $mode"; fi
done
if dpkg-deb -f "$deb" Depends | grep -q 'libjwt'; then ok "Depends names libjwt"; else bad "Depends lacks libjwt"; fi
# libunistring is opened by soname, not linked by the module or the plugin: the command's
# link keeps it in Depends (tools/Makefile.inc), or four eyes for a non-ASCII name would deny
if dpkg-deb -f "$deb" Depends | grep -q 'libunistring'; then ok "Depends names libunistring"; else bad "Depends lacks libunistring"; fi

finish deb_package
