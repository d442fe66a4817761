#!/bin/bash
# The invoking user's environment under the real setuid /usr/bin/sudo (issue 5): a gated user
# sets OPENSSL_CONF to a file of her own, plus OPENSSL_MODULES, OPENSSL_ENGINES, LD_PRELOAD,
# http(s)_proxy, TZ and CHANGEGATE_CONFIG. The decision must not move (a valid token allowed,
# bad ones denied with the same reason) and her OPENSSL_CONF must never be opened by sudo.
#
# Why it holds: sudo is setuid, so the kernel sets AT_SECURE; glibc's secure_getenv() then
# returns NULL, and OpenSSL reads OPENSSL_CONF (and OPENSSL_MODULES, OPENSSL_ENGINES) only
# through ossl_safe_getenv(), which is secure_getenv() on glibc. sudo itself does not remove
# OPENSSL_CONF from its own environment (glibc drops only LD_* and its own list at exec):
# the variable is there, libcrypto just does not trust it. changegate takes its config only
# from the plugin's sudo.conf arguments. The controls at the end prove that each probe does
# fire when the variable is honoured, so the test fails if changegate ever passed the user's
# values on.
. "$top_srcdir/tests/e2e/nslib.sh"
ns_enter "$@"
. "$top_srcdir/tests/e2e/lib_sudo.sh"

sudo_available || { echo "SKIP: sudo or sudoers.so is not installed"; exit 77; }
ns_changegate_env || { echo "cannot set up changegate"; exit 1; }
ns_add_user alice
sudo_setup || { echo "cannot set up sudo"; exit 1; }

H=$NS_DIR/home/alice
now=$(date +%s)
T_OK=$(cg_mint alice --cmd "/usr/bin/id *")
T_EXPIRED=$(cg_mint alice --nbf $((now - 7200)) --ttl 1h --cmd "/usr/bin/id *")

# ---- alice's own things: an issuer key and a config that trusts it, a token she signed
# with it (same kid as the real issuer's), a hostile openssl.cnf, a FIFO, a marking library
as_alice() { runuser -u alice -- "$@"; }
as_alice mkdir -m 0755 "$H/own" "$H/own/keys" || exit 1
as_alice "$CG_BIN" keygen --alg ES256 --out "$H/own/issuer-1" >/dev/null || exit 1
as_alice cp "$H/own/issuer-1.pub" "$H/own/keys/issuer-1.pem" || exit 1
sed "s|^keys_dir = .*|keys_dir = $H/own/keys|" "$CG_CONFIG" | as_alice tee "$H/own/changegate.conf" \
	>/dev/null
OWN_CONFIG=$H/own/changegate.conf
T_FORGED=$("$CG_BIN" issue --key "$H/own/issuer-1.key" --kid issuer-1 --iss "$CG_ISSUER" \
	--aud "$CG_AUDIENCE" --sub alice --ticket CHG0012345 --approved-by approver \
	--scope login,sudo --ttl 1h --cmd "/usr/bin/id *")
for t in "$T_OK" "$T_EXPIRED" "$T_FORGED"; do
	[ -n "$t" ] || { echo "minting failed"; exit 1; }
done
# Read by libcrypto, this makes every algorithm fetch ask for a FIPS provider that is not
# there: no signature verifies, so a valid token would be denied (bad_signature).
HOSTILE_CNF=$H/openssl.cnf
printf '%s\n' 'config_diagnostics = 1' 'openssl_conf = init' '[init]' 'alg_section = evp' \
	'[evp]' 'default_properties = fips=yes' | as_alice tee "$HOSTILE_CNF" >/dev/null
FIFO=$H/openssl-fifo
OPENED=$NS_DIR/fifo-opened
as_alice mkfifo -m 0644 "$FIFO" || exit 1
MARK_SO=
mark_library "$H/mark.so"
case $? in
0) MARK_SO=$H/mark.so ;;
2) exit 1 ;;
esac

# everything alice can set, with OPENSSL_CONF=$1
hostile_env() {
	HOSTILE=(OPENSSL_CONF="$1" OPENSSL_MODULES="$H" OPENSSL_ENGINES="$H"
		http_proxy=http://127.0.0.1:9/ https_proxy=http://127.0.0.1:9/
		HTTPS_PROXY=http://127.0.0.1:9/ ALL_PROXY=http://127.0.0.1:9/ no_proxy=
		TZ=XYZ-14 CHANGEGATE_CONFIG="$OWN_CONFIG")
	[ -n "$MARK_SO" ] && HOSTILE+=(LD_PRELOAD="$MARK_SO")
}

# The FIFO watcher: a writer that blocks in open() until somebody opens the FIFO to read,
# then leaves a mark. Nobody reading means it is still blocked, and is stopped.
WATCH=
watch_fifo() {
	rm -f "$OPENED"
	(exec 3>"$FIFO"; echo opened >"$OPENED") &
	WATCH=$!
}
unwatch_fifo() {
	kill "$WATCH" 2>/dev/null
	wait "$WATCH" 2>/dev/null
	WATCH=
}
not_opened() { [ ! -e "$OPENED" ] || { echo "the user's OPENSSL_CONF was opened"; return 1; }; }

