# Helpers for the shell tests of the `changegate` command. Sourced, not run.
#
# Every test works in its own mktemp -d tree (mode 0700) holding a config, keys_dir, state_dir
# and revocation file, all owned by the user running the test and not group/other-writable, as
# the verifier demands. Keys are made at test time with `changegate keygen`.

set -u

CG="${top_builddir:?top_builddir is not set (run through make check)}/tools/changegate"
# Under --enable-sanitizers a finding must not pass for a deny (exit 1): give it its own status.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=86:print_stacktrace=1"
PY=/usr/bin/python3 # Debian's, with python3-jwt (the one on PATH may lack it)
export PY
CG_ISS="https://change.example.test"
CG_AUD="prod-test"
CG_HOST="web-01.prod.example"

T=$(mktemp -d "${TMPDIR:-/tmp}/cg-cli.XXXXXX") || exit 99
chmod 0700 "$T"
trap 'rm -rf "$T"' EXIT
# verify judges the directory a sudo command would run in, its own by default (issue 14 item
# 3): the tests stand in "/", root's, as sudoers' runcwd=/ puts commands; the cases about the
# directory cd elsewhere on purpose
cd / || exit 99

_pass=0
_fail=0

if [ ! -x "$CG" ]; then
	echo "not ok - $CG is not built"
	exit 99
fi

pass() { echo "ok - $1"; _pass=$((_pass + 1)); }
fail() { echo "not ok - $1"; _fail=$((_fail + 1)); }

# check DESC CMD...: CMD must succeed.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# check_rc DESC RC CMD...: CMD must exit with RC.
check_rc() {
	local desc=$1 want=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		pass "$desc"
	else
		fail "$desc (exit $rc, wanted $want)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# check_out DESC ERE RC CMD...: CMD must exit with RC and its output (stdout+stderr) match ERE.
check_out() {
	local desc=$1 ere=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && printf '%s\n' "$out" | grep -Eq -- "$ere"; then
		pass "$desc"
	else
		fail "$desc (exit $rc, wanted $want; output should match /$ere/)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

finish() {
	echo "$_pass passed, $_fail failed"
	[ "$_fail" -eq 0 ]
	exit $?
}

# cli_env [EXTRA CONFIG LINES]: keys/, state/, an empty revocation list, an ES256 issuer key
# pair (private $T/issuer-1.key, public keys/issuer-1.pem) and $T/changegate.conf.
cli_env() {
	mkdir -m 0755 "$T/keys" && mkdir -m 0700 "$T/state" || exit 99
	: >"$T/revoked" && chmod 0644 "$T/revoked" || exit 99
	"$CG" keygen --alg ES256 --out "$T/issuer-1" >/dev/null || exit 99
	cp "$T/issuer-1.pub" "$T/keys/issuer-1.pem" && chmod 0644 "$T/keys/issuer-1.pem" || exit 99
	write_config "${1:-}"
}

# wiring_env: $W, a tree for check-config's wiring options: pam.d/, ssh/, and plugins/ with
# empty changegate_sudo.so and changegate_sudo_verify.so (mode 0644, as sudo wants them).
wiring_env() {
	W="$T/wiring"
	mkdir -m 0755 "$W" "$W/pam.d" "$W/ssh" "$W/plugins" || exit 99
	install -m 0644 /dev/null "$W/plugins/changegate_sudo.so" || exit 99
	install -m 0644 /dev/null "$W/plugins/changegate_sudo_verify.so" || exit 99
}

# write_config [EXTRA LINES]: (re)writes $T/changegate.conf, mode 0600. A key set in EXTRA
# LINES replaces the default line for it (the parser refuses a key given twice).
write_config() {
	local extra=${1:-} line key
	rm -f "$T/changegate.conf"
	{
		echo "# written by tests/cli/lib.sh"
		while IFS= read -r line; do
			key=${line%% =*}
			if ! printf '%s\n' "$extra" | grep -q "^$key *="; then
				printf '%s\n' "$line"
			fi
		done <<-DEFAULTS
		issuer = $CG_ISS
		audience = $CG_AUD
		keys_dir = $T/keys
		state_dir = $T/state
		hostname = $CG_HOST
		algorithms = ES256 ES384 ES512 RS256 RS384 RS512
		revocation_file = $T/revoked
		DEFAULTS
		if [ -n "$extra" ]; then printf '%s\n' "$extra"; fi
	} >"$T/changegate.conf" && chmod 0600 "$T/changegate.conf" || exit 99
}

# mint USER [issue options...]: a token for USER from the issuer-1 key. Single-valued options
# given later win; $AUD replaces the audience, and APPROVER= (empty) leaves approved_by out.
mint() {
	local user=$1 args
	shift
	args=(--key "$T/issuer-1.key" --kid issuer-1 --iss "$CG_ISS" --aud "${AUD:-$CG_AUD}"
		--sub "$user" --ticket CHG0012345 --scope "login,sudo" --ttl 1h)
	if [ -n "${APPROVER-approver}" ]; then
		args+=(--approved-by "${APPROVER-approver}")
	fi
	"$CG" issue "${args[@]}" "$@"
}

# verify TOKEN [verify options...]: the token on stdin, the test config.
verify() {
	local token=$1
	shift
	printf '%s\n' "$token" | "$CG" verify --config "$T/changegate.conf" "$@"
}

# b64url_decode TEXT: the bytes of one base64url segment (padding restored).
b64url_decode() {
	local s
	s=$(printf '%s' "$1" | tr '_-' '/+')
	while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done
	printf '%s' "$s" | base64 -d
}

# expect_verdict DESC VERDICT TOKEN [verify options...]: the first line of verify's output is
# VERDICT ("allow" or "deny: <code>") and its exit status fits (0 allow, 1 deny).
expect_verdict() {
	local desc=$1 want=$2 token=$3 out rc first want_rc=1
	shift 3
	[ "$want" = allow ] && want_rc=0
	out=$(verify "$token" "$@" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | head -n 1)
	if [ "$first" = "$want" ] && [ "$rc" -eq "$want_rc" ]; then
		pass "$desc"
	else
		fail "$desc (got '$first', exit $rc; wanted '$want', exit $want_rc)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}
