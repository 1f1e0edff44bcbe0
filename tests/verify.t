#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/verify.t: --verify, and every reading mode on untrusted input.
#
# Part 1: each warning and error of contract v4, provoked by a small
# archive written by hand (tests/readback/cpio.sh), checked by its message
# and location, the summary line and the exit status: 0 with warnings
# only, 1 with errors, 1 with warnings under --werror.
#
# Part 2: broken images -- cut at every offset, random bytes, mutated
# headers, impossible sizes, compressed members that fail or decompress
# to junk.  Whatever comes, the program ends with status 0 or 1 (never a
# signal, never a sanitizer report), an error names an offset, and memory
# stays bounded when a size field says 4 GiB.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/readback/cpio.sh"

need od xxd awk stat gzip zstd

# A sanitizer report must not pass for the status 1 of a clean error.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=99"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=99"

cd "$T" || exit 1

# verify IMAGE [OPTION...]: run --verify; $rc, $out (stdout), $err (stderr).
verify() {
	local img=$1

	shift
	"$GEN" --verify "$@" "$img" >"$T/v.out" 2>"$T/v.err"
	rc=$?
	out=$(cat "$T/v.out")
	err=$(cat "$T/v.err")
}

# expect DESC STATUS TEXT...: the last verify ended with STATUS and its
# stderr has every TEXT (fixed strings) on one line.
expect() {
	local desc=$1 want=$2 good=0 t line

	shift 2
	[ "$rc" -eq "$want" ] || good=1
	line=$err
	for t in "$@"; do
		line=$(printf '%s\n' "$line" | grep -F -- "$t")
	done
	[ -n "$line" ] || good=1
	ok "$good" "$desc"
	[ "$good" -eq 0 ] || diag "exit status $rc (want $want); stderr:" "$err" \
		"wanted a line with: $*"
}

# summary DESC WANT: the stdout line of the last verify; "1 member",
# "1 error" and "1 warning" may be singular.
summary() {
	local got

	got=$(printf '%s\n' "$out" |
	      sed -E 's/ (member|entrie|error|warning)s?([,)])/ \1s\2/g')
	is "$got" "$2" "$1"
}

# --- a clean image ----------------------------------------------------------

mkdir src
printf 'hello\n' >src/hello
cat >good.list <<'EOF'
dir /bin 0755 0 0
file /bin/hello src/hello 0644 0 0 /bin/hi
slink /bin/sh hello 0777 0 0
nod /console 0600 0 0 c 5 1
pipe /fifo 0600 0 0
EOF
"$GEN" -t 0 -o good.img good.list
verify good.img
ok "$rc" "good: exit 0"
is "$err" "" "good: nothing on stderr"
summary "good: the summary" "good.img: 1 members, 6 entries: ok (0 errors, 0 warnings)"
verify good.img --werror
ok "$rc" "good: --werror, exit 0"
"$GEN" -t 0 -c -z gzip -o goodc.img good.list
verify goodc.img
ok "$rc" "good crc gzip: exit 0"
summary "good crc gzip: the summary" "goodc.img: 1 members, 6 entries: ok (0 errors, 0 warnings)"

# --- warnings -----------------------------------------------------------------

# warns DESC IMAGE TEXT...: exit 0, the warning, the summary FAILED-free;
# then with --werror: exit 1, the same text as an error.
warns() {
	local desc=$1 img=$2

	shift 2
	local -a texts=("$@")

	verify "$img"
	expect "$desc: a warning, exit 0" 0 ": warning: " "$@"
	[[ $out == *": ok (0 errors"* ]]
	ok $? "$desc: the summary says ok, 0 errors"
	verify "$img" --werror
	expect "$desc: --werror: an error, exit 1" 1 ": error: " \
		"${texts[@]//warning: /error: }"
	[[ $out == *": FAILED ("* ]]
	ok $? "$desc: --werror: the summary says FAILED"
}

# Offsets below: a header is 110 bytes, a name "x\0" 2: entry 112 bytes;
# "d/x\0" 4: 114 -> 116; data padded to 4 after the name.

# Mode 0000644: no file type at all.  @0.
cpio_begin w-type.img
cpio_ent 0000644 x
cpio_trailer
warns "unknown file type" w-type.img "w-type.img: member 1: offset 0: warning: 'x': " \
	"unknown file type"

