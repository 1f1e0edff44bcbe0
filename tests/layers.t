#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# tests/layers.t: the layers of usr/ (see Kbuild) only include downwards.
#
# Every #include "..." of every source under usr/ is read and placed:
# a header is "lib/x.h", "image/x.h", ... or one of the including file's
# own folder.  A layer may include itself and the layers it stands on:
#
#   lib      -> lib
#   image    -> lib
#   compiler -> lib, image              (usr/*.c, usr/*.h)
#   inspect  -> lib, image
#   deps     -> lib
#   main     -> everything but deps     (usr/gen_init_cpio.c only)
#
# Within the compiler, the stages only include the stages they feed: the
# writer (archive) and the output (sink and its out*.c stages) know
# nothing of the checks, the merge or the sources, the output nothing of
# the writer, and the merge nothing of the checks.
#
# No include may climb with "../", and the graph of headers has no cycle.
use strict;
use warnings;

my $src = $ENV{SRCTREE} // '.';
my %below = (
	lib => [qw(lib)],
	image => [qw(lib image)],
	compiler => [qw(lib image compiler)],
	inspect => [qw(lib image inspect)],
	deps => [qw(lib deps)],
	main => [qw(lib image compiler inspect)],
);
# Compiler files (by stem) and the compiler headers they may not include.
my @sources = qw(spec.h dirtree.h cpioread.h microcode.h);
my %not_upstream = (
	archive => [qw(check.h merge.h), @sources],
	sink => [qw(check.h merge.h archive.h), @sources],
	merge => [qw(check.h), @sources],
);
# The output stages (out*.c) are the sink's.
sub stage_of { my $stem = shift; return $stem =~ /^out/ ? 'sink' : $stem; }
my ($n, $failed) = (0, 0);

sub ok {
	my ($good, $what) = @_;
	$n++;
	$failed++ unless $good;
	print +($good ? 'ok' : 'not ok'), " $n - $what\n";
}

sub layer_of {
	my $rel = shift;	# below usr/
	return 'main' if $rel eq 'gen_init_cpio.c';
	return $1 if $rel =~ m{^(lib|image|inspect|deps)/[^/]+$};
	return 'compiler' if $rel =~ m{^[^/]+$};
	return undef;
}

my @files = map { s{^\Q$src\E/usr/}{}r } glob("$src/usr/*.[ch] $src/usr/*/*.[ch]");
my %edges;
for my $rel (@files) {
	my $layer = layer_of($rel);
	my $dir = $rel =~ m{^(.*)/} ? "$1/" : '';
	my @bad;

	open my $fh, '<', "$src/usr/$rel" or die "$rel: $!";
	while (my $line = <$fh>) {
		next unless $line =~ /^\s*#\s*include\s+"([^"]+)"/;
		my $inc = $1;
		if ($inc =~ m{\.\./}) {
			push @bad, "$inc climbs up";
			next;
		}
		my $target = $inc =~ m{/} ? $inc : "$dir$inc";
		my $to = layer_of($target);
		if (!-e "$src/usr/$target" || !defined $to) {
			push @bad, "$inc is not in usr/";
		} elsif (!grep { $_ eq $to } @{$below{$layer}}) {
			push @bad, "$inc is in layer $to";
		} elsif ($layer eq 'compiler' && $rel =~ /^(\w+)\.[ch]$/ &&
			 grep { $_ eq $inc } @{$not_upstream{stage_of($1)} // []}) {
			push @bad, "$inc is upstream of $1 in the data flow";
		}
		push @{$edges{$rel}}, $target;
	}
	close $fh;
	ok(!defined $layer ? 0 : !@bad, "usr/$rel ($layer): " .
	   (@bad ? join('; ', @bad) : 'includes only downwards'));
}

# A cycle: a path back to a file that is still on the stack.
my (%state, @cycle);
sub visit {
	my ($f, @path) = @_;
	return if ($state{$f} // '') eq 'done' || @cycle;
	if (($state{$f} // '') eq 'open') {
		@cycle = (@path, $f);
		return;
	}
	$state{$f} = 'open';
	visit($_, @path, $f) for @{$edges{$f} // []};
	$state{$f} = 'done';
}
visit($_) for sort @files;
ok(!@cycle, @cycle ? 'an include cycle: ' . join(' -> ', @cycle) :
   'no include cycle');

print "1..$n\n";
exit($failed ? 1 : 0);
