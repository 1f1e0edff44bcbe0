#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The two-phase boot of specs/switch-root.list, built the way `make boot`
# builds it: the initramfs's /init (specs/switch-root-init) loads the
# virtio modules, mounts the root disk read-only and hands over to its
# /sbin/init (specs/root-init), which reports from the real root what it
# sees: the device and options of /, its own process number, the modules
# and the mounts the initramfs left it.  Then what goes wrong: a root that
# never appears and an init that is not there must each be named, and,
# with panic= set, end in a power-off; without it, a rescue shell starts,
# and a root mounted there by hand boots when it is left.
#
# Nothing here needs root: when the test runs as root, everything is built
# as nobody.  gen_init_deps reads the modules and busybox, gen_init_cpio
# gives the entries root's owner from the spec, and mke2fs -d fills the
# disk image from a directory of nobody's.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need qemu-system-x86_64 timeout mke2fs mkfifo cpio
kernel=$(boot_kernel) || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
kver=$(boot_kver) || skip_all "no version for $kernel: set BOOT_KVER"
[ -d "/lib/modules/$kver" ] || skip_all "no /lib/modules/$kver"
{ [ -x /bin/busybox ] && static_elf /bin/busybox; } ||
	skip_all "/bin/busybox is not a static busybox (busybox-static)"

# The resolver is built with gen_init_cpio, beside it.
DEPS=${GEN_INIT_DEPS:-$(dirname "$GEN")/gen_init_deps}
# What the Makefile gives the example disk.
LABEL=gic-root
UUID=5a17c0de-0b07-4e11-8a5e-1a5700000001
BAD_UUID=5a17c0de-0b07-4e11-8a5e-1a5700000002

# The builder works in $B, on copies of the programs and of specs/, so that
# it needs no access to the source tree (which may be below /root).
B=$T/build
mkdir -p "$B/bin"
cp -R "$SRCTREE/specs" "$B/specs"
cp "$GEN" "$B/bin/gen_init_cpio"
if [ -x "$DEPS" ]; then
	cp "$DEPS" "$B/bin/gen_init_deps"
fi
builder=$(id -u)
if [ "$builder" -eq 0 ]; then
	need setpriv
	builder=65534
	chmod 0755 "$T"
	chown -R 65534:65534 "$B"
	as_builder() {
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
	}
else
	as_builder() {
		"$@"
	}
fi

# build WHAT COMMAND...: run COMMAND as the builder, in $B; one test point,
# with its standard error as diagnostics when it fails.
build() {
	local what=$1 rc

	shift
	(cd "$B" && as_builder "$@") 2> "$T/build.err"
	rc=$?
	ok "$rc" "$what"
	[ "$rc" -eq 0 ] || diag "$(cat "$T/build.err")"
	return "$rc"
}

# --- building, as make boot does ---------------------------------------------
[ -x "$B/bin/gen_init_deps" ]
ok $? "usr/gen_init_deps is built ($DEPS)"
[ -x "$B/bin/gen_init_deps" ] || done_testing

modules=$(sed 's/#.*//' "$SRCTREE/specs/switch-root-modules")
# shellcheck disable=SC2016,SC2086 # "$@" is sh -c's; a name per word
build "gen_init_deps modules --kver $kver" \
	sh -c 'exec bin/gen_init_deps modules --kver "$@" > modules.list' \
	sh "$kver" $modules
grep -q "^file [^ ]*/modules/$kver/kernel/drivers/block/virtio_blk\.ko" \
	"$B/modules.list"
ok $? "the modules list has virtio_blk.ko"
build "gen_init_deps exec /bin/busybox" \
	sh -c 'exec bin/gen_init_deps exec /bin/busybox > programs.list'

build "gen_init_cpio -z gzip specs/switch-root.list + both lists" \
	bin/gen_init_cpio -z gzip -o initrd.cpio.gz \
	specs/switch-root.list modules.list programs.list
is "$(cat "$T/build.err")" "" "no diagnostics while building the initramfs"

# The same image with an early member before the gzip one, from
# specs/microcode.list: a made-up blob, which this kernel (no microcode
# loader) unpacks into the initramfs and otherwise ignores.
# shellcheck disable=SC2016 # for sh -c
build "gen_init_cpio --early specs/microcode.list" \
	sh -c 'head -c 2048 /dev/zero > ucode.bin &&
		UCODE=ucode.bin exec bin/gen_init_cpio -a 16 -z gzip \
		--early specs/microcode.list -o initrd-ucode.img \
		specs/switch-root.list modules.list programs.list'

# GNU cpio reads the first archive of the file only: the early member.
is "$(cpio -t --quiet < "$B/initrd-ucode.img" 2> /dev/null)" \
	"$(printf '%s\n' kernel kernel/x86 kernel/x86/microcode \
	kernel/x86/microcode/GenuineIntel.bin)" \
	"the image starts with an uncompressed member: the microcode"

# The root disk: busybox, specs/root-init as /sbin/init, mount points.
# shellcheck disable=SC2016 # $1 and $2 are sh -c's
build "mke2fs -d: the root disk" \
	sh -c 'mkdir -p root/bin root/sbin root/dev root/proc root/sys &&
		cp /bin/busybox root/bin/busybox &&
		cp specs/root-init root/sbin/init &&
		chmod 0755 root/sbin/init &&
		mke2fs -q -t ext4 -d root -L "$1" -U "$2" -E root_owner=0:0 \
			root.img 16M > /dev/null' sh "$LABEL" "$UUID"
is "$(stat -c %u "$B/root.img" "$B/initrd.cpio.gz" 2> /dev/null | sort -u)" \
	"$builder" "the images belong to the builder, uid $builder"

