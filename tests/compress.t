#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# -z <method>[:<level>]: the main member compressed by the method's own
# program, run through pipes.
#
# For every method the kernel can unpack, the image of specs/busybox.list
# must boot; its stream must start as the method's format says and
# decompress, with the method's program, to the uncompressed archive; and
# it must be the very bytes the program writes at the method's default
# level (gzip 6, zstd 2, xz 6, lzma 6, bzip2 9, lz4 9, lzo 3: see
# usr/image/compress.c) with the options the kernel's build uses (CRC32
# and a 1 MiB dictionary for xz, lz4's legacy frame), whatever the zone,
# locale, umask or time of the run (lzop writes the time into its header:
# the tool zeroes it).  Then: the method implied by the -o suffix, levels,
# bad arguments, compressors that fail, die or are missing, and a large
# input that must stream through both pipes at once in little memory.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need gzip zstd xz bzip2 lz4 lzop cpio cmp od sha256sum timeout /usr/bin/time
need qemu-system-x86_64
boot_kernel > /dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
static_elf /bin/busybox || skip_all "/bin/busybox is not statically linked"

methods="gzip zstd xz lzma bzip2 lz4 lzo"

# gic ARGS...: the tool under test, killed if it hangs: a tool that
# blocked on a full pipe would otherwise hang the whole suite.  timeout
# by its full path, as some runs below have a PATH without it.
TIMEOUT=$(command -v timeout)
gic() {
	"$TIMEOUT" 120 "$GEN" "$@"
}

# hexbytes FILE OFFSET COUNT: the bytes as lowercase hex, no spaces.
hexbytes() {
	od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# check_magic METHOD FILE: the head of the stream, as each format says.
check_magic() {
	local f=$2

	case $1 in
	gzip)
		# ID 1f 8b, CM 8 (deflate), FLG 0 (-n: no name), MTIME 0
		is "$(hexbytes "$f" 0 8)" 1f8b080000000000 \
			"gzip: magic, deflate, no name, no time"
		# XFL 0: neither "maximum" (9) nor "fastest" (1): level 6
		is "$(hexbytes "$f" 8 1)" 00 "gzip: XFL says a middle level"
		;;
	zstd)
		is "$(hexbytes "$f" 0 4)" 28b52ffd "zstd: frame magic"
		;;
	xz)
		is "$(hexbytes "$f" 0 6)" fd377a585a00 "xz: stream magic"
		# Stream flags: check type 1, CRC32, what the kernel's xz reads
		is "$(hexbytes "$f" 6 2)" 0001 "xz: check type CRC32"
		;;
	lzma)
		# lc=3 lp=0 pb=2 (0x5d), then a little-endian dictionary size
		is "$(hexbytes "$f" 0 3)" 5d0000 "lzma: properties byte"
		;;
	bzip2)
		# "BZh" then the block size, 1..9 = the level
		is "$(hexbytes "$f" 0 4)" 425a6839 "bzip2: magic, level 9"
		;;
	lz4)
		is "$(hexbytes "$f" 0 4)" 02214c18 \
			"lz4: the legacy frame magic the kernel reads"
		;;
	lzo)
		is "$(hexbytes "$f" 0 9)" 894c5a4f000d0a1a0a "lzo: lzop magic"
		# Header: magic, 3 versions, method, level (at 16), flags,
		# mode, then the mtime (low, high) at 25..32
		is "$(hexbytes "$f" 16 1)" \
			"$(echo | lzop -3 -c | od -An -tx1 -j16 -N1 | tr -d ' ')" \
			"lzo: lzop -3's level in the header"
		is "$(hexbytes "$f" 25 8)" 0000000000000000 \
			"lzo: the header's mtime is zeroed"
		;;
	esac
}

# check_boot IMAGE WHAT: boot IMAGE and check what its /init reports.
check_boot() {
	check_busybox_boot "$1" "$2" "$T/boot-$2.log"
}

# gen ARGS...: the tool from the top of the tree (the spec's locations
# are relative to it), stderr to $T/err.
gen() {
	(cd "$SRCTREE" && gic "$@") 2> "$T/err"
}

# --- every method: format, contents, reference bytes, boot ---------------

gen -t 0 -o "$T/plain.cpio" specs/busybox.list
ok $? "build specs/busybox.list uncompressed"
[ -s "$T/plain.cpio" ] || done_testing
is "$(hexbytes "$T/plain.cpio" 0 6)" 303730373031 "the plain image is newc"

