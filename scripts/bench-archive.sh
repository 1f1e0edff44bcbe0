# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-archive.sh: owns the archiving corpora, distro, share and
# lib: where each tree comes from, the commands timed on it and the one
# slow run of the kernel's gen_initramfs.sh.  Sourced by scripts/bench,
# whose helpers (add, measure_once, run_hyperfine, fact...) it uses.
#
# Commands, per corpus DIR.  SPEC is DIR as a spec list (gen_spec), less
# the few names a spec cannot carry (whitespace, a backslash, "${"); FILES
# lists SPEC's file locations, each inode once, in SPEC's order.
#   gen_init_cpio DIR       usr/gen_init_cpio -t 0 --no-fsync -o OUT DIR
#   gen_init_cpio SPEC      usr/gen_init_cpio -t 0 --no-fsync -o OUT SPEC
#   GNU cpio                cd DIR && find . | LC_ALL=C sort |
#                           cpio -o -H newc --reproducible --quiet > OUT
#   bsdcpio                 cd DIR && find . | LC_ALL=C sort |
#                           bsdcpio -o --format newc --quiet > OUT
#   kernel gen_initramfs.sh cd $KERNEL_TREE &&
#                           sh usr/gen_initramfs.sh -d @0 -o OUT DIR
#   kernel gen_init_cpio    $KERNEL_GEN_INIT_CPIO -t 0 SPEC > OUT
#   copyfloor (floor)       copyfloor OUT FILES
#   copyfloor -S            copyfloor -S OUT FILES: lstat()s FILES in a pass
#                           of its own first; a reference, not the floor
#                           (what a walk stat()ing every path first pays)
# Every command runs in the same rounds of hyperfine runs (see
# run_hyperfine): warm cache (one warm-up run each), outputs in
# $BENCH_DIR/out on the bench disk, and before every run the old outputs
# are deleted and `sync` is run, so that no run pays for the previous
# run's dirty pages being written back.  Peak RSS is measured apart, one
# run each under /usr/bin/time; for the find | sort | cpio pipelines it is
# the archiver's own, fed the sorted names from a file.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

# Sets corpus_dir and corpus_src, or says why the corpus is skipped.
prepare_distro()
{
	local dir=$BENCH_DIR/distro img stamp

	if ! img=$(boot_image); then
		note "$corpus: no /boot/initrd.img-*: skipped"
		return 1
	fi
	if ! have unmkinitramfs; then
		note "$corpus: unmkinitramfs missing" \
		     "(apt-get install initramfs-tools-core): skipped"
		return 1
	fi
	# Unpack once per image; the stamp names the image and its mtime.
	stamp="$img $(stat -c %Y "$img")"
	if [ "$(cat "$dir.stamp" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$dir" "$dir.stamp"
		if ! unmkinitramfs "$img" "$dir"; then
			note "$corpus: unmkinitramfs $img failed: skipped"
			return 1
		fi
		echo "$stamp" > "$dir.stamp"
	fi
	# An image with early microcode unpacks into early/ and main/.
	corpus_dir=$dir
	[ -d "$dir/main" ] && corpus_dir=$dir/main
	corpus_src="unmkinitramfs $img"
}

# The tree of corpus $1 (also compress's), in corpus_dir and corpus_src.
prepare_corpus()
{
	corpus_src="in place"
	case $1 in
	distro | compress | levels | releases)
		prepare_distro || return 1 ;;
	share)	corpus_dir=/usr/share ;;
	lib)	corpus_dir=/usr/lib/x86_64-linux-gnu ;;
	esac
	if [ ! -d "$corpus_dir" ]; then
		note "$1: $corpus_dir does not exist on this machine: skipped"
		return 1
	fi
	# The spec list holds locations as bare words.
	# shellcheck disable=SC2016 # a literal "${", not an expansion
	case $corpus_dir in
	*[[:space:]\\]* | *'${'*)
		note "$1: '$corpus_dir' cannot be a spec location: skipped"
		return 1 ;;
	esac
}

# prepare_tree: the corpus's tree, its spec list and names, the facts of
# its title.  Sets b (the lists' base name) and runs.
prepare_tree()
{
	local n_spec n_tree

	b=$BENCH_DIR/work/$corpus
	prepare_corpus "$corpus" || return 1
	note "$corpus: listing $corpus_dir"
	if ! n_spec=$(gen_spec "$corpus_dir" "$b") ||
	   ! (cd "$corpus_dir" && find . | sort) > "$b.names"; then
		note "$corpus: cannot list $corpus_dir: skipped"
		return 1
	fi
	n_tree=$(find "$corpus_dir" -mindepth 1 -printf . | wc -c)
	fact dir "$corpus_dir"
	fact src "$corpus_src"
	fact n_tree "$n_tree"
	fact n_spec "$n_spec"
}