{ [ -s "$B/initrd.cpio.gz" ] && [ -s "$B/root.img" ]; } || done_testing

# --- booting -----------------------------------------------------------------
DISK=(-drive "file=$B/root.img,if=virtio,format=raw")

# console LOG: the console's lines, CRs removed.
console() {
	tr -d '\r' < "$1"
}

# has LOG LINE [DESCRIPTION]: one test point, LINE is on the console.
has() {
	console "$1" | grep -qxF -- "$2"
	ok $? "${3:-console: $2}"
}

# hasnt LOG TEXT DESCRIPTION: one test point, no line contains TEXT.
hasnt() {
	! console "$1" | grep -qF -- "$2"
	ok $? "$3"
}

# boot WHAT IMAGE APPEND: boot IMAGE on the root disk; quiet keeps the
# kernel's messages from cutting into /init's lines.  Sets $log.
boot() {
	log=$T/$1.log
	boot_initrd "$2" "$log" "quiet $3" "${DISK[@]}"
	is "$?" 0 "$1: QEMU exited by itself, no timeout"
}

# check_real_root WHAT OPTIONS: what a boot that got to the real root shows.
check_real_root() {
	local failed=$_tap_failed

	has "$log" "Hello from the real root on /dev/vda" \
		"$1: the real root's init ran, on /dev/vda"
	console "$log" | grep -qx "real-root: / is /dev/vda, type ext4, options $2,.*"
	ok $? "$1: / is /dev/vda, ext4, mounted $2"
	has "$log" "real-root: init is process 1" "$1: the real init is process 1"
	console "$log" | grep -q '^real-root: modules: .*virtio_blk'
	ok $? "$1: virtio_blk was loaded (by the initramfs: the disk has none)"
	has "$log" "real-root: mounts: /proc (proc), /sys (sysfs), /dev (devtmpfs)" \
		"$1: /proc, /sys and /dev were moved to the real root"
	console "$log" | awk '/^switch-root-init: switching to the root on \/dev\/vda, running \/sbin\/init$/ { s = 1 }
		/^Hello from the real root/ && s { ok = 1 } END { exit !ok }'
	ok $? "$1: /init announced the switch before the real init ran"
	[ "$_tap_failed" -eq "$failed" ] || boot_diag "$log"
}

boot vda "$B/initrd.cpio.gz" "root=/dev/vda"
hasnt "$log" "Initramfs unpacking failed" \
	"vda: the kernel unpacked the image without complaint"
has "$log" "switch-root-init: mounting /dev/vda on /newroot (any type, ro)"
check_real_root vda ro

boot label "$B/initrd.cpio.gz" "root=LABEL=$LABEL rw rootfstype=ext4"
has "$log" "switch-root-init: mounting /dev/vda on /newroot (ext4, rw)"
check_real_root label rw

boot uuid-ucode "$B/initrd-ucode.img" "root=UUID=$UUID"
check_real_root uuid-ucode ro

# --- failures ----------------------------------------------------------------
# check_failure WHAT MESSAGE: the boot ended at once with MESSAGE and
# panic='s power-off: no shell, no real root.
check_failure() {
	local failed=$_tap_failed

	has "$log" "switch-root-init: $2" "$1: says what failed"
	has "$log" "switch-root-init: panic=-1 is set: powering off" \
		"$1: powers off (panic=-1)"
	hasnt "$log" "starting a shell" "$1: no rescue shell"
	hasnt "$log" "Hello from the real root" "$1: no real root"
	[ "$_tap_failed" -eq "$failed" ] || boot_diag "$log"
}

boot vdb "$B/initrd.cpio.gz" "root=/dev/vdb rootwait=2"
check_failure vdb "root device /dev/vdb did not appear within 2 s"

boot no-init "$B/initrd.cpio.gz" "root=/dev/vda init=/sbin/missing"
check_failure no-init "init /sbin/missing not found on the root device /dev/vda"

# The rescue shell: panic=0 (later words win) keeps it from powering off.
# Its input is a FIFO, written once the shell is announced: mount the
# root by hand, leave, and /init goes on with that root.

# wait_console LOG TEXT SECONDS: true once a line contains TEXT.
wait_console() {
	local i

	for ((i = 0; i < $3 * 10; i++)); do
		console "$1" 2> /dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

log=$T/rescue.log
: > "$log"
mkfifo "$T/input"
BOOT_INPUT=$T/input BOOT_TIMEOUT=60 boot_initrd "$B/initrd.cpio.gz" "$log" \
	"quiet root=UUID=$BAD_UUID rootwait=1 panic=0" "${DISK[@]}" &
qemu=$!
# Opening blocks until QEMU's side is open too.
exec 3> "$T/input"
if wait_console "$log" "starting a shell" 30; then
	sleep 1
	# shellcheck disable=SC2016 # for the guest's shell to expand
	printf '%s\n' 'echo RESCUE-$((6 * 7))' \
		'mount -o ro /dev/vda /newroot' 'exit' >&3
fi
wait "$qemu"
is "$?" 0 "rescue: QEMU exited by itself, no timeout"
exec 3>&-
failed=$_tap_failed
has "$log" "switch-root-init: root device UUID=$BAD_UUID did not appear within 1 s" \
	"rescue: says what failed"
has "$log" "switch-root-init: starting a shell; leave it (exit) to try to mount the root again" \
	"rescue: starts a shell"
has "$log" "RESCUE-42" "rescue: the shell ran what was typed"
[ "$_tap_failed" -eq "$failed" ] || boot_diag "$log"
check_real_root rescue ro

done_testing
