#!/bin/bash
# The decision path makes no network call (issue 7): `changegate verify` with a real key, a
# real token and a real config, made here, runs under strace -f -e trace=socket,connect, and
# any socket but an AF_UNIX one fails the test, whether it was created or only tried. The
# AF_UNIX ones that do appear are listed: glibc's name service looking for nscd (the user
# and group look-ups), and syslog's /dev/log if a config ever makes the CLI log.
. "${top_srcdir:?}/tests/cli/lib.sh"

if ! command -v strace >/dev/null; then
	echo "SKIP: strace is not installed (Debian package strace; CI installs it)"
	exit 77
fi
if ! strace -f -o /dev/null true 2>/dev/null; then
	echo "SKIP: strace cannot trace here (ptrace not permitted)"
	exit 77
fi

cli_env "audit_log = $T/audit.log
single_use = login"
"$CG" keygen --alg RS256 --out "$T/rsa-1" >/dev/null || exit 99
cp "$T/rsa-1.pub" "$T/keys/rsa-1.pem" && chmod 0644 "$T/keys/rsa-1.pem" || exit 99
echo CHG0099999 >>"$T/revoked"

ES=$(mint alice)
RS=$(mint alice --key "$T/rsa-1.key" --kid rsa-1 --alg RS256 --cmd /usr/bin/id)
REVOKED=$(mint alice --ticket CHG0099999)
check "tokens were minted" test -n "$ES" -a -n "$RS" -a -n "$REVOKED"

# traced DESC WANT_RC TOKEN [verify options]: verify under strace, with a proxy in the
# environment that a network-minded library would pick up; exits as wanted and opens no
# socket but AF_UNIX ones
n=0
traced() {
	local desc=$1 want=$2 token=$3 out rc bad
	shift 3
	n=$((n + 1))
	out=$T/strace.$n
	# LeakSanitizer cannot run under ptrace: in the ASan build, leaks are judged by the
	# other tests, this one judges sockets
	printf '%s\n' "$token" | http_proxy=http://192.0.2.1:3128 https_proxy=http://192.0.2.1:3128 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -q -e trace=socket,connect -o "$out" \
		"$CG" verify --config "$T/changegate.conf" "$@" >"$out.stdout" 2>&1
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$desc: verify exited $rc, wanted $want"
		sed 's/^/    /' "$out.stdout"
		return
	fi
	# every socket() and connect() line whose family is not AF_UNIX
	bad=$(grep -E '(socket|connect)\(' "$out" | grep -vE 'socket\(AF_UNIX,|connect\([0-9]+, \{sa_family=AF_UNIX,')
	if [ -n "$bad" ]; then
		fail "$desc: a socket other than AF_UNIX"
		printf '%s\n' "$bad" | sed 's/^/    /'
		return
	fi
	pass "$desc: exit $rc, no socket but AF_UNIX"
	# what AF_UNIX traffic there is, for the record
	grep -oE 'connect\([0-9]+, \{sa_family=AF_UNIX, sun_path="[^"]*"\}, [0-9]+\) = .*' "$out" |
		sed -E 's/^connect\([0-9]+, \{sa_family=AF_UNIX, sun_path="([^"]*)".* = (.*)$/AF_UNIX connect to \1: \2/' |
		sort | uniq -c | sed -E 's/^ *([0-9]+) /#   \1 x /'
}

traced "ES256 login allowed" 0 "$ES" --user alice --scope login
traced "RS256 sudo allowed" 0 "$RS" --user alice --scope sudo --command /usr/bin/id
traced "revoked token denied" 1 "$REVOKED" --user alice --scope login
traced "another user's token denied" 1 "$ES" --user bob --scope login
traced "garbage denied" 1 "not-a-token" --user alice --scope login

# the traces really saw the process: strace recorded its exit
check "strace followed verify to its exit" grep -q '+++ exited with 0 +++' "$T/strace.1"
finish
