#!/bin/bash
# `make bench` (issue 7): every result is a ratio measured in one hyperfine run, so machine
# noise hits both sides alike. Keys, tokens and config are made here, in a temp dir.
# BENCH_RUNS (default 200) sets hyperfine's runs; BENCH_GROWTH_MAX (default 1000000) the
# largest list for the growth curve. All three verify commands run under the same shell with
# the token on stdin (changegate verify reads it there); hyperfine subtracts the shell's cost.
set -u
B=${top_builddir:?run through make bench}
SRC=${top_srcdir:?run through make bench}
CG=$B/tools/changegate
RUNS=${BENCH_RUNS:-200}
T=$(mktemp -d /tmp/cg-bench.XXXXXX) || exit 99
chmod 0700 "$T"
trap 'rm -rf "$T"' EXIT
USER_=benchuser

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); shared with other jobs (noisy)"
uname -srm
echo "load: $(uptime)"
openssl version

mkdir -m 0755 "$T/keys" && mkdir -m 0700 "$T/state" && : >"$T/revoked" && chmod 0644 "$T/revoked"
cat >"$T/changegate.conf" <<CONF
issuer = https://change.example.test
audience = prod-bench
keys_dir = $T/keys
state_dir = $T/state
hostname = web-01.prod.example
algorithms = ES256 RS256
revocation_file = $T/revoked
CONF
chmod 0600 "$T/changegate.conf"

for alg in ES256 RS256; do
	"$CG" keygen --alg "$alg" --out "$T/$alg" >/dev/null || exit 99
	cp "$T/$alg.pub" "$T/keys/$alg.pem" && chmod 0644 "$T/keys/$alg.pem"
	"$CG" issue --key "$T/$alg.key" --kid "$alg" --alg "$alg" --iss https://change.example.test \
		--aud prod-bench --sub "$USER_" --ticket CHG0012345 --approved-by approver \
		--scope login,sudo --ttl 1h >"$T/$alg.tok" || exit 99
	# each side must give the right answer before its time counts
	"$B/bench/cg_floor" "$T/keys/$alg.pem" "$T/$alg.tok" || { echo "floor: $alg fails"; exit 1; }
	"$B/bench/cg_bench" verify "$T/changegate.conf" "$USER_" <"$T/$alg.tok" || exit 1
	"$CG" verify --config "$T/changegate.conf" --user "$USER_" --scope login <"$T/$alg.tok" \
		>/dev/null || { echo "changegate verify: $alg denied"; exit 1; }
done

for alg in ES256 RS256; do
	echo
	echo "== 1. verify in a fresh process, $alg: the floor vs changegate's full verify (no shell)"
	hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$T/$alg.json" \
		-n "floor $alg (OpenSSL: PEM key + 1 signature)" \
		"$B/bench/cg_floor $T/keys/$alg.pem $T/$alg.tok" \
		-n "cg_bench verify $alg (config + key + full verify)" \
		"$B/bench/cg_bench verify $T/changegate.conf $USER_ $T/$alg.tok" 2>&1 | sed '/^ *$/d'
	echo "load: $(uptime)"
	/usr/bin/python3 "$SRC/bench/ratios.py" "$T/$alg.json" 0 1 || exit 1
	echo "-- the same two, interleaved (bench/interleave.py)"
	/usr/bin/python3 "$SRC/bench/interleave.py" "$RUNS" 20 \
		"floor $alg" - "$B/bench/cg_floor $T/keys/$alg.pem $T/$alg.tok" \
		"cg_bench verify $alg" - "$B/bench/cg_bench verify $T/changegate.conf $USER_ $T/$alg.tok" ||
		exit 1
	echo "load: $(uptime)"
done

