#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-report.pl: owns every figure scripts/bench reports: the
# statistics of the hyperfine rounds (merged into one JSON and one CSV per
# set of rounds), every ratio and goal, the tables (on the terminal and in
# Markdown), scripts/bench-results.md and README.md's summary table.  It
# reads the facts that scripts/bench records (see fact() there) and
# measures nothing itself.
#
# Usage:
#   bench-report.pl check-readme README
#       README has one begin and one end marker, in that order
#   bench-report.pl corpus RUN-FACTS FACTS OUT
#       the tables of one corpus: printed, and its block (the run's
#       header, then the tables) written to OUT
#   bench-report.pl results OUT ORDER BLOCK...
#       this run's blocks as one Markdown file
#   bench-report.pl readme RESULTS README ORDER BLOCK...
#       RESULTS (scripts/bench-results.md) with the blocks given in place
#       of their corpora's, the others kept; then README's summary table
#       from RESULTS
# ORDER is the corpora's names, space-separated, in the order the
# results file lists them.
use strict;
use warnings;
use JSON::PP;

my $MiB = 1048576;
my $begin = "<!-- bench:begin -->";
my $end = "<!-- bench:end -->";
my $run_mark = "<!-- bench:run -->";
my $corpus_mark = "<!-- bench:corpus ";

sub slurp {
	my ($path) = @_;
	open(my $f, "<", $path) or die "bench-report: $path: $!\n";
	local $/;
	my $s = <$f>;
	return $s;
}

sub spew {
	my ($path, $text) = @_;
	open(my $f, ">", "$path.new") or die "bench-report: $path.new: $!\n";
	print $f $text;
	close($f) or die "bench-report: $path.new: $!\n";
	rename("$path.new", $path) or die "bench-report: $path: $!\n";
}

sub ratio {
	my ($a, $b) = @_;
	return defined $a && defined $b && $a ne "-" && $b ne "-" && $b > 0 ?
		sprintf("%.2f", $a / $b) : "-";
}

sub mib {
	return sprintf("%.1f", $_[0] / $MiB);
}

sub met {
	return $_[0] ? "met" : "NOT met";
}

# ---- facts ----------------------------------------------------------

# A facts file: { set => {KEY => VALUE}, groups => [NAME...],
# group => {NAME => {KEY => VALUE}}, cmds => [{group, label, timed, KEY
# => VALUE}] }.
sub read_facts {
	my ($path) = @_;
	my %f = (set => {}, groups => [], group => {}, cmds => []);
	my %seen;
	open(my $in, "<", $path) or die "bench-report: $path: $!\n";
	while (my $line = <$in>) {
		chomp $line;
		my @t = split(/\t/, $line, -1);
		my $type = shift @t;
		if ($type eq "set") {
			$f{set}{$t[0]} = $t[1];
		} elsif ($type eq "group") {
			my $name = shift @t;
			push @{$f{groups}}, $name unless $seen{$name}++;
			$f{group}{$name} = { map { /^([^=]+)=(.*)$/s ? ($1, $2) : () } @t };
		} elsif ($type eq "cmd") {
			my ($group, $label, $timed) = splice(@t, 0, 3);
			my %c = (group => $group, label => $label, timed => $timed,
				 map { /^([^=]+)=(.*)$/s ? ($1, $2) : () } @t);
			push @{$f{groups}}, $group
				unless $group eq "-" || $seen{$group}++;
			push @{$f{cmds}}, \%c;
		}
	}
	return \%f;
}

# Merges results/GROUP.round1.json .. roundN.json into GROUP.json (every
# command's times together) and GROUP.csv (hyperfine's columns:
# command,mean,stddev,median,user,system,min,max; seconds).  Returns
# { LABEL => { median, stddev, ... } }.
sub merge_rounds {
	my ($res, $n) = @_;
	my (@names, %times, %user, %sys);
	for my $r (1 .. $n) {
		my $doc = decode_json(slurp("$res.round$r.json"));
		for my $c (@{$doc->{results}}) {
			my $name = $c->{command};
			push @names, $name unless $times{$name};
			my $k = @{$c->{times}};
			push @{$times{$name}}, @{$c->{times}};
			$user{$name} += $c->{user} * $k;
			$sys{$name} += $c->{system} * $k;
		}
	}
	my (@out, %stats);
	my $csv = "command,mean,stddev,median,user,system,min,max\n";
	for my $name (@names) {
		my @t = sort { $a <=> $b } @{$times{$name}};
		my $k = @t;
		my $mean = 0;
		$mean += $_ / $k for @t;
		my $var = 0;
		$var += ($_ - $mean) ** 2 for @t;
		my %s = (command => $name, mean => $mean,
			 stddev => $k > 1 ? sqrt($var / ($k - 1)) : 0,
			 median => $k % 2 ? $t[$k / 2] :
				   ($t[$k / 2 - 1] + $t[$k / 2]) / 2,
			 user => $user{$name} / $k, system => $sys{$name} / $k,
			 min => $t[0], max => $t[-1], times => \@t);
		$csv .= sprintf("%s,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f,%.9f\n",
			$name, @s{qw(mean stddev median user system min max)});
		push @out, \%s;
		$stats{$name} = \%s;
	}
	spew("$res.csv", $csv);
	spew("$res.json", JSON::PP->new->canonical->pretty->encode(
		{ results => \@out }));
	return \%stats;
}

# Every command of the facts gets its median and stddev: from its
# group's rounds, or its one timed run ("-" for the spread).
sub add_stats {
	my ($f, $dir) = @_;
	my %stats;
	for my $g (@{$f->{groups}}) {
		my $n = $f->{group}{$g}{rounds} or next;
		$stats{$g} = merge_rounds("$dir/$g", $n);
	}
	my @kept;
	for my $c (@{$f->{cmds}}) {
		if (defined $c->{seconds}) {
			@$c{qw(median stddev)} = ($c->{seconds}, "-");
		} elsif (my $s = $stats{$c->{group}}{$c->{label}}) {
			@$c{qw(median stddev)} = ($s->{median}, $s->{stddev});
		} else {
			next;
		}
		push @kept, $c;
	}
	$f->{cmds} = \@kept;
}

sub runs_text {
	my ($rounds) = @_;
	return sprintf("1 warm-up + %d timed, in %d rounds of 2",
		       2 * $rounds, $rounds);
}

# The median of the command LABEL among CMDS (of GROUP, if given).
sub median_of {
	my ($cmds, $label, $group) = @_;
	for (@$cmds) {
		next if defined $group && $_->{group} ne $group;
		return $_->{median} if $_->{label} eq $label;
	}
	return undef;
}

# ---- tables ---------------------------------------------------------

# A table: { title, term => [headings], md => [headings], rows =>
# [[cells]], footer => [lines], runs => text or undef, cmds => [lines] }.
# A column is text, aligned left, when a row holds a cell there that is
# neither a number nor "-"; numbers are aligned right.
sub text_columns {
	my ($t) = @_;
	my @text = (1);
	for my $r (@{$t->{rows}}) {
		for my $i (0 .. $#$r) {
			$text[$i] = 1 if $r->[$i] !~ /^(-|-?[0-9]+(\.[0-9]+)?)$/;
		}
	}
	return @text;
}

