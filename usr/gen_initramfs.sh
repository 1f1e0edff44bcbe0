#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# usr/gen_initramfs.sh: the kernel's command line for building an
# initramfs, in front of gen_init_cpio.
#
#   gen_initramfs.sh [-o <file>] [-l <dep_list>] [-u <uid>] [-g <gid>]
#                    {-d <date> | <cpio_source>} ...
#
# All the work (reading spec lists, walking directories, mapping owners,
# copying archives, writing the dependency list) is done by gen_init_cpio,
# which takes several sources itself.  This script only translates what the
# kernel's usr/Makefile passes:
#
#   -d <date>   becomes -t <seconds>, parsed by date(1).  The kernel's
#               script silently ignores a date it cannot parse; that is
#               an error here, since it would make the build unreproducible.
#   -u/-g -1    becomes the current user's (group's) id.
#
# -u and -g stay in their places among the sources: they apply to the
# directory sources that follow them.  -o, -l and -d are not positional;
# the last one given wins.
#
# gen_init_cpio is $GEN_INIT_CPIO if set; in a kernel build (kbuild exports
# objtree) always the one kbuild built, $objtree/usr/gen_init_cpio, as the
# kernel's own script runs it; elsewhere the one next to this script, else
# usr/gen_init_cpio.

prog=${0##*/}

usage() {
	cat <<EOF
Usage: $prog [-o <file>] [-l <dep_list>] [-u <uid>] [-g <gid>] {-d <date> | <cpio_source>} ...
  -o <file>      write the archive to <file> (default: standard output)
  -l <dep_list>  write a make fragment listing every input to <dep_list>
  -u <uid>       in the directory sources that follow, map files owned by
                 <uid> to uid 0; "squash" maps every uid to 0, -1 is the
                 current user's id
  -g <gid>       the same for groups
  -d <date>      use <date> (anything date -d understands) as the mtime
                 of every entry
  <cpio_source>  a gen_init_cpio spec list ('-' for standard input), a
                 directory, or a cpio archive

-u and -g may be repeated and apply to the sources after them, until
changed ("-u 0 -g 0" turns the mapping off).  A source whose name begins
with '-' must be given as ./-name.
EOF
}

die() {
	printf '%s: error: %s\n' "$prog" "$*" >&2
	exit 1
}

# gen_init_cpio to run.  In a kernel build, never the one next to the
# script: with O=, that is in the source tree, and may be stale.  Outside
# one, looking next to the script first lets it run from anywhere.
find_gen_init_cpio() {
	if [ -n "${GEN_INIT_CPIO:-}" ]; then
		gen=$GEN_INIT_CPIO
		return
	fi
	if [ -n "${objtree:-}" ]; then
		gen=$objtree/usr/gen_init_cpio
		[ -x "$gen" ] || die "no $gen: kbuild builds it before running $0"
		return
	fi
	gen=$(dirname -- "$0")/gen_init_cpio
	[ -x "$gen" ] && return
	gen=usr/gen_init_cpio
	[ -x "$gen" ] ||
		die "no gen_init_cpio next to $0 or in usr/ (set GEN_INIT_CPIO)"
}

# Seconds since the Epoch for -d.  Keep date's own complaint on stderr,
# then say which option it came from.
parse_date() {
	if ! secs=$(date -d "$1" +%s) || [ -z "$secs" ]; then
		die "-d: cannot parse the date '$1'"
	fi
}

output=
dep_list=
secs=
nsrc=0

# Rebuild the positional parameters in place: each original argument is
# shifted off the front and what gen_init_cpio gets (-u, -g and the
# sources, in order) is appended at the back.  This is the only list POSIX
# sh has, and it keeps arguments with spaces intact.
n=$#
while [ "$n" -gt 0 ]; do
	arg=$1
	shift
	n=$((n - 1))
	case $arg in
	-[olugd])
		[ "$n" -gt 0 ] || die "option $arg needs an argument"
		val=$1
		# An empty date is today's midnight to date(1), as in the
		# kernel; an empty file name or id is a mistake.
		[ -n "$val" ] || [ "$arg" = -d ] ||
			die "option $arg needs a non-empty argument"
		shift
		n=$((n - 1))
		;;
	esac

	case $arg in
	-o)	output=$val ;;
	-l)	dep_list=$val ;;
	-d)	parse_date "$val" ;;
	-u)	[ "$val" = -1 ] && val=$(id -u)
		set -- "$@" -u "$val"
		;;
	-g)	[ "$val" = -1 ] && val=$(id -g)
		set -- "$@" -g "$val"
		;;
	-h)	usage
		exit 0
		;;
	-?*)	printf '%s: error: unknown option "%s"\n' "$prog" "$arg" >&2
		echo "(a source whose name begins with '-' must be given as ./$arg)" >&2
		usage >&2
		exit 1
		;;
	*)	set -- "$@" "$arg"
		nsrc=$((nsrc + 1))
		;;
	esac
done

# The kernel's script would write an empty archive; that is never wanted.
[ "$nsrc" -gt 0 ] || die "no <cpio_source> given (-h for help)"

# The options that are not positional go in front.
if [ -n "$dep_list" ]; then
	set -- -l "$dep_list" "$@"
fi
if [ -n "$output" ]; then
	set -- -o "$output" "$@"
fi
if [ -n "$secs" ]; then
	set -- -t "$secs" "$@"
fi
# The kernel's script writes plain cpio whatever the output is called (its
# usr/Makefile compresses afterwards): no compression from a ".gz" name.
set -- -z none "$@"

find_gen_init_cpio
exec "$gen" "$@"
