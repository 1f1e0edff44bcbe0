#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/hostflags.t: every source of gen_init_cpio compiles without a
# warning under a kernel build's host flags, gcc and clang.
#
# A kernel tree builds gen_init_cpio with its own HOSTCC and
# KBUILD_HOSTCFLAGS (Linux 6.12: -Wall -Wmissing-prototypes
# -Wstrict-prototypes -O2 -fomit-frame-pointer -std=gnu11, plus
# `getconf LFS_CFLAGS`), not with this tree's Makefile: no -D_GNU_SOURCE,
# no -Wextra.  So each source must say itself which extensions it uses.
# tests/kernel/kbuild.t checks the same in a real kernel build; this is
# the quick check in every make check.

. "${SRCTREE:-.}/tests/lib.sh"

kflags="-Wall -Wmissing-prototypes -Wstrict-prototypes -O2 -fomit-frame-pointer -std=gnu11 $(getconf LFS_CFLAGS)"

for cc in gcc clang; do
	command -v "$cc" > /dev/null || { ok 1 "$cc not installed"; continue; }
	for src in "$SRCTREE"/usr/*.c "$SRCTREE"/usr/*/*.c; do
		rel=${src#"$SRCTREE"/}
		# shellcheck disable=SC2086 # kflags is a list of flags
		"$cc" $kflags -Werror -I "$SRCTREE/usr" -c -o /dev/null "$src" \
			> "$T/out" 2>&1
		ok $? "$cc, kernel host flags: $rel" || diag "$(head -n 5 "$T/out")"
	done
done

done_testing