sub terminal {
	my ($t) = @_;
	my @text = text_columns($t);
	my @all = ($t->{term}, @{$t->{rows}});
	my @w;
	for my $r (@all) {
		for my $i (0 .. $#$r) {
			$w[$i] = length($r->[$i])
				if !defined $w[$i] || length($r->[$i]) > $w[$i];
		}
	}
	my $s = "\n$t->{title}\n";
	for my $r (@all) {
		my $line = sprintf("%-*s", $w[0], $r->[0]);
		for my $i (1 .. $#$r) {
			$line .= sprintf($text[$i] ? "  %-*s" : "  %*s",
					 $w[$i], $r->[$i]);
		}
		$line =~ s/ +$//;
		$s .= "$line\n";
	}
	$s .= "$_\n" for @{$t->{footer}};
	return $s;
}

sub markdown {
	my ($t) = @_;
	my @text = text_columns($t);
	my $s = "### $t->{title}\n\n";
	$s .= "| " . join(" | ", @{$t->{md}}) . " |\n";
	$s .= "|" . join("", map { $text[$_] ? " --- |" : " ---: |" }
			     0 .. $#{$t->{md}}) . "\n";
	$s .= "| " . join(" | ", @$_) . " |\n" for @{$t->{rows}};
	$s .= "\n$_\n" for @{$t->{footer}};
	if (@{$t->{cmds}}) {
		$s .= defined $t->{runs} ? "\nRuns: $t->{runs}. Commands:\n\n" :
					   "\nCommands:\n\n";
		$s .= "$_\n" for @{$t->{cmds}};
	}
	return "$s\n";
}

sub cmd_lines {
	my ($cmds, $prefix) = @_;
	return [ map { "- " . $prefix->($_) . "$_->{label}: `$_->{timed}`" }
		 @$cmds ];
}

# ---- the corpora ----------------------------------------------------

sub verdict {
	my ($x, $bound) = @_;
	return !defined $x || $x eq "-" ? "not measured" : met($x <= $bound);
}

sub archive_tables {
	my ($f, $run) = @_;
	my $s = $f->{set};
	my $cmds = $f->{cmds};
	my $ours = $run->{ours};
	my $floor = median_of($cmds, "copyfloor (floor)");
	my $ours_m = median_of($cmds, $ours);
	my (@rows, %x, $data);
	for my $c (@$cmds) {
		my $xf = ratio($c->{median}, $floor);
		$x{$c->{label}} = $xf;
		push @rows, [ $c->{label}, sprintf("%.4f", $c->{median}),
			$c->{stddev} eq "-" ? "-" : sprintf("%.4f", $c->{stddev}),
			$xf, ratio($c->{median}, $ours_m), $c->{rss},
			mib($c->{bytes}) ];
		$data = mib($c->{bytes}) if $c->{label} eq "copyfloor (floor)";
	}
	my @footer;
	if (defined(my $k = median_of($cmds, "kernel gen_initramfs.sh (1 run)"))) {
		push @footer, sprintf("kernel gen_initramfs.sh, one run under" .
			" /usr/bin/time: %.1f s, %.0fx the median of %s (goal:" .
			" ours over 100x faster: %s)", $k,
			$ours_m ? $k / $ours_m : 0, $ours,
			met($ours_m && $k > 100 * $ours_m));
	}
	my ($spec, $dir) = @x{"gen_init_cpio SPEC", "gen_init_cpio DIR"};
	if (defined $spec || defined $dir) {
		my $l = sprintf("gen_init_cpio SPEC takes %sx the floor (goal:" .
			" <= 1.10: %s); gen_init_cpio DIR %sx (goal: <= 1.25: %s)",
			$spec // "-", verdict($spec, 1.10), $dir // "-",
			verdict($dir, 1.25));
		my ($st) = grep { $_->{label} =~ /^copyfloor -S/ } @$cmds;
		my $dm = median_of($cmds, "gen_init_cpio DIR");
		if ($st && $st->{median} > 0) {
			$l .= sprintf("; copyfloor -S, which lstat()s every file" .
				" in a pass before copying (what a walk that" .
				" stat()s every path before the first header" .
				" pays; DIR with -o stat()s only directories," .
				" symlinks and the like, and names that share an" .
				" inode number), takes %sx the floor", $x{$st->{label}});
			$l .= sprintf(", and DIR %.2fx that",
				      $dm / $st->{median}) if defined $dm;
		}
		push @footer, $l;
	}
	my ($g) = grep { $f->{group}{$_}{rounds} } @{$f->{groups}};
	return {
		title => sprintf("%s: %s (%s): %s entries (%s in the spec" .
			" list), %s MiB of file data", $s->{corpus}, $s->{dir},
			$s->{src}, $s->{n_tree}, $s->{n_spec}, $data // "-"),
		term => [ "command", "median s", "+- s", "x floor", "x ours",
			  "peak RSS KiB", "output MiB" ],
		md => [ "command", "median (s)", "± (s)", "× floor", "× ours",
			"peak RSS (KiB)", "output (MiB)" ],
		rows => \@rows, footer => \@footer,
		runs => runs_text($f->{group}{$g}{rounds}),
		cmds => cmd_lines($cmds, sub { "" }),
	};
}

# compress: one row per command; × alone against the method's program
# alone at the same level, × 1 CPU (ours only) the time pinned to one
# CPU over the time with all; the goals of issue 20 below the table.
sub compress_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my $cmds = $f->{cmds};
	my (%alone, %one, %ours);
	for my $c (@$cmds) {
		my ($key) = $c->{label} =~ /^(\S+:\d+) alone$/;
		$alone{$key} = $c->{median} if $key;
		($key) = $c->{label} =~ /^ours (\S+:\d+), 1 CPU$/;
		$one{$key} = $c->{median} if $key;
		($key) = $c->{label} =~ /^ours (\S+:\d+)$/;
		$ours{$key} = $c if $key;
	}
	my $key_of = sub {
		my ($c) = @_;
		return $c->{key} if $c->{key};
		return $1 if $c->{label} =~ /(\S+:\d+)/;
		return "zstd:2" if $c->{label} =~ /^zstd -q -1/;
		return undef;
	};
	my @rows = map {
		my $k = $key_of->($_);
		[ $_->{label}, sprintf("%.3f", $_->{median}),
		  $_->{stddev} eq "-" ? "-" : sprintf("%.3f", $_->{stddev}),
		  $k && defined $alone{$k} ? ratio($_->{median}, $alone{$k}) : "-",
		  $_->{label} =~ /^ours \S+$/ && $one{$k} ?
			ratio($one{$k}, $_->{median}) : "-",
		  $_->{rss}, mib($_->{bytes}), $_->{same} ] } @$cmds;
	my @goals;
	my $g = sub {
		my ($what, $a, $b, $max) = @_;
		return unless defined $a && defined $b && $b > 0;
		my $r = $a / $b;
		push @goals, sprintf("%s %.2fx (goal: <= %.2f: %s)", $what, $r,
				     $max, $r <= $max ? "met" : "NOT met");
	};
	$g->("-z gzip:9 takes", $ours{"gzip:9"}{median}, $alone{"gzip:9"}, 0.6);
	$g->("-z zstd:19 takes", $ours{"zstd:19"}{median}, $alone{"zstd:19"}, 0.7);
	my ($fast) = grep { $_->{label} eq "zstd -q -1 -T0" } @$cmds;
	$g->("-o x.zst (zstd:2) takes", $ours{"zstd:2"}{median},
	     $fast && $fast->{median}, 2.0);
	for my $c (grep { $_->{label} =~ /^initramfs-tools, / } @$cmds) {
		my ($k) = $c->{label} =~ /^initramfs-tools, (\S+)$/;
		$g->("our default $k takes, against initramfs-tools' command,",
		     $ours{$k} && $ours{$k}{median}, $c->{median}, 2.0);
	}
	my @same = grep { $_->{label} =~ /, 1 CPU$/ && $_->{same} ne "yes" } @$cmds;
	push @goals, @same ? "NOT the same bytes on one CPU: " .
		join(", ", map { $_->{label} } @same) :
		"the same bytes on one CPU (taskset -c 0) as on all, for every command";
	my ($grp) = @{$f->{groups}};
	return {
		title => sprintf("compress: %s (%s): %s entries, a %s MiB archive, %s CPUs",
			$s->{dir}, $s->{src}, $s->{n_tree},
			mib($s->{archive_bytes}), $s->{cpus} // "?"),
		term => [ "command", "median s", "+- s", "x alone", "x 1 CPU",
			  "peak RSS KiB", "output MiB", "same bytes" ],
		md => [ "command", "median (s)", "± (s)", "× alone", "× 1 CPU",
			"peak RSS (KiB)", "output (MiB)", "same bytes" ],
		rows => \@rows,
		footer => [ "× alone: the median over that of the method's" .
			" program alone on the archive at the same level, in one" .
			" process; × 1 CPU: ours pinned to one CPU" .
			" (taskset -c 0) over ours with every CPU, the speed-up;" .
			" same bytes: the output decompresses to the archive" .
			" (for ours on one CPU: it is ours on all, byte for" .
			" byte); ± \"-\": a slow command, timed once under" .
			" /usr/bin/time.", join("; ", @goals) ],
		runs => $grp ? runs_text($f->{group}{$grp}{rounds}) : "once each",
		cmds => cmd_lines($cmds, sub { "" }),
	};
}

# releases: per method and level, the bytes here and in Debian 13.
sub releases_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my @rows = map { [ "-z $_->{key}", mib($_->{bytes}), mib($_->{bytes13}),
			   $_->{here}, $_->{there}, $_->{same} ] } @{$f->{cmds}};
	my @diff = map { $_->{key} } grep { $_->{same} ne "yes" } @{$f->{cmds}};
	my $head = [ "method", "here (MiB)", "Debian 13 (MiB)", "sha256 here",
		     "sha256 Debian 13", "same bytes" ];
	return {
		title => sprintf("releases: %s (%s), a %s MiB archive, here and" .
			" in Debian 13 (%s)", $s->{dir}, $s->{src},
			mib($s->{archive_bytes}), $s->{trixie} // "?"),
		term => $head, md => $head, rows => \@rows,
		footer => [ "The same binary compresses the same archive with" .
			" each release's programs (chroot); the cuts are the" .
			" same on both sides, so a difference is the" .
			" compressor's. " . (@diff ? "Not byte-stable: " .
			join(", ", @diff) . "." : "Every method is byte-stable.") ],
		runs => "once each, untimed",
		cmds => [],
	};
}

# The kernel configuration that unpacks each method.
my %kernel_config = (
	gzip => "CONFIG_RD_GZIP", zstd => "CONFIG_RD_ZSTD (5.9+)",
	xz => "CONFIG_RD_XZ", lzma => "CONFIG_RD_LZMA",
	bzip2 => "CONFIG_RD_BZIP2", lz4 => "CONFIG_RD_LZ4",
	lzo => "CONFIG_RD_LZO",
);

# levels: per method and level, time and size on each corpus.
sub levels_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my (%by, @keys);
	for my $c (@{$f->{cmds}}) {
		push @keys, $c->{key} unless $by{$c->{key}};
		$by{$c->{key}}{$c->{corpus}} = $c;
	}
	my @names = grep { $s->{"bytes_$_"} } qw(distro modules);
	my @rows;
	for my $k (@keys) {
		my ($m) = split(/:/, $k);
		push @rows, [ "-z $k", map({
			my $c = $by{$k}{$_};
			$c ? (sprintf("%.2f", $c->{seconds}), mib($c->{bytes}),
			      sprintf("%.1f%%", 100 * $c->{bytes} / $s->{"bytes_$_"}))
			   : ("-", "-", "-") } @names), $kernel_config{$m} ];
	}
	my @head = ("level", (map { ("$_ s", "$_ MiB", "$_ kept") } @names),
		    "kernel");
	return {
		title => "levels: " . join(" and ", map {
			sprintf("%s (%s, a %s MiB archive)", $_, $s->{"dir_$_"},
				mib($s->{"bytes_$_"})) } @names),
		term => \@head, md => \@head, rows => \@rows,
		footer => [ "Each level run once by our program (every CPU," .
			" under /usr/bin/time); kept: the compressed size as a" .
			" share of the archive; kernel: the option that lets" .
			" the kernel unpack it." ],
		runs => "once each",
		cmds => cmd_lines($f->{cmds}, sub { "" }),
	};
}

# The goals of one image: faster than bsdcpio -it on an uncompressed
# archive, 50x faster than lsinitramfs on a distro image.  On a
# compressed image the floor bounds what any lister can reach: the line
# says how far lsinitramfs is from the floor itself.
sub list_goals {
	my ($g, $cmds, $img) = @_;
	my $o = median_of($cmds, "gen_init_cpio --list", $g);
	my $b = median_of($cmds, "bsdcpio -it", $g);
	my $l = median_of($cmds, "lsinitramfs", $g) //
		median_of($cmds, "lsinitramfs (1 run)", $g);
	my $fl = $img->{floor};
	my $f = $fl ne "" ? median_of($cmds, $fl, $g) : undef;
	my $name = $img->{image};
	return () unless $o && $o > 0;
	my @out;
	push @out, sprintf("%s: bsdcpio -it takes %.2fx the time of ours" .
		" (goal: over 1, ours faster: %s)", $name, $b / $o, met($b > $o))
		if $img->{method} eq "none" && $b && $b > 0;
	return @out if $img->{method} eq "none" || !$l || $l <= 0;
	my $line = sprintf("%s: lsinitramfs takes %.1fx the time of ours" .
		" (goal: at least 50x: %s)", $name, $l / $o, met($l >= 50 * $o));
	$line .= sprintf("; ours takes %.2fx the time of %s, and lsinitramfs" .
		" %.1fx: a lister costing nothing beyond decompression would" .
		" be %.1fx faster than lsinitramfs", $o / $f, $fl, $l / $f,
		$l / $f) if $f && $f > 0;
	return (@out, $line);
}

sub list_tables {
	my ($f) = @_;
	my $cmds = $f->{cmds};
	my (@rows, @footer, @lines, $rounds);
	for my $g (@{$f->{groups}}) {
		my $img = $f->{group}{$g};
		next unless $img->{rounds};
		$rounds //= $img->{rounds};
		my @mine = grep { $_->{group} eq $g } @$cmds;
		my $o = median_of($cmds, "gen_init_cpio --list", $g);
		my $fm = $img->{floor} ne "" ?
			median_of($cmds, $img->{floor}, $g) : undef;
		for my $c (@mine) {
			push @rows, [ $img->{image}, $c->{label},
				sprintf("%.4f", $c->{median}),
				$c->{stddev} eq "-" ? "-" :
					sprintf("%.4f", $c->{stddev}),
				ratio($c->{median}, $o), ratio($c->{median}, $fm),
				$c->{rss}, $c->{listed} eq "-" ? "-" :
					"$c->{listed} of $img->{entries}" ];
		}
		my $where = $img->{method} eq "none" ? "uncompressed" :
			"$img->{method} data from offset $img->{offset}";
		push @footer, sprintf("%s: %s: %s MiB, %s, %s entries",
			$img->{image}, $img->{what}, mib($img->{bytes}), $where,
			$img->{entries});
		push @footer, "$img->{image}: lsinitramfs not timed: it forks" .
			" a few processes per header, minutes in all (--slow" .
			" runs it once)" if $img->{lsinitramfs_untimed};
		push @footer, list_goals($g, $cmds, $img);
		push @lines, @{cmd_lines(\@mine, sub { "$img->{image}, " })};
	}
	push @footer, "× ours = median / gen_init_cpio --list's, × floor =" .
		" median / that of the decompressor program alone on the" .
		" compressed bytes, the least a lister that runs it (ours," .
		" lsinitramfs, GNU cpio after it) can take; bsdcpio" .
		" decompresses in its own process (libarchive) and is not" .
		" bound by it.  Peak RSS is the largest process's (the" .
		" decompressor's, for ours on a compressed image).  Entries" .
		" listed: names printed, of the entries in all members" .
		" (--examine); GNU cpio and bsdcpio stop at the first" .
		" member's trailer: on initrd+early they list the microcode" .
		" member only.";
	return () unless @rows;
	return {
		title => "list: listing whole images, warm cache",
		term => [ "image", "command", "median s", "+- s", "x ours",
			  "x floor", "peak RSS KiB", "entries listed" ],
		md => [ "image", "command", "median (s)", "± (s)", "× ours",
			"× floor", "peak RSS (KiB)", "entries listed" ],
		rows => \@rows, footer => \@footer,
		runs => runs_text($rounds) . " per command, hyperfine -N (no" .
			" shell, output discarded) per image",
		cmds => \@lines,
	};
}

# The goals of issue 21 on the initramfs-tools image with microcode:
# --extract within 2.5x of the decompressor alone and 5x faster than
# unmkinitramfs, --list within 1.3x of the decompressor alone.
sub extract_goals {
	my ($cmds, $img) = @_;
	my $fl = $img->{floor} // "";
	my $f = $fl ne "" ? median_of($cmds, $fl) : undef;
	my $x = median_of($cmds, "gen_init_cpio --extract");
	my $l = median_of($cmds, "gen_init_cpio --list");
	my $u = median_of($cmds, "unmkinitramfs");
	my @out;
	push @out, sprintf("--extract takes %.2fx the time of %s (goal: at" .
		" most 2.5x: %s)", $x / $f, $fl, met($x <= 2.5 * $f))
		if $x && $f && $f > 0;
	push @out, sprintf("unmkinitramfs takes %.1fx the time of --extract" .
		" (goal: at least 5x: %s)", $u / $x, met($u >= 5 * $x))
		if $x && $x > 0 && $u;
	push @out, sprintf("--list takes %.2fx the time of %s (goal: at most" .
		" 1.3x: %s)", $l / $f, $fl, met($l <= 1.3 * $f))
		if $l && $f && $f > 0;
	return @out;
}

sub extract_tables {
	my ($f) = @_;
	my $cmds = $f->{cmds};
	my ($g) = @{$f->{groups}};
	return () unless defined $g && $f->{group}{$g}{rounds};
	my $img = $f->{group}{$g};
	my $fm = $img->{floor} ne "" ? median_of($cmds, $img->{floor}) : undef;
	my $um = median_of($cmds, "unmkinitramfs");
	my @rows = map { [ $_->{label}, sprintf("%.4f", $_->{median}),
			   $_->{stddev} eq "-" ? "-" :
				sprintf("%.4f", $_->{stddev}),
			   ratio($_->{median}, $fm), ratio($_->{median}, $um),
			   $_->{entries} eq "-" ? "-" :
				"$_->{entries} of $img->{entries}" ] } @$cmds;
	my @footer = (sprintf("The image: %s; %s MiB, %s data from offset" .
		" %s, %s entries in all members.", $img->{what},
		mib($img->{bytes}), $img->{method}, $img->{offset},
		$img->{entries}), extract_goals($cmds, $img));
	push @footer, "gen_init_cpio --extract --split gives the tree" .
		" unmkinitramfs gives (diff -r, modes and owners): $img->{same}."
		if $img->{same} ne "-";
	push @footer, "× floor = median / that of the decompressor alone" .
		" on the compressed member, × unmkinitramfs = median /" .
		" unmkinitramfs's.  Entries: what each command extracted (the" .
		" names under its directory) or listed (lines), of the entries" .
		" in all members (--examine); bsdtar and GNU cpio stop at the" .
		" first member's trailer, so they cover the AMD microcode" .
		" member only.  Each extraction goes to a new directory: the" .
		" one of the run before is moved aside by --prepare, not" .
		" deleted (deleting its inodes just before would slow the next" .
		" run's file creation, on ext4 without a journal most), and the" .
		" trees are deleted after the runs.  On a machine shared with" .
		" other work, as with 2 cores, the figures are rough.";
	return {
		title => "extract: the initramfs-tools image with microcode," .
			" warm cache",
		term => [ "command", "median s", "+- s", "x floor",
			  "x unmkinitramfs", "entries" ],
		md => [ "command", "median (s)", "± (s)", "× floor",
			"× unmkinitramfs", "entries" ],
		rows => \@rows, footer => \@footer,
		runs => runs_text($img->{rounds}) . " per command",
		cmds => cmd_lines($cmds, sub { "" }),
	};
}

sub rss_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my @big = grep { $_->{group} eq "big" } @{$f->{cmds}};
	my @ent = grep { $_->{group} eq "entries" } @{$f->{cmds}};
	my @t;
	push @t, {
		title => "rss: a 2 GiB sparse file, one run each after a warm-up",
		term => [ "command", "time s", "peak RSS KiB", "bound KiB",
			  "within" ],
		md => [ "command", "time (s)", "peak RSS (KiB)", "bound (KiB)",
			"within" ],
		rows => [ map { [ $_->{label}, $_->{seconds}, $_->{rss}, 8192,
				  $_->{rss} < 8192 ? "yes" : "NO" ] } @big ],
		footer => [ "Peak RSS of our process alone, under" .
			" /usr/bin/time; the file is `truncate -s 2G`, the" .
			" archive kept sparse by `cp --sparse=always`; the" .
			" bound is the goal: 8 MiB whatever the size of the" .
			" files." ],
		cmds => cmd_lines(\@big, sub { "" }),
	} if @big;
	return @t unless @ent;
	my ($small, $large) = @$s{qw(entries_small entries_large)};
	my (@progs, %kib, %sec);
	for (@ent) {
		(my $p = $_->{label}) =~ s/, \d+ entries$//;
		push @progs, $p unless $kib{$p};
		$kib{$p}{$_->{entries}} = $_->{rss};
		$sec{$p}{$_->{entries}} = $_->{seconds};
	}
	my @rows;
	for my $p (@progs) {
		my ($a, $b) = ($kib{$p}{$small}, $kib{$p}{$large});
		push @rows, [ $p, $a // "-", $b // "-", $sec{$p}{$large} // "-",
			defined $a && defined $b ? sprintf("%.1f",
				($b - $a) * 1024 / ($large - $small)) : "-" ];
	}
	push @t, {
		title => "rss: memory per entry, generated spec lists of" .
			" $small and $large entries",
		term => [ "program", "RSS $small KiB", "RSS $large KiB",
			  "time $large s", "bytes per entry" ],
		md => [ "program", "peak RSS, $small entries (KiB)",
			"peak RSS, $large entries (KiB)",
			"time, $large entries (s)", "bytes per entry" ],
		rows => \@rows,
		footer => [ "Bytes per entry: (peak RSS with $large entries -" .
			" that with $small) / " . ($large - $small) . ", what" .
			" one more entry costs.  The lists (scripts/" .
			"bench-entries.pl) are /usr/share/pkgNNNN/dir/" .
			"fileNNNNNN.txt names, about 1% directories, every 10th" .
			" entry a symbolic link, every 50th a device, every" .
			" 100th a pipe, the rest file lines over four small" .
			" files of 0 to 3000 bytes, named relative to the" .
			" list (data/smallN: what a list takes grows with the" .
			" bytes of its names and locations, about 0.9 bytes" .
			" an entry for each byte of a location); each program" .
			" writes the" .
			" archive to /dev/null, one run under /usr/bin/time" .
			" after a warm-up." ],
		cmds => cmd_lines(\@ent, sub { "" }),
	};
	return @t;
}

