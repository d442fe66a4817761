# Counting for the packaging checks. Sourced, not run: ok and bad say one line each, finish
# prints the tally under the test's name and returns non-zero when anything was bad.
pass=0
fail=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
finish() {
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# build_deb FILE: `make deb` in the build tree, one builder at a time (make deb and make rpm
# both use the build tree's distdir, and make check runs tests in parallel), the package
# copied to FILE before the next builder overwrites it; sets deb=FILE. Prints the build's
# tail and returns 1 when it fails.
build_deb() {
	local log version arch
	log=$(mktemp /tmp/cg-deb.XXXXXX) || return 1
	exec 9>"$top_builddir/.packaging.lock"
	flock 9
	if ! make -C "$top_builddir" deb >"$log" 2>&1; then
		tail -n 40 "$log"
		rm -f "$log"
		exec 9>&-
		return 1
	fi
	rm -f "$log"
	version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$top_srcdir/packaging/debian/changelog")
	arch=$(dpkg --print-architecture)
	deb="$top_builddir/changegate_${version}_${arch}.deb"
	# copied out before the lock goes: the next build removes the build tree's copy
	cp "$deb" "$1" || return 1
	deb=$1
	exec 9>&-
}