# sudo with alice's environment on top; the timeout guards against a FIFO opened with no
# writer left (that would block forever)
sudo_hostile() {
	local token=$1
	shift
	sudo_as alice "${HOSTILE[@]}" CHANGEGATE_TOKEN="$token" timeout 60 sudo -n "$@"
}

cases() {
	local m=$1
	ns_check "$m: baseline: a valid token allows" \
		prints_and_succeeds 0 sudo_as alice CHANGEGATE_TOKEN="$T_OK" sudo -n /usr/bin/id -u
	ns_check "$m: baseline: an expired token is denied (expired)" \
		denied_with expired alice sudo_as alice CHANGEGATE_TOKEN="$T_EXPIRED" sudo -n /usr/bin/id -u
	ns_check "$m: baseline: alice's self-signed token is denied (bad_signature)" \
		denied_with bad_signature alice sudo_as alice CHANGEGATE_TOKEN="$T_FORGED" \
		sudo -n /usr/bin/id -u

	hostile_env "$FIFO"
	watch_fifo
	ns_check "$m: OPENSSL_CONF=FIFO and the rest: a valid token still allows" \
		prints_and_succeeds 0 sudo_hostile "$T_OK" /usr/bin/id -u
	ns_check "$m: OPENSSL_CONF=FIFO and the rest: expired still denied (expired)" \
		denied_with expired alice sudo_hostile "$T_EXPIRED" /usr/bin/id -u
	ns_check "$m: CHANGEGATE_CONFIG naming alice's config: her token still denied (bad_signature)" \
		denied_with bad_signature alice sudo_hostile "$T_FORGED" /usr/bin/id -u
	ns_check "$m: sudo never opened the user's OPENSSL_CONF" not_opened
	unwatch_fifo
	[ -n "$MARK_SO" ] && ns_check "$m: the user's LD_PRELOAD library never ran as root" not_marked

	hostile_env "$HOSTILE_CNF"
	ns_check "$m: OPENSSL_CONF=hostile openssl.cnf: a valid token still allows" \
		prints_and_succeeds 0 sudo_hostile "$T_OK" /usr/bin/id -u
	ns_check "$m: OPENSSL_CONF=hostile openssl.cnf: expired still denied (expired)" \
		denied_with expired alice sudo_hostile "$T_EXPIRED" /usr/bin/id -u
	ns_check "$m: OPENSSL_CONF=hostile openssl.cnf: her token still denied (bad_signature)" \
		denied_with bad_signature alice sudo_hostile "$T_FORGED" /usr/bin/id -u
}

sudo_conf_write "$NS_DIR/sudo.conf" "$APPROVAL_CONF"
cases approval
sudo_conf_write "$NS_DIR/sudo.conf" "$POLICY_CONF"
cases policy

# ---- controls: each probe fires when the variable is honoured (a process that is not
# setuid, with the same libcrypto and changegate's own core, as alice)
# verify_as_alice TOKEN CONFIG [VAR=VALUE...]
verify_as_alice() {
	local token=$1 config=$2
	shift 2
	printf '%s\n' "$token" | runuser -u alice -- env "$@" timeout 60 "$CG_BIN" verify \
		--config "$config" --user alice --scope sudo --command "/usr/bin/id -u" --cwd /
}
fifo_opened_when_honoured() {
	watch_fifo
	verify_as_alice "$T_OK" "$CG_CONFIG" OPENSSL_CONF="$FIFO" >/dev/null
	sleep 0.2
	local rc=0
	[ -e "$OPENED" ] || { echo "the FIFO was not opened"; rc=1; }
	unwatch_fifo
	return $rc
}
ns_check "control: a process that is not setuid opens OPENSSL_CONF (the FIFO probe fires)" \
	fifo_opened_when_honoured
ns_check "control: without OPENSSL_CONF, verify allows the valid token" \
	prints_and_succeeds allow verify_as_alice "$T_OK" "$CG_CONFIG"
ns_check "control: with the hostile openssl.cnf read, the same token is denied" \
	output_has "deny: bad_signature" verify_as_alice "$T_OK" "$CG_CONFIG" \
	OPENSSL_CONF="$HOSTILE_CNF"
ns_check "control: alice's own config would allow her self-signed token" \
	prints_and_succeeds allow verify_as_alice "$T_FORGED" "$OWN_CONFIG"
if [ -n "$MARK_SO" ]; then
	marks_as_root() { LD_PRELOAD=$MARK_SO /bin/true && [ -e "$PWNED" ] && rm -f "$PWNED"; }
	ns_check "control: the marking library marks when preloaded into a root process" \
		marks_as_root
fi

token_in_log() {
	local t
	for t in "$T_OK" "$T_EXPIRED" "$T_FORGED"; do
		grep -qF -- "${t##*.}" "$NS_LOG" && { echo "a token's signature is in the log"; return 0; }
	done
	return 1
}
ns_check_fails "no token ever reaches syslog" token_in_log
ns_finish