for m in $methods; do
	img=$T/busybox.$m
	gen -t 0 -z "$m" -o "$img" specs/busybox.list
	ok $? "$m: build with -z $m"
	is "$(cat "$T/err")" "" "$m: no diagnostics"
	[ -s "$img" ] || continue
	check_magic "$m" "$img"
	decompress "$m" < "$img" > "$T/unpacked.$m"
	ok $? "$m: $m's own program decompresses it"
	cmp -s "$T/unpacked.$m" "$T/plain.cpio"
	ok $? "$m: decompressed, it is the uncompressed archive"
	if [ "$m" != lzo ]; then
		reference "$m" < "$T/plain.cpio" | cmp -s - "$img"
		ok $? "$m: the bytes of $m at the default level, kernel options"
	fi
	check_boot "$img" "$m"
done

# --- the method from the output's name; levels ---------------------------

cat > "$T/small.list" <<EOF
dir /d 0755 0 0
file /d/f $T/small.list 0644 0 0
slink /d/l f 0777 0 0
EOF
gic -t 0 -o "$T/small.cpio" "$T/small.list"
ok $? "build a small list uncompressed"

# suffix_is SUFFIX MAGIC-HEX ARGS...: -o out.cpio.SUFFIX starts with MAGIC.
suffix_is() {
	local suffix=$1 out=$T/out.cpio.$1 want=$2

	shift 2
	rm -f "$out"
	gic -t 0 "$@" -o "$out" "$T/small.list" 2> "$T/err"
	ok $? "-o *.$suffix $*: exit status 0"
	is "$(hexbytes "$out" 0 $((${#want} / 2)))" "$want" \
		"-o *.$suffix $*: the stream starts with $want"
}

suffix_is gz 1f8b08
suffix_is zst 28b52ffd
suffix_is xz fd377a585a000001
suffix_is lzma 5d0000
suffix_is bz2 425a6839
suffix_is lz4 02214c18
suffix_is lzo 894c5a4f000d0a1a0a
zstd -dcq < "$T/out.cpio.zst" | cmp -s - "$T/small.cpio"
ok $? "-o *.zst: zstd decompresses it to the archive"

gic -t 0 -o "$T/out.cpio" "$T/small.list"
cmp -s "$T/out.cpio" "$T/small.cpio"
ok $? "-o *.cpio: not compressed"
gic -t 0 "$T/small.list" > "$T/stdout.cpio"
cmp -s "$T/stdout.cpio" "$T/small.cpio"
ok $? "standard output without -z: not compressed"
gic -t 0 -z gzip "$T/small.list" | gzip -dc | cmp -s - "$T/small.cpio"
ok $? "standard output with -z gzip: gzip"
suffix_is gz 303730373031 -z none
suffix_is xz 1f8b08 -z gzip

gic -t 0 -z zstd:19 "$T/small.list" > "$T/l19.zst"
ok $? "-z zstd:19: exit status 0"
gic -t 0 -z zstd "$T/small.list" > "$T/l3.zst"
cmp -s "$T/l3.zst" "$T/l19.zst"
ok $((!$?)) "-z zstd:19 differs from the default level"
# Through a pipe, as the tool feeds zstd: from a file it knows the size.
# shellcheck disable=SC2002
cat "$T/small.cpio" | zstd -q -T1 -19 -c | cmp -s - "$T/l19.zst"
ok $? "-z zstd:19 is zstd -19's bytes"
zstd -dcq < "$T/l19.zst" | cmp -s - "$T/small.cpio"
ok $? "-z zstd:19 decompresses to the archive"
gic -t 0 -z gzip:1 "$T/small.list" > "$T/l1.gz"
is "$(hexbytes "$T/l1.gz" 8 1)" 04 "-z gzip:1: XFL says fastest"
gic -t 0 -z bzip2:1 "$T/small.list" > "$T/l1.bz2"
is "$(hexbytes "$T/l1.bz2" 0 4)" 425a6831 "-z bzip2:1: block size 1"
gic -t 0 -z lzo:1 "$T/small.list" > "$T/l1.lzo"
is "$(hexbytes "$T/l1.lzo" 16 1)" 01 "-z lzo:1: level 1 in lzop's header"
gic -t 0 -z zstd:22 "$T/small.list" | zstd -dcq | cmp -s - "$T/small.cpio"
ok $? "-z zstd:22 (an --ultra level) works"
gic -t 0 -z xz:0 "$T/small.list" | xz -dc | cmp -s - "$T/small.cpio"
ok $? "-z xz:0 works"