add_commands()
{
	local d=$1 b=$2 o=$BENCH_DIR/out nofsync=--no-fsync fs='' sync=''
	local find
	local cpio="cpio -o -H newc --reproducible --quiet"
	local bsd="bsdcpio -o --format newc --quiet"
	local c

	find="cd $(q "$d") && find . | LC_ALL=C sort |"
	if [ -n "$fsync" ]; then
		nofsync='' fs='-s ' sync=" && sync"
	fi
	labels=() timed=() rss=() outputs=() checks=()
	if [ -n "$dir_mode" ]; then
		c="$(q "$GEN") -t 0 $nofsync -o $(q "$o/ours-dir.cpio") $(q "$d")"
		add "gen_init_cpio DIR" "$c" "peak_rss $c" "$o/ours-dir.cpio"
	fi
	c="$(q "$GEN") -t 0 $nofsync -o $(q "$o/ours-spec.cpio") $(q "$b.list")"
	add "gen_init_cpio SPEC" "$c" "peak_rss $c" "$o/ours-spec.cpio"
	if [ -n "$has_cpio" ]; then
		c=$(q "$o/gnu-cpio.cpio")
		add "GNU cpio" "$find $cpio > $c${sync:+$sync $c}" \
		    "cd $(q "$d") && peak_rss $cpio < $(q "$b.names") > $c" \
		    "$o/gnu-cpio.cpio"
	fi
	if [ -n "$has_bsdcpio" ]; then
		c=$(q "$o/bsdcpio.cpio")
		add "bsdcpio" "$find $bsd > $c${sync:+$sync $c}" \
		    "cd $(q "$d") && peak_rss $bsd < $(q "$b.names") > $c" \
		    "$o/bsdcpio.cpio"
	fi
	add_kernel_commands "$d" "$b" "$o"
	c="$(q "$floor") $fs$(q "$o/floor.cpio") $(q "$b.files")"
	add "copyfloor (floor)" "$c" "peak_rss $c" "$o/floor.cpio"
	c="$(q "$floor") -S $fs$(q "$o/floor-stat.cpio") $(q "$b.files")"
	add "copyfloor -S (lstat pass first)" "$c" "peak_rss $c" \
	    "$o/floor-stat.cpio"
}

add_kernel_commands()
{
	local d=$1 b=$2 o=$3 c s

	if [ -n "$KERNEL_TREE" ] && [ "$corpus" = distro ]; then
		c=$(q "$o/kernel-sh.cpio")
		s="sh usr/gen_initramfs.sh -d @0 -o $c $(q "$d")"
		add "kernel gen_initramfs.sh" \
		    "cd $(q "$KERNEL_TREE") && $s${sync:+$sync $c}" \
		    "cd $(q "$KERNEL_TREE") && peak_rss $s" \
		    "$o/kernel-sh.cpio"
	fi
	if [ -n "$KERNEL_GEN_INIT_CPIO" ]; then
		c=$(q "$o/kernel-spec.cpio")
		s="$(q "$KERNEL_GEN_INIT_CPIO") -t 0 $(q "$b.list")"
		add "kernel gen_init_cpio SPEC" "$s > $c${sync:+$sync $c}" \
		    "peak_rss $s > $c" "$o/kernel-spec.cpio"
	fi
}

# The kernel's script forks several processes per entry: minutes on
# share, too long for hyperfine's repeated runs.  So it runs once, after
# the others, timed by /usr/bin/time on the same warm cache, and joins
# the table as a row without a spread.
run_slow()
{
	local out=$BENCH_DIR/out/kernel-sh.cpio log=$BENCH_DIR/work/slow.log
	local s kib c

	rm -f "$BENCH_DIR"/out/*
	sync
	note "$corpus: one run of the kernel's gen_initramfs.sh (minutes)"
	# Its complaints about names with blanks go to the log.
	if ! (cd "$KERNEL_TREE" &&
	      /usr/bin/time -f '%e %M' -o "$rss_file" \
		sh usr/gen_initramfs.sh -d @0 -o "$out" "$corpus_dir") \
	      2> "$log"; then
		note "$corpus: kernel gen_initramfs.sh failed (see $log)"
		return
	fi
	read -r s kib < <(tail -n 1 "$rss_file")
	c="cd $(q "$KERNEL_TREE") && sh usr/gen_initramfs.sh"
	fact_cmd - "kernel gen_initramfs.sh (1 run)" \
		"$c -d @0 -o $(q "$out") $(q "$corpus_dir")" "seconds=$s" \
		"rss=$kib" "bytes=$(stat -c %s "$out")" same=-
}

bench_archive()
{
	local b runs=$default_runs

	fact kind archive
	# distro is quick to archive.
	[ -z "$quick" ] && [ "$corpus" = distro ] && runs=10
	runs=${BENCH_RUNS:-$runs}
	prepare_tree || return 0
	add_commands "$corpus_dir" "$b"
	note "$corpus: one run of each command (checks, peak RSS)"
	measure_once "$corpus"
	if [ ${#labels[@]} -eq 0 ]; then
		note "$corpus: no command works: skipped"
		return 0
	fi
	if ! run_hyperfine "$corpus" "" "runs=$runs"; then
		note "$corpus: hyperfine failed: no table"
		sed -i '/^cmd/d' "$facts"
		return 0
	fi
	if [ "$corpus" = share ] && [ -n "$slow_kernel" ]; then
		run_slow
	fi
}
