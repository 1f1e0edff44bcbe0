#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/unit.t: the unit tests of tests/unit/ (the newc header codec, path
# normal forms and the path map, the spec field escapes, the hash index,
# growable arrays and the inode map, the byte string), built by make
# check into $OBJTREE/tests/unit/.  Each program prints its own test
# points; a program that dies or exits non-zero without saying why is a
# failure here too.

. "${SRCTREE:-.}/tests/lib.sh"

for name in cpio_test pathmap_test escape_test hashmap_test buf_test; do
	prog=$OBJTREE/tests/unit/$name
	if [ ! -x "$prog" ]; then
		ok 1 "$name: not built ($prog)"
		continue
	fi
	"$prog" > "$T/out" 2> "$T/err"
	status=$?
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok 0 "$name: ${line#ok - }" ;;
		"not ok - "*) ok 1 "$name: ${line#not ok - }" ;;
		*) echo "$line" ;;
		esac
	done < "$T/out"
	if [ "$status" -ne 0 ] && ! grep -q '^not ok' "$T/out"; then
		ok 1 "$name: exit status $status"
		diag "$(tail -n 10 "$T/err")"
	fi
done

done_testing
