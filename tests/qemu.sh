# SPDX-License-Identifier: GPL-2.0
#
# tests/qemu.sh: boot an initramfs under QEMU.  Source it after lib.sh.
#
#   boot_kernel                 print the kernel to boot; false if none
#   boot_kver                   print its version (/lib/modules/<version>);
#                               false if unknown
#   static_elf FILE             true if FILE needs no dynamic loader
#   boot_initrd INITRD LOG [APPEND [QEMU-ARG...]]
#                               boot INITRD, console output to LOG;
#                               returns QEMU's status (124: timed out);
#                               an empty INITRD boots the kernel alone
#                               (its built-in initramfs)
#   boot_diag LOG [N]           last N (30) lines of LOG as TAP diagnostics
#
# The guest's /init is expected to end with `poweroff -f`; if it dies
# instead, panic=-1 reboots and -no-reboot turns that into an exit too,
# so a boot lasts seconds, not the whole timeout.
#
# Environment (all optional):
#   BOOT_KERNEL   kernel image (default: newest /boot/vmlinuz-*-cloud-amd64,
#                 whose drivers QEMU's default machine needs are built in)
#   BOOT_ACCEL    QEMU accelerator, "kvm" or "tcg" (default: see below)
#   BOOT_TIMEOUT  seconds before a hung guest is killed (default 120)
#   BOOT_KVER     the version of BOOT_KERNEL (default: from its name,
#                 vmlinuz-<version>)
#   BOOT_INPUT    what QEMU reads as the console's input: a file or a FIFO
#                 (default /dev/null)

boot_kernel() {
	local k

	if [ -n "${BOOT_KERNEL:-}" ]; then
		[ -r "$BOOT_KERNEL" ] && echo "$BOOT_KERNEL"
		return
	fi
	k=$(printf '%s\n' /boot/vmlinuz-*-cloud-amd64 | sort -V | tail -n 1)
	[ -r "$k" ] && echo "$k"
}

# The kernel's release, the name of its directory in /lib/modules: Debian
# installs each kernel as /boot/vmlinuz-<release>.
boot_kver() {
	local k

	if [ -n "${BOOT_KVER:-}" ]; then
		echo "$BOOT_KVER"
		return
	fi
	k=$(boot_kernel) || return
	case ${k##*/} in
	vmlinuz-?*)
		echo "${k##*/vmlinuz-}"
		;;
	*)
		return 1
		;;
	esac
}

# An ELF executable is static when it has no PT_INTERP program header
# (type 3) naming a loader.  Reads the 64-bit little-endian header with
# od, so that neither file(1) nor readelf(1) is needed.
static_elf() {
	local phoff phentsize phnum i type

	[ "$(od -An -c -N 6 "$1" 2>/dev/null | tr -d ' ')" = '177ELF002001' ] ||
		return 1
	phoff=$(od -An -t u8 -j 32 -N 8 "$1")
	phentsize=$(od -An -t u2 -j 54 -N 2 "$1")
	phnum=$(od -An -t u2 -j 56 -N 2 "$1")
	for ((i = 0; i < phnum; i++)); do
		type=$(od -An -t u4 -j $((phoff + i * phentsize)) -N 4 "$1")
		((type != 3)) || return 1
	done
}

# KVM only where the CPU advertises virtualisation: a nested /dev/kvm
# without vmx/svm opens fine yet hangs the guest.  If KVM then fails to
# start, QEMU falls back to the next -accel, TCG (~3 s per boot anyway).
_boot_accel() {
	case ${BOOT_ACCEL:-} in
	?*)
		echo "-accel $BOOT_ACCEL"
		;;
	*)
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
		   grep -qw -e vmx -e svm /proc/cpuinfo; then
			echo "-accel kvm -accel tcg"
		else
			echo "-accel tcg"
		fi
		;;
	esac
}

# No default devices, no display: the only way out is the serial port,
# and it goes to LOG together with QEMU's own complaints.  loglevel=4
# keeps the kernel's informational lines (a mouse found, a driver loaded)
# off the console: printed while /init writes, they can land in the
# middle of its lines and break the markers the tests look for; errors,
# such as a failed unpacking, still show.  stdin is
# /dev/null, or BOOT_INPUT, so that QEMU never touches the caller's
# terminal.
boot_initrd() {
	local initrd=$1 log=$2 append=${3:-} kernel

	shift 2
	[ $# -eq 0 ] || shift
	kernel=$(boot_kernel) || {
		echo "boot_initrd: no kernel to boot" > "$log"
		return 1
	}
	# shellcheck disable=SC2046 # _boot_accel prints several words
	timeout "${BOOT_TIMEOUT:-120}" qemu-system-x86_64 \
		$(_boot_accel) -m 256 \
		-nodefaults -no-user-config -display none -serial stdio \
		-no-reboot \
		-kernel "$kernel" ${initrd:+-initrd "$initrd"} \
		-append "console=ttyS0 panic=-1 loglevel=4${append:+ $append}" \
		"$@" < "${BOOT_INPUT:-/dev/null}" > "$log" 2>&1
}

boot_diag() {
	diag "last lines of the console log $1:"
	diag "$(tail -n "${2:-30}" "$1" | tr -d '\r')"
}

# console_field LOG LABEL: what follows "LABEL: " on the console, CRs removed.
console_field() {
	tr -d '\r' < "$1" | grep -a -o "$2: .*" | head -n 1 | sed "s/^$2: //"
}

# check_busybox_boot IMAGE WHAT LOG: boot an image built from
# specs/busybox.list and check what every such boot must show: QEMU ends by
# itself, the kernel unpacks the image without complaint, /init prints its
# marker, and /dev/null (a node the kernel's built-in initramfs does not
# have) is exactly what the spec says.  The console's tail is printed as
# diagnostics when one of these fails.
check_busybox_boot() {
	local failed=$_tap_failed rc

	boot_initrd "$1" "$3"
	rc=$?
	is "$rc" 0 "$2: QEMU exited by itself, no timeout"
	tr -d '\r' < "$3" | grep -q 'Initramfs unpacking failed'
	ok $((!$?)) "$2: the kernel unpacked the image without complaint"
	tr -d '\r' < "$3" | grep -q '^GIC-BOOT-OK$'
	ok $? "$2: /init ran and printed its marker"
	is "$(console_field "$3" NULL)" "char 1:3 0:0 666" \
		"$2: /dev/null is c 1:3, 0:0, 0666"
	[ "$_tap_failed" -eq "$failed" ] || boot_diag "$3"
}
