#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/kernel/kbuild.t: this gen_init_cpio inside a real kernel build
# (make check-kernel; minutes long, so not part of make check).
#
# From Debian's linux-source-6.12: `make kernel-install KDIR=...` puts the
# compiler into the tree; a small x86_64 configuration (tinyconfig plus
# initrd, console, ELF and script support) is built out of tree (O=), with
# a stale program planted in the source tree's usr/ that must never run;
# CONFIG_INITRAMFS_SOURCE is then
#   (a) a spec list (busybox and an /init that prints a marker),
#   (b) a directory, with INITRAMFS_ROOT_UID/GID, plus a list of nodes,
#   (c) the list again, compressed by the kernel build with gzip and xz;
# each time usr/initramfs_data.cpio must equal, byte for byte, what the
# kernel's own gen_initramfs.sh and gen_init_cpio (built from the same
# tarball) make of the same sources, and the bzImage must boot under QEMU
# with no -initrd, from its built-in image.  Between them: a rebuild with
# nothing changed regenerates nothing, a touched input regenerates, and a
# bad line fails the build with "<list>:<line>: error:" and leaves the
# previous image as it was.  Last, make kernel-uninstall gives back the
# kernel's own usr/, file for file.

. "${SRCTREE:-.}/tests/lib.sh"
. "$SRCTREE/tests/qemu.sh"

need qemu-system-x86_64 make gcc flex bison bc cpio
tarball=$(printf '%s\n' /usr/src/linux-source-6.12.tar.xz | head -n 1)
[ -r "$tarball" ] || skip_all "no kernel source (apt-get install linux-source-6.12)"
[ -r /usr/include/gelf.h ] || skip_all "no libelf headers for objtool (apt-get install libelf-dev)"
[ -x /bin/busybox ] && static_elf /bin/busybox ||
	skip_all "no static /bin/busybox (apt-get install busybox-static)"

K=$T/linux		# the source tree, our compiler installed
B=$T/build		# the object tree (O=)
S=$T/stock		# the kernel's own usr/, as shipped
jobs=$(nproc)
# Every comparison with the stock tool gives both the same date (-d).
stamp=@1700000000

tar -xJf "$tarball" -C "$T" || skip_all "cannot unpack $tarball"
mv "$T"/linux-source-6.12 "$K"
cp -a "$K/usr" "$S"
(cd "$S" && cc -O2 -o gen_init_cpio gen_init_cpio.c) ||
	skip_all "the kernel's gen_init_cpio.c does not build"

# ---------------------------------------------------------------------------
# The install command.

out=$(make -s -C "$SRCTREE" kernel-install KDIR="$T/nowhere" 2>&1)
is "$?|$(echo "$out" | grep -o 'error: .*' | head -n 1)" \
	"2|error: $T/nowhere: no such directory (KDIR=<kernel tree>)" \
	"kernel-install refuses a KDIR that does not exist"
out=$(make -s -C "$SRCTREE" kernel-install KDIR="$SRCTREE/specs" 2>&1)
echo "$out" | grep -q 'error: .*not a kernel source tree'
ok $? "kernel-install refuses a directory that is not a kernel tree"
out=$(make -s -C "$SRCTREE" kernel-install 2>&1)
echo "$out" | grep -q 'give KDIR=<kernel tree>'
ok $? "kernel-install without KDIR says how to call it"

: > "$K/usr/spec.c"
out=$(make -s -C "$SRCTREE" kernel-install KDIR="$K" 2>&1)
echo "$out" | grep -q "error: $K/usr/spec.c: already there, and not the kernel's own file"
ok $? "kernel-install refuses to overwrite a file of the tree that is not its own"
diff -r "$S" "$K/usr" -x spec.c -x gen_init_cpio > /dev/null
ok $? "... and changed nothing"
rm "$K/usr/spec.c"

make -s -C "$SRCTREE" kernel-install KDIR="$K" > "$T/install.out" 2>&1
ok $? "make kernel-install KDIR=<linux-source-6.12>"
grep -q '^gen_init_cpio-objs := gen_init_cpio.o ' "$K/usr/Makefile" &&
	grep -q '^HOST_EXTRACFLAGS += -I $(srctree)/usr$' "$K/usr/Makefile"
ok $? "usr/Makefile builds gen_init_cpio from the objects of Kbuild"
make -s -C "$SRCTREE" kernel-install KDIR="$K" > /dev/null 2>&1
ok $? "a second install over an unchanged one updates it"
echo '/* a local change */' >> "$K/usr/spec.c"
out=$(make -s -C "$SRCTREE" kernel-install KDIR="$K" 2>&1)
echo "$out" | grep -q "edited since make kernel-install"
ok $? "a second install refuses a tree whose installed files were edited"
sed -i '$d' "$K/usr/spec.c"