# A directory with 4 bytes of data: @0, "d\0" -> 112, data "abcd".
cpio_begin w-dirdata.img
cpio_ent 0040755 d abcd
cpio_trailer
warns "data on a directory" w-dirdata.img "offset 0: warning: 'd': " "the kernel skips it"

cpio_begin w-fifodata.img
cpio_ent 0010644 p abcd
cpio_trailer
warns "data on a FIFO" w-fifodata.img "offset 0: warning: 'p': " "the kernel skips it"

# Symlinks: an empty target, and one of 4097 bytes (the kernel's limit is
# 4096 with the NUL).
cpio_begin w-slink0.img
cpio_ent 0120777 l
cpio_trailer
warns "empty symlink target" w-slink0.img "offset 0: warning: 'l': " "symlink target"

cpio_begin w-slinklong.img
cpio_ent 0120777 l "$(printf 'a%.0s' $(seq 4097))"
cpio_trailer
warns "symlink target of 4097 bytes" w-slinklong.img "offset 0: warning: 'l': " \
	"symlink target"

# Device numbers: the kernel's dev_t has 12 bits of major, 20 of minor.
cpio_begin w-dev.img
rmaj=4096 rmin=1 cpio_ent 0020600 c
rmaj=1 rmin=1048576 cpio_ent 0060600 b
cpio_trailer
warns "major beyond 12 bits" w-dev.img "offset 0: warning: 'c': " "12:20"
warns "minor beyond 20 bits" w-dev.img "offset 112: warning: 'b': " "12:20"

# A parent never defined: 'a/b' @0.
cpio_begin w-parent.img
cpio_ent 0100644 a/b
cpio_trailer
warns "parent not defined" w-parent.img \
	"w-parent.img: member 1: offset 0: warning: 'a/b': parent directory 'a' is not defined earlier"

# A parent that is a file: 'f' @0 (112), 'f/x' @112.
cpio_begin w-parentfile.img
cpio_ent 0100644 f
cpio_ent 0100644 f/x
cpio_trailer
warns "parent is a file" w-parentfile.img "offset 112: warning: 'f/x': " "not a directory"

# A name with "..": 'd' @0, 'd/../x' @112.
cpio_begin w-dotdot.img
cpio_ent 0040755 d
cpio_ent 0100644 d/../x
cpio_trailer
warns "'..' in a name" w-dotdot.img "offset 112: warning: 'd/../x': " "'..'"
# 'd/..' is the root, which exists: no word about a missing parent.
verify w-dotdot.img
if grep -q "parent" "$T/v.err"; then
	ok 1 "'..' in a name: no parent warning ('d' is defined, 'd/..' is the root)"
	diag "$(grep parent "$T/v.err")"
else
	ok 0 "'..' in a name: no parent warning ('d' is defined, 'd/..' is the root)"
fi

# An empty name: namesize 1, only the NUL.  @0: 111 -> 112.
cpio_begin w-empty.img
cpio_ent 0100644 ''
cpio_trailer
warns "an empty name" w-empty.img "offset 0: warning: '': " "empty name"

# The same name twice in one member ('x' @0 and @112), and in a second
# member (the first padded to 512: 112 + trailer 124 = 236 -> 512).
cpio_begin w-again.img
cpio_ent 0100644 x
cpio_ent 0100600 x
cpio_trailer
warns "defined again" w-again.img "offset 112: warning: 'x': " "defined again: replaces"

cpio_begin w-later.img
cpio_ent 0100644 x
cpio_trailer
cpio_end
cpio_ent 0100644 x
cpio_trailer
cpio_end
warns "a later member" w-later.img "w-later.img: member 2: offset 512: warning: 'x': " \
	"a later member replaces"

# Redefinitions with another type, each a whole warning (fixed text):
# 'd' @0 a directory, then @112 a symlink to /etc (target 4 bytes).
cpio_begin w-dirlink.img
cpio_ent 0047777 d
cpio_ent 0120777 d /etc
cpio_trailer
warns "a directory redefined as a symlink" w-dirlink.img \
	"w-dirlink.img: member 1: offset 112: warning: 'd': defined again as a symlink: replaces the directory of member 1 at offset 0; the kernel follows it for any later name below it"

