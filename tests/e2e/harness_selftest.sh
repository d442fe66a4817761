#!/bin/bash
# The harness itself: users, syslog and mounts stay inside the namespace.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"

ns_add_user cg-selftest-dev developers
ns_check "test user exists inside the namespace" getent passwd cg-selftest-dev
ns_check "test user is in its group" sh -c 'id -nG cg-selftest-dev | grep -qw developers'
ns_check "host passwd copy is what is mounted" sh -c "cmp /etc/passwd '$NS_DIR/etc/passwd'"
ns_log_mark
logger -p authpriv.notice "cg-harness-probe $$"
ns_check "syslog lines reach NS_LOG with their facility" ns_log_wait "^<85>.*cg-harness-probe $$"
ns_check "/dev/null works" sh -c 'echo x >/dev/null'
ns_check "/run is private" sh -c 'test -d /run/sshd && ! test -e /run/changegate'
ns_finish
