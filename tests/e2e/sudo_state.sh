#!/bin/bash
# The real /usr/bin/sudo in a private mount namespace (issue 14, item 13):
#   - every file changegate_sudo.so creates while a gated user's sudo runs (single-use record,
#     revocation index, audit log) is root:root, although sudo runs the plugin with the
#     user's group;
#   - a revocation index rebuild's stale temporary is removed by the next rebuild, with
#     single_use = no;
#   - changegate_policy never loads a delegate= that others could have written: sudo does
#     not start for anyone, root included, and says why;
#   - without /proc, root's sudo through changegate_policy still works, and a gated user's
#     ticket is still checked (the delegate and the verifier load by their checked path).
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
CG_ALWAYS_CONFIG=$CG_DIR/always.conf
{ cat "$CG_CONFIG"; echo "single_use = always"; } >"$CG_ALWAYS_CONFIG"
chmod 0644 "$CG_ALWAYS_CONFIG"
ns_add_user alice
sudo_setup || { echo "cannot set up sudo"; exit 1; }
STATE=$CG_DIR/state

T_ONE=$(cg_mint alice --cmd /usr/bin/id) && T_TWO=$(cg_mint alice --cmd /usr/bin/id) ||
	{ echo "cg_mint failed"; exit 1; }
echo CHG0099999 >>"$CG_REVOKED"
# the dead temporary of a killed index rebuild, two hours old, and one being written now
DEAD=.tmp-1234-0011223344556677
LIVE=.tmp-1235-8899aabbccddeeff
head -c 4096 /dev/zero >"$STATE/$DEAD" && touch -d '2 hours ago' "$STATE/$DEAD"
: >"$STATE/$LIVE"
# the list must have settled for the index to be written
sleep 1.2

# every file below DIR, and FILE..., is root:root
all_root_owned() {
	local bad
	bad=$(find "$@" -printf '%U:%G %p\n' | grep -v '^0:0 ')
	[ -z "$bad" ] || { echo "not root:root: $bad"; return 1; }
}
has_file() { [ -f "$1" ] || { echo "missing: $1"; ls -la "$(dirname "$1")"; return 1; }; }
has_no_file() { [ ! -e "$1" ] || { echo "still there: $1"; return 1; }; }
record_count() { find "$STATE" -regextype egrep -regex '.*/[0-9a-f]{64}' | wc -l; }

sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
ns_check "single_use = no: a gated user's allowed sudo" \
	prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_ONE" sudo -n /usr/bin/id -u
ns_check "... built the revocation index" has_file "$STATE/revocation.idx"
ns_check "... wrote the audit log" has_file "$CG_AUDIT_LOG"
ns_check "... removed the killed rebuild's old temporary" has_no_file "$STATE/$DEAD"
ns_check "... kept the fresh one" has_file "$STATE/$LIVE"
rm -f "$STATE/$LIVE"
ns_check "... and what it created is root:root, not alice's group" \
	all_root_owned "$STATE" "$CG_AUDIT_LOG"

sudo_conf_write "$NS_DIR/sudo.conf" "${APPROVAL_CONF//config=$CG_CONFIG/config=$CG_ALWAYS_CONFIG}"
ns_check "single_use = always: a gated user's allowed sudo" \
	prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_TWO" sudo -n /usr/bin/id -u
ns_check "... redeemed the token (one record)" test "$(record_count)" -eq 1
ns_check "... every file in state_dir and the audit log is root:root" \
	all_root_owned "$STATE" "$CG_AUDIT_LOG"

# ---- changegate_policy's delegate=: the trust rules of the verifier
DELEG=$NS_DIR/delegate
mkdir -m 0755 "$DELEG" "$DELEG/open"
install -o root -g root -m 0666 "$SUDOERS_SO" "$DELEG/sudoers.so"
install -o root -g root -m 0644 "$SUDOERS_SO" "$DELEG/open/sudoers.so"
chmod 0777 "$DELEG/open"
ln -s "$SUDOERS_SO" "$DELEG/link.so"

# refused_delegate PATH WHY: with delegate=PATH, root's sudo does not start and says WHY
refused_delegate() {
	local out
	sudo_conf_write "$NS_DIR/sudo.conf" "${POLICY_CONF//delegate=$SUDOERS_SO/delegate=$1}"
	if out=$(sudo -n /usr/bin/id -u 2>&1); then
		echo "root's sudo ran: $out"
		return 1
	fi
	printf '%s\n' "$out" | grep -qF "cannot load the delegate policy $1" &&
		printf '%s\n' "$out" | grep -qF -- "$2" || { echo "output was: $out"; return 1; }
}
ns_check "policy: a delegate writable by others is refused, root's sudo too" \
	refused_delegate "$DELEG/sudoers.so" "writable by group or others"
ns_check "policy: a delegate in a directory others can write is refused" \
	refused_delegate "$DELEG/open/sudoers.so" "writable by group or others"
ns_check "policy: a delegate that is a symbolic link is refused" \
	refused_delegate "$DELEG/link.so" "is a symbolic link"
sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
ns_check "policy: the shipped sudoers.so as delegate: root's sudo works" \
	prints_and_succeeds 0 sudo -n /usr/bin/id -u
ns_check "policy: ... and a gated user's ticket still allows" \
	prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_ONE" sudo -n /usr/bin/id -u

# ---- without /proc (a chroot rescue shell, a container; issue 14 item 13, review): the
# delegate and the verifier load by their checked path, and root keeps sudo
# no_proc CMD...: CMD in a mount namespace of its own with a tmpfs over /proc
no_proc() {
	unshare -m --propagation private "$BASH" -c 'mount -t tmpfs none /proc && exec "$@"' \
		no_proc "$@"
}
T_NOPROC=$(cg_mint alice --cmd /usr/bin/id) || { echo "cg_mint failed"; exit 1; }
ns_check "policy without /proc: root's sudo works" \
	prints_and_succeeds 0 no_proc sudo -n /usr/bin/id -u
ns_check "policy without /proc: a gated user's ticket still allows" \
	prints_and_succeeds 0 no_proc runuser -u alice -- env CHANGEGATE_TOKEN="$T_NOPROC" \
	sudo -n /usr/bin/id -u
# judged by the verifier (not config_error): it was loaded
ns_check "policy without /proc: a command the ticket does not cover is command_denied" \
	denied_with command_denied alice no_proc runuser -u alice -- \
	env CHANGEGATE_TOKEN="$T_NOPROC" sudo -n /usr/bin/whoami
ns_finish
