#!/bin/bash
# A walk through changegate's main job with the command line alone: make an issuer key, give
# a host a config that trusts it, mint a change-ticket token, verify it, then watch it being
# refused for another host and after its ticket is revoked.
#
#   demo/cli_demo.sh PATH/TO/changegate
#
# Everything happens in a throw-away directory; nothing on the host is touched. Each command
# is printed before it runs; the demo exits 0 only if every step behaved as shown.
set -u

CG=${1:?usage: $0 PATH/TO/changegate}
[ -x "$CG" ] || { echo "$0: $CG is not an executable" >&2; exit 2; }
CG=$(cd "$(dirname "$CG")" && pwd)/$(basename "$CG")
D=$(mktemp -d "${TMPDIR:-/tmp}/changegate-demo.XXXXXX") || exit 1
chmod 0700 "$D"
trap 'rm -rf "$D"' EXIT
cd "$D" || exit 1

bold='' plain=''
if [ -t 1 ]; then
	bold=$(tput bold 2>/dev/null || true)
	plain=$(tput sgr0 2>/dev/null || true)
fi
step() { printf '\n%s## %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '%s$ %s%s\n' "$bold" "$*" "$plain"; }
# The command as a person would type it: quoted, with the binary called `changegate`.
quoted() {
	local a out=
	for a in "$@"; do
		[ "$a" = "$CG" ] && a=changegate
		a=${a//$D\//}
		if [[ ! $a =~ ^[A-Za-z0-9_./:=,@+-]+$ ]]; then
			a="'${a//\'/\'\\\'\'}'"
		fi
		out+="$a "
	done
	printf '%s' "${out% }"
}
die() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }

# run WANT_RC CMD...: prints CMD, runs it, and insists on its exit status.
run() {
	local want=$1 rc
	shift
	show "$(quoted "$@")"
	"$@"
	rc=$?
	[ "$rc" -eq "$want" ] || die "'$*' exited $rc, expected $want"
}

# verify_shows WANT_FIRST_LINE TOKEN_FILE OPTIONS...: verify, and insist on the verdict.
verify_shows() {
	local want=$1 file=$2 out
	shift 2
	show "changegate verify --config changegate.conf $(quoted "$@") < $file"
	out=$("$CG" verify --config "$D/changegate.conf" "$@" <"$file")
	printf '%s\n' "$out"
	[ "$(head -n 1 <<<"$out")" = "$want" ] || die "expected '$want'"
}

step "1. The change-approval service gets a signing key (private half stays with it)"
run 0 "$CG" keygen --alg ES256 --out issuer-2026

step "2. The host trusts the public half, and says who may issue tokens for it"
mkdir -m 0755 keys && mkdir -m 0700 state && install -m 0644 /dev/null revoked
run 0 install -m 0644 issuer-2026.pub keys/issuer-2026.pem
cat >changegate.conf <<CONF
issuer = https://change.example.com
audience = prod-eu-1
keys_dir = $D/keys
state_dir = $D/state
hostname = web-01.prod.example
algorithms = ES256
max_lifetime = 4h
revocation_file = $D/revoked
CONF
chmod 0600 changegate.conf
show "cat changegate.conf"
cat changegate.conf
run 0 "$CG" check-config --config "$D/changegate.conf"

step "3. Change CHG0012345 is approved by bob: the service mints alice a 2-hour token"
show "changegate issue --key issuer-2026.key --kid issuer-2026 --iss https://change.example.com --aud prod-eu-1 --sub alice --ticket CHG0012345 --approved-by bob --scope login,sudo --ttl 2h --hosts 'web-*.prod.example' --cmd '/usr/bin/systemctl restart nginx' > token"
"$CG" issue --key issuer-2026.key --kid issuer-2026 --iss https://change.example.com \
	--aud prod-eu-1 --sub alice --ticket CHG0012345 --approved-by bob --scope login,sudo \
	--ttl 2h --hosts 'web-*.prod.example' --cmd '/usr/bin/systemctl restart nginx' >token ||
	die "issue failed"
show "changegate inspect < token"
"$CG" inspect <token || die "inspect failed"

step "4. On web-01 the token lets alice log in, and run the approved command with sudo"
verify_shows allow token --user alice --scope login
# --cwd /: where sudoers' "Defaults runcwd=/" runs the command (this demo stands in /tmp,
# which root does not control, so a command run here would be refused)
verify_shows allow token --user alice --scope sudo --command "/usr/bin/systemctl restart nginx" \
	--cwd /

step "5. ... but not anything else"
verify_shows "deny: host_denied" token --user alice --scope login --host db-01.prod.example
verify_shows "deny: command_denied" token --user alice --scope sudo --command "/bin/bash" --cwd /
verify_shows "deny: wrong_user" token --user mallory --scope login
verify_shows "deny: expired" token --user alice --scope login --at $(( $(date +%s) + 3 * 3600 ))

step "6. Nobody approves their own change"
show "changegate issue --key issuer-2026.key --kid issuer-2026 --iss https://change.example.com --aud prod-eu-1 --sub alice --ticket CHG0012345 --approved-by alice --scope login --ttl 1h"
"$CG" issue --key issuer-2026.key --kid issuer-2026 --iss https://change.example.com \
	--aud prod-eu-1 --sub alice --ticket CHG0012345 --approved-by alice --scope login \
	--ttl 1h 2>&1
rc=$?
[ "$rc" -eq 2 ] || die "issue exited $rc for a self-approved token, expected 2"

step "7. The change is called off: revoke the ticket, and the token stops working"
run 0 "$CG" revoke --config "$D/changegate.conf" --ticket CHG0012345
verify_shows "deny: revoked" token --user alice --scope login

printf '\n%sdemo OK: every step behaved as shown%s\n' "$bold" "$plain"