# A stale gen_init_cpio in the source tree: an O= build must not run it.
printf '#!/bin/sh\necho "stale gen_init_cpio run" >&2\nexit 1\n' > "$K/usr/gen_init_cpio"
chmod +x "$K/usr/gen_init_cpio"

# ---------------------------------------------------------------------------
# The configuration and the first build.

# The spec list of specs/busybox.list with its /init copied here (a test
# touches it) and named by an absolute path: kbuild runs gen_init_cpio
# from the object tree.  A kernel without ACPI cannot power off: it halts,
# and QEMU would wait for the timeout.  So this /init reboots instead,
# which -no-reboot turns into QEMU's exit.
sed 's/^poweroff -f$/reboot -f/' "$SRCTREE/specs/busybox-init" > "$T/busybox-init"
grep -q '^reboot -f$' "$T/busybox-init" ||
	skip_all "specs/busybox-init does not end with 'poweroff -f'"
{
	sed "s|specs/busybox-init|$T/busybox-init|" "$SRCTREE/specs/busybox.list"
	echo 'slink /sbin/reboot ../bin/busybox 0777 0 0'
} > "$T/busybox.list"

kmake() {
	make -C "$K" O="$B" ARCH=x86_64 KBUILD_BUILD_TIMESTAMP="$stamp" "$@"
}

# set_config SOURCE COMPRESSION [CONFIG-OPTION...]: CONFIG_INITRAMFS_SOURCE,
# the one INITRAMFS_COMPRESSION_* (NONE, GZIP or XZ) and more.
set_config() {
	local src=$1 comp=$2
	shift 2
	"$K/scripts/config" --file "$B/.config" \
		--set-str INITRAMFS_SOURCE "$src" \
		-d INITRAMFS_COMPRESSION_NONE -d INITRAMFS_COMPRESSION_GZIP \
		-d INITRAMFS_COMPRESSION_XZ -e "INITRAMFS_COMPRESSION_$comp" "$@" &&
		kmake -s olddefconfig
}

mkdir -p "$B"
kmake -s tinyconfig > "$T/config.log" 2>&1 &&
	"$K/scripts/config" --file "$B/.config" -e 64BIT -e BLK_DEV_INITRD \
		-e PRINTK -e TTY -e SERIAL_8250 -e SERIAL_8250_CONSOLE \
		-e BINFMT_ELF -e BINFMT_SCRIPT -e PROC_FS -e SYSFS \
		-e RD_GZIP -e RD_XZ -d RD_BZIP2 -d RD_LZMA -d RD_LZO \
		-d RD_LZ4 -d RD_ZSTD &&
	set_config "$T/busybox.list" NONE >> "$T/config.log" 2>&1
grep -q '^CONFIG_INITRAMFS_COMPRESSION_NONE=y' "$B/.config"
ok $? "tinyconfig with initrd, console, ELF and scripts, no compression" ||
	diag "$(tail -n 20 "$T/config.log")"

kmake -j"$jobs" bzImage > "$T/build.log" 2>&1
ok $? "(a) the kernel builds (O=), CONFIG_INITRAMFS_SOURCE a spec list" ||
	diag "$(tail -n 30 "$T/build.log")"
grep -q 'stale gen_init_cpio run' "$T/build.log"
ok $((!$?)) "(a) the stale gen_init_cpio in the source tree never ran"
warnings=$(grep -E "usr/[^ ]*\.[ch]:[0-9]+:([0-9]+:)? (warning|error):" "$T/build.log")
is "$warnings" "" "(a) no warning from our files under the kernel's host flags"

# stock_cpio OUT [-u UID -g GID] SOURCE...: the kernel's own tools, as
# usr/Makefile runs them (from a directory holding usr/gen_init_cpio).
stock_cpio() {
	local out=$1
	shift
	mkdir -p "$T/stockrun/usr"
	cp "$S/gen_init_cpio" "$T/stockrun/usr/"
	(cd "$T/stockrun" && sh "$S/gen_initramfs.sh" -o "$out" \
		-l "$T/stockrun/deps" "$@" -d "$stamp")
}

# same_as_stock WHAT [-u UID -g GID] SOURCE...
same_as_stock() {
	local what=$1
	shift
	stock_cpio "$T/stock.cpio" "$@" 2> "$T/stock.err"
	cmp "$B/usr/initramfs_data.cpio" "$T/stock.cpio" > "$T/cmp.out" 2>&1
	ok $? "$what: usr/initramfs_data.cpio is the stock tool's, byte for byte" ||
		diag "$(cat "$T/cmp.out" "$T/stock.err")"
}

boot_builtin() {
	BOOT_KERNEL=$B/arch/x86/boot/bzImage check_busybox_boot "" "$1" "$T/$2.log"
}

