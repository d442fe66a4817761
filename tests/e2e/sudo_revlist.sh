#!/bin/bash
# The real /usr/bin/sudo in a private mount namespace with a signed revocation list (issue 13):
# a fresh list lets a gated user's ticket through and revokes what it lists; a missing,
# broken, rolled-back or stale list refuses the gated user with its own reason while root
# and the exempt user keep sudo; what the plugin writes for the list in state_dir (its
# verified index, the raised seq) is root:root although sudo runs it with the user's group.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
LISTS=$CG_DIR/lists
STATE=$CG_DIR/state
mkdir -m 0755 "$LISTS"
{ echo "revocation_list = $LISTS/revoked.jws"; echo "exempt_users = carol"; } >>"$CG_CONFIG"
ns_add_user alice
ns_add_user carol
sudo_setup carol || { echo "cannot set up sudo"; exit 1; }
sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"

sign() {
	"$CG_BIN" revocations sign --key "$CG_ISSUER_KEY" --kid issuer-1 --iss "$CG_ISSUER" \
		--aud "$CG_AUDIENCE" "$@"
}
install_list() { "$CG_BIN" revocations install --config "$CG_CONFIG" "$@" >/dev/null; }
TOK=$(cg_mint alice --cmd /usr/bin/id --ticket CHG0000001) &&
	REV=$(cg_mint alice --cmd /usr/bin/id --ticket CHG0000002) ||
	{ echo "cg_mint failed"; exit 1; }
gated() { sudo_as alice CHANGEGATE_TOKEN="$1" sudo -n /usr/bin/id -u; }
others_unaffected() {
	prints_and_succeeds 0 sudo -n /usr/bin/id -u &&
		prints_and_succeeds 0 sudo_as carol sudo -n /usr/bin/id -u
}
all_root_owned() {
	local bad
	bad=$(find "$@" -printf '%U:%G %p\n' | grep -v '^0:0 ')
	[ -z "$bad" ] || { echo "not root:root: $bad"; return 1; }
}

ns_check "no list installed: the gated user is refused (revocation_invalid)" \
	denied_with revocation_invalid alice gated "$TOK"
ns_check "... root and the exempt user keep sudo" others_unaffected

sign --seq 2 --ttl 1h --chg CHG0000002 >"$CG_DIR/l2" && sign --seq 3 --ttl 1h >"$CG_DIR/l3" &&
	sign --seq 1 --ttl 1h >"$CG_DIR/l1" || { echo "sign failed"; exit 1; }
ns_check "a list installed" install_list "$CG_DIR/l2"
rm -f "$STATE/revocation_list.idx" "$STATE/revocation_list.seq"
ns_check "a fresh list: the gated user's ticket allows" prints_and_succeeds 0 gated "$TOK"
ns_check "... a ticket it lists is refused (revoked)" denied_with revoked alice gated "$REV"
ns_check "... the plugin rebuilt the index and the seq record, root:root" \
	all_root_owned "$STATE/revocation_list.idx" "$STATE/revocation_list.seq"

cp "$CG_DIR/l1" "$LISTS/revoked.jws"
ns_check "a lower seq copied over it: refused (revocation_rollback)" \
	denied_with revocation_rollback alice gated "$TOK"
ns_check "... root and the exempt user keep sudo" others_unaffected
sed 's/\.[^.]*$/.AAAA/' "$CG_DIR/l3" >"$LISTS/revoked.jws"
ns_check "a broken signature: refused (revocation_invalid)" \
	denied_with revocation_invalid alice gated "$TOK"
sign --seq 4 --ttl 1 >"$LISTS/revoked.jws" || { echo "sign failed"; exit 1; }
# one second of validity, the default leeway of 60 s: stale a minute later; the clock is not
# ours to move, so the config's leeway goes to 0 instead
sed -i '/^leeway/d' "$CG_CONFIG" && echo "leeway = 0" >>"$CG_CONFIG"
sleep 2
ns_check "a stale list: refused (revocation_stale)" \
	denied_with revocation_stale alice gated "$TOK"
ns_check "... root and the exempt user keep sudo" others_unaffected
rm "$LISTS/revoked.jws"
ns_check "the list removed: refused (revocation_invalid)" \
	denied_with revocation_invalid alice gated "$TOK"
ns_check "a newer list installed: the ticket allows again" install_list "$CG_DIR/l3"
ns_check "... through sudo" prints_and_succeeds 0 gated "$TOK"
ns_finish