# Bad -z arguments are usage errors: status 2, nothing written.
for arg in foo GZIP gzip:0 gzip:10 zstd:0 zstd:23 xz:10 lzma:-1 \
	   lz4:13 lzo:0 bzip2:10 gzip: gzip:x gzip:9x gzip:+ none:1 "" ":9"; do
	rm -f "$T/bad.gz"
	gic -t 0 -z "$arg" -o "$T/bad.gz" "$T/small.list" 2> "$T/err"
	rc=$?
	is "$rc" 2 "-z '$arg': exit status 2"
	grep -q "^gen_init_cpio: error: compression '$arg'" "$T/err"
	ok $? "-z '$arg': the error names the argument"
	[ ! -e "$T/bad.gz" ]
	ok $? "-z '$arg': no output"
done

# Bad --jobs: 1 to 16 decimal, else a usage error, nothing written.
for arg in 0 17 x 1x -1 ""; do
	rm -f "$T/bad.gz"
	gic -t 0 -z gzip --jobs "$arg" -o "$T/bad.gz" "$T/small.list" 2> "$T/err"
	is "$?" 2 "--jobs '$arg': exit status 2"
	grep -q "^gen_init_cpio: error: bad --jobs '$arg' (1 to 16)" "$T/err"
	ok $? "--jobs '$arg': the error names the argument"
	[ ! -e "$T/bad.gz" ]
	ok $? "--jobs '$arg': no output"
done

# --- determinism ------------------------------------------------------------

# Files with some structure, so that each compressor has work to do.
mkdir "$T/det"
seq 1 20000 > "$T/det/numbers"
head -c 100000 /dev/urandom > "$T/det/random"
cat > "$T/det.list" <<EOF
dir /det 0755 0 0
file /det/numbers $T/det/numbers 0644 0 0
file /det/random $T/det/random 0600 0 0
nod /det/null 0666 0 0 c 1 3
EOF

# det_run TAG: every method, into $T/det.TAG.METHOD, in this environment.
det_run() {
	local m

	for m in $methods; do
		SOURCE_DATE_EPOCH=1700000000 gic -z "$m" --no-fsync \
			-o "$T/det.$1.$m" "$T/det.list" || echo "$m failed"
	done
}

out=$(det_run a 2>&1)
is "$out" "" "determinism: first run, TZ=UTC LC_ALL=C umask 022"
sleep 1
out=$(umask 077; export TZ=JST-9 LC_ALL=C.UTF-8; det_run b 2>&1)
is "$out" "" "determinism: second run, a second later, TZ=JST-9 LC_ALL=C.UTF-8 umask 077"
for m in $methods; do
	cmp -s "$T/det.a.$m" "$T/det.b.$m"
	ok $? "determinism: $m: the same bytes"
done
lzop -dc < "$T/det.b.lzo" > /dev/null 2>&1
ok $? "determinism: lzo: the fixed header passes lzop's checksum"

# The compressors take options from the environment too (gzip honours
# --rsyncable in GZIP, xz -e in XZ_DEFAULTS and XZ_OPT, ...): a build
# environment must not change the image either.
out=$(export GZIP=--rsyncable XZ_DEFAULTS=-e XZ_OPT=-e BZIP2=-1 BZIP=-1 \
	ZSTD_CLEVEL=3 ZSTD_NBTHREADS=2 LZ4_CLEVEL=1 LZOP=-1; det_run c 2>&1)
is "$out" "" "determinism: third run, with the compressors' variables set"
for m in $methods; do
	cmp -s "$T/det.a.$m" "$T/det.c.$m"
	ok $? "determinism: $m: the same bytes whatever GZIP, XZ_OPT & co. say"
done

# --- compressors that fail ----------------------------------------------------

mkdir "$T/fake" "$T/nothing"
# A bigger input than a pipe holds, so that writing into a compressor
# that reads nothing must notice it.
head -c 1048576 /dev/urandom > "$T/meg"
cat > "$T/meg.list" <<EOF
file /meg $T/meg 0644 0 0
EOF

# fake NAME BODY: a stand-in compressor script named NAME.
fake() {
	printf '#!/bin/sh\n%s\n' "$2" > "$T/fake/$1"
	chmod +x "$T/fake/$1"
}