sub reflink_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my $cmds = $f->{cmds};
	my (@rows, %nf, %fs, @keys, %row, @loads, @runs, $data);
	for my $g (@{$f->{groups}}) {
		my $gr = $f->{group}{$g};
		next unless $gr->{rounds};
		push @loads, "$gr->{bs}-byte blocks, $gr->{what}: $gr->{load}";
		push @runs, "$gr->{bs}-byte blocks, $gr->{what}: " .
			runs_text($gr->{rounds});
		for my $c (grep { $_->{group} eq $g } @$cmds) {
			my ($big, $al, $sh, $fill, $d, $small, $blocks, $shb,
			    $nsh, $need) = split(/ /, $c->{layout});
			my $bs = $c->{bs};
			my $base = median_of($cmds, $c->{base}, $g);
			my $new = $nsh * $bs;
			$data //= $d;
			my $x = $base && $base > 0 ? $base / $c->{median} : 0;
			push @rows, [ $bs, $c->{label},
				sprintf("%.4f", $c->{median}),
				sprintf("%.4f", $c->{stddev}),
				$x ? sprintf("%.2f", $x) : "-", mib($new),
				sprintf("%.2f", 100 * $new / $d),
				$c->{align} > 0 ? mib($big * $bs + $small) : "-",
				mib($need * $bs), "$al of $big", "$sh of $big",
				$fill ];
			next unless $c->{label} =~ /^gen_init_cpio/ &&
				    $c->{align} > 0;
			my $k = "$bs $c->{align}";
			if ($c->{label} =~ /--no-fsync/) {
				push @keys, $k;
				$row{$k} = [ $bs, $c->{align}, $big, $al, $sh, $d,
					     $small, $nsh, $need ];
				$nf{$k} = $x;
			} else {
				$fs{$k} = $x;
			}
		}
	}
	return () unless @rows;
	my @footer;
	my $m = sub { sprintf("%.1f MiB", $_[0] / $MiB) };
	for my $k (@keys) {
		my ($bs, $a, $big, $al, $sh, $d, $small, $nsh, $need) =
			@{$row{$k}};
		my $new = $nsh * $bs;
		my $floor = $big * $bs + $small;
		my $l = sprintf("%d-byte blocks, -a %d: of the %d files larger" .
			" than %d, %d aligned and %d shared (goal: all: %s);",
			$bs, $a, $big, $a, $al, $sh, met($al == $big && $sh == $big));
		$l .= sprintf(" new space %s, %.2f%% of the file data (goal:" .
			" under 1%%: %s; the floor: %s, %.2f%%%s; the layout" .
			" floor: %s, %.2f%%);", $m->($new), 100 * $new / $d,
			met($new < $d / 100), $m->($floor), 100 * $floor / $d,
			$floor >= $d / 100 ? ", out of reach" : "",
			$m->($need * $bs), 100 * $need * $bs / $d);
		if (exists $fs{$k}) {
			$l .= sprintf(" %.2fx faster than without -a with fsync" .
				" and %.2fx with --no-fsync (goal: at least 3x:" .
				" %s, %s)", $fs{$k}, $nf{$k}, met($fs{$k} >= 3),
				met($nf{$k} >= 3));
		} else {
			$l .= sprintf(" %.2fx faster than without -a with" .
				" --no-fsync (goal: at least 3x: %s)", $nf{$k},
				met($nf{$k} >= 3));
		}
		push @footer, $l;
	}
	push @footer, "× faster: the median of the same program without -a," .
		" with the same fsync and block size, over this one's.  New" .
		" space: the archive's blocks that FIEMAP (`filefrag -v`," .
		" after an fsync) does not flag shared, from one untimed run;" .
		" % of data: of the archive's file data.  Floor: the files" .
		" larger than the alignment times the block size (the block" .
		" holding a file's last bytes also holds what follows: it is" .
		" new) plus the bytes of the smaller files, which are copied." .
		"  Layout floor: the archive's blocks that hold a header, a" .
		" name or file data outside the whole blocks of block-aligned" .
		" file data, which no filesystem can share (the padding" .
		" between them is zeros: whole blocks of it are holes in our" .
		" output).  Aligned, shared: of the files larger than the" .
		" alignment (4096 without -a), those whose data offset in the" .
		" archive, read from its newc headers, is a multiple of it," .
		" and those whose whole blocks are all shared.  Fillers:" .
		" directory entries whose name field is longer than the name.";
	push @footer, "Setup, per block size B: `truncate -s" .
		" $s->{image_size} IMG; mkfs.xfs -q -f -m reflink=1 -b size=B" .
		" IMG; mount -o loop IMG MNT; cp -a $s->{src} MNT/lib; sync`" .
		" (IMG in $s->{bench_dir}, unmounted and removed afterwards);" .
		" per group the same rounds of hyperfine runs, warm cache," .
		" outputs on the XFS, deleted and `sync` before every run." .
		"  1-minute load average when each run began: " .
		join("; ", @loads) . ".";
	return {
		title => "reflink: $s->{src} copied by cp -a onto XFS" .
			" (mkfs.xfs -m reflink=1, an image file mounted -o" .
			" loop): $s->{entries} entries, " . mib($data) .
			" MiB of file data",
		term => [ "block B", "command", "median s", "+- s", "x faster",
			  "new MiB", "% data", "floor MiB", "layout MiB",
			  "aligned", "shared", "fillers" ],
		md => [ "block (B)", "command", "median (s)", "± (s)",
			"× faster", "new space (MiB)", "% of data", "floor (MiB)",
			"layout floor (MiB)", "aligned", "shared", "fillers" ],
		rows => \@rows, footer => \@footer, runs => join("; ", @runs),
		cmds => cmd_lines($cmds, sub { "$_[0]{bs}, " }),
	};
}

