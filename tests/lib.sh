# SPDX-License-Identifier: GPL-2.0
#
# tests/lib.sh: what every test script sources.  Tests speak TAP so that
# `prove` runs them; each script is a plain bash file named tests/*.t.
#
#   GEN      the gen_init_cpio under test (from make check's environment)
#   SRCTREE  the source tree;  T  a scratch directory removed at exit
#
#   ok STATUS DESCRIPTION      one test point from an exit status
#   is GOT WANT DESCRIPTION    one test point comparing two strings
#   need TOOL...               skip the whole script unless TOOL exists
#   need_root                  skip the whole script unless running as root
#   skip_all REASON            skip the whole script
#   done_testing               print the plan and exit with the result
#
# A skipped script prints "1..0 # SKIP reason", except under CI=true, where
# a missing tool is a failure: CI must never pass with the real clients
# (GNU cpio, bsdtar, busybox, QEMU) silently absent.

set -u

: "${GEN_INIT_CPIO:?run the tests through make check}"
GEN=$GEN_INIT_CPIO
SRCTREE=${SRCTREE:-$(cd "$(dirname "$0")/.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/gic-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

# Nothing in the tests may depend on the caller's locale, zone or umask.
export LC_ALL=C TZ=UTC
unset SOURCE_DATE_EPOCH
umask 022

_tap_n=0
_tap_failed=0

ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n' "$1" | sed '2,$s/^/#         /'
		printf '#   want: %s\n' "$2" | sed '2,$s/^/#         /'
	fi
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

skip_all() {
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - under CI a skip is a failure: $1"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not installed"
	done
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root (to extract with owners)"
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit
}
