#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-entries.pl: owns the generated spec lists of the rss
# corpus's memory-per-entry table (called by scripts/bench-rss.sh).
#
# Usage: bench-entries.pl N DATA-DIR > LIST  (run the list from the
# directory that holds DATA-DIR: its locations are relative to it)
#
# Prints a spec list of exactly N entries shaped like a distribution's
# /usr/share: /usr and /usr/share, then packages
# /usr/share/pkgNNNN/dir/ of 198 entries each under their two
# directories (about 1% of the entries are directories).  In a package,
# every 10th entry is a symbolic link, every 50th a character device,
# every 100th a named pipe; the rest are file lines whose locations
# cycle over the few small files DATA-DIR/small0 .. small3 (made here),
# so that the list, not the data, is what grows.  The locations are
# written relative, as "<last component of DATA-DIR>/smallN", the way a
# list kept beside its files names them (specs/busybox.list): the memory
# a list takes grows with the bytes of its names and locations, and a
# long absolute prefix repeated on every line would measure the prefix.
use strict;
use warnings;

my ($n, $data) = @ARGV;
die "usage: bench-entries.pl N DATA-DIR\n"
	unless defined $data && $n =~ /^\d+$/ && $n >= 2;

# Four real files of 0, 100, 1000 and 3000 bytes.
my @sizes = (0, 100, 1000, 3000);
for my $i (0 .. $#sizes) {
	open(my $f, ">", "$data/small$i") or die "$data/small$i: $!\n";
	print $f "x" x $sizes[$i];
	close($f) or die "$data/small$i: $!\n";
}

(my $rel = $data) =~ s{.*/}{};
my $left = $n;
sub line {
	return 0 if $left == 0;
	print @_, "\n";
	$left--;
	return 1;
}

line("dir /usr 0755 0 0");
line("dir /usr/share 0755 0 0");
my ($pkg, $k) = (0, 0);
while ($left > 0) {
	my $top = sprintf("/usr/share/pkg%04d", $pkg++);
	line("dir $top 0755 0 0");
	line("dir $top/dir 0755 0 0");
	for my $j (1 .. 198) {
		last if $left == 0;
		my $name = sprintf("%s/dir/file%06d", $top, $k++);
		if ($j % 100 == 0) {
			line("pipe $name.fifo 0644 0 0");
		} elsif ($j % 50 == 0) {
			line("nod $name.dev 0600 0 0 c 1 3");
		} elsif ($j % 10 == 0) {
			line("slink $name.lnk ../../pkg0000/dir/file000001.txt 0777 0 0");
		} else {
			line("file $name.txt $rel/small" . ($k % 4) . " 0644 0 0");
		}
	}
}
