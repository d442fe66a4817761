#!/bin/bash
# `changegate check-config`: a good setup says "config OK"; each broken part is one problem
# line naming the file (and line, for the config), and exit 1.
. "${top_srcdir:?}/tests/cli/lib.sh"
cli_env
CONF="$T/changegate.conf"
cc() { "$CG" check-config --config "$CONF"; }

check_out "good config: config OK" '^config OK$' 0 cc
check_out "good config: describes the key" '^key issuer-1: EC P-256, 256 bits, for ES256$' 0 cc
"$CG" keygen --alg RS256 --out "$T/rsa" >/dev/null && cp "$T/rsa.pub" "$T/keys/rsa-1.pem"
check_out "describes an RSA key" '^key rsa-1: RSA, 3072 bits, for RS256/RS384/RS512$' 0 cc
check_out "notes a key no configured algorithm uses" 'key rsa-1: .*unused' 0 \
	sh -c "sed -i 's/^algorithms = .*/algorithms = ES256/' '$CONF' && '$CG' check-config --config '$CONF'"
write_config

# The config file itself.
write_config "frobnicate = yes"
line=$(grep -n '^frobnicate' "$CONF" | cut -d: -f1)
check_out "unknown key: file:line" "^problem: $CONF:$line: .*frobnicate" 1 cc
write_config "leeway = soon"
check_out "bad value: file:line" "^problem: $CONF:[0-9]+: .*leeway" 1 cc
# require_reaper with no reaper holding its lock (none runs on a test host): every gated
# login would be refused (issue 12)
write_config "require_reaper = yes"
check_out "require_reaper without a running reaper" \
	'^problem: require_reaper = yes and the session reaper is .*reaper_down' 1 cc
write_config "session_grace = 2h"
check_out "session_grace beyond an hour" "^problem: $CONF:[0-9]+: session_grace: duration too long" 1 cc
write_config
chmod 0666 "$CONF"
check_out "world-writable config" "^problem: $CONF: .*writable" 1 cc
chmod 0600 "$CONF"
ln -s "$CONF" "$T/link.conf"
check_out "config reached through a symlink" '^problem: .*link\.conf: .*symbolic link' 1 \
	"$CG" check-config --config "$T/link.conf"
check_out "missing config" '^problem: .*nope\.conf' 1 "$CG" check-config --config "$T/nope.conf"
check_out "relative --config is resolved" '^config OK$' 0 \
	sh -c "cd '$T' && '$CG' check-config --config changegate.conf"

# Keys.
chmod 0666 "$T/keys/issuer-1.pem"
check_out "world-writable key file" '^problem: key issuer-1: .*writable' 1 cc
chmod 0644 "$T/keys/issuer-1.pem"
ln -s "$T/keys/issuer-1.pem" "$T/keys/alias-1.pem"
check_out "symlinked key file" '^problem: key alias-1: .*symbolic link' 1 cc
rm "$T/keys/alias-1.pem"
if [ "$(id -u)" -eq 0 ]; then
	# Only root can give a file away; as anyone else the check is simply not possible.
	chown 65534 "$T/keys/issuer-1.pem"
	check_out "key file owned by another user" '^problem: key issuer-1: .*owned by uid 65534' 1 cc
	chown 0 "$T/keys/issuer-1.pem"
	chown 65534 "$CONF"
	check_out "config owned by another user" "^problem: $CONF: owned by uid 65534" 1 cc
	chown 0 "$CONF"
fi
chmod 0777 "$T/keys"
check_out "world-writable keys_dir" '^problem: keys_dir .*writable' 1 cc
chmod 0755 "$T/keys"
install -m 0644 "$T/issuer-1.key" "$T/keys/oops.pem"
check_out "a private key in keys_dir" '^problem: key oops: .*private key' 1 cc
rm "$T/keys/oops.pem"
printf 'hello\n' >"$T/keys/junk.pem"
check_out "not a PEM public key" '^problem: key junk: .*not a PEM public key' 1 cc
rm "$T/keys/junk.pem"
cp "$T/issuer-1.pub" "$T/keys/bad name.pem"
check_out "a file no kid can name" '^problem: .*bad name\.pem: no token can name it' 1 cc
rm "$T/keys/bad name.pem"
# OpenSSL reads these, the verifier does not: check-config must say so, not "usable"
{ printf 'issuer key, rotated 2026\n'; cat "$T/issuer-1.pub"; } >"$T/keys/prose.pem"
check_out "a key with text before its PEM block" '^problem: key prose: every verify would refuse it [(]config_error[)]' 1 cc
rm "$T/keys/prose.pem"
openssl rsa -pubin -in "$T/rsa.pub" -RSAPublicKey_out -out "$T/keys/pkcs1.pem" 2>/dev/null || exit 99
check_out "a PKCS#1 RSA PUBLIC KEY block" '^problem: key pkcs1: ' 1 cc
rm "$T/keys/pkcs1.pem"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$T/weak.key" 2>/dev/null &&
	openssl pkey -in "$T/weak.key" -pubout -out "$T/keys/weak.pem" || exit 99
