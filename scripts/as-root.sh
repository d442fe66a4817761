# Sourced by scripts/demo and scripts/run-tests: they install packages and enter mount
# namespaces, so they run as root. A fresh Debian machine logged in as root has no sudo
# (`bash: sudo: command not found`): as root they just run; otherwise they run themselves
# again through sudo where it exists, and say what to do where it does not.
# Usage: cg_as_root "$0" "$@"
cg_as_root() {
	[ "$(id -u)" = 0 ] && return 0
	if command -v sudo >/dev/null 2>&1; then
		exec sudo -- "$@"
	fi
	echo "$(basename "$1"): run it as root (there is no sudo here to do it for you)" >&2
	exit 2
}
