#!/bin/bash
# changegate_sudo.so exports exactly its two plugin structs, and changegate_sudo_verify.so its
# one descriptor: every other symbol, the whole core included, stays local (the version
# scripts' "local: *"). The front end must not pull in libjwt, OpenSSL or libunistring (four
# eyes), nor libjansson: that is the point of the verifier being a second object
# (sudo_plugin/verifier_load.c).
d=$top_builddir/sudo_plugin/.libs
command -v nm >/dev/null || { echo "SKIP: nm is not installed"; exit 77; }
fail=0
exports_are() {
	local so=$d/$1 want=$2 got
	[ -f "$so" ] || { echo "not ok - missing $so"; fail=1; return; }
	got=$(nm -D --defined-only "$so" | awk '$2 ~ /^[A-Z]$/ { print $3 }' | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		echo "ok - $1 exports exactly: $got"
	else
		echo "not ok - $1 exports: $got (expected: $want)"
		fail=1
	fi
}
exports_are changegate_sudo.so "changegate_approval changegate_policy "
exports_are changegate_sudo_verify.so "changegate_sudo_verifier "
# What the front end may load into every sudo call, an allow list: libc alone. libjwt,
# OpenSSL and libunistring come with the verifier, and libjansson too (the audit JSON is
# written without it, shared/audit_json.c): each library is a load and relocations that
# root's, exempt users' and the login record's fast path would pay (docs/performance.md).
# A sanitizer build (configure --enable-sanitizers) adds its runtimes; they are not shipped.
needed=$(readelf -dW "$d/changegate_sudo.so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -Ev '^lib(asan|ubsan|lsan|tsan)\.so' | tr '\n' ' ')
if [ "$needed" = "libc.so.6 " ]; then
	echo "ok - changegate_sudo.so needs only: $needed"
else
	echo "not ok - changegate_sudo.so needs $needed: the front end may need libc.so.6 only"
	fail=1
fi
# a core function the front end calls but libcgbase lacks would be left undefined here, and
# sudo's RTLD_NOW load of the plugin would then fail for everyone, root included
undef=$(nm -D --undefined-only "$d/changegate_sudo.so" | awk '$2 ~ /^cg_|^cgs_/ { print $2 }' |
	tr '\n' ' ')
if [ -n "$undef" ]; then
	echo "not ok - changegate_sudo.so leaves core symbols undefined: $undef"
	fail=1
else
	echo "ok - changegate_sudo.so leaves no core symbol undefined"
fi
exit $fail