check_out "a 1024-bit RSA key" '^problem: key weak: RSA key of 1024 bits' 1 cc
rm "$T/keys/weak.pem" "$T/keys/rsa-1.pem"
write_config "algorithms = RS256"
check_out "no key usable with the algorithms" '^problem: keys_dir .*no key' 1 cc
write_config "emergency_keys = issuer-1 breakglass-9"
check_out "emergency key missing" '^problem: emergency_keys names breakglass-9' 1 cc

# Revocation list, state directory, audit log.
write_config
chmod 0664 "$T/revoked"
check_out "group-writable revocation file" '^problem: revocation_file .*writable' 1 cc
rm "$T/revoked"
check_out "missing revocation file" '^problem: revocation_file ' 1 cc
: >"$T/revoked"
chmod 0644 "$T/revoked"
rmdir "$T/state"
check_out "missing state_dir is fine without single_use" '^config OK$' 0 cc
write_config "single_use = login"
check_out "missing state_dir with single_use" '^problem: state_dir ' 1 cc
mkdir -m 0777 "$T/state"
check_out "world-writable state_dir with single_use" '^problem: state_dir .*writable' 1 cc
chmod 0700 "$T/state"
mkdir -m 0777 "$T/shared"
write_config "audit_log = $T/shared/audit.log"
check_out "audit log in a world-writable directory" "^problem: audit_log's directory" 1 cc
mkdir -m 0700 "$T/audit"
write_config "audit_log = $T/audit/audit.log"
check_out "audit log not yet created is fine" '^config OK$' 0 cc
install -m 0644 /dev/null "$T/audit/audit.log"
check_out "audit log readable by others" '^problem: audit_log .*mode 0644' 1 cc
chmod 0600 "$T/audit/audit.log"
check_out "all fixed" '^config OK$' 0 cc

check_out "each problem counted (the bad key leaves none usable)" '^3 problems found$' 1 \
	sh -c "chmod 0666 '$T/keys/issuer-1.pem' '$T/revoked'; '$CG' check-config --config '$CONF'"
chmod 0644 "$T/keys/issuer-1.pem" "$T/revoked"
# issue 17: a missing file is a sentence with its consequence and the fix, not the core's
# "Error opening PATH: No such file or directory" (which stays the wording of the logs)
write_config "keys_dir = $T/nokeys
revocation_file = $T/norevoked
state_dir = $T/nostate
single_use = login
audit_log = $T/nolog/audit.log"
check_out "missing keys_dir: what it means and what to do" \
	"^problem: keys_dir $T/nokeys does not exist: no token can be verified, every gated user is refused; create it: install -d -o root -g root -m 0755 $T/nokeys \\(then install the issuer's public keys" 1 cc
check_out "missing revocation_file: the command that creates it" \
	"^problem: revocation_file $T/norevoked does not exist: every gated user is refused \\(config_error\\) until it does; create it: install -o root -g root -m 0644 /dev/null $T/norevoked \\(empty" 1 cc
check_out "missing state_dir under single_use" \
	"^problem: state_dir $T/nostate does not exist: single-use tokens cannot be redeemed.*install -d -o root -g root -m 0700 $T/nostate" 1 cc
check_out "missing audit_log directory" \
	"^problem: audit_log's directory $T/nolog does not exist: no decision reaches the JSON audit log.*install -d -o root -g root -m 0750 $T/nolog" 1 cc
if cc | grep -q 'Error opening'; then fail "a raw 'Error opening' is left"; else pass "no raw library error left"; fi
check_out "missing configuration: what it means and where to start" \
	'^problem: .*/nope\.conf does not exist: the PAM module and the sudo plugin refuse every gated user \(config_error\); write it from /usr/share/doc/changegate/examples/changegate\.conf' \
	1 "$CG" check-config --config "$T/nope.conf"
write_config
check_rc "unknown option" 2 "$CG" check-config --config "$CONF" --fix
check_rc "stray argument" 2 "$CG" check-config "$CONF"
finish