# 'f' @0 a regular file, @112 a FIFO: another type, not the same warning.
cpio_begin w-retype.img
cpio_ent 0100644 f
cpio_ent 0010644 f
cpio_trailer
warns "a file redefined as a FIFO" w-retype.img \
	"w-retype.img: member 1: offset 112: warning: 'f': defined again as a FIFO: replaces the regular file of member 1 at offset 0"

# A later member, another type: 'x' @512 of member 2 a symlink.
cpio_begin w-laterlink.img
cpio_ent 0040755 x
cpio_trailer
cpio_end
cpio_ent 0120777 x y
cpio_trailer
warns "a later member's symlink for a directory" w-laterlink.img \
	"w-laterlink.img: member 2: offset 512: warning: 'x': a later member replaces the directory of member 1 at offset 0 with a symlink; the kernel follows it for any later name below it"

# A hard-link group broken by a redefinition: 'f' @0 (ino 9, nlink 2),
# 'f' @112 a block device 7:0, 'g' @224 (ino 9) with data: the kernel
# links g to the device and writes its data there.
cpio_begin w-linkdev.img
ino=9 nlink=2 cpio_ent 0100644 f
rmaj=7 rmin=0 cpio_ent 0060600 f
ino=9 nlink=2 cpio_ent 0100644 g data
cpio_trailer
warns "a hard link whose first name became a device" w-linkdev.img \
	"w-linkdev.img: member 1: offset 224: warning: 'g': a hard link of 'f' at offset 0, which the entry at offset 112 defined again as a block device: the kernel links this name to that, extraction makes it a file of its own"
verify w-linkdev.img
is "$(grep -c ': warning: ' "$T/v.err")" 2 "broken hard link: two warnings (the redefinition, the link)"

# A non-empty directory replaced by a file: 'd' @0, 'd/x' @112 (116),
# 'd' again @228.
cpio_begin w-nonempty.img
cpio_ent 0040755 d
cpio_ent 0100644 d/x
cpio_ent 0100644 d
cpio_trailer
warns "replacing a non-empty directory" w-nonempty.img "offset 228: warning: 'd': " \
	"directory"

# Hard links: two names of inode 800 (nlink 2), the second with another
# mode; then with another owner; then with another c_nlink.  'a' @0,
# 'b' @112.
cpio_begin w-linkmode.img
ino=800 nlink=2 cpio_ent 0100644 a
ino=800 nlink=2 cpio_ent 0100600 b xy
cpio_trailer
warns "hard link with another mode" w-linkmode.img "offset 112: warning: 'b': " "mode"

cpio_begin w-linkowner.img
ino=800 nlink=2 cpio_ent 0100644 a
ino=800 nlink=2 uid=5 cpio_ent 0100644 b xy
cpio_trailer
warns "hard link with another owner" w-linkowner.img "offset 112: warning: 'b': " "owner"

cpio_begin w-linknlink.img
ino=800 nlink=2 cpio_ent 0100644 a
ino=800 nlink=3 cpio_ent 0100644 b xy
cpio_trailer
warns "hard link with another c_nlink" w-linknlink.img "offset 112: warning: 'b': " "c_nlink"

# Both names carry data: 'a' @0 ("xy" -> 116), 'b' @116.
cpio_begin w-twodata.img
ino=800 nlink=2 cpio_ent 0100644 a xy
ino=800 nlink=2 cpio_ent 0100644 b xy
cpio_trailer
warns "two names with data" w-twodata.img "offset 116: warning: 'b': "

# c_nlink 3, two names in the member.
cpio_begin w-nlink.img
ino=800 nlink=3 cpio_ent 0100644 a
ino=800 nlink=3 cpio_ent 0100644 b xy
cpio_trailer
warns "c_nlink above the names" w-nlink.img "c_nlink is 3 but member 1 has 2 names"

# No trailer: 'x' @0, then the end of the file at 112.
cpio_begin w-notrailer.img
cpio_ent 0100644 x
warns "no trailer" w-notrailer.img "member 1 ends without a TRAILER!!! entry"

