#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot images of several members: `segment` lines, --early sources and
# --microcode.  A boot image is a sequence of complete archives, each
# with its own trailer, plain or compressed, each starting at a multiple
# of 4 bytes, zero bytes between them skipped: that is how the kernel
# unpacks it.  The images here are split the same way, by walking the
# plain newc members with tests/newc.sh and cutting the xz streams at
# their end, and each member is checked: kind, place, entries, inode
# numbers from 721 again, its own trailer.
#
# Early microcode is checked as the kernel's x86 early loader sees it,
# before anything is decompressed: tests/find_early_cpio.c scans the
# uncompressed start of the image for the loader's exact names.  Last,
# an image with (fake) early microcode and a gzip main member boots.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/newc.sh"
source "$SRCTREE/tests/qemu.sh"

need xz gzip cc cpio cmp od stat timeout qemu-system-x86_64
boot_kernel > /dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
static_elf /bin/busybox || skip_all "/bin/busybox is not statically linked"

cc -O2 -Wall -o "$T/find_early_cpio" "$SRCTREE/tests/find_early_cpio.c"
ok $? "compile tests/find_early_cpio.c"
FIND=$T/find_early_cpio
INTEL=kernel/x86/microcode/GenuineIntel.bin
AMD=kernel/x86/microcode/AuthenticAMD.bin

cd "$T" || exit 1