# The floor of a tar's group: copyfloor for a plain tar, the
# decompressor alone for a compressed one.
sub tar_floor {
	my ($cmds, $g) = @_;
	my ($c) = grep { $_->{group} eq $g && $_->{label} =~ /\(floor\)$/ }
		  @$cmds;
	return $c;
}

sub tar_tables {
	my ($f) = @_;
	my $s = $f->{set};
	my $cmds = $f->{cmds};
	my (@rows, @footer, @loads, $rounds);
	for my $g (@{$f->{groups}}) {
		my $gr = $f->{group}{$g};
		next unless $gr->{rounds};
		$rounds //= $gr->{rounds};
		my $fl = tar_floor($cmds, $g);
		my $fm = $fl ? $fl->{median} : undef;
		my $bm = median_of($cmds, "bsdtar \@TAR", $g);
		my $om = median_of($cmds, "gen_init_cpio TAR", $g);
		for my $c (grep { $_->{group} eq $g } @$cmds) {
			push @rows, [ $gr->{tar}, $c->{label},
				sprintf("%.4f", $c->{median}),
				sprintf("%.4f", $c->{stddev}),
				ratio($c->{median}, $fm), ratio($c->{median}, $bm),
				$c->{rss}, mib($c->{bytes}), $c->{same} ];
		}
		push @loads, "$gr->{tar}: $gr->{load}";
		my $l = sprintf("%s: %s MiB, %s entries", $gr->{tar},
			mib($gr->{tar_bytes}), $gr->{entries});
		if (defined $om && defined $fm) {
			my $x = ratio($om, $fm);
			$l .= sprintf("; gen_init_cpio TAR takes %sx %s (goal:" .
				" tar source <= 1.25x the copy floor: %s)", $x,
				$fl->{label} =~ s/ \(floor\)$//r,
				verdict($x, 1.25));
			$l .= sprintf(", bsdtar \@TAR %sx ours", ratio($bm, $om))
				if defined $bm;
		}
		push @footer, $l;
	}
	return () unless @rows;
	push @footer, "× floor = median / the floor's of the same tar:" .
		" for a plain tar copyfloor, copying the tree's regular" .
		" files (each inode once, in name order) into one output;" .
		" for a .tar.zst `zstd -dcq` alone decompressing the tar" .
		" into a file, as many bytes as the archive takes (our" .
		" program runs the same decompressor, into a temporary" .
		" file, then copies from it).  × bsdtar = median / that of" .
		" `bsdtar --format newc -cf OUT \@TAR` (in the C.UTF-8" .
		" locale: in C it refuses the UTF-8 names of pax" .
		" headers).  Same: our output" .
		" holds the tar's entries with their types, modes, owners," .
		" devices and link targets as bsdtar reads both (one" .
		" untimed run).  tar -x + gen_init_cpio DIR extracts the" .
		" tar (as root: owners kept) into a directory removed" .
		" before every run.";
	push @footer, "The tars: `tar $s->{options} -cf T.tar -C DIR .`" .
		" (GNU tar; DIR: distro's tree, $s->{dir_distro}, and" .
		" $s->{dir_share}), and `zstd -q -T0 T.tar`, untimed," .
		" remade by every run.  1-minute load average when each" .
		" tar's runs began: " . join("; ", @loads) . ".";
	return {
		title => "tar: tar archives as sources (the distro tree and" .
			" /usr/share, made by GNU tar, plain and zstd)",
		term => [ "tar", "command", "median s", "+- s", "x floor",
			  "x bsdtar", "peak RSS KiB", "output MiB", "same" ],
		md => [ "tar", "command", "median (s)", "± (s)", "× floor",
			"× bsdtar", "peak RSS (KiB)", "output (MiB)", "same" ],
		rows => \@rows, footer => \@footer,
		runs => runs_text($rounds) . " per tar",
		cmds => cmd_lines($cmds, sub { "$f->{group}{$_[0]{group}}{tar}, " }),
	};
}

