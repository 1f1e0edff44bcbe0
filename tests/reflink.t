#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# -a on a file system that shares extents (XFS made with reflink=1, in an
# image file mounted -o loop): the archive's copy of every file larger
# than the alignment must be the source's own blocks, not new ones.
# Checked independently of the program:
#  - the archive is byte for byte the one written to a pipe (where
#    nothing can be cloned), and GNU cpio extracts the source tree;
#  - every whole block of every aligned file's data is flagged shared by
#    FIEMAP (filefrag -v), and the archive's new space is exactly what no
#    file system could share: headers, names, the small files and each
#    file's last, partial block; whole blocks of padding are holes;
#  - the same with 1024-byte blocks and -a 4096, and with -a 1024;
#  - without -a, the archive is still right (the kernel copies);
#  - on ext4 with 1024-byte blocks (no shared extents), -a 4096 still
#    leaves whole blocks of padding as holes.
# Mounting -o loop needs real root: as an ordinary user (root of a user
# namespace, see need_root) those parts skip, and only the full tmpfs at
# the end runs.

source "$SRCTREE/tests/lib.sh" || exit 1
source "$SRCTREE/tests/newc.sh"

need_root
need mkfs.xfs mkfs.ext4 filefrag mount umount cpio perl

mnt=$T/mnt
mkdir "$mnt"
trap 'mountpoint -q "$mnt" && umount "$mnt"; rm -rf "$T"' EXIT

# A tree that exercises every case of the copy: sizes just over a block,
# whole blocks, many blocks plus a few bytes, at most the alignment (not
# aligned: copied), a hard link (data once, with the last name), a name
# long enough to need fillers, and small files between them.
make_tree() {
	local d=$1 long deep i

	long=$(printf 'n%.0s' $(seq 1 250))
	deep=$d/lib/$long/$long/$long
	mkdir -p "$d/lib/modules" "$d/bin" "$deep"
	head -c 4097 /dev/urandom > "$d/lib/just-over"
	head -c 8192 /dev/urandom > "$d/lib/two-blocks"
	head -c $((1024 * 1024 + 123)) /dev/urandom > "$d/lib/big"
	head -c 4096 /dev/urandom > "$d/lib/one-block"
	head -c 1025 /dev/urandom > "$d/lib/modules/small-over-1k"
	head -c 70000 /dev/urandom > "$d/bin/busybox"
	ln "$d/bin/busybox" "$d/bin/sh-link"
	for i in $(seq 1 8); do
		head -c $((4097 + i * 977)) /dev/urandom > "$deep/${long:0:200}$i"
	done
	for i in $(seq 1 20); do
		echo "small $i" > "$d/lib/modules/s$i"
		head -c $((5000 + i * 1999)) /dev/urandom > "$d/lib/m$i.ko"
	done
}

# setup_xfs BLOCKSIZE: a fresh XFS on $mnt holding the tree in $mnt/src.
setup_xfs() {
	mountpoint -q "$mnt" && umount "$mnt"
	rm -f "$T/xfs.img"
	truncate -s 320M "$T/xfs.img" &&
	mkfs.xfs -q -f -m reflink=1 -b size="$1" "$T/xfs.img" &&
	mount -o loop "$T/xfs.img" "$mnt" &&
	make_tree "$mnt/src" && mkdir "$mnt/out" && sync
}

# shared_report ARCHIVE ALIGN BLOCK: "whole new needed holes" where whole
# counts the whole blocks of aligned file data that are NOT shared (want
# 0), new the blocks on disk that FIEMAP does not flag shared, needed
# the blocks holding a header, a name (a filler's whole name field), or
# file data outside the whole blocks of aligned data (want new ==
# needed: nothing else takes space),
# and holes the whole blocks of name padding before aligned data that
# are on disk all the same (want 0: they are holes).
shared_report() {
	local a=$1 align=$2 bs=$3

	sync "$a"
	newc_entries "$a" > "$T/entries"
	filefrag -v -b"$bs" "$a" > "$T/frag"
	perl -e '
		my ($entries, $frag, $align, $bs, $size) = @ARGV;
		my (%shared, %mapped, %want, %need, %pad);
		my $mark = sub {
			my ($h, $from, $to) = @_;	# bytes [from, to)
			$h->{$_} = 1 for int($from / $bs) .. int(($to - 1) / $bs);
		};
		open my $f, "<", $frag or die;
		while (<$f>) {
			next unless /^\s*\d+:\s*(\d+)\.\.\s*(\d+):/;
			my ($lo, $hi) = ($1, $2);
			$mapped{$_} = 1 for $lo .. $hi;
			next unless /shared/;
			$shared{$_} = 1 for $lo .. $hi;
		}
		open my $e, "<", $entries or die;
		while (<$e>) {
			my @x = split;
			my $end = $x[0] + 110 + length($x[12]) + 1;
			# A filler'"'"'s padding is zeros written, not a hole: no
			# cloned data follows it.
			$end = $x[0] + 110 + $x[10] if $x[2] =~ /^40/;
			$mark->(\%need, $x[0], $end);
			next unless $x[2] =~ /^100/ && $x[7] > 0;
			my $d = $x[0] + 110 + $x[10];
			$d += (4 - $d % 4) % 4;
			if ($x[7] <= $align) {
				$mark->(\%need, $d, $d + $x[7]);
				next;
			}
			die "misaligned $x[12]\n" if $d % $align;
			my $whole = int($x[7] / $bs) * $bs;
			$want{$_} = 1 for $d / $bs .. ($d + $whole) / $bs - 1;
			$mark->(\%need, $d + $whole, $d + $x[7]) if $whole < $x[7];
			my $p = $end + ($bs - $end % $bs) % $bs;
			$pad{$_} = 1 for $p / $bs .. $d / $bs - 1;
		}
		my $blocks = int(($size + $bs - 1) / $bs);
		$need{$blocks - 1} = 1;	# the file ends there
		my ($whole, $new, $needed, $holes) = (0, 0, 0, 0);
		for my $b (0 .. $blocks - 1) {
			$new++ if $mapped{$b} && !$shared{$b};
			$whole++ if $want{$b} && !$shared{$b};
			$needed++ if $need{$b};
			$holes++ if $pad{$b} && $mapped{$b};
		}
		print "$whole $new $needed $holes\n";
	' "$T/entries" "$T/frag" "$align" "$bs" "$(stat -c %s "$a")"
}