# hexbytes FILE OFFSET COUNT: the bytes as lowercase hex, no spaces.
hexbytes() {
	od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# first_nonzero FILE OFFSET: how many zero bytes FILE has from OFFSET on
# before another byte; nothing if only zeros follow.
first_nonzero() {
	tail -c +$(($2 + 1)) "$1" | od -An -v -tx1 | tr -s ' \n' '\n\n' |
		grep -v '^$' | grep -n -m 1 -v '^00$' |
		awk -F: '{ print $1 - 1 }'
}

# xz_end FILE: the length of the xz stream that starts FILE: the first
# multiple of 4 just after a stream footer's magic "YZ" such that the
# bytes before are exactly one stream that xz accepts.
xz_end() {
	local c

	for c in $(grep -obUa YZ "$1" | cut -d: -f1); do
		c=$((c + 2))
		((c % 4 == 0 && c >= 24)) || continue
		head -c "$c" "$1" | xz -t 2> /dev/null || continue
		echo "$c"
		return
	done
}

# gzip_end FILE: where what follows the gzip stream that starts FILE
# begins: the first newc magic at a multiple of 4, or the end of FILE,
# with one gzip stream before it and nothing else but zeros.  (A gzip
# stream has no end marker to search for; gzip -t accepts zeros after
# it, and not anything else.)
gzip_end() {
	local c

	for c in $({ grep -obUa 070701 "$1" | cut -d: -f1;
		     stat -c %s "$1"; } | sort -n); do
		((c % 4 == 0)) || continue
		head -c "$c" "$1" | gzip -t 2> /dev/null || continue
		echo "$c"
		return
	done
}

# gzip_len FILE END: the gzip stream's own length: the fewest of the END
# first bytes that gzip accepts (zeros after it are accepted too).
gzip_len() {
	local l

	for ((l = $2 > 8 ? $2 - 8 : 0; l <= $2; l++)); do
		head -c "$l" "$1" | gzip -t 2> /dev/null && break
	done
	echo "$l"
}

# walk IMAGE DIR: split IMAGE into its members as the kernel reads it.
# Each member's archive (decompressed) goes to DIR/N.cpio; one line per
# member, "N KIND START END": KIND newc, xz or gzip, START its offset,
# END the offset after it (the newc trailer padded to 4, the xz stream's
# end, or for gzip where the next member starts).  A member at an offset that is not a multiple of 4, anything that
# is neither zeros nor a member, or a newc member without a trailer ends
# the walk with "N junk START" and status 1.
walk() {
	local img=$1 dir=$2 pos=0 n=0 skip len kind

	rm -rf "$dir"
	mkdir "$dir"
	while :; do
		skip=$(first_nonzero "$img" "$pos")
		[ -n "$skip" ] || return 0
		pos=$((pos + skip))
		n=$((n + 1))
		tail -c +$((pos + 1)) "$img" > "$dir/$n.tail"
		len=
		if ((pos % 4)); then
			:
		elif [ "$(hexbytes "$img" "$pos" 6)" = 303730373031 ]; then
			len=$(newc_entries "$dir/$n.tail" |
			      awk '$13 == "TRAILER!!!" { print $1 + 124 }')
			[ -n "$len" ] && head -c "$len" "$dir/$n.tail" > "$dir/$n.cpio"
			kind=newc
		elif [ "$(hexbytes "$img" "$pos" 6)" = fd377a585a00 ]; then
			len=$(xz_end "$dir/$n.tail")
			[ -n "$len" ] && head -c "$len" "$dir/$n.tail" |
				xz -dc > "$dir/$n.cpio"
			kind=xz
		elif [ "$(hexbytes "$img" "$pos" 2)" = 1f8b ]; then
			len=$(gzip_end "$dir/$n.tail")
			[ -n "$len" ] && head -c "$len" "$dir/$n.tail" |
				gzip -dc > "$dir/$n.cpio"
			kind=gzip
		fi
		if [ -z "$len" ]; then
			echo "$n junk $pos"
			return 1
		fi
		echo "$n $kind $pos $((pos + len))"
		pos=$((pos + len))
	done
}

# kinds WALK: the members' kinds, space-separated.
kinds() {
	awk '{ printf "%s%s", sep, $2; sep = " " } END { print "" }' "$1"
}

# entries DIR N: "ino name" of each entry of member N, trailer included.
entries() {
	newc_entries "$1/$2.cpio" | awk '{ print $2, $13 }'
}

# field WALK N COLUMN: a column of member N's line.
field() {
	awk -v n="$2" -v c="$3" '$1 == n { print $c }' "$1"
}

# gen ARGS...: the tool; stderr to $T/err.
gen() {
	timeout 120 "$GEN" "$@" 2> "$T/err"
}

printf 'one\n' > f1
seq 1 3000 > f2
printf 'three!\n' > f3

# --- segment ------------------------------------------------------------

cat > seg.list <<EOF
dir /a 0755 0 0
file /a/f1 f1 0644 0 0
segment xz
dir /b 0755 0 0
file /b/f2 f2 0644 0 0
slink /b/l f2 0777 0 0
segment none
dir /c 0755 0 0
file /c/f3 f3 0600 0 0 /c/f3link
EOF
gen -t 0 -o seg.img seg.list
ok $? "segments: build"
is "$(cat err)" "" "segments: no diagnostics"
walk seg.img seg > seg.walk
ok $? "segments: the image is members and zeros only"
is "$(kinds seg.walk)" "newc xz newc" "segments: plain, xz, plain"
is "$(entries seg 1)" "721 a
722 a/f1
0 TRAILER!!!" "segments: member 1 has the entries before 'segment xz'"
is "$(entries seg 2)" "721 b
722 b/f2
723 b/l
0 TRAILER!!!" "segments: member 2 starts again at inode 721"
is "$(entries seg 3)" "721 c
722 c/f3
722 c/f3link
0 TRAILER!!!" "segments: member 3 starts again at inode 721"
# The first member is a whole archive: its trailer padded to 512.
end1=$(field seg.walk 1 4)
is "$(field seg.walk 2 3)" $(((end1 + 511) / 512 * 512)) \
	"segments: member 2 starts where member 1's padding to 512 ends"
is "$(field seg.walk 3 3)" "$(field seg.walk 2 4)" \
	"segments: member 3 starts right after the xz stream (a multiple of 4)"
is "$(hexbytes seg.img "$(field seg.walk 2 3)" 8)" fd377a585a000001 \
	"segments: the xz member has CRC32 checks, which the kernel reads"
size2=$(stat -c %s seg/2.cpio)
is $((size2 % 512)) 0 "segments: the xz member's archive is padded to 512"
end3=$(field seg.walk 3 4)
rest=$(($(stat -c %s seg.img) - end3))
is "$(first_nonzero seg.img "$end3")" "" \
	"segments: only zeros after the last trailer"
ok $((rest >= 512)) "segments: less than 512 bytes of them ($rest)"
is "$(cpio -i --quiet --to-stdout a/f1 < seg/1.cpio)" "one" \
	"segments: member 1's file data"
cpio -i --quiet --to-stdout b/f2 < seg/2.cpio | cmp -s - f2
ok $? "segments: member 2's file data"
is "$(cpio -i --quiet --to-stdout c/f3link < seg/3.cpio)" "three!" \
	"segments: member 3's file data (on the last of its names)"

# After a compressed member of any length, the next one starts at a
# multiple of 4.  gzip's streams have all lengths: try a few.
padded=0
for k in 1 2 3 4 5 6 7 8; do
	head -c $((k * 7)) /dev/zero | tr '\0' x > fk
	printf '%s\n' "dir /a 0755 0 0" "segment gzip" "file /fk fk 0644 0 0" \
		"segment none" "dir /c 0755 0 0" > gz.list
	gen -t 0 gz.list > gz-$k.img
	walk gz-$k.img gz-$k > gz-$k.walk
	is "$(kinds gz-$k.walk)" "newc gzip newc" \
		"plain member after gzip ($k): plain, gzip, plain, 4-aligned"
	is "$(entries gz-$k 3)" "721 c
0 TRAILER!!!" "plain member after gzip ($k): from inode 721"
	start=$(field gz-$k.walk 2 3)
	next=$(field gz-$k.walk 3 3)
	if [ -z "$start" ] || [ -z "$next" ]; then
		continue
	fi
	glen=$(gzip_len "gz-$k/2.tail" $((next - start)))
	ok $((next - start - glen >= 4)) \
		"plain member after gzip ($k): $((next - start - glen)) bytes of padding"
	((glen % 4)) && padded=$((padded + 1))
done
ok $((padded == 0)) "some of these gzip streams needed padding ($padded)"

# A bare `segment` takes the -z method; without -z, none.
cat > bare.list <<EOF
dir /a 0755 0 0
segment
dir /b 0755 0 0
EOF
gen -t 0 -z xz bare.list > bare-xz.img
ok $? "bare segment, -z xz: build"
walk bare-xz.img bare-xz > bare-xz.walk
is "$(kinds bare-xz.walk)" "xz xz" "bare segment, -z xz: two xz members"
is "$(entries bare-xz 2)" "721 b
0 TRAILER!!!" "bare segment, -z xz: member 2 from inode 721"
gen -t 0 -o bare.cpio.xz bare.list
walk bare.cpio.xz bare-sfx > bare-sfx.walk
is "$(kinds bare-sfx.walk)" "xz xz" "bare segment, -o *.xz: two xz members"
gen -t 0 bare.list > bare.img
ok $? "bare segment, no -z: build"
walk bare.img bare > bare.walk
is "$(kinds bare.walk)" "newc newc" "bare segment, no -z: two plain members"
is "$(entries bare 2)" "721 b
0 TRAILER!!!" "bare segment, no -z: member 2 from inode 721"

# bad_list WHAT LIST MESSAGE ARGS...: status 1, MESSAGE on stderr, and no
# output file.
bad_list() {
	local what=$1 list=$2 want=$3 rc

	shift 3
	rm -f bad.out
	gen -t 0 "$@" -o bad.out "$list"
	rc=$?
	is "$rc" 1 "$what: exit status 1"
	grep -q -F -e "$want" err
	rc=$?
	ok $rc "$what: says '$want'"
	[ $rc -eq 0 ] || diag "$(cat err)"
	[ ! -e bad.out ]
	ok $? "$what: no output"
}

printf 'dir /a 0755 0 0\n\nsegment xz 9\ndir /b 0755 0 0\n' > seg-extra.list
bad_list "segment with two fields" seg-extra.list "seg-extra.list:3: error: "
grep -q segment err
ok $? "segment with two fields: the error is about 'segment'"
printf 'dir /a 0755 0 0\nsegment lzx\n' > seg-bad.list
bad_list "segment with an unknown method" seg-bad.list \
	"seg-bad.list:2: error: compression 'lzx'"
printf 'dir /a 0755 0 0\nsegment gzip:0\n' > seg-level.list
bad_list "segment with a bad level" seg-level.list \
	"seg-level.list:2: error: compression 'gzip:0'"

# --- --early ---------------------------------------------------------------

printf 'dir /e1 0755 0 0\nfile /e1/f1 f1 0644 0 0\n' > e1.list
printf 'dir /e2 0755 0 0\n' > e2.list
printf 'dir /m 0755 0 0\nfile /m/f3 f3 0644 0 0\n' > main.list
gen -t 0 -z xz main.list --early e1.list --early e2.list > early.img
ok $? "--early: build"
walk early.img early > early.walk
is "$(kinds early.walk)" "newc newc xz" \
	"--early: two plain members, then the compressed main one"
is "$(entries early 1)" "721 e1
722 e1/f1
0 TRAILER!!!" "--early: the first --early source first, from inode 721"
is "$(entries early 2)" "721 e2
0 TRAILER!!!" "--early: the second one next, from inode 721"
is "$(entries early 3)" "721 m
722 m/f3
0 TRAILER!!!" "--early: the main source last, from inode 721"

# An --early source is one plain member: a `segment` in it is an error.
printf 'dir /e 0755 0 0\nsegment\ndir /e2 0755 0 0\n' > early-seg.list
bad_list "segment in an --early source" main.list \
	"early-seg.list:2: error: 'segment'" --early early-seg.list

# --- early microcode ----------------------------------------------------------

# A fake firmware tree: random bytes, sizes that need padding.
mkdir -p fw/intel-ucode fw/amd-ucode
head -c 3001 /dev/urandom > fw/intel-ucode/06-8f-08
head -c 1000 /dev/urandom > fw/intel-ucode/06-55-04
head -c 555 /dev/urandom > fw/amd-ucode/microcode_amd_fam17h.bin
head -c 77 /dev/urandom > fw/amd-ucode/microcode_amd.bin
echo "not microcode" > fw/amd-ucode/README
# What the blobs must hold: the files concatenated in name order.
cat fw/intel-ucode/06-55-04 fw/intel-ucode/06-8f-08 > want-intel
cat fw/amd-ucode/microcode_amd.bin fw/amd-ucode/microcode_amd_fam17h.bin \
	> want-amd

# blob IMAGE NAME OUT: the loader's view of NAME, into OUT; prints where.
blob() {
	local at

	at=$("$FIND" "$1" "$2") || return 1
	# shellcheck disable=SC2086 # "<offset> <size>": two words
	set -- "$1" "$2" "$3" $at
	tail -c +$(($4 + 1)) "$1" | head -c "$5" > "$3"
	echo "$4"
}

gen -t 0 --microcode fw -z xz main.list > mc.img
ok $? "--microcode: build"
is "$(cat err)" "" "--microcode: no diagnostics"
walk mc.img mc > mc.walk
is "$(kinds mc.walk)" "newc xz" "--microcode: a plain member before the main one"
is "$(entries mc 1 | head -n 3)" "721 kernel
722 kernel/x86
723 kernel/x86/microcode" "--microcode: the directories first"
is "$(entries mc 1 | tail -n +4 | awk '{ print $2 }' | sort)" \
	"TRAILER!!!
$AMD
$INTEL" "--microcode: then the two blobs"
at=$(blob mc.img "$INTEL" got-intel)
ok $? "--microcode: the early loader finds $INTEL"
cmp -s got-intel want-intel
ok $? "--microcode: it is intel-ucode/* concatenated in name order"
ok $((${at:-1} % 16)) "--microcode: its data is 16-byte aligned (offset $at)"
blob mc.img "$AMD" got-amd > /dev/null
ok $? "--microcode: the early loader finds $AMD"
cmp -s got-amd want-amd
ok $? "--microcode: it is amd-ucode/*.bin concatenated in name order"

# The microcode member comes first, even before --early sources.
gen -t 0 -z xz --early e1.list main.list --microcode fw > mc-early.img
ok $? "--microcode and --early: build"
walk mc-early.img mc-early > mc-early.walk
is "$(kinds mc-early.walk)" "newc newc xz" \
	"--microcode and --early: two plain members, then the main one"
is "$(entries mc-early 1 | head -n 1)" "721 kernel" \
	"--microcode and --early: the microcode member first"
is "$(entries mc-early 2)" "721 e1
722 e1/f1
0 TRAILER!!!" "--microcode and --early: the --early source next"
blob mc-early.img "$INTEL" got-intel > /dev/null
ok $? "--microcode and --early: the early loader finds $INTEL"

# Whatever precedes the Intel blob, its data is aligned.
rm fw/amd-ucode/README
for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
	head -c "$n" /dev/urandom > fw/amd-ucode/microcode_amd.bin
	gen -t 0 --microcode fw main.list > mc-$n.img
	at=$(blob mc-$n.img "$INTEL" got-intel)
	ok $((${at:-1} % 16)) "--microcode, a $n-byte AMD file: Intel data at $at"
	cmp -s got-intel want-intel
	ok $? "--microcode, a $n-byte AMD file: Intel data intact"
done
rm fw/amd-ucode/microcode_amd.bin
echo "not microcode" > fw/amd-ucode/README

# The finder sees what the early loader would, and no more.
gen -t 0 main.list > plain-main.img
gzip -n -c mc/1.cpio > gz-mc.img
"$FIND" gz-mc.img "$INTEL" > /dev/null
is $? 1 "finder: microcode in a gzip member is not found"
cat seg.img mc/1.cpio > after-xz.img
"$FIND" after-xz.img "$INTEL" > /dev/null
is $? 1 "finder: microcode after an xz member is not found"
cat plain-main.img mc/1.cpio > after-plain.img
"$FIND" after-plain.img "$INTEL" > /dev/null
is $? 0 "finder: microcode after a plain member is found"
"$FIND" mc.img "${INTEL%.bin}" > /dev/null
is $? 1 "finder: a prefix of the name is not the name"

# Microcode from a spec list, in a plain --early member after another
# plain one: the loader walks across the first trailer.
cat > ucode.list <<EOF
dir /kernel 0755 0 0
dir /kernel/x86 0755 0 0
dir /kernel/x86/microcode 0755 0 0
file /$INTEL want-intel 0644 0 0
EOF
gen -t 0 -z gzip --early e1.list --early ucode.list main.list > list-mc.img
ok $? "microcode from a list in an --early member: build"
blob list-mc.img "$INTEL" got-intel > /dev/null
ok $? "microcode from a list in an --early member: found"
cmp -s got-intel want-intel
ok $? "microcode from a list in an --early member: intact"

# Microcode the early loader would never see is an error.
bad_list "microcode in a compressed member" ucode.list \
	"ucode.list:4: error: early microcode '$INTEL' is in a gzip-compressed member" \
	-z gzip
rm -f bad.out.xz
gen -t 0 -o bad.out.xz ucode.list
is "$?" 1 "microcode in a member compressed by the output's name: exit status 1"
grep -q -F "ucode.list:4: error: early microcode '$INTEL' is in a xz-compressed member" err
ok $? "microcode in a member compressed by the output's name: says so"
[ ! -e bad.out.xz ]
ok $? "microcode in a member compressed by the output's name: no output"
{ printf 'segment gzip\ndir /x 0755 0 0\nsegment none\n'; cat ucode.list; } \
	> late.list
bad_list "microcode after a compressed member" late.list \
	"late.list:7: error: early microcode '$INTEL' comes after a compressed member"
sed "s,^file /kernel,file ./kernel," ucode.list > dot.list
bad_list "microcode named ./kernel/..." dot.list \
	"dot.list:4: error: early microcode './$INTEL' must be named '$INTEL'"
sed "s,^file /kernel/x86/,file /kernel//x86/," ucode.list > slash.list
bad_list "microcode named kernel//x86/..." slash.list \
	"slash.list:4: error: early microcode"
sed "s,GenuineIntel.bin,GenuineIntel," ucode.list > unknown.list
bad_list "an unknown file in $(dirname "$INTEL")" unknown.list \
	"unknown.list:4: error: 'kernel/x86/microcode/GenuineIntel': the early loader reads only"
mkdir -p nofw/other
bad_list "--microcode on a tree without microcode" main.list \
	"nofw: error: no microcode" --microcode nofw
mkdir -p notbin/amd-ucode
echo "not microcode" > notbin/amd-ucode/README
bad_list "--microcode on amd-ucode/ without .bin files" main.list \
	"notbin: error: no microcode" --microcode notbin

failed=$_tap_failed

# --- boot ----------------------------------------------------------------------

# The early member first, then specs/busybox.list gzip-compressed.  The
# kernel unpacks both into its rootfs; where it has the early loader
# (CONFIG_MICROCODE), that loader first reads the fake blobs, which it
# must reject without harm.
(cd "$SRCTREE" && timeout 120 "$GEN" -t 0 --microcode "$T/fw" -z gzip \
	-o "$T/boot.img" specs/busybox.list) 2> err
ok $? "boot image: --microcode + specs/busybox.list, -z gzip"
"$FIND" boot.img "$INTEL" > /dev/null
ok $? "boot image: the early loader's view holds the Intel blob"
boot_initrd boot.img boot.log
is "$?" 0 "boot: QEMU exited by itself, no timeout"
tr -d '\r' < boot.log | grep -q 'Initramfs unpacking failed'
ok $((!$?)) "boot: the kernel unpacked both members without complaint"
tr -d '\r' < boot.log | grep -q '^GIC-BOOT-OK$'
ok $? "boot: /init ran and printed its marker"
[ "$_tap_failed" -eq "$failed" ] || boot_diag boot.log

done_testing
