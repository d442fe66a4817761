# Packaging checks (issue 6): man pages lint clean; as root, the .deb builds, passes lintian
# and installs the right files, and the pam-auth-update profile is off until enabled.
TESTS += tests/packaging/man_lint.sh tests/packaging/pam_profile.sh tests/packaging/deb_package.sh
EXTRA_DIST += tests/packaging/man_lint.sh tests/packaging/pam_profile.sh \
	tests/packaging/deb_package.sh
