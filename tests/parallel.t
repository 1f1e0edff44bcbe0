#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Parallel compression: a compressed member is cut into pieces at entry
# boundaries, each compressed by a process of its own, and the kernel
# unpacks the sequence as the one archive.
#
# The expected bytes are derived here from the format, not from the
# program: the entry offsets of the uncompressed archive (read by the
# perl below from the newc header layout: 110 bytes, the name and the
# data each padded to 4) give the cuts (the first entry boundary at least the method's piece
# size after the start of each piece: 4 MiB for gzip, bzip2 and lz4,
# 8 MiB for zstd and xz), and the method's own program compresses each
# piece; their concatenation must be the image, byte for byte, with one
# job, with all, and pinned to one CPU (taskset -c 0).  lzma and lzo are
# never cut: their programs do not read a sequence of streams back.
# Each split image decompresses, with the method's program, to the
# archive, reads back whole (--list, --verify), and boots: the busybox
# /init comes after 20 MiB of filler, in the last piece.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need gzip zstd xz bzip2 lz4 lzop cmp perl taskset head tail
need qemu-system-x86_64
boot_kernel > /dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
static_elf /bin/busybox || skip_all "/bin/busybox is not statically linked"

MiB=1048576

# piece_size METHOD: bytes of archive per piece at least; 0: never cut.
piece_size() {
	case $1 in
	gzip | bzip2 | lz4)	echo $((4 * MiB)) ;;
	zstd | xz)		echo $((8 * MiB)) ;;
	*)			echo 0 ;;
	esac
}

# cuts ARCHIVE SIZE: the offsets where pieces start after the first.
cuts() {
	perl -e '
		my ($file, $p) = @ARGV;
		open(my $f, "<", $file) or die;
		my ($pos, $start, $h) = (0, 0);
		while (read($f, $h, 110) == 110 && substr($h, 0, 5) eq "07070") {
			print "$pos\n" if $p > 0 && $pos - $start >= $p;
			$start = $pos if $p > 0 && $pos - $start >= $p;
			my $size = hex(substr($h, 54, 8));
			my $namesize = hex(substr($h, 94, 8));
			$pos += ((110 + $namesize + 3) & ~3) + (($size + 3) & ~3);
			seek($f, $pos, 0);
		}' "$1" "$2"
}

# tree_of DIR: every entry's name, type, mode, owner, size and target.
# (diff -r alone now and then calls two equal device nodes different.)
tree_of() {
	(cd "$1" && find . -printf '%p %y %m %U %G %s %l\n' | sort)
}

# expected METHOD ARCHIVE: the pieces, each compressed, one after another.
expected() {
	local from=0 to

	for to in $(cuts "$2" "$(piece_size "$1")") $(stat -c %s "$2"); do
		tail -c +$((from + 1)) "$2" | head -c $((to - from)) |
			reference "$1"
		from=$to
	done
}

# 20 files of 1 MiB that compress quickly, before the rescue shell.
mkdir -p "$T/fill/filler"
for i in $(seq 1 20); do
	seq -f "filler $i line %g" 1 100000 | head -c "$MiB" \
		> "$T/fill/filler/f$i"
done
build() {
	(cd "$SRCTREE" && "$GEN" -t 0 -u squash -g squash "$@" "$T/fill" \
		specs/busybox.list)
}
build -o "$T/plain.cpio"
ok $? "build 20 MiB of filler and specs/busybox.list uncompressed"
[ -s "$T/plain.cpio" ] || done_testing

for m in gzip zstd xz bzip2 lz4 lzma; do
	img=$T/img.$m
	build -z "$m" -o "$img" 2> "$T/err"
	ok $? "$m: build"
	is "$(cat "$T/err")" "" "$m: no diagnostics"
	n=$(cuts "$T/plain.cpio" "$(piece_size "$m")" | wc -l)
	if [ "$(piece_size "$m")" -gt 0 ]; then
		ok $((n < 1)) "$m: the archive is cut into $((n + 1)) pieces"
	fi
	expected "$m" "$T/plain.cpio" | cmp -s - "$img"
	ok $? "$m: the pieces compressed by $m one by one, concatenated"
	build -z "$m" --jobs 1 -o "$T/one.$m"
	cmp -s "$T/one.$m" "$img"
	ok $? "$m: --jobs 1 gives the same bytes"
	taskset -c 0 "$GEN" --version > /dev/null 2>&1
	(cd "$SRCTREE" && taskset -c 0 "$GEN" -t 0 -u squash -g squash \
		-z "$m" -o "$T/cpu0.$m" "$T/fill" specs/busybox.list)
	cmp -s "$T/cpu0.$m" "$img"
	ok $? "$m: taskset -c 0 gives the same bytes"
	decompress "$m" < "$img" | cmp -s - "$T/plain.cpio"
	ok $? "$m: $m's program decompresses it to the archive"
	"$GEN" --verify "$img" > "$T/verify" 2>&1
	ok $? "$m: --verify"
	grep -q ": 1 member, " "$T/verify"
	ok $? "$m: --verify reads one member" || diag "$(cat "$T/verify")"
	diff <("$GEN" --list "$img" | sed 1d | grep -v gen_init_cpio) \
	     <("$GEN" --list "$T/plain.cpio" | sed 1d | grep -v gen_init_cpio) \
	     > /dev/null
	ok $? "$m: --list is that of the uncompressed archive"
	rm -rf "$T/x.$m" "$T/x.plain"
	# As an ordinary user both lack the device nodes, and say so.
	"$GEN" --extract "$T/x.$m" "$img" > /dev/null 2>&1 &&
		"$GEN" --extract "$T/x.plain" "$T/plain.cpio" > /dev/null 2>&1 &&
		diff <(tree_of "$T/x.$m") <(tree_of "$T/x.plain") > /dev/null &&
		diff -r -x dev "$T/x.$m" "$T/x.plain" > /dev/null
	ok $? "$m: --extract gives the tree of the uncompressed archive"
	rm -rf "$T/x.$m" "$T/x.plain"
	[ "$m" = lzma ] && continue
	check_busybox_boot "$img" "$m split" "$T/boot-$m.log"
done

# -a: names padded so that file data starts at multiples of 256 KiB;
# the cuts must still fall on entry boundaries.
build -a 262144 -o "$T/aligned.cpio"
ok $? "build with -a 262144 uncompressed"
build -a 262144 -z gzip -o "$T/aligned.gz"
ok $? "build with -a 262144 -z gzip"
expected gzip "$T/aligned.cpio" | cmp -s - "$T/aligned.gz"
ok $? "-a 262144 -z gzip: the pieces cut at entry boundaries, compressed one by one"

done_testing