# The header of a run's tables, from the run's facts.
sub run_header {
	my ($r) = @_;
	my $h = "- Date: $r->{date}\n";
	$h .= sprintf("- Machine: nproc %s, %s, %.1f GiB RAM, Linux %s, %s" .
		" on %s\n", $r->{nproc}, $r->{cpu}, $r->{mem_kib} / $MiB,
		$r->{kernel}, $r->{bench_dir}, $r->{fstype});
	# Other work on the machine slows every command; say how busy it was.
	$h .= "- Load: 1-minute load average $r->{load} when the run began\n";
	$h .= "- Programs: $r->{programs}\n";
	$h .= "- Method: `scripts/bench" . ($r->{args} ne "" ? " $r->{args}" : "") .
		"`; per corpus the same rounds of hyperfine runs (two runs of" .
		" every command a round), warm cache, outputs deleted and" .
		" `sync` before every run; × floor = median / copyfloor's," .
		" × ours = median / $r->{ours}'s; peak RSS from one run under" .
		" `/usr/bin/time`.\n";
	$h .= "- --fsync: every command's output is fsynced (ours without" .
		" --no-fsync, copyfloor -s, peers `sync OUT`).\n"
		if $r->{fsync};
	return $h;
}

sub corpus {
	my ($run_facts, $facts, $out) = @_;
	my $run = read_facts($run_facts)->{set};
	my $f = read_facts($facts);
	(my $dir = $facts) =~ s{/[^/]*$}{};
	add_stats($f, $dir);
	my $kind = $f->{set}{kind};
	my @t = $kind eq "archive" ? archive_tables($f, $run) :
		$kind eq "compress" ? compress_tables($f) :
		$kind eq "levels" ? levels_tables($f) :
		$kind eq "releases" ? releases_tables($f) :
		$kind eq "list" ? list_tables($f) :
		$kind eq "extract" ? extract_tables($f) :
		$kind eq "rss" ? rss_tables($f) :
		$kind eq "reflink" ? reflink_tables($f) :
		$kind eq "tar" ? tar_tables($f) :
		die "bench-report: $facts: no kind\n";
	return unless @t;
	print terminal($_) for @t;
	my $body = join("", map { markdown($_) } @t);
	# Our program as named from the source tree, not this checkout.
	my $from = "'$run->{srctree}/usr/gen_init_cpio'";
	$body =~ s/\Q$from\E/usr\/gen_init_cpio/g;
	spew($out, "$run_mark\n\n" . run_header($run) .
		"\n$corpus_mark$f->{set}{corpus} -->\n\n$body");
}

