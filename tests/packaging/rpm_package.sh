#!/bin/bash
# Root only: builds the RPM with `make rpm` (rpmbuild -bb --nodeps from `make dist`'s tarball,
# as Debian's rpm package can run it) and checks what it installs: Fedora/RHEL paths for the
# PAM module and the sudo plugin, the command, the man pages, the config as
# %config(noreplace), and no PAM, sudo or sshd configuration of its own; then runs its %pre
# and %preun over fake roots (rpm_scriptlets.sh).
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: the RPM is built as CI builds it, as root"
	exit 77
fi
if ! command -v rpmbuild >/dev/null; then
	echo "FAIL: rpmbuild not found (Debian: apt-get install rpm)"
	exit 1
fi

. "${top_srcdir:?}/tests/packaging/lib.sh"

log=$(mktemp /tmp/cg-rpm.XXXXXX) || exit 1
trap 'rm -f "$log"' EXIT
# make deb and make rpm both use the build tree's distdir: one at a time (make check -j)
exec 9>"$top_builddir/.packaging.lock"
flock 9
if ! make -C "$top_builddir" rpm >"$log" 2>&1; then
	tail -n 40 "$log"
	echo "FAIL: make rpm"
	exit 1
fi
ok "make rpm"
version=$(sed -n 's/^AC_INIT(\[[^]]*\], *\[\([^]]*\)\].*/\1/p' "$top_srcdir/configure.ac")
rpm_file=$(find "$top_builddir" -maxdepth 1 -name "changegate-${version}-1*.rpm" ! -name '*.src.rpm' | head -n 1)
if [ -z "$rpm_file" ]; then
	echo "FAIL: no changegate-${version}-1*.rpm in $top_builddir"
	exit 1
fi
ok "built $(basename "$rpm_file")"

files=$(rpm -qlp "$rpm_file" 2>/dev/null)
has() {
	if printf '%s\n' "$files" | grep -qxF "$1"; then ok "ships $1"; else bad "does not ship $1"; fi
}
has /usr/lib64/security/pam_changegate.so
has /usr/libexec/sudo/changegate_sudo.so
has /usr/libexec/sudo/changegate_sudo_verify.so
has /usr/bin/changegate
has /usr/bin/changegate-askpass
# Fedora's brp-compress gzips man pages; Debian's rpm does not run it
has_man() {
	if printf '%s\n' "$files" | grep -qxE "$1(\.gz|\.xz|\.bz2)?"; then ok "ships $1"; else bad "does not ship $1"; fi
}
has_man /usr/share/man/man1/changegate\.1
has_man /usr/share/man/man1/changegate-askpass\.1
has_man /usr/share/man/man5/changegate\.conf\.5
has_man /usr/share/man/man8/pam_changegate\.8
has_man /usr/share/man/man8/changegate_sudo\.8
has /etc/changegate/changegate.conf
has /etc/changegate/keys
has /var/lib/changegate
has /usr/lib/systemd/system/changegate-reaper.service
has /var/log/changegate
has /etc/logrotate.d/changegate
# the runcwd=/ pin for gated users' sudo (issue 14 item 3): %doc examples, never enabled
# (the doc directory carries the version under Debian's rpm, not under Fedora's)
if printf '%s\n' "$files" | grep -qxE '/usr/share/doc/changegate(-[0-9.]+)?/examples/sudoers\.d/changegate'; then
	ok "ships examples/sudoers.d/changegate in its doc directory"
else
	bad "does not ship examples/sudoers.d/changegate"
fi

if printf '%s\n' "$files" | grep -q '\.la$'; then bad "ships libtool archives"; else ok "no .la files"; fi
if printf '%s\n' "$files" | grep -qE '^/etc/(pam\.d|sudo\.conf|sudoers|ssh)'; then
	bad "ships files under /etc/pam.d, sudo or ssh configuration"
else
	ok "no PAM, sudo or sshd configuration shipped"
fi
if rpm -qp --configfiles "$rpm_file" 2>/dev/null | grep -qxF /etc/changegate/changegate.conf; then
	ok "/etc/changegate/changegate.conf is a config file"
else
	bad "/etc/changegate/changegate.conf is not marked %config"
fi
# noreplace: an upgrade must never overwrite the sysadmin's edited config (FILEFLAGS bit 16)
flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS}\n]' "$rpm_file" 2>/dev/null |
	sed -n 's|^/etc/changegate/changegate.conf ||p')
if [ -n "$flags" ] && [ $((flags & 16)) -ne 0 ]; then
	ok "changegate.conf is %config(noreplace)"
else
	bad "changegate.conf is not noreplace (flags '$flags')"
fi
# the scriptlets only read the wiring (wired-check) and create a group: none edits it
if rpm -qp --scripts "$rpm_file" 2>/dev/null | grep -q 'pam\|sudo'; then
	bad "a scriptlet touches PAM or sudo"
else
	ok "no scriptlet touches PAM or sudo"
fi
for so in changegate_sudo.so changegate_sudo_verify.so; do
	mode=$(rpm -qp --qf '[%{FILENAMES} %{FILEMODES:perms}\n]' "$rpm_file" 2>/dev/null |
		sed -n "s|^/usr/libexec/sudo/$so ||p")
	case $mode in
	-rw-r--r--|-rwxr-xr-x) ok "$so mode $mode (root-owned, not writable by others)" ;;
	*) bad "$so mode '$mode'" ;;
	esac
done

owners=$(rpm -qp --qf '[%{FILEUSERNAME}:%{FILEGROUPNAME}\n]' "$rpm_file" 2>/dev/null | sort -u)
if [ "$owners" = root:root ]; then ok "every file owned by root:root"; else bad "owners: $owners"; fi

# %pre and %preun, run as rpm runs them, over fake roots (issue 14.10 and the group)
if unshare -m --propagation private true 2>/dev/null; then
	if "$BASH" "$top_srcdir/tests/packaging/rpm_scriptlets.sh" "$rpm_file"; then
		ok "rpm_scriptlets.sh"
	else
		bad "rpm_scriptlets.sh"
	fi
else
	echo "# unshare -m is not available: the scriptlets are not run"
fi

finish rpm_package