# fails WHAT PATTERN LIST ARGS...: the tool on LIST (with ARGS, fakes
# first in PATH) fails with status 1 and an error matching PATTERN, and
# leaves out.gz as it was and no temporary file.
fails() {
	local what=$1 pattern=$2 list=$3 rc

	shift 3
	rm -rf "$T/o"
	mkdir "$T/o"
	echo "old image" > "$T/o/out.gz"
	(cd "$T" && PATH="$T/fake:$PATH" gic -t 0 "$@" -o "$T/o/out.gz" \
		"$list") 2> "$T/err"
	rc=$?
	is "$rc" 1 "$what: exit status 1"
	grep -q -e "$pattern" "$T/err"
	ok $? "$what: the error says: $pattern"
	[ "$(cat "$T/err")" ] && diag "$(cat "$T/err")"
	is "$(cat "$T/o/out.gz")" "old image" "$what: the old output is untouched"
	is "$(ls -A "$T/o")" "out.gz" "$what: no temporary file left"
}

fake gzip 'cat > /dev/null; exit 1'
fails "gzip exits 1" "gzip.*exit status 1" "$T/small.list"
fake gzip 'exit 1'
fails "gzip exits 1 without reading" "gzip.*exit status 1" "$T/meg.list"
fake gzip 'kill -9 $$'
fails "gzip is killed" "gzip.*signal 9" "$T/small.list"
fake gzip 'head -c 1000 > /dev/null; kill -9 $$'
fails "gzip is killed while reading" "gzip.*signal 9" "$T/meg.list"
fake gzip 'exit 0'
fails "gzip exits 0 without reading a large input" "gzip" "$T/meg.list"
# The archive fits into the pipe: only the compressor's end tells.
fake gzip 'sleep 0.3; exit 0'
fails "gzip exits 0 without reading a small input" "gzip" "$T/small.list"
# ... or writes something first: still not the whole archive compressed.
fake gzip 'head -c 100 > /dev/null; printf "\037\213"; exit 0'
fails "gzip reads 100 bytes, writes 2, exits 0" "gzip" "$T/small.list"
rm -f "$T/fake/gzip"

# A missing program: named, and said to be missing (not "killed").
for m in gzip lzo lzma; do
	case $m in
	lzo)	prog=lzop ;;
	lzma)	prog=xz ;;
	*)	prog=$m ;;
	esac
	rm -f "$T/none.out"
	PATH=$T/nothing gic -t 0 -z "$m" -o "$T/none.out" "$T/small.list" \
		2> "$T/err"
	is "$?" 1 "$m not installed: exit status 1"
	grep -q "'$prog'" "$T/err"
	ok $? "$m not installed: the error names '$prog'"
	grep -q -i -e "no such file" -e "not found" -e "not installed" "$T/err"
	ok $? "$m not installed: the error says it is missing"
	[ "$(cat "$T/err")" ] && diag "$(cat "$T/err")"
	[ ! -e "$T/none.out" ]
	ok $? "$m not installed: no output"
done

# --- a large input streams through both pipes --------------------------------

# 64 MiB that do not compress: as much comes back from the compressor as
# goes in.  A tool that wrote everything before reading would deadlock
# on the full pipes; one that kept a copy would grow.  gzip -1 itself
# stays at about a megabyte.
head -c 67108864 /dev/urandom > "$T/big"
big_sum=$(sha256sum < "$T/big")
printf 'file /big %s 0644 0 0\n' "$T/big" > "$T/big.list"
/usr/bin/time -f %M -o "$T/rss" "$TIMEOUT" 120 "$GEN" -t 0 --no-fsync \
	-z gzip:1 -o "$T/big.cpio.gz" "$T/big.list"
is "$?" 0 "64 MiB through gzip: done, no deadlock"
is "$(gzip -dc < "$T/big.cpio.gz" | cpio -i --quiet --to-stdout big |
	sha256sum)" "$big_sum" "64 MiB through gzip: the file is intact"
rss=$(tail -n 1 "$T/rss")
case $rss in ''|*[!0-9]*) rss=999999 ;; esac
if [ "${SANITIZE:-}" = 1 ]; then
	diag "peak RSS ${rss} KiB not checked under SANITIZE=1"
else
	ok $((rss >= 16384)) "64 MiB through gzip: peak RSS ${rss} KiB < 16 MiB"
fi
rm -f "$T/big" "$T/big.cpio.gz"

done_testing