# ---- blocks and files -----------------------------------------------

sub trim {
	my ($s) = @_;
	$s =~ s/^\n+//;
	$s =~ s/\n+$//;
	return $s;
}

# Reads the blocks of a results file (or of a block file) into BLOCKS (
# { NAME => [header, body] }), the names' order of appearance into FOUND.
sub read_blocks {
	my ($text, $blocks, $found) = @_;
	my ($header, $cur) = ("", undef);
	for my $line (split(/\n/, $text)) {
		if ($line eq $run_mark) {
			($header, $cur) = ("", undef);
		} elsif (index($line, $corpus_mark) == 0) {
			($cur = substr($line, length $corpus_mark)) =~ s/ -->$//;
			push @$found, $cur unless $blocks->{$cur};
			$blocks->{$cur} = [ $header, "" ];
		} elsif (defined $cur) {
			$blocks->{$cur}[1] .= "$line\n";
		} else {
			$header .= "$line\n";
		}
	}
}

# The blocks in ORDER (then any other, as found); blocks of one run that
# follow each other share one header.
sub blocks_text {
	my ($blocks, $order, $found) = @_;
	my (%known, $last, $s);
	$known{$_} = 1 for @$order;
	$s = "";
	for my $name ((grep { $blocks->{$_} } @$order),
		      (grep { !$known{$_} } @$found)) {
		my $h = trim($blocks->{$name}[0]);
		if (!defined $last || $h ne $last) {
			$s .= "$run_mark\n\n" . ($h ne "" ? "$h\n\n" : "");
			$last = $h;
		}
		$s .= "$corpus_mark$name -->\n\n" . trim($blocks->{$name}[1]) .
			"\n\n";
	}
	return $s;
}

