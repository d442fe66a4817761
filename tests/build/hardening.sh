#!/bin/bash
# What ships is built hardened: full RELRO, non-executable stack, stack protector, fortified
# libc calls, and only the entry points exported from the PAM module and the sudo plugin
# (tests/sudo/exports.sh checks the sudo verifier's exports with the plugin's).
set -u
b=${top_builddir:?}
pass=0 fail=0
check() {
	local desc=$1
	shift
	if "$@"; then echo "ok - $desc"; pass=$((pass + 1)); else echo "not ok - $desc"; fail=$((fail + 1)); fi
}
exports() {	# defined dynamic symbols of a shared object, one a line
	nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort
}
module=$b/pam_module/.libs/pam_changegate.so
plugin=$b/sudo_plugin/.libs/changegate_sudo.so
verifier=$b/sudo_plugin/.libs/changegate_sudo_verify.so
cli=$b/tools/changegate
[ -x "$b/tools/.libs/changegate" ] && cli=$b/tools/.libs/changegate
for f in "$module" "$plugin" "$verifier" "$cli"; do
	name=${f##*/}
	check "$name exists" test -f "$f"
	[ -f "$f" ] || continue
	check "$name: RELRO segment" sh -c "readelf -lW '$f' | grep -q GNU_RELRO"
	check "$name: bound now (full RELRO)" sh -c "readelf -dW '$f' | grep -Eq 'BIND_NOW|FLAGS.*NOW'"
	check "$name: stack not executable" sh -c "readelf -lW '$f' | grep GNU_STACK | grep -qv RWE"
	if [ -z "${CG_SANITIZED:-}" ]; then
		check "$name: stack protector" sh -c "nm -D '$f' | grep -q __stack_chk_fail"
		check "$name: fortified libc calls" sh -c "nm -D '$f' | grep -q '_chk@'"
	fi
done
only_pam_entry_points() {
	local syms
	syms=$(exports "$module" | grep -v '^_')
	[ -n "$syms" ] || return 1
	printf '%s\n' "$syms" | grep -qv '^pam_sm_' && return 1
	printf '%s\n' "$syms" | grep -qx pam_sm_authenticate
}
if [ -f "$module" ]; then
	check "pam module exports only pam_sm_* ($(exports "$module" | grep -v '^_' | tr '\n' ' '))" \
		only_pam_entry_points
fi
if [ -f "$plugin" ]; then
	got=$(exports "$plugin" | grep -v '^_' || true)
	check "sudo plugin exports only the two plugin structs ($(echo $got))" \
		test "$(echo $got)" = "changegate_approval changegate_policy"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