# Early microcode.  The uncompressed archive: "kernel\0" (7) @0 -> 117 ->
# 120; "kernel/x86\0" (11) @120 -> 241 -> 244; "kernel/x86/microcode\0"
# (21) @244 -> 375 -> 376; ".../GenuineIntel.bin\0" (38) @376 -> 524: the
# data at 524, which is not a multiple of 16.
ucode() {
	cpio_ent 0040755 kernel
	cpio_ent 0040755 kernel/x86
	cpio_ent 0040755 kernel/x86/microcode
	cpio_ent 0100644 kernel/x86/microcode/GenuineIntel.bin 0123456789abcdef
	cpio_trailer
	cpio_end
}
cpio_begin w-ucode.img
ucode
warns "Intel microcode not 16-aligned" w-ucode.img \
	"offset 376: warning: 'kernel/x86/microcode/GenuineIntel.bin': " "16"
cpio_begin ucode.cpio
ucode
gzip -n <ucode.cpio >w-ucodegz.img
warns "microcode in a compressed member" w-ucodegz.img \
	"'kernel/x86/microcode/GenuineIntel.bin': " "compressed member"
# A zstd member first (it ends where its frame says), then the microcode.
zstd -q -c <good.img >w-ucodebehind.img
n=$(stat -c %s w-ucodebehind.img)
head -c $(((4 - n % 4) % 4)) /dev/zero >>w-ucodebehind.img
cat ucode.cpio >>w-ucodebehind.img
warns "microcode behind compressed data" w-ucodebehind.img \
	"'kernel/x86/microcode/GenuineIntel.bin': " "behind compressed data"

# --- errors --------------------------------------------------------------------

# A crc archive with a wrong c_check.  The data "hello\n" sums to
# 104+101+108+108+111+10 = 542 = 0x21E; the header says 0x21F.  @0.
is "$(cpio_sum $'hello\n')" 542 "the sum of hello\\n is 542"
cpio_begin e-crc.img
magic=070702 chk=0x21F cpio_ent 0100644 f $'hello\n'
magic=070702 cpio_trailer
verify e-crc.img
expect "crc: a wrong checksum is an error" 1 "e-crc.img: member 1: offset 0: error: 'f': " \
	"data checksum 0000021E, the header says 0000021F"
[[ $out == *"FAILED (1 error"* ]]
ok $? "crc: the summary says FAILED (1 error)"
cpio_begin e-crcok.img
magic=070702 chk=542 cpio_ent 0100644 f $'hello\n'
magic=070702 cpio_trailer
verify e-crcok.img
ok "$rc" "crc: the right checksum passes"

# Errors and warnings together: exit 1, both counted.
cpio_begin e-both.img
cpio_ent 0100644 a/b
magic=070702 chk=1 cpio_ent 0100644 f $'hello\n'
verify e-both.img
expect "errors and warnings: exit 1" 1 "error: 'f': " "data checksum"
summary "errors and warnings: the summary" \
	"e-both.img: 1 members, 2 entries: FAILED (1 errors, 2 warnings)"

# --- structural errors, one by one -------------------------------------------

# fails DESC IMAGE TEXT...: --verify, --list, --examine, --extract all end
# with status 1 and the located error; --extract writes nothing.
fails() {
	local desc=$1 img=$2 mode

	shift 2
	verify "$img"
	expect "$desc: --verify" 1 ": error: " "$@"
	for mode in --list --examine; do
		"$GEN" "$mode" "$img" >/dev/null 2>"$T/v.err"
		rc=$?
		err=$(cat "$T/v.err")
		expect "$desc: $mode" 1 ": error: " "$@"
	done
	rm -rf "$T/xd"
	mkdir "$T/xd"
	"$GEN" --extract "$T/xd" "$img" >/dev/null 2>"$T/v.err"
	rc=$?
	err=$(cat "$T/v.err")
	expect "$desc: --extract" 1 ": error: " "$@"
	is "$(ls -A "$T/xd")" "" "$desc: --extract wrote nothing"
}

# A valid first entry 'd' @0 (112 bytes), then the broken one @112.
broken() {
	cpio_begin "$1"
	cpio_ent 0040755 d
}

broken e-nsize0.img
nsize=0 cpio_ent 0100644 d/x
fails "namesize 0" e-nsize0.img "e-nsize0.img: member 1: offset 112: error: " \
	"name size 0 is not within 1..4096"

broken e-nsizemax.img
nsize=0xFFFFFFFF cpio_ent 0100644 d/x
fails "namesize 0xFFFFFFFF" e-nsizemax.img "offset 112: error: " \
	"name size 4294967295 is not within 1..4096"