my $results_intro = <<'EOT';
# gen_init_cpio benchmark results

Every table of `scripts/bench`, with the commands that made it and the
machine it ran on.  `scripts/bench --readme [corpus...]` rewrites this
file (through scripts/bench-report.pl): the tables of the corpora it ran
replace their older ones, the others stay, each under the header of the
run that made it.  README.md's Performance section has the method and a
summary of these tables.

EOT

sub results {
	my ($out, $order, @files) = @_;
	my (%blocks, @found);
	read_blocks(slurp($_), \%blocks, \@found) for @files;
	spew($out, "# gen_init_cpio benchmark\n\nThe tables of one run of" .
		" `scripts/bench`; with --readme they replace their corpora's" .
		" in scripts/bench-results.md.\n\n" .
		blocks_text(\%blocks, [ split(/ /, $order) ], \@found));
}

# The Markdown tables of a block's body: [ { title, cols, rows => [
# { COLUMN => CELL } ] } ].
sub parse_tables {
	my ($body) = @_;
	my (@t, $cur);
	for my $line (split(/\n/, $body)) {
		if ($line =~ /^### (.*)$/) {
			$cur = { title => $1, rows => [] };
			push @t, $cur;
		} elsif ($cur && $line =~ /^\|(.*)\|$/) {
			my @cells = map { s/^ //r =~ s/ $//r } split(/\|/, $1);
			if (!$cur->{cols}) {
				$cur->{cols} = \@cells;
			} elsif ($cells[0] !~ /^ *-+:? *$/) {
				my %r;
				@r{@{$cur->{cols}}} = @cells;
				push @{$cur->{rows}}, \%r;
			}
		}
	}
	return @t;
}

sub joined {
	my $s = join(", ", grep { defined && $_ ne "" } @_);
	return $s eq "" ? "-" : $s;
}

# The summary rows of one corpus's block: [ measure, ours, others ].
sub summary_rows {
	my ($name, $body) = @_;
	my @out;
	for my $t (parse_tables($body)) {
		my @r = @{$t->{rows}};
		my $ti = $t->{title};
		if ($ti =~ /^(distro|share|lib): .*: (\d+) entries .*, ([\d.]+) MiB of file data$/) {
			my @ours = map { "$_->{command} $_->{'× floor'}" =~
					 s/^gen_init_cpio //r }
				   grep { $_->{command} =~ /^gen_init_cpio / } @r;
			my @peers = map { "$_->{command} $_->{'× floor'}" }
				    grep { $_->{command} !~ /^(gen_init_cpio|copyfloor) / } @r;
			push @out, [ "archiving $2 entries, $3 MiB: median time," .
				" × the copy floor", joined(@ours), joined(@peers) ];
		} elsif ($ti =~ /^compress: .*: (\d+) entries, a ([\d.]+) MiB archive/) {
			my @ours = map { "$_->{command} $_->{'× alone'}" =~
					 s/^ours //r }
				   grep { $_->{command} =~ /^ours \S+$/ } @r;
			my @peers = map { "$_->{command} $_->{'median (s)'} s" }
				    grep { $_->{command} =~ /^(pigz|zstd|xz) / &&
					   $_->{command} =~ /:(6|3|9|19)$/ } @r;
			push @out, [ "compressing a $2 MiB archive: median" .
				" time, × the method's program alone", joined(@ours),
				joined(@peers) ];
		} elsif ($ti =~ /^list: /) {
			my (@imgs, %by);
			for (@r) {
				push @imgs, $_->{image} unless $by{$_->{image}};
				push @{$by{$_->{image}}}, $_;
			}
			for my $i (@imgs) {
				my ($o) = grep { $_->{command} eq "gen_init_cpio --list" }
					  @{$by{$i}};
				next unless $o;
				my ($all) = $o->{'entries listed'} =~ / of (\d+)$/;
				my @peers = map { "$_->{command} $_->{'× ours'}" .
					($_->{'entries listed'} =~ /^(\d+) of (\d+)$/ &&
					 $1 < $2 ? " ($1 of $2 listed)" : "") }
					grep { $_->{command} !~ /^gen_init_cpio|\(floor\)$/ }
					@{$by{$i}};
				push @out, [ "listing $i (" . ($all // "?") .
					" entries): median time; the others ×" .
					" ours", "$o->{'median (s)'} s" .
					($o->{'× floor'} ne "-" ?
					 ", $o->{'× floor'}x the decompressor alone" :
					 ""), joined(@peers) ];
			}
		} elsif ($ti =~ /^extract: /) {
			my %by = map { ($_->{command}, $_) } @r;
			my ($all) = map { / of (\d+)$/ ? $1 : () }
				    map { $_->{entries} } @r;
			my $cell = sub {
				my $c = $by{$_[0]} or return undef;
				my $u = $c->{'× unmkinitramfs'};
				"$_[0] $c->{'median (s)'} s, $c->{'× floor'}x" .
				" floor" . ($u ne "-" && $u > 0 &&
				$_[0] =~ /--extract/ ? sprintf(", %.1fx faster" .
				" than unmkinitramfs", 1 / $u) : "")
			};
			my @ours = map { $cell->($_) =~ s/^gen_init_cpio //r }
				   grep { $by{$_} } "gen_init_cpio --extract",
				   "gen_init_cpio --extract --split",
				   "gen_init_cpio --list";
			my @peers = map { "$_->{command} $_->{'× floor'}x" .
				($_->{entries} =~ /^(\d+) of (\d+)$/ && $1 < $2 ?
				 " ($1 of $2 entries)" : "") }
				grep { $_->{command} !~ /^gen_init_cpio|\(floor\)$/ } @r;
			push @out, [ "extracting and listing the" .
				" initramfs-tools image with microcode (" .
				($all // "?") . " entries): median time, ×" .
				" the decompressor alone", joined(@ours),
				joined(@peers) ];
		} elsif ($ti =~ /^rss: a 2 GiB/) {
			push @out, [ "peak RSS with a 2 GiB file (goal: under" .
				" 8 MiB)", joined(map { "$_->{'peak RSS (KiB)'}" .
				" KiB" . ($_->{command} =~ /--list/ ?
				" (--list)" : " (archiving)") } @r), "-" ];
		} elsif ($ti =~ /^rss: memory per entry/) {
			my @ours = grep { $_->{program} eq "gen_init_cpio" } @r;
			my @peers = grep { $_->{program} ne "gen_init_cpio" } @r;
			my ($big) = grep { /^peak RSS, \d+ entries/ } reverse
				    @{$t->{cols}};
			push @out, [ "memory per entry (bytes), and peak RSS at" .
				($big =~ /(\d+) entries/ ? " $1 entries" : "") .
				" (KiB)", joined(map { "$_->{'bytes per entry'} B," .
				" $_->{$big} KiB" } @ours), joined(map {
				"$_->{program} $_->{'bytes per entry'} B," .
				" $_->{$big} KiB" } @peers) ];
		} elsif ($ti =~ /^tar: /) {
			my (@tars, %by);
			for (@r) {
				push @tars, $_->{tar} unless $by{$_->{tar}};
				push @{$by{$_->{tar}}}, $_;
			}
			# Ours per tar; each other command's ratios in
			# the same order of tars, "/" between them.
			my (@ours, @cmds, %x);
			for my $x (@tars) {
				for (@{$by{$x}}) {
					my $c = $_->{command};
					next if $c =~ /\(floor\)$/;
					if ($c eq "gen_init_cpio TAR") {
						push @ours, "$x $_->{'× floor'}";
						next;
					}
					push @cmds, $c unless $x{$c};
					$x{$c}{$x} = $_->{'× floor'};
				}
			}
			my @peers = map { my $c = $_; "$c " . join(" / ",
				map { $x{$c}{$_} // "-" } @tars) } @cmds;
			push @out, [ "converting a tar (distro, /usr/share;" .
				" plain, zstd): median time, × the copy floor" .
				" (zstd -dcq alone for .zst)", joined(@ours),
				joined(@peers) ];
		} elsif ($ti =~ /^reflink: /) {
			my %bs;
			my @order;
			for (@r) {
				push @order, $_->{'block (B)'}
					unless $bs{$_->{'block (B)'}}++;
			}
			for my $b (@order) {
				my @a = grep { $_->{'block (B)'} eq $b &&
					$_->{command} =~ /^gen_init_cpio.* -a 4096$/ } @r;
				my @k = grep { $_->{'block (B)'} eq $b &&
					$_->{command} =~ /^kernel.* -a 4096/ } @r;
				next unless @a;
				my $speed = sub {
					my $x = shift;
					"$x->{'× faster'}x" . ($x->{command} =~
					/--no-fsync/ || ($x->{command} =~ /^kernel/ &&
					$x->{command} !~ /\+ sync/) ? " (no fsync)" :
					" (fsync)")
				};
				my $fmt = sub {
					"$_[0]{'% of data'}% new space; " .
					joined(map { $speed->($_) } @_)
				};
				push @out, [ "-a 4096 on XFS with $b-byte blocks:" .
					" new space, % of the data; × faster than" .
					" without -a", $fmt->(@a),
					@k ? "kernel 6.18 gen_init_cpio: " .
					$fmt->(@k) : "-" ];
			}
		}
	}
	return @out;
}

sub readme {
	my ($results, $readme, $order, @files) = @_;
	my (%blocks, @found);
	my $text = -e $results ? slurp($results) : "";
	read_blocks($text, \%blocks, \@found);
	read_blocks(slurp($_), \%blocks, \@found) for @files;
	my @order = split(/ /, $order);
	spew($results, $results_intro . blocks_text(\%blocks, \@order, \@found));

	my %known = map { ($_, 1) } @order;
	my $table = "| corpus | measured | gen_init_cpio | the others | run |\n" .
		    "| --- | --- | --- | --- | --- |\n";
	for my $name ((grep { $blocks{$_} } @order),
		      (grep { !$known{$_} } @found)) {
		my ($date) = $blocks{$name}[0] =~ /^- Date: (\S+)/m;
		$table .= "| $name | " . join(" | ", @$_) . " | " .
			($date // "-") . " |\n"
			for summary_rows($name, $blocks{$name}[1]);
	}
	my $r = slurp($readme);
	my ($head, $rest) = split(/^\Q$begin\E\n/m, $r, 2);
	my (undef, $tail) = split(/^\Q$end\E\n/m, $rest, 2);
	$r = "$head$begin\n\n$table\n$end\n$tail";
	# The level table, whole, where the README has its place.
	my ($lb, $le) = ("<!-- levels:begin -->", "<!-- levels:end -->");
	if ($blocks{levels} && $r =~ /^\Q$lb\E$/m && $r =~ /^\Q$le\E$/m) {
		my ($h, $rest2) = split(/^\Q$lb\E\n/m, $r, 2);
		my (undef, $t) = split(/^\Q$le\E\n/m, $rest2, 2);
		my ($date) = $blocks{levels}[0] =~ /^- Date: (\S+)/m;
		# The table and its notes; the commands are in the results file.
		(my $body = trim($blocks{levels}[1])) =~ s/\nRuns: .*\z//s;
		$r = "$h$lb\n\n" . trim($body) .
			"\n\n(scripts/bench levels, " . ($date // "-") .
			"; the machine and programs: scripts/bench-results.md)\n\n$le\n$t";
	}
	spew($readme, $r);
}

sub check_readme {
	my ($readme) = @_;
	my $r = slurp($readme);
	my @b = $r =~ /^\Q$begin\E$/mg;
	my @e = $r =~ /^\Q$end\E$/mg;
	if (@b != 1 || @e != 1 || index($r, $begin) > index($r, $end)) {
		print STDERR "bench-report: $readme needs one '$begin' line" .
			" and, after it, one '$end' line\n";
		exit 1;
	}
}

my $cmd = shift @ARGV // "";
if ($cmd eq "check-readme" && @ARGV == 1) {
	check_readme(@ARGV);
} elsif ($cmd eq "corpus" && @ARGV == 3) {
	corpus(@ARGV);
} elsif ($cmd eq "results" && @ARGV >= 2) {
	results(@ARGV);
} elsif ($cmd eq "readme" && @ARGV >= 3) {
	readme(@ARGV);
} else {
	die "usage: bench-report.pl check-readme|corpus|results|readme ...\n";
}
