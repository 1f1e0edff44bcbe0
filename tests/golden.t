#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/golden.t: byte-exact archives, derived by hand from the newc
# format in the contract, never captured from gen_init_cpio itself.
#
# Each case is tests/golden/NAME.expect (the archive we want) and, unless
# the .expect names another list, tests/golden/NAME.list (the spec given
# to $GEN).  The program runs from $SRCTREE, so locations in the lists
# are relative to the top of the source tree.
#
# The .expect notation, one item per line:
#
#   # text                 a comment (also after the operands of a line)
#   hdr MAGIC F1 ... F13   a 110-byte header: exactly 14 groups, MAGIC is
#                          070701 or 070702, each field 8 UPPERCASE hex
#                          digits, in newc order: ino mode uid gid nlink
#                          mtime filesize devmajor devminor rdevmajor
#                          rdevminor namesize check
#   str TOKEN              TOKEN's bytes after bash printf %b escapes:
#                          \0 NUL, \n newline, \t tab, \xHH any byte,
#                          \\ backslash.  TOKEN holds no blanks (write a
#                          space as \x20); end it at \0 or follow \0 with
#                          a non-digit, since \0nnn is an octal escape
#   zero N                 N zero bytes (N may be 0, to show "no padding")
#   at N                   no bytes: asserts that N bytes were described so
#                          far, so the offset arithmetic in the comments
#                          is checked, not just written down
#
# The described archive must end at a multiple of 512.
#
# Directives, in the comment block at the top of a .expect:
#
#   # args: OPTION...      options passed before the list (-t, -c, -a)
#   # env: NAME=VALUE...   environment for this run only
#   # list: PATH           use PATH (from $SRCTREE) instead of NAME.list
#   # stdin                feed the list on stdin and pass `-`
#   # stage: FILE EPOCH    copy tests/golden/data/FILE to $GOLDEN_STAGE
#                          with mtime EPOCH, for cases without -t, whose
#                          bytes would otherwise follow the checkout time
#
# Every case also sees GOLDEN_STAGE (a scratch directory) in its
# environment, so a list can name staged copies as ${GOLDEN_STAGE}/FILE.

source "$SRCTREE/tests/lib.sh"

need awk cmp od head wc touch

GOLDEN=$SRCTREE/tests/golden
export GOLDEN_STAGE=$T/stage
mkdir -p "$GOLDEN_STAGE"

# Report a malformed .expect line; the expectation, not $GEN, is at fault.
bad() {
	diag "$exp_file:$exp_line: $*"
	return 1
}

# Words of w[] from index $1 on must be nothing or a trailing comment.
only_comment_from() {
	[ "${#w[@]}" -le "$1" ] || [ "${w[$1]:0:1}" = '#' ] ||
		bad "unexpected '${w[$1]}'"
}

# hdr: 14 groups, checked one by one so a typo in an expectation cannot
# silently shift every later byte.
emit_hdr() {
	local i
	[ "${#w[@]}" -ge 15 ] || bad "hdr needs 14 groups, has $((${#w[@]} - 1))" ||
		return 1
	only_comment_from 15 || return 1
	[[ ${w[1]} =~ ^07070[12]$ ]] || bad "bad magic '${w[1]}'" || return 1
	for ((i = 2; i <= 14; i++)); do
		[[ ${w[$i]} =~ ^[0-9A-F]{8}$ ]] ||
			bad "group $i '${w[$i]}' is not 8 uppercase hex digits" ||
			return 1
	done
	# Remember where each header starts, to name the field of a mismatch.
	echo "$(wc -c < "$1") $exp_line" >> "$1.map"
	printf '%s' "${w[@]:1:14}" >> "$1"
}

emit_line() {
	local out=$1 size

	case ${w[0]} in
	hdr)
		emit_hdr "$out"
		;;
	str)
		[ "${#w[@]}" -ge 2 ] || bad "str needs a token" || return 1
		only_comment_from 2 || return 1
		printf '%b' "${w[1]}" >> "$out"
		;;
	zero)
		[[ ${w[1]:-} =~ ^[0-9]+$ ]] || bad "zero needs a count" || return 1
		only_comment_from 2 || return 1
		head -c "${w[1]}" /dev/zero >> "$out"
		;;
	at)
		[[ ${w[1]:-} =~ ^[0-9]+$ ]] || bad "at needs an offset" || return 1
		only_comment_from 2 || return 1
		size=$(wc -c < "$out")
		[ "$size" -eq "${w[1]}" ] ||
			bad "at ${w[1]}, but $size bytes are described so far"
		;;
	*)
		bad "unknown item '${w[0]}'"
		;;
	esac
}