gzip -n <e-nsizemax.img >e-nsizemaxgz.img
fails "namesize 0xFFFFFFFF in a gzip member" e-nsizemaxgz.img \
	"e-nsizemaxgz.img: member 1 (gzip data from offset 0): offset 112: error: " \
	"name size 4294967295 is not within 1..4096"

broken e-nsize4097.img
nsize=4097 cpio_ent 0100644 d/x
fails "namesize 4097" e-nsize4097.img "offset 112: error: " \
	"name size 4097 is not within 1..4096"

# namesize 3 for "d/x": the third byte is "x", not a NUL.
broken e-nonul.img
nsize=3 cpio_ent 0100644 d/x
fails "name without its NUL" e-nonul.img "offset 112: error: " \
	"the name is not NUL-terminated"

# The header complete, the name cut: 112 + 110 + 2 of "d/x\0".
broken e-namecut.img
cpio_ent 0100644 d/x
head -c $((112 + 112)) e-namecut.img >e-namecut2.img
fails "name cut off" e-namecut2.img "offset 112: error: " "truncated: the name is cut off"

# 50 of the 110 bytes of the second header.
head -c $((112 + 50)) e-namecut.img >e-hdrcut.img
fails "header cut off" e-hdrcut.img "offset 112: error: " \
	"truncated: a header needs 110 bytes, 50 left"

# A file that says 1000 bytes of which 3 are there: 'd/x' @112, data from
# 228; the file is 231 bytes long.
broken e-size.img
fsize=1000 cpio_ent 0100644 d/x abc
head -c 231 e-size.img >e-size2.img
fails "data beyond the file" e-size2.img "offset 112: error: " \
	"truncated: 1000 bytes of data run past the end (231 bytes)"

# The same with c_filesize 0xFFFFFFFF, and a symlink of that size.
broken e-sizemax.img
fsize=0xFFFFFFFF cpio_ent 0100644 d/x abc
fails "c_filesize 0xFFFFFFFF" e-sizemax.img "offset 112: error: " \
	"truncated: 4294967295 bytes of data run past the end"
broken e-slinkmax.img
fsize=0xFFFFFFFF cpio_ent 0120777 d/l abc
fails "symlink of 0xFFFFFFFF bytes" e-slinkmax.img "offset 112: error: " \
	"truncated: 4294967295 bytes of data run past the end"

# A non-hex digit in each field of the second header in turn: field i
# (0 = c_ino) has its 8 digits at 112 + 6 + 8 * i.
fields=(c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_devmajor
	c_devminor c_rdevmajor c_rdevminor c_namesize c_check)
broken e-hex.img
cpio_ent 0100644 d/x abc
cpio_trailer
for i in "${!fields[@]}"; do
	for c in g ' ' x; do
		cp e-hex.img "e-hex-$i.img"
		printf '%s' "$c" | dd of="e-hex-$i.img" bs=1 seek=$((112 + 6 + 8 * i + 5)) \
			conv=notrunc 2>/dev/null
		verify "e-hex-$i.img"
		expect "non-hex '$c' in ${fields[i]}" 1 "offset 112: error: " \
			"not a newc/crc header (bad ${fields[i]})"
	done
done
# Lowercase digits are hex digits (GNU cpio writes them): c_mode 000081a4.
cp e-hex.img e-lower.img
printf 'a4' | dd of=e-lower.img bs=1 seek=$((112 + 6 + 8 + 6)) conv=notrunc 2>/dev/null
verify e-lower.img
ok "$rc" "lowercase hex digits are read"

# A magic that is not newc or crc: "070703", and GNU's odc "070707".
for m in 070703 070707; do
	cp e-hex.img e-magic-$m.img
	printf '%s' "$m" | dd of=e-magic-$m.img bs=1 seek=112 conv=notrunc 2>/dev/null
done
fails "magic 070703" e-magic-070703.img "offset 112: error: " "bad magic"
fails "odc magic 070707" e-magic-070707.img "offset 112: error: " \
	"an old binary-portable (odc) header"

# A member at 514: good.img padded to 512 ends, 2 zeros, then a member.
{ cat good.img; printf '\0\0'; cat good.img; } >e-misaligned.img
size=$(stat -c %s good.img)
fails "member not at a multiple of 4" e-misaligned.img "offset $((size + 2)): error: " \
	"a member starts at an offset that is not a multiple of 4"