# check_archive NAME ARCHIVE: the same bytes as through a pipe, and GNU
# cpio extracts the source tree from it.
check_archive() {
	local what=$1 a=$2 args=$3

	# shellcheck disable=SC2086
	"$GEN" -t 0 $args "$mnt/src" > "$T/pipe.cpio"
	cmp -s "$a" "$T/pipe.cpio"
	ok $? "$what: the same bytes as written to a pipe"
	rm -rf "$T/x" && mkdir "$T/x"
	(cd "$T/x" && cpio -idm --quiet < "$a") &&
	diff -r "$mnt/src" "$T/x" > /dev/null
	ok $? "$what: GNU cpio extracts the source tree"
}

for bs in 4096 1024; do
	if ! real_root; then
		skip_unprivileged "an XFS with reflink=1 and $bs-byte blocks, mounted -o loop"
		continue
	fi
	if ! setup_xfs "$bs"; then
		ok 1 "an XFS with reflink=1 and $bs-byte blocks on a loop device"
		continue
	fi
	for align in 4096 $([ "$bs" -lt 4096 ] && echo "$bs"); do
		for fsync in --no-fsync ""; do
			what="$bs-byte blocks, -a $align${fsync:+ $fsync}"
			a=$mnt/out/a.cpio
			rm -f "$a"
			# shellcheck disable=SC2086
			"$GEN" -t 0 $fsync -a "$align" -o "$a" "$mnt/src"
			ok $? "$what: builds"
			check_archive "$what" "$a" "-a $align"
			read -r whole new needed holes < <(shared_report "$a" "$align" "$bs")
			is "$whole" 0 "$what: every whole block of aligned data is shared"
			is "$new" "$needed" "$what: new blocks only for headers, names and unshareable data ($needed)"
			is "$holes" 0 "$what: whole blocks of padding are holes"
			[ "$align" -lt 4096 ] && continue
			fillers=$(awk '$3 ~ /^40/ && $11 > length($13) + 1' "$T/entries" | wc -l)
			[ "$fillers" -gt 0 ]
			ok $? "$what: fillers moved some long-named files ($fillers)"
		done
	done
	a=$mnt/out/plain.cpio
	"$GEN" -t 0 -o "$a" "$mnt/src"
	ok $? "$bs-byte blocks, no -a: builds"
	check_archive "$bs-byte blocks, no -a" "$a" ""
done

# Holes do not depend on clones: on ext4 (no shared extents) with 1024-byte
# blocks, -a 4096 copies the data and still leaves the padding unwritten.
mountpoint -q "$mnt" && umount "$mnt"
rm -f "$T/xfs.img"
if ! real_root; then
	skip_unprivileged "an ext4 with 1024-byte blocks, mounted -o loop"
elif truncate -s 64M "$T/ext4.img" && mkfs.ext4 -q -F -b 1024 "$T/ext4.img" &&
   mount -o loop "$T/ext4.img" "$mnt" && make_tree "$mnt/src" &&
   mkdir "$mnt/out"; then
	a=$mnt/out/a.cpio
	"$GEN" -t 0 -a 4096 -o "$a" "$mnt/src"
	ok $? "ext4, 1024-byte blocks, -a 4096: builds"
	check_archive "ext4, 1024-byte blocks, -a 4096" "$a" "-a 4096"
	read -r _ _ _ holes < <(shared_report "$a" 4096 1024)
	is "$holes" 0 "ext4, 1024-byte blocks, -a 4096: whole blocks of padding are holes"
	[ "$(stat -c %b "$a")" -lt $(( $(stat -c %s "$a") / 512 )) ]
	ok $? "ext4, 1024-byte blocks, -a 4096: the archive takes less space than its size"
else
	ok 1 "an ext4 with 1024-byte blocks on a loop device"
fi

# A file system that fills up while data is cloned (copied, on tmpfs)
# and the bytes in front of it are written behind it: a located error,
# exit 1, and neither the archive nor its temporary file left.
mountpoint -q "$mnt" && umount "$mnt"
if make_tree "$T/tree" && mount -t tmpfs -o size=512k tmpfs "$mnt"; then
	"$GEN" -t 0 -a 4096 -o "$mnt/a.cpio" "$T/tree" 2> "$T/full.err"
	is "$?" 1 "a full file system: exit 1"
	grep -q "error: cannot write $mnt/a.cpio: No space left on device" "$T/full.err"
	ok $? "... says it cannot write, and why" || cat "$T/full.err" >&2
	is "$(ls -A "$mnt")" "" "... and leaves nothing behind"
	umount "$mnt"
else
	ok 1 "a 512 KiB tmpfs"
fi

done_testing
