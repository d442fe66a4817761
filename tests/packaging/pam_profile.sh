#!/bin/bash
# Root only: the pam-auth-update profile in packaging/debian, run through the real
# pam-auth-update inside a private mount namespace over copies of /etc/pam.d, /var/lib/pam,
# debconf's database and /usr/share/pam-configs. Checks that a package run leaves the stacks
# without changegate (off by default), that enabling it gates sshd only with jumps that land
# where they should (root and changegate-exempt jump over each pam_changegate line, so a
# module that cannot load never refuses them), and that the package's removal takes it out
# again.
set -u
: "${top_srcdir:?top_srcdir must be set (the automake harness exports it)}"

if [ -z "${CG_PROFILE_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: pam-auth-update needs root"
		exit 77
	fi
	if ! command -v pam-auth-update >/dev/null; then
		echo "FAIL: pam-auth-update not found (Debian: apt-get install libpam-runtime)"
		exit 1
	fi
	if ! unshare -m --propagation private true 2>/dev/null; then
		echo "SKIP: unshare -m is not available here"
		exit 77
	fi
	work=$(mktemp -d /tmp/cg-pamprof.XXXXXX) || exit 1
	export CG_PROFILE_NS="$work"
	rc=0
	unshare -m --propagation private "$BASH" "$0" "$@" || rc=$?
	rm -rf --one-file-system "$work"
	exit "$rc"
fi

# Inside the namespace: every path pam-auth-update writes is a private copy.
work=$CG_PROFILE_NS
for d in /etc/pam.d /var/lib/pam /var/cache/debconf /usr/share/pam-configs; do
	mkdir -p "$work$d" "$d"
	cp -a "$d/." "$work$d/"
	mount --bind "$work$d" "$d" || { echo "FAIL: cannot bind-mount over $d"; exit 1; }
done
cp "$top_srcdir/packaging/debian/changegate.pam-config" /usr/share/pam-configs/changegate
export DEBIAN_FRONTEND=noninteractive

. "${top_srcdir:?}/tests/packaging/lib.sh"
stacks() { cat /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-session; }

# Does every [success=N] jump of the module on this line of common-auth land on pam_permit,
# just past the primary block's pam_deny, like pam_unix's own jump?
jump_lands_on_permit() {
	local module=$1
	awk -v mod="$module" '
		/^[ \t]*#/ || NF == 0 { next }
		{ n++; line[n] = $0 }
		END {
			for (i = 1; i <= n; i++) {
				if (index(line[i], mod) == 0)
					continue
				if (match(line[i], /success=[0-9]+/) == 0)
					exit 1
				skip = substr(line[i], RSTART + 8, RLENGTH - 8) + 0
				exit (index(line[i + skip + 1], "pam_permit.so") ? 0 : 1)
			}
			exit 1
		}' /etc/pam.d/common-auth
}

# Does each pam_succeed_if guard in the three lines above a pam_changegate line jump to the
# line right after it (skipping that line and only it)? Counts PAM lines as PAM does: comments
# and blank lines are not lines.
guards_land_past_module() {
	awk '
		/^[ \t]*#/ || NF == 0 { next }
		{ n++; line[n] = $0 }
		END {
			found = 0
			for (i = 1; i <= n; i++) {
				if (index(line[i], "pam_changegate.so") == 0)
					continue
				found = 1
				for (g = i - 3; g < i; g++) {
					if (g < 1 || index(line[g], "pam_succeed_if.so") == 0 ||
					    match(line[g], /success=[0-9]+/) == 0)
						exit 1
					skip = substr(line[g], RSTART + 8, RLENGTH - 8) + 0
					if (g + skip + 1 != i + 1)
						exit 1
				}
			}
			exit found ? 0 : 1
		}' "$1"
}

if ! pam-auth-update --package >"$work/out" 2>&1; then
	cat "$work/out"
	bad "pam-auth-update --package"
fi
if stacks | grep -q pam_changegate; then
	bad "pam-auth-update --package put changegate in the stacks (must be off by default)"
else
	ok "off by default: pam-auth-update --package leaves changegate out"
fi

if ! pam-auth-update --enable changegate >"$work/out" 2>&1; then
	cat "$work/out"
	bad "pam-auth-update --enable changegate"
fi
for t in auth account session; do
	f=/etc/pam.d/common-$t
	if grep -q "pam_changegate\.so" "$f"; then ok "enabled: common-$t has pam_changegate"; else bad "enabled: common-$t lacks pam_changegate"; fi
	# the three lines before each pam_changegate line: the service guard (only sshd reaches
	# it), then root and changegate-exempt, who get in even when the module cannot load
	guards=$(grep -v '^[[:space:]]*#' "$f" | grep -B3 'pam_changegate\.so' | head -n 3)
	if printf '%s\n' "$guards" | sed -n 1p | grep -q 'pam_succeed_if\.so quiet service notin sshd$'; then
		ok "common-$t: only sshd reaches pam_changegate"
	else
		bad "common-$t: pam_changegate is not guarded by the sshd check"
	fi
	if printf '%s\n' "$guards" | sed -n 2p | grep -q 'pam_succeed_if\.so quiet uid eq 0$' &&
		printf '%s\n' "$guards" | sed -n 3p |
		grep -q 'pam_succeed_if\.so quiet user ingroup changegate-exempt$'; then
		ok "common-$t: root and changegate-exempt are guarded past pam_changegate"
	else
		bad "common-$t: no uid 0 / changegate-exempt guard right before pam_changegate"
	fi
	if guards_land_past_module "$f"; then
		ok "common-$t: each guard's success jump lands just past pam_changegate"
	else
		bad "common-$t: a guard's jump misses the line after pam_changegate"
	fi
done
if jump_lands_on_permit pam_changegate.so; then ok "common-auth: a valid token jumps to pam_permit"; else bad "common-auth: pam_changegate's success jump misses pam_permit"; fi
if jump_lands_on_permit pam_unix.so; then ok "common-auth: pam_unix's jump still lands on pam_permit"; else bad "common-auth: pam_unix's jump broken"; fi
# the token prompt comes before the password
auth_order=$(grep -n -e pam_changegate -e pam_unix /etc/pam.d/common-auth | cut -d: -f1 | tr '\n' ' ')
if grep -n pam_changegate /etc/pam.d/common-auth | head -n 1 | cut -d: -f1 | {
	read -r cg; u=$(grep -n pam_unix /etc/pam.d/common-auth | head -n 1 | cut -d: -f1); [ "$cg" -lt "$u" ]; }; then
	ok "common-auth: pam_changegate before pam_unix"
else
	bad "common-auth order (lines $auth_order)"
fi

if ! pam-auth-update --package --remove changegate >"$work/out" 2>&1; then
	cat "$work/out"
	bad "pam-auth-update --package --remove changegate"
fi
if stacks | grep -q pam_changegate; then bad "removal left changegate in the stacks"; else ok "removal takes changegate out"; fi

finish pam_profile
