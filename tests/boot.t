#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a real kernel on specs/busybox.list, once gzip-compressed and once
# plain, and check from inside the guest that the archive made what the
# spec says: /init ran (so busybox, its links and /init were extracted
# intact) and the device nodes have the spec's type, numbers, owner and
# mode.
#
# The image is built as an ordinary invocation: owners and device nodes
# come from the spec, not from privileges or from the build machine.
#
# The kernel unpacks its own built-in initramfs first, which already has
# /dev/console (c 5 1, 0600, 0:0); an archive entry for an existing node
# of the same type only re-applies owner and mode.  /dev/null is not in
# the built-in one, so its line is what proves the device numbers.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need qemu-system-x86_64 gzip timeout od
boot_kernel > /dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
static_elf /bin/busybox || skip_all "/bin/busybox is not statically linked"

# Locations in the spec are relative to the source tree's top.
(cd "$SRCTREE" && "$GEN" -t 0 -o "$T/initrd.cpio" specs/busybox.list) \
	2> "$T/gen.err"
ok $? "build specs/busybox.list"
is "$(cat "$T/gen.err")" "" "no diagnostics while building"
[ -s "$T/initrd.cpio" ] || done_testing

gzip -9n -c "$T/initrd.cpio" > "$T/initrd.cpio.gz"
ok $? "gzip -9n the image"

# field LOG LABEL: what follows "LABEL: " on the console, CRs removed.
field() {
	tr -d '\r' < "$1" | grep -a -o "$2: .*" | head -n 1 | sed "s/^$2: //"
}

# check_boot IMAGE WHAT: boot IMAGE and check what its /init reports.
check_boot() {
	local log=$T/$2.log rc failed=$_tap_failed

	boot_initrd "$1" "$log"
	rc=$?
	is "$rc" 0 "$2: QEMU exited by itself, no timeout"
	tr -d '\r' < "$log" | grep -q 'Initramfs unpacking failed'
	ok $((!$?)) "$2: the kernel unpacked the image without complaint"
	tr -d '\r' < "$log" | grep -q '^GIC-BOOT-OK$'
	ok $? "$2: /init ran and printed its marker"
	is "$(field "$log" CONSOLE)" "char 5:1 0:0 600" \
		"$2: /dev/console is c 5:1, 0:0, 0600"
	is "$(field "$log" NULL)" "char 1:3 0:0 666" \
		"$2: /dev/null is c 1:3, 0:0, 0666"
	[ "$_tap_failed" -eq "$failed" ] || boot_diag "$log"
}

check_boot "$T/initrd.cpio.gz" gzip
check_boot "$T/initrd.cpio" plain

done_testing