# Junk after a member: "ABCD" at the end of good.img.
{ cat good.img; printf 'ABCDEFGH'; } >e-junk.img
fails "junk after a member" e-junk.img "e-junk.img: offset $size: error: " \
	"neither a cpio member (at a multiple of 4) nor compressed data the kernel knows (bytes 41 42 43 44)"

# --- compressed members that fail ---------------------------------------------

# The gzip stream of good.img, cut in half: gzip fails.
gzip -n <good.img >gz.gz
gzlen=$(stat -c %s gz.gz)
head -c $((gzlen / 2)) gz.gz >e-gzcut.img
fails "gzip cut in half" e-gzcut.img "e-gzcut.img: offset 0: error: " \
	"'gzip' failed on the gzip data (exit status 1)"

# One byte of the deflate data changed: gzip's CRC or the inflater fails.
cp gz.gz e-gzbad.img
printf '\377\377\377\377' | dd of=e-gzbad.img bs=1 seek=20 conv=notrunc 2>/dev/null
fails "gzip data corrupt" e-gzbad.img "offset 0: error: " "'gzip' failed on the gzip data"

# Valid gzip of junk: the junk is located in the decompressed stream,
# after a member (good.img, $size bytes) and at its start, in a gzip
# stream after an uncompressed member (at $size of the image).
{ cat good.img; printf 'ABCDEFGH%.0s' $(seq 100); } | gzip -n >e-gzjunk.img
fails "gzip: junk after a member" e-gzjunk.img \
	"e-gzjunk.img: member 1 (gzip data from offset 0): offset $size: error: " \
	"junk within the gzip data"
{ cat good.img; printf 'ABCDEFGH%.0s' $(seq 100) | gzip -n; } >e-gzjunk2.img
fails "gzip: junk at the start of the stream" e-gzjunk2.img \
	"e-gzjunk2.img: member 2 (gzip data from offset $size): offset 0: error: " \
	"junk within the gzip data"

# After good.img (512 bytes), a gzip member: e-namecut.img cut 30 bytes
# into its second header, which starts at 112 of the decompressed stream.
{ cat good.img; head -c $((112 + 30)) e-namecut.img | gzip -n; } >e-gzshort.img
fails "gzip of a cut archive" e-gzshort.img \
	"e-gzshort.img: member 2 (gzip data from offset $size): offset 112: error: " \
	"truncated: a header needs 110 bytes, 30 left"

# A file whose data is cut inside a gzip member: 'd/x' says 1000 bytes, 3
# follow.  The decompressed stream has no size to compare with: the
# bytes are missing at its end, 112 + 116 + 3 = 231.
gzip -n <e-size2.img >e-gzdata.img
fails "gzip: file data missing" e-gzdata.img \
	"member 1 (gzip data from offset 0): offset 231: error: " "truncated: 997 bytes of data missing"

# zstd, then junk: zstd ends where its frame says, the junk is an error
# at the first multiple of 4 after it.
zstd -q -c <good.img >e-zstdjunk.img
n=$(stat -c %s e-zstdjunk.img)
head -c $(((4 - n % 4) % 4)) /dev/zero >>e-zstdjunk.img
zlen=$(stat -c %s e-zstdjunk.img)
printf 'JUNKJUNK' >>e-zstdjunk.img
fails "zstd then junk" e-zstdjunk.img "e-zstdjunk.img: offset $zlen: error: " \
	"neither a cpio member" "(bytes 4a 55 4e 4b)"

# --- empty input -----------------------------------------------------------------

# An empty file and one of zeros: no member.  Whatever the verdict, the
# exit status matches the summary, and an error says so on stderr.
: >e-empty.img
head -c 1024 /dev/zero >e-zeros.img
for f in empty zeros; do
	verify e-$f.img
	if [ "$rc" -eq 0 ]; then
		[[ $out == *": ok ("* ]] && [ -z "$err" ]
	else
		[ "$rc" -eq 1 ] && [[ $out != *": ok ("* ]] && [[ $err == *"error: "* ]]
	fi
	good=$?
	ok "$good" "$f image: the exit status ($rc) matches the summary and stderr"
	[ "$good" -eq 0 ] || diag "stdout: $out" "stderr: $err"
