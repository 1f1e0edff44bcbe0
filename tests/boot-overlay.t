#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/boot-overlay.t: the reason for directory sources and overlays,
# booted.  An ordinary user (nobody) makes a root tree -- busybox and an
# /init script -- and builds the image from it with a spec list on top:
# -u -1 -g -1 make the user's files root's, the list adds the device
# nodes no ordinary user can create and redefines a file of the tree.
# A real kernel boots the image under QEMU and /init reports what it
# sees; it must be what the list and the mapping say.
#
# The kernel unpacks its built-in initramfs first, which already has
# /dev/console (c 5 1, 0600, 0:0); /dev/ttyS1 is not in it, so its line
# is what proves the device numbers, owner and mode came from the list.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need qemu-system-x86_64 timeout od setpriv
need_root
boot_kernel >/dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
static_elf /bin/busybox || skip_all "/bin/busybox is not statically linked"

NOBODY=65534
as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@"
}

# Everything nobody touches lives in $T: make it reachable, and give
# nobody its own copy of the program (the build directory may be
# private to root).
chmod 0755 "$T"
mkdir "$T/root" "$T/out"
chown $NOBODY:$NOBODY "$T/root" "$T/out"
cp "$GEN" "$T/gen_init_cpio"
chmod 0755 "$T/gen_init_cpio"

# /init: one line "LABEL: ..." per thing to check, then power off.
# busybox stat prints device numbers in hex (%t, %T).
cat >"$T/init" <<'EOF'
#!/bin/busybox sh
bb=/bin/busybox
describe() {
	if [ -c "$2" ]; then
		type=char
	elif [ -b "$2" ]; then
		type=block
	elif [ -e "$2" ]; then
		type=other
	else
		echo "$1: missing"
		return
	fi
	set -- "$1" $($bb stat -c '%t %T %u %g %a' "$2")
	echo "$1: $type $($bb printf '%d:%d' "0x$2" "0x$3") $4:$5 $6"
}
owner() {
	echo "$1: $($bb stat -c '%u:%g %a' "$2")"
}
echo "GIC-BOOT-OK"
owner INIT /init
owner BUSYBOX /bin/busybox
owner BIN /bin
owner ETC /etc
owner MOTD /etc/motd
echo "MOTD-TEXT: $($bb cat /etc/motd)"
describe CONSOLE /dev/console
describe TTYS1 /dev/ttyS1
$bb poweroff -f
echo "init: poweroff failed"
EOF

# shellcheck disable=SC2016 # expanded by that shell, from its arguments
as_nobody sh -c '
	set -e
	cd "$1"
	mkdir bin etc
	cp /bin/busybox bin/busybox
	cp "$2" init
	chmod 0755 bin etc bin/busybox init
	printf "from the directory\n" >etc/motd
	chmod 0644 etc/motd
' _ "$T/root" "$T/init"
ok $? "nobody makes the root tree"

printf 'from the overlay\n' >"$T/motd"
cat >"$T/overlay.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/ttyS1 0640 0 5 c 4 65
file /etc/motd $T/motd 0640 1000 1001
dir /etc 0750 0 0
EOF

as_nobody "$T/gen_init_cpio" -t 0 -u -1 -g -1 -o "$T/out/initrd.cpio" \
	"$T/root" "$T/overlay.list" 2>"$T/gen.err"
ok $? "nobody builds the image: tree, then the list"
is "$(cat "$T/gen.err")" "" "no diagnostics while building"
[ -s "$T/out/initrd.cpio" ] || done_testing

# field LOG LABEL: what follows "LABEL: " on the console, CRs removed.
field() {
	tr -d '\r' <"$1" | grep -a -o "$2: .*" | head -n 1 | sed "s/^$2: //"
}

log=$T/boot.log
failed=$_tap_failed
boot_initrd "$T/out/initrd.cpio" "$log"
is "$?" 0 "QEMU exited by itself, no timeout"
tr -d '\r' <"$log" | grep -q 'Initramfs unpacking failed'
ok $((!$?)) "the kernel unpacked the image without complaint"
tr -d '\r' <"$log" | grep -q '^GIC-BOOT-OK$'
ok $? "/init ran (nobody's busybox and script, as root's)"
is "$(field "$log" INIT)" "0:0 755" "/init: nobody's file is root's, 0755"
is "$(field "$log" BUSYBOX)" "0:0 755" "/bin/busybox: root's, 0755"
is "$(field "$log" BIN)" "0:0 755" "/bin: nobody's directory is root's"
is "$(field "$log" ETC)" "0:0 750" "/etc: the list's mode over the tree's"
is "$(field "$log" MOTD)" "1000:1001 640" \
	"/etc/motd: the list's owner and mode over the tree's"
is "$(field "$log" MOTD-TEXT)" "from the overlay" \
	"/etc/motd: the list's content over the tree's"
is "$(field "$log" CONSOLE)" "char 5:1 0:0 600" \
	"/dev/console: c 5:1, 0:0, 0600"
is "$(field "$log" TTYS1)" "char 4:65 0:5 640" \
	"/dev/ttyS1: c 4:65, 0:5, 0640 (not in the built-in initramfs)"
[ "$_tap_failed" -eq "$failed" ] || boot_diag "$log"

done_testing
