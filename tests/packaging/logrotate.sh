#!/bin/bash
# The logrotate snippet both packages ship for the JSON audit log (issue 17): `logrotate -d`
# reads it without an error, and a forced rotation of a copy pointed at a test directory
# renames the log and creates the new one root:root 0600 (every writer opens the file anew
# for each line, cg_audit_append_json, so the next decision lands in the new file).
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"
: "${top_builddir:?top_builddir must be set (the automake harness exports it)}"
. "${top_srcdir:?}/tests/packaging/lib.sh"

snippet=$top_srcdir/packaging/logrotate/changegate
if ! command -v logrotate >/dev/null; then
	echo "FAIL: logrotate not found (Debian: apt-get install logrotate, in scripts/build-deps.txt)"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: logrotate's create root root needs root"
	exit 77
fi
work=$(mktemp -d /tmp/cg-logrotate.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT

# -d: parse and dry-run the shipped snippet as is (its log need not exist: missingok)
out=$(logrotate -d -s "$work/state" "$snippet" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && ! printf '%s\n' "$out" | grep -qi '^error'; then
	ok "logrotate -d reads the shipped snippet without an error"
else
	bad "logrotate -d (exit $rc): $out"
fi
if grep -v "^#" "$snippet" | grep -qw copytruncate; then
	bad "the snippet uses copytruncate (it can drop lines appended during the copy)"
else
	ok "the snippet renames, no copytruncate"
fi

# the same snippet over a test directory, forced
mkdir -m 0750 "$work/log"
sed "s|/var/log/changegate/audit.log|$work/log/audit.log|" "$snippet" >"$work/snippet"
chmod 0644 "$work/snippet"
install -m 0600 /dev/null "$work/log/audit.log"
printf '{"time":1,"decision":"allow"}\n' >>"$work/log/audit.log"
out=$(logrotate -f -s "$work/state" "$work/snippet" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$work/log/audit.log.1" ] && [ -f "$work/log/audit.log" ] &&
	[ ! -s "$work/log/audit.log" ] &&
	[ "$(stat -c '%U:%G %a' "$work/log/audit.log")" = "root:root 600" ]; then
	ok "a rotation renames the log and creates the new one root:root 0600"
else
	bad "rotation (exit $rc): $out; $(ls -l "$work/log")"
fi
finish logrotate
