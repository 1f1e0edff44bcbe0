#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The build: out-of-tree builds with O=, quiet kernel-style output, the
# default image from usr/default_cpio_list, and make install.

. "${SRCTREE:-.}/tests/lib.sh"
. "$SRCTREE/tests/newc.sh"

need make cc

# A clean make, not one that inherits "make -s check"'s flags (nor
# make check V=1's V, which make puts in the environment).
unset MAKEFLAGS MFLAGS MAKELEVEL V

out=$T/obj
make -C "$SRCTREE" O="$out" > "$T/build.log" 2>&1
ok $? "make O=<dir> builds"
[ -x "$out/usr/gen_init_cpio" ] && [ -s "$out/usr/initramfs_data.cpio" ]
ok $? "O=<dir>: the program and the default image are below <dir>"
grep -q '^  CC      usr/spec.o$' "$T/build.log" &&
	grep -q '^  LD      usr/gen_init_cpio$' "$T/build.log" &&
	grep -q '^  GEN     usr/initramfs_data.cpio$' "$T/build.log"
ok $? "quiet output: '  CC      usr/spec.o', '  LD', '  GEN'"
! grep -q -- '-Wall' "$T/build.log"
ok $? "quiet output hides the command lines"

# Touched until it is strictly newer than the image, as make wants it: a
# file's time stamps come from a coarse clock (a tick or more), so the
# image just written and a touch right after can carry the same time.
img=$out/usr/initramfs_data.cpio
list=$SRCTREE/usr/default_cpio_list
for _ in $(seq 50); do
	touch "$list"
	[ "$list" -nt "$img" ] && break
	sleep 0.1
done
[ "$list" -nt "$img" ]
ok $? "the touched list is newer than the image"
make -C "$SRCTREE" O="$out" V=1 > "$T/rebuild.log" 2>&1
grep -q -- "--no-fsync -o $out/usr/initramfs_data.cpio" "$T/rebuild.log"
ok $? "V=1 shows the commands; a touched list regenerates the image"
make -C "$SRCTREE" O="$out" > "$T/again.log" 2>&1
! grep -q '  \(CC\|LD\|GEN\) ' "$T/again.log"
ok $? "nothing to do when nothing changed"

# The default image is the kernel's default: /dev, /dev/console, /root.
is "$(newc_entries "$out/usr/initramfs_data.cpio" |
	awk '{ print $3, $4, $5, $9 ":" $10, $13 }')" \
"40755 0 0 0:0 dev
20600 0 0 5:1 dev/console
40700 0 0 0:0 root
0 0 0 0:0 TRAILER!!!" "usr/initramfs_data.cpio is the kernel's default list"

make -C "$SRCTREE" O="$out" install DESTDIR="$T/dest" PREFIX=/usr > /dev/null 2>&1
ok $? "make install"
[ -x "$T/dest/usr/bin/gen_init_cpio" ] &&
	[ -f "$T/dest/usr/share/man/man1/gen_init_cpio.1" ]
ok $? "install puts the program and its man page under DESTDIR/PREFIX"

done_testing
