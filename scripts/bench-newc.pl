#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-newc.pl: owns the reflink corpus's reading of an archive's
# layout (called by scripts/bench-reflink.sh): the archive read back from
# its own newc headers, not through our program, matched with the
# `filefrag -v` output of the same file.
#
# Usage: bench-newc.pl ARCHIVE BLOCK ALIGN FILEFRAG-OUTPUT
#
# Prints on one line: the files larger than ALIGN bytes; of them those
# whose data starts at a multiple of ALIGN, and those whose whole blocks
# are all shared; the fillers (directories whose name field is longer
# than their name); the file data's bytes; the bytes of the files of ALIGN
# bytes or less; the archive's blocks; of them those flagged shared,
# those not, and those holding a header, a name or file data outside the
# whole blocks of block-aligned file data, which no filesystem can
# share, whatever it does: the layout's own floor (padding is zeros,
# which can be a hole).
use strict;
use warnings;

my ($path, $bs, $align, $frag) = @ARGV;
my ($pos, $hdr, $name, @files, @needed) = (0);
my ($big, $aligned, $fillers, $data, $small) = (0, 0, 0, 0, 0);

open(my $in, "<:raw", $path) or die "$path: $!\n";
my $size = -s $in;
for (;;) {
	seek($in, $pos, 0) && read($in, $hdr, 110) == 110
		or die "$path: offset $pos: no header\n";
	$hdr =~ /^07070[12][0-9A-Fa-f]{104}$/
		or die "$path: offset $pos: not a newc header\n";
	my @f = map { hex } unpack("x6 (a8)13", $hdr);
	my ($mode, $len, $nsz) = @f[1, 6, 11];
	read($in, $name, $nsz) == $nsz
		or die "$path: offset $pos: the name is cut off\n";
	$name =~ s/\0.*//s;
	push @needed, [$pos, 110 + length($name) + 1];
	last if $name eq "TRAILER!!!";
	my $at = ($pos + 110 + $nsz + 3) & ~3;
	my $type = $mode & 0170000;
	$fillers++ if $type == 0040000 && $nsz > length($name) + 1;
	if ($type == 0100000 && $len > 0) {
		$data += $len;
		push @files, [$at, $len];
		if ($len > $align) {
			$big++;
			$aligned++ if $at % $align == 0;
		} else {
			$small += $len;
		}
	}
	$pos = ($at + $len + 3) & ~3;
}

# Extents as "N: START.. END: PHYS.. END: LENGTH: [EXPECTED] FLAGS", in
# blocks of the size the "File size" line names.  Past EOF is ignored.
my $blocks = int(($size + $bs - 1) / $bs);
my ($unit, $sh, $nsh, $map) = (0, 0, 0, "");
open(my $ff, "<", $frag) or die "$frag: $!\n";
while (<$ff>) {
	$unit = $1 if /^File size of .* blocks? of (\d+) bytes\)$/;
	next unless /^\s*\d+:\s*(\d+)\.\.\s*(\d+):/;
	my ($s, $e) = ($1, $2 < $blocks ? $2 : $blocks - 1);
	next if $s > $e;
	if (/[\s,]shared(,|\s*$)/) {
		$sh += $e - $s + 1;
		vec($map, $_, 1) = 1 for $s .. $e;
	} else {
		$nsh += $e - $s + 1;
	}
}
$unit == $bs or die "$frag: blocks of $unit bytes, not $bs\n";

my ($shared, $need, $used) = (0, 0, "");
for (@files) {
	my ($at, $len) = @$_;
	my $n = $at % $bs ? 0 : int($len / $bs);
	push @needed, [$at + $n * $bs, $len - $n * $bs];
	next if $at % $bs;
	my $first = $at / $bs;
	my $b = $first;
	next if $len <= $align;
	$b++ while $b < $first + $n && vec($map, $b, 1);
	$shared++ if $n > 0 && $b == $first + $n;
}
# The blocks that hold a header, a name, or file data outside the whole
# blocks of block-aligned data; padding is zeros, which may be a hole.
for (@needed) {
	my ($at, $len) = @$_;
	next unless $len;
	vec($used, $_, 1) = 1 for int($at / $bs) .. int(($at + $len - 1) / $bs);
}
$need = unpack("%32b*", $used);
print join(" ", $big, $aligned, $shared, $fillers, $data, $small,
	   $blocks, $sh, $nsh, $need), "\n";