done

# --- cut at every offset ------------------------------------------------------

# check_run LABEL [FAIL]: the last run ended with a status up to FAIL
# (default 1, --diff: 2), with no sanitizer report, and with status FAIL
# an error with a location that has an offset.  Prints nothing; returns
# non-zero with a reason in $why.  The stderr text is left in $e.  (Bash
# alone, no grep: this runs about a thousand times.)
check_run() {
	local fail=${2:-1} re

	e=
	IFS= read -r -d '' e <"$T/v.err"
	why=
	re='ERROR: [A-Za-z]+Sanitizer|runtime error: |SUMMARY: [A-Za-z]+Sanitizer'
	if [[ $e =~ $re ]]; then
		why="$1: sanitizer report: ${BASH_REMATCH[0]}"
	elif ((rc > fail)); then
		why="$1: exit status $rc: ${e:0:200}"
	elif ((rc == fail)) && ! [[ $e =~ :\ offset\ [0-9]+:\ error:\  ]]; then
		why="$1: exit $rc without a located error: ${e:0:200}"
	fi
	[ -z "$why" ]
}

# The archive (offsets derived as above):
#   'd'   @0    "d\0"   -> 112                            content ends 112
#   'd/f' @112  "d/f\0" -> 226 -> 228, 10 bytes -> 238 -> 240  ends 238
#   'd/l' @240  "d/l\0" -> 354 -> 356, "f"      -> 357 -> 360  ends 357
#   trailer @360, "TRAILER!!!\0" -> 481 -> 484, zeros to 512
# A cut at N < 481 is an error, except where only an entry's final
# padding is lost (content end <= N <= entry end): then the member just
# ends early, which is a warning.  From 481 on, the image is whole.
cpio_begin cut.cpio
cpio_ent 0040755 d
cpio_ent 0100644 d/f 0123456789
cpio_ent 0120777 d/l f
cpio_trailer
cpio_end
is "$(stat -c %s cut.cpio)" 512 "cut.cpio: 512 bytes as derived"
bad=
for ((n = 1; n <= 490; n++)); do
	head -c "$n" cut.cpio >cut.img
	"$GEN" --verify cut.img >"$T/v.out" 2>"$T/v.err"
	rc=$?
	if ! check_run "cut at $n"; then
		bad+="$why"$'\n'
		continue
	fi
	if ((n >= 481)); then
		want=0
	elif ((n == 112 || (n >= 238 && n <= 240) || (n >= 357 && n <= 360))); then
		want=warn
	else
		want=1
	fi
	case $want:$rc in
	0:0)	[ -z "$e" ] || bad+="cut at $n: stderr: ${e:0:200}"$'\n' ;;
	warn:0)	[[ $e == *'ends without a TRAILER!!! entry'* ]] ||
			bad+="cut at $n: no warning about the trailer"$'\n' ;;
	1:1)	;;
	*)	bad+="cut at $n: exit status $rc (want $want): ${e:0:200}"$'\n' ;;
	esac
	# The other readers, on every seventh cut.
	((n % 7)) && continue
	for mode in --list --examine; do
		"$GEN" $mode cut.img >/dev/null 2>"$T/v.err"
		rc=$?
		check_run "$mode cut at $n" || bad+="$why"$'\n'
	done
	rm -rf "$T/xd" && mkdir "$T/xd"
	"$GEN" --extract "$T/xd" cut.img >/dev/null 2>"$T/v.err"
	rc=$?
	check_run "--extract cut at $n" || bad+="$why"$'\n'
	"$GEN" --diff cut.cpio cut.img >/dev/null 2>"$T/v.err"
	rc=$?
	check_run "--diff cut at $n" 2 || bad+="$why"$'\n'
done
is "$bad" "" "cut.cpio cut at every offset: errors located, warnings where only padding is lost"

# Its gzip stream cut at every offset: gzip fails on each, and says so.
gzip -n <cut.cpio >cut.gz
glen=$(stat -c %s cut.gz)
bad=
for ((n = 1; n < glen; n++)); do
	head -c "$n" cut.gz >cut.img
	"$GEN" --verify cut.img >"$T/v.out" 2>"$T/v.err"
	rc=$?
	check_run "gzip cut at $n" || { bad+="$why"$'\n'; continue; }
	((rc == 1)) || bad+="gzip cut at $n: exit status $rc"$'\n'
