#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# tests/tar/mktar.pl OUT ARG...: write a tar archive by hand, byte by byte
# from POSIX's ustar layout, for the cases no tar program writes on
# request (xattrs on a file system without them, absolute names, '..',
# sparse markers, bad checksums).  Each ARG is one of:
#
#   pax:KEY=VALUE     a record of the pax 'x' header before the next member
#   NAME|TYPE|DATA|LINK   a member: TYPE a typeflag (0 file, 1 hard link,
#                     2 symlink, 3/4 devices as MAJ,MIN in DATA, 5 dir, 6 fifo)
#
# Owners are 0:0, modes 0644 (0755 for directories), mtime 1700000000.
# MKTAR_NOEND=1 leaves out the two end-of-archive blocks.
use strict;
use warnings;

my $out = shift @ARGV;
my @pax;
my $tar = '';

sub oct_field { my ($v, $len) = @_; return sprintf("%0*o\0", $len - 1, $v); }

sub header {
	my ($name, $type, $size, $link, $maj, $min) = @_;
	my $mode = $type eq '5' ? 0755 : 0644;
	my $h = pack('a100 a8 a8 a8 a12 a12 A8 a1 a100 a6 a2 a32 a32 a8 a8 a155 a12',
		$name, oct_field($mode, 8), oct_field(0, 8), oct_field(0, 8),
		oct_field($size, 12), oct_field(1700000000, 12), ' ' x 8, $type,
		$link, "ustar\0", '00', 'root', 'root', oct_field($maj, 8),
		oct_field($min, 8), '', '');
	my $sum = unpack('%32C*', $h);
	substr($h, 148, 8) = sprintf("%06o\0 ", $sum);
	return $h;
}

sub block { my ($d) = @_; my $pad = (512 - length($d) % 512) % 512; return $d . "\0" x $pad; }

for my $arg (@ARGV) {
	if ($arg =~ /^pax:(.*)$/s) {
		push @pax, $1;
		next;
	}
	my ($name, $type, $data, $link) = split /\|/, $arg, 4;
	$data //= '';
	$link //= '';
	if (@pax) {
		my $recs = '';
		for my $r (@pax) {
			my $len = length($r) + 3;
			$len++ while length("$len $r\n") != $len;
			$recs .= "$len $r\n";
		}
		$tar .= header("PaxHeaders/$name", 'x', length($recs), '', 0, 0);
		$tar .= block($recs);
		@pax = ();
	}
	my ($maj, $min) = (0, 0);
	($maj, $min) = split /,/, $data if $type eq '3' || $type eq '4';
	my $body = $type eq '0' ? $data : '';
	$tar .= header($name, $type, length($body), $link, $maj, $min);
	$tar .= block($body);
}
$tar .= "\0" x 1024 unless $ENV{MKTAR_NOEND};
open(my $fh, '>', $out) or die "$out: $!";
binmode $fh;
print $fh $tar;
close $fh;
