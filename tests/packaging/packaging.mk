# Packaging checks (issue 6): man pages lint clean; as root, the .deb builds, passes lintian
# and installs the right files, the pam-auth-update profile is off until enabled, and the RPM
# builds with Fedora/RHEL paths. The real dpkg installs and removes the .deb in a private
# namespace: removal is refused while sudo.conf or pam.d name changegate (issue 14.10).
TESTS += tests/packaging/man_lint.sh tests/packaging/pam_profile.sh tests/packaging/deb_package.sh \
	tests/packaging/deb_lifecycle.sh tests/packaging/rpm_package.sh tests/packaging/logrotate.sh
EXTRA_DIST += tests/packaging/lib.sh tests/packaging/man_lint.sh tests/packaging/pam_profile.sh \
	tests/packaging/deb_package.sh tests/packaging/deb_lifecycle.sh tests/packaging/rpm_package.sh \
	tests/packaging/rpm_scriptlets.sh tests/packaging/logrotate.sh
CLEANFILES += .packaging.lock