done
is "$bad" "" "cut.gz cut at every offset: an error each time"

# --- random bytes -----------------------------------------------------------

# rand SEED COUNT: COUNT bytes from awk's generator, the same for a seed.
rand() {
	awk -v s="$1" -v n="$2" 'BEGIN {
		srand(s)
		for (i = 0; i < n; i++)
			printf "%02x", int(rand() * 256)
	}' | xxd -r -p
}

# Plain junk, junk behind a newc magic, and cut.cpio with one byte of its
# headers set to a random value.
bad=
for ((s = 1; s <= 40; s++)); do
	rand "$s" $((s * 11 % 700 + 1)) >r1.img
	{ printf '070701'; rand "$s" 400; } >r2.img
	cp cut.cpio r3.img
	rand "$s" 2 | od -An -tu1 | {
		read -r a b
		off=$(((a * 256 + b) % 484))
		printf "\\$(printf %03o $((s * 37 % 256)))" |
			dd of=r3.img bs=1 seek="$off" conv=notrunc 2>/dev/null
	}
	for f in r1 r2 r3; do
		for mode in --verify --list; do
			"$GEN" $mode $f.img >/dev/null 2>"$T/v.err"
			rc=$?
			check_run "seed $s $f $mode" || bad+="$why"$'\n'
		done
		rm -rf "$T/xd" && mkdir "$T/xd"
		"$GEN" --extract "$T/xd" $f.img >/dev/null 2>"$T/v.err"
		rc=$?
		check_run "seed $s $f --extract" || bad+="$why"$'\n'
	done
done
is "$bad" "" "random bytes: exit 0 or 1, errors located, no sanitizer report"

# --- bounded memory ------------------------------------------------------------

# max_rss ARGS...: the largest resident set in KiB of gen_init_cpio ARGS.
max_rss() {
	/usr/bin/time -f '%M' -o "$T/rss" "$GEN" "$@" >/dev/null 2>"$T/v.err"
	rc=$?
	tail -n 1 "$T/rss"
}

# The images:  a file of 0xFFFFFFFF bytes inside a gzip member (the reader
# must stream through what is there, 4 MiB of it, and find it short);
# a symlink of that size there; 32 MiB of zeros after a member, gzipped.
if [ -x /usr/bin/time ]; then
	base=$(max_rss --verify good.img)
	cpio_begin m-hdr.cpio
	fsize=0xFFFFFFFF cpio_ent 0100644 big
	{ cat m-hdr.cpio; head -c $((4 << 20)) /dev/zero | tr '\0' 'z'; } | gzip -n >m-file.img
	cpio_begin m-slink.cpio
	fsize=0xFFFFFFFF cpio_ent 0120777 l target
	gzip -n <m-slink.cpio >m-slink.img
	{ cat good.img; head -c $((32 << 20)) /dev/zero; } | gzip -n >m-zeros.img
	for img in m-file m-slink m-zeros; do
		for mode in --verify --list --diff; do
			if [ $mode = --diff ]; then
				rss=$(max_rss --diff good.img $img.img)
			else
				rss=$(max_rss $mode $img.img)
			fi
			ok $((rss > base + 8192)) "$img $mode: max RSS $rss KiB, at most 8 MiB above the $base KiB of a tiny image"
		done
	done
	max_rss --verify m-file.img >/dev/null
	rc=1
	grep -q 'bytes of data missing' "$T/v.err" && rc=0
	ok "$rc" "m-file: the file data is found missing"
	[ "$rc" -eq 0 ] || diag "$(cat "$T/v.err")"
else
	ok 1 "/usr/bin/time (GNU time) is needed to measure memory"
fi

# The sanitizers reserve terabytes of address space; only a plain build
# runs under a 64 MiB limit.
if [ "${SANITIZE:-}" != 1 ]; then
	for img in m-file m-slink m-zeros e-sizemax; do
		(ulimit -v 65536 && "$GEN" --verify $img.img) >/dev/null 2>"$T/v.err"
		rc=$?
		[ "$rc" -eq 1 ] || [ "$rc" -eq 0 ] && ! grep -qi 'memory' "$T/v.err"
		ok $? "$img: --verify within 64 MiB of address space (exit $rc)"
	done
fi

done_testing
