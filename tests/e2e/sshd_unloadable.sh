#!/bin/bash
# A pam_changegate.so that cannot be loaded (the package removed, libjwt or libcrypto broken)
# under the shipped stack (examples/pam.d/sshd with its guards) and the real sshd, in a
# private mount namespace: root and a member of changegate-exempt still log in with their
# key, gated users are refused. The module is made unloadable by bind-mounting a file that
# is not ELF over it, inside the namespace only.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_pam.sh"
sshd_prereqs

ns_changegate_env || exit 1
ns_add_user alice developers          # gated: key, then token
ns_add_user eve                       # gated, key only as far as sshd is concerned
ns_add_user oscar changegate-exempt   # exempt: key only
sshd_start || exit 1
sshd_askpass_setup
for u in alice eve oscar root; do
	sshd_user_key "$u" || exit 1
done
good=$(cg_mint alice | token_file good)

# the stack works before the module goes: the test's own baseline
ns_check "module loads: alice logs in with a token" ssh_as alice "$good" true

printf 'not an ELF object\n' >"$NS_DIR/not-elf.so"
ns_bind "$NS_DIR/not-elf.so" "$CG_PAM_MODULE" || exit 1
ns_check "the module is unloadable now" cmp -s "$NS_DIR/not-elf.so" "$CG_PAM_MODULE"

ns_log_mark
ns_check "unloadable module: root logs in with its key" ssh_as root - true
ns_check "unloadable module: a changegate-exempt member logs in with a key" ssh_as oscar - true
ns_check_fails "unloadable module: a gated user with a valid token is refused" \
	ssh_as alice "$good" true
ns_check_fails "unloadable module: a gated user with a key alone is refused" ssh_as eve - true
ns_check "... and PAM says why: the module did not load" \
	ns_log_wait 'PAM unable to dlopen\(.*pam_changegate\.so\)'

ns_finish