echo
echo "== 1b. the same through the CLI: changegate verify reads the token on stdin, so all three"
echo "       run under bash with hyperfine subtracting the shell's own start-up"
for alg in ES256 RS256; do
	hyperfine --shell=bash --warmup 10 --runs "$RUNS" --export-markdown "$T/$alg.md" \
		-n "floor $alg" "$B/bench/cg_floor $T/keys/$alg.pem $T/$alg.tok <$T/$alg.tok" \
		-n "cg_bench verify $alg" "$B/bench/cg_bench verify $T/changegate.conf $USER_ <$T/$alg.tok" \
		-n "changegate verify $alg" \
		"$CG verify --config $T/changegate.conf --user $USER_ --scope login <$T/$alg.tok >/dev/null" \
		>/dev/null 2>&1
	cat "$T/$alg.md"
done

echo
echo "== 5. peak RSS of the verify path (getrusage, then /usr/bin/time -v)"
for alg in ES256 RS256; do
	printf '%s floor:            ' "$alg"
	/usr/bin/time -f '%M kB' "$B/bench/cg_floor" "$T/keys/$alg.pem" "$T/$alg.tok" 2>&1
	printf '%s cg_bench verify:  ' "$alg"
	"$B/bench/cg_bench" verify "$T/changegate.conf" "$USER_" --rss <"$T/$alg.tok" 2>&1
	printf '%s changegate verify: ' "$alg"
	/usr/bin/time -v "$CG" verify --config "$T/changegate.conf" --user "$USER_" --scope login \
		<"$T/$alg.tok" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): /max RSS /p'
done

echo
echo "== 5. network calls of changegate verify (strace -f -e trace=network; the test is"
echo "       tests/cli/no_network.sh)"
strace -f -e trace=network -o "$T/strace.out" "$CG" verify --config "$T/changegate.conf" \
	--user "$USER_" --scope login <"$T/ES256.tok" >/dev/null
echo "changegate verify exit $?; the network system calls it made:"
sed 's/^/    /' "$T/strace.out"
inet=$(grep -Ec 'socket\(AF_(INET|INET6|NETLINK|PACKET)' "$T/strace.out")
unix=$(grep -Ec 'socket\(AF_UNIX' "$T/strace.out")
echo "IP/netlink sockets: $inet; AF_UNIX sockets: $unix (glibc's name service asking nscd for the user)"
[ "$inet" -eq 0 ] || echo "FAIL: the verify path opened a network socket"

strace -f -e trace=network -o "$T/strace2.out" "$B/bench/cg_bench" verify "$T/changegate.conf" \
	"$USER_" <"$T/ES256.tok"
echo "cg_bench verify (cg_config_load + cg_verify_token only) exit $?; network system calls: $(grep -vc '+++ exited' "$T/strace2.out")"
sed 's/^/    /' "$T/strace2.out"

echo
echo "== 4. growth: microseconds per check (in-process, steady state)"
"$B/bench/cg_bench" growth "${BENCH_GROWTH_MAX:-1000000}"

echo
echo "== 6. signed revocation list: decision cost with a warm index, 100 vs 100,000 ids"
# two lists from the same key, each installed under its own config (list file, state_dir);
# the login token's ticket is in neither, so every decision looks up both ids and allows
for n in 100 100000; do
	mkdir -m 0755 "$T/list$n" && mkdir -m 0700 "$T/state$n" || exit 99
	seq 1 "$n" | sed 's/^/chg CHG-R/' >"$T/ids$n"
	sed -e "s|^state_dir = .*|state_dir = $T/state$n|" "$T/changegate.conf" >"$T/list$n.conf"
	echo "revocation_list = $T/list$n/revoked.jws" >>"$T/list$n.conf"
	chmod 0600 "$T/list$n.conf"
	"$CG" revocations sign --key "$T/ES256.key" --kid ES256 --iss https://change.example.test \
		--aud prod-bench --seq 1 --ttl 2h --from "$T/ids$n" >"$T/list$n.jws" || exit 99
	"$CG" revocations install --config "$T/list$n.conf" "$T/list$n.jws" || exit 99
	echo "list of $n ids: $(stat -c %s "$T/list$n.jws") bytes"
done
"$B/bench/cg_bench" revlist "$T/list100.conf" "$T/list100000.conf" "$USER_" "$T/ES256.tok" \
	100 100000