# Turn the notation of $1 into bytes in $2.
build() {
	local exp_file=$1 out=$2 exp_line=0 line size
	local -a w

	: > "$out"
	: > "$out.map"
	while IFS= read -r line || [ -n "$line" ]; do
		exp_line=$((exp_line + 1))
		read -r -a w <<< "$line"
		[ "${#w[@]}" -eq 0 ] && continue
		[ "${w[0]:0:1}" = '#' ] && continue
		emit_line "$out" || return 1
	done < "$exp_file"
	size=$(wc -c < "$out")
	[ $((size % 512)) -eq 0 ] ||
		bad "archive of $size bytes does not end at a multiple of 512"
}

# Read the directives of the leading comment block into the caller's
# args/envs/list/use_stdin.
directives() {
	local line file epoch

	while IFS= read -r line; do
		case $line in
		'# args:'*)	read -r -a args <<< "${line#'# args:'}" ;;
		'# env:'*)	read -r -a envs <<< "${line#'# env:'}" ;;
		'# list:'*)	read -r list <<< "${line#'# list:'}" ;;
		'# stdin')	use_stdin=1 ;;
		'# stage:'*)
			read -r file epoch <<< "${line#'# stage:'}"
			cp "$GOLDEN/data/$file" "$GOLDEN_STAGE/$file" &&
				touch -d "@$epoch" "$GOLDEN_STAGE/$file" || return 1
			;;
		'#'*)		;;
		*)		break ;;
		esac
	done < "$1"
}

# Name the .expect line (and header field) that describes offset $1,
# from the header starts recorded in $2.
locate() {
	awk -v off="$1" '
	BEGIN {
		split("ino mode uid gid nlink mtime filesize devmajor " \
		      "devminor rdevmajor rdevminor namesize check", f, " ")
	}
	$1 <= off { start = $1; line = $2 }
	END {
		rel = off - start
		if (line == "")
			print "before the first header"
		else if (rel < 6)
			print "in the magic of the hdr on line " line
		else if (rel < 110)
			print "in field " f[int((rel - 6) / 8) + 1] \
			      " of the hdr on line " line
		else
			print "in the name, data or padding after the hdr on line " line
	}' "$2"
}

# On a mismatch, say where the first differing byte is and show both
# archives around it.
show_difference() {
	local got=$1 want=$2 off gsize wsize start

	gsize=$(wc -c < "$got")
	wsize=$(wc -c < "$want")
	off=$(cmp -l "$got" "$want" 2>/dev/null | head -n 1 | awk '{print $1 - 1}')
	[ -n "$off" ] || off=$((gsize < wsize ? gsize : wsize))
	diag "got $gsize bytes, want $wsize; first difference at offset $off"
	diag "$(locate "$off" "$want.map")"
	start=$((off / 16 * 16 - 32))
	[ "$start" -ge 0 ] || start=0
	diag "got:" "$(od -A d -t x1z -j "$start" -N 64 "$got")"
	diag "want:" "$(od -A d -t x1z -j "$start" -N 64 "$want")"
}

run_case() {
	local name=$1 exp=$GOLDEN/$1.expect
	local list=tests/golden/$1.list use_stdin='' rc
	local -a args=() envs=()

	directives "$exp" || { ok 1 "$name: staging failed"; return; }
	if ! build "$exp" "$T/$name.want"; then
		ok 1 "$name: $exp is malformed"
		return
	fi
	if [ ! -f "$SRCTREE/$list" ]; then
		ok 1 "$name: no list $list"
		return
	fi
	(
		cd "$SRCTREE" || exit 1
		if [ -n "$use_stdin" ]; then
			env "${envs[@]}" "$GEN" "${args[@]}" - < "$list"
		else
			env "${envs[@]}" "$GEN" "${args[@]}" "$list"
		fi
	) > "$T/$name.got" 2> "$T/$name.err"
	rc=$?
	[ -s "$T/$name.err" ] && diag "$name: stderr:" "$(cat "$T/$name.err")"
	if [ "$rc" -ne 0 ]; then
		ok 1 "$name: $GEN exited with $rc"
		return
	fi
	if cmp -s "$T/$name.got" "$T/$name.want"; then
		ok 0 "$name: archive matches $name.expect byte for byte"
	else
		ok 1 "$name: archive matches $name.expect byte for byte"
		show_difference "$T/$name.got" "$T/$name.want"
	fi
}

for exp in "$GOLDEN"/*.expect; do
	name=${exp##*/}
	run_case "${name%.expect}"
done

done_testing