same_as_stock "(a)" "$T/busybox.list"
boot_builtin "(a) the bzImage with its built-in spec-list image" boot-a

# ---------------------------------------------------------------------------
# Rebuilds: exactly when the stock rules would.

when=$(stat -c %y "$B/usr/initramfs_data.cpio")
kmake bzImage > "$T/rebuild.log" 2>&1
grep -q 'GEN .*usr/initramfs_data.cpio' "$T/rebuild.log"
ok $((!$?)) "a rebuild with nothing changed regenerates nothing"
is "$(stat -c %y "$B/usr/initramfs_data.cpio")" "$when" "... the image keeps its mtime"

sleep 1
touch "$T/busybox-init"
kmake bzImage > "$T/touch.log" 2>&1
grep -q 'GEN .*usr/initramfs_data.cpio' "$T/touch.log"
ok $? "touching a file the list names regenerates the image"
same_as_stock "... and it is still" "$T/busybox.list"

printf 'fil /oops /dev/null 0644 0 0\n' >> "$T/busybox.list"
lines=$(wc -l < "$T/busybox.list")
cp -p "$B/usr/initramfs_data.cpio" "$T/before-bad.cpio"
kmake bzImage > "$T/bad.log" 2>&1
is "$?" 2 "a bad line fails the kernel build"
grep -q "^$T/busybox.list:$lines: error: unknown line type 'fil'" "$T/bad.log"
ok $? "... with '<list>:<line>: error:'" || diag "$(grep -i error "$T/bad.log" | head -n 5)"
cmp -s "$B/usr/initramfs_data.cpio" "$T/before-bad.cpio"
ok $? "... and leaves the previous image as it was"
sed -i '$d' "$T/busybox.list"

# ---------------------------------------------------------------------------
# (b) a directory, owned by whoever runs this, mapped to root.

D=$T/rootdir
mkdir -p "$D/bin" "$D/sbin" "$D/dev" "$D/proc" "$D/sys" "$D/root"
cp /bin/busybox "$D/bin/busybox"
cp "$T/busybox-init" "$D/init"
chmod 0755 "$D/init"
for l in sh mount stat; do ln -s busybox "$D/bin/$l"; done
ln -s ../bin/busybox "$D/sbin/poweroff"
ln -s ../bin/busybox "$D/sbin/reboot"
touch -d "$stamp" "$D"/* "$D"
printf '%s\n' 'nod /dev/console 0600 0 0 c 5 1' 'nod /dev/null 0666 0 0 c 1 3' \
	> "$T/nodes.list"
uid=$(id -u) gid=$(id -g)
set_config "$D $T/nodes.list" NONE --set-val INITRAMFS_ROOT_UID "$uid" \
	--set-val INITRAMFS_ROOT_GID "$gid" > "$T/config-b.log" 2>&1
kmake -j"$jobs" bzImage > "$T/build-b.log" 2>&1
ok $? "(b) CONFIG_INITRAMFS_SOURCE a directory and a list, ROOT_UID/GID $uid/$gid" ||
	diag "$(tail -n 20 "$T/build-b.log")"
same_as_stock "(b)" -u "$uid" -g "$gid" "$D" "$T/nodes.list"
boot_builtin "(b) the bzImage with its built-in directory image" boot-b

# ---------------------------------------------------------------------------
# (c) compressed by the kernel build: gzip, then xz.

for method in GZIP XZ; do
	set_config "$T/busybox.list" "$method" --set-val INITRAMFS_ROOT_UID 0 \
		--set-val INITRAMFS_ROOT_GID 0 > "$T/config-$method.log" 2>&1
	kmake -j"$jobs" bzImage > "$T/build-$method.log" 2>&1
	ok $? "(c) a built-in image compressed with $method" ||
		diag "$(tail -n 20 "$T/build-$method.log")"
	grep -q "^CONFIG_INITRAMFS_COMPRESSION_$method=y" "$B/.config"
	ok $? "(c) ... the configuration says $method"
	same_as_stock "(c) $method" "$T/busybox.list"
	boot_builtin "(c) the bzImage with its $method built-in image" "boot-$method"
done

# ---------------------------------------------------------------------------
# Out again.

rm -f "$K/usr/gen_init_cpio"
make -s -C "$SRCTREE" kernel-uninstall KDIR="$K" > /dev/null 2>&1
ok $? "make kernel-uninstall KDIR=<tree>"
diff -r "$S" "$K/usr" -x gen_init_cpio > "$T/uninstall.diff"
ok $? "the kernel's own usr/ is back, file for file" ||
	diag "$(head -n 10 "$T/uninstall.diff")"
out=$(make -s -C "$SRCTREE" kernel-uninstall KDIR="$K" 2>&1)
echo "$out" | grep -q 'error: .*not installed there'
ok $? "a second uninstall says there is nothing to remove"

done_testing
