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
#   need_root                  run the whole script as root (of a user
#                              namespace when not root), see below
#   as_root COMMAND...         one command as root, the same way
#   real_root                  true when root of the machine, not of a
#                              user namespace
#   skip_unprivileged REASON   one test point skipped: only real root can
#                              run it (the kernel refuses it otherwise)
#   skip_all REASON            skip the whole script
#   done_testing               print the plan and exit with the result
#
# A skipped script prints "1..0 # SKIP reason", except under CI=true, where
# a missing tool is a failure: CI must never pass with the real clients
# (GNU cpio, bsdtar, busybox, QEMU) silently absent.  The one skip CI
# allows is skip_unprivileged's, and only when not run by real root.
#
# The suite runs as an ordinary user as well as root.  What needs root
# (owners that are not the caller's, setpriv to nobody, chroot, bind
# mounts) runs as root of a user namespace: unshare --map-root-user
# --map-auto makes the caller uid and gid 0 and its subordinate ids
# (/etc/subuid, /etc/subgid; package uidmap) 1..65535, so that owners
# such as 12:34 and nobody (65534) can be given and compared.  What the
# kernel refuses there too (device nodes, loop devices, mounting a disk
# image's file system) is what real_root guards.

set -u

: "${GEN_INIT_CPIO:?run the tests through make check}"
GEN=$GEN_INIT_CPIO
SRCTREE=${SRCTREE:-$(cd "$(dirname "$0")/.." && pwd)}
_gic_script=$(realpath "$0")

# Tools in /usr/sbin (mke2fs, chroot, losetup, mkfs.xfs) are found by an
# ordinary user too, whose PATH lacks it.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin ;; esac
case ":$PATH:" in *:/sbin:*) ;; *) PATH=$PATH:/sbin ;; esac
export PATH

T=$(mktemp -d "${TMPDIR:-/tmp}/gic-test.XXXXXX")
# What root of a user namespace extracted may be owned by subordinate
# ids in directories the caller cannot enter: removed from in there.
trap 'rm -rf "$T" 2>/dev/null || as_root rm -rf "$T"' EXIT

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

# subid_range FILE: "start,count" of the caller's first range in FILE
# (/etc/subuid or /etc/subgid), or nothing.
subid_range() {
	awk -F: -v u="$(id -un)" -v n="$(id -u)" \
		'($1 == u || $1 == n) && $3 > 1 { print $2 "," $3; exit }' "$1" 2>/dev/null
}

# The user namespace as_root and need_root enter when not root, and the
# mount namespace that goes with it (bind mounts and tmpfs work there):
# the caller is 0, its subordinate ids 1 and up.  The ranges are named,
# not --map-auto: util-linux 2.38's takes the first line of /etc/subuid,
# whoever it belongs to.
_gic_userns=(unshare --map-root-user --mount)
_gic_subuid=$(subid_range /etc/subuid)
_gic_subgid=$(subid_range /etc/subgid)
if [ -n "$_gic_subuid" ] && [ -n "$_gic_subgid" ]; then
	_gic_userns+=("--map-users=${_gic_subuid%,*},1,$((${_gic_subuid#*,} - 1))"
		"--map-groups=${_gic_subgid%,*},1,$((${_gic_subgid#*,} - 1))")
fi
_gic_userns+=(--)

real_root() {
	[ "$(id -u)" -eq 0 ] &&
		[ "$(awk '{ print $1, $2, $3 }' /proc/self/uid_map)" = "0 0 4294967295" ]
}

# _userns_or_skip: skip the whole script when no user namespace with the
# caller's subordinate ids can be made, saying why.
_userns_or_skip() {
	local err

	err=$("${_gic_userns[@]}" true 2>&1) ||
		skip_all "needs root, or a user namespace with $(id -un)'s subordinate ids (/etc/subuid, /etc/subgid): ${err:-unshare failed}"
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	else
		"${_gic_userns[@]}" "$@"
	fi
}

# need_root: as root, nothing; else the script starts again from the
# beginning as root of a user namespace (its scratch directory removed
# first), before any test point.
need_root() {
	[ "$(id -u)" -eq 0 ] && return
	_userns_or_skip
	rm -rf "$T"
	trap - EXIT
	exec "${_gic_userns[@]}" "$BASH" "$_gic_script"
}

skip_unprivileged() {
	_tap_n=$((_tap_n + 1))
	if real_root; then
		echo "not ok $_tap_n - real root must run this: $1"
		_tap_failed=$((_tap_failed + 1))
	else
		echo "ok $_tap_n # SKIP $1 (only real root may: the kernel refuses it in a user namespace)"
	fi
}

# reference METHOD < ARCHIVE: what the method's program writes at our
# default level (usr/image/compress.c) with the kernel build's options,
# through a pipe as the tool feeds it (from a file some programs record
# or tune for the size).  lzo has none: lzop writes the time into its
# header, which the tool zeroes.
reference() {
	case $1 in
	gzip)	cat | gzip -n -6 -c ;;
	zstd)	cat | zstd -q -T1 -2 -c ;;
	xz)	cat | xz --check=crc32 -T1 --lzma2=preset=6,dict=1MiB -c ;;
	lzma)	cat | xz --format=lzma -T1 -6 -c ;;
	bzip2)	cat | bzip2 -9 -c ;;
	lz4)	cat | lz4 -l -9 -c ;;
	esac
}

# decompress METHOD < STREAM: the method's own program, to stdout.
decompress() {
	case $1 in
	gzip)	gzip -dc ;;
	zstd)	zstd -dcq ;;
	xz)	xz -dc ;;
	lzma)	xz --format=lzma -dc ;;
	bzip2)	bzip2 -dc ;;
	lz4)	lz4 -dc ;;
	lzo)	lzop -dc ;;
	esac
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit
}
