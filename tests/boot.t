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

# check_boot IMAGE WHAT: boot IMAGE and check what its /init reports,
# /dev/console included (tests/qemu.sh checks the rest).
check_boot() {
	local log=$T/$2.log

	check_busybox_boot "$1" "$2" "$log"
	is "$(console_field "$log" CONSOLE)" "char 5:1 0:0 600" \
		"$2: /dev/console is c 5:1, 0:0, 0600"
}

check_boot "$T/initrd.cpio.gz" gzip
check_boot "$T/initrd.cpio" plain

done_testing
