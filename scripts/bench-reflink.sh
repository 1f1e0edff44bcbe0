# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-reflink.sh: owns the reflink corpus: the XFS image it
# makes, mounts and removes, the commands timed on it, and the untimed
# reading of each output's layout and shared blocks (by
# scripts/bench-newc.pl).  Sourced by scripts/bench.
#
# With -a our program pads names so that the data of every file larger
# than the alignment starts at a multiple of it in the archive, where
# copy_file_range() lets a filesystem that shares extents (XFS made with
# reflink=1) clone the source's blocks rather than copy them.  Per XFS
# block size this measures the time, with and without -a, each way with
# and without fsync (a ratio only ever compares the same kind of write),
# and the space: the archive's blocks that FIEMAP does not flag shared
# are new.  Each file larger than the alignment still needs one new
# block, the one holding its last bytes and what follows them; with the
# bytes of the smaller files, which are copied, that is the floor of an
# aligned archive's new space.
#
# Per block size B (4096, 1024), MNT being the XFS and LIB the corpus
# copied onto it; outputs in MNT/out, deleted and `sync` before every
# run; two sets of hyperfine rounds, one per fsync group:
#   gen_init_cpio --no-fsync [-a A]
#                           usr/gen_init_cpio -t 0 --no-fsync [-a A]
#                           -o OUT LIB    (A = 4096, and B when B < 4096)
#   gen_init_cpio [-a 4096] the same without --no-fsync: it fsyncs
#   kernel 6.18 gen_init_cpio [-a 4096] [+ sync]
#                           $KERNEL618_GEN_INIT_CPIO -t 0 [-a 4096] SPEC
#                           > OUT [&& sync OUT]  (SPEC: LIB as a spec list)
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

reflink_src=/usr/lib/x86_64-linux-gnu

# Whether the reflink corpus can run here; if not, says why.
reflink_check()
{
	local t missing=''

	if [ "$(id -u)" -ne 0 ]; then
		note "reflink: needs root (mkfs.xfs, mount -o loop): skipped"
		return 1
	fi
	for t in mkfs.xfs:xfsprogs filefrag:e2fsprogs mountpoint:util-linux; do
		have "${t%%:*}" ||
			missing+=" ${t%%:*} (apt-get install ${t#*:})"
	done
	if [ -n "$missing" ]; then
		note "reflink: missing:$missing: skipped"
		return 1
	fi
	if [ ! -d "$reflink_src" ]; then
		note "reflink: $reflink_src does not exist on this machine: skipped"
		return 1
	fi
}

# A fresh XFS with $1-byte blocks in the sparse file $rf_img, mounted on
# a new directory $rf_mnt, the corpus copied into it as lib/.  Its size
# leaves room for the corpus, a whole copy of it (the archive without
# -a) and slack; what the disk really gives is checked beforehand.
reflink_mount()
{
	local bs=$1

	rm -f "$rf_img"
	truncate -s "$rf_size" "$rf_img" &&
		mkfs.xfs -q -f -m reflink=1 -b size="$bs" "$rf_img" ||
		return 1
	rf_mnt=$(mktemp -d "${TMPDIR:-/tmp}/gic-reflink.XXXXXX") || return 1
	mount -o loop "$rf_img" "$rf_mnt" || return 1
	note "reflink: copying $reflink_src onto the XFS ($bs-byte blocks)"
	mkdir "$rf_mnt/out" && cp -a "$reflink_src" "$rf_mnt/lib" || return 1
	# The kernel's tool, and ours without directory sources, take a list.
	if [ -n "$KERNEL618_GEN_INIT_CPIO" ] || [ -z "$dir_mode" ]; then
		gen_spec "$rf_mnt/lib" "$rf_base" > /dev/null || return 1
	fi
	sync
}

# Undoes reflink_mount.  Also the EXIT trap while the XFS exists: run
# again, it finds nothing left to do.
reflink_cleanup()
{
	local i

	if [ -n "$rf_mnt" ] && mountpoint -q "$rf_mnt"; then
		for i in 1 2 3 4 5; do
			umount "$rf_mnt" && break
			sleep 1
		done
		if mountpoint -q "$rf_mnt"; then
			note "reflink: cannot unmount $rf_mnt: left with $rf_img"
			return 1
		fi
	fi
	[ -n "$rf_mnt" ] && rmdir "$rf_mnt"
	rf_mnt=''
	rm -f "$rf_img"
}

# rf_add LABEL BASE ALIGN OUTPUT COMMAND: a command of the group; BASE
# labels the same program without -a ("x faster" is its median over
# this one's), ALIGN is the -a value (0: none).
rf_add()
{
	labels+=("$1")
	bases+=("$2")
	aligns+=("$3")
	outputs+=("$4")
	timed+=("$5")
}

# reflink_group BS FSYNC: the commands of one set of rounds on the XFS,
# all of one kind of write: without fsync (ours with --no-fsync; the
# kernel's tool never syncs), or with it (ours by default, the kernel's
# followed by `sync OUT`).  With blocks smaller than 4096 bytes, -a of
# the block size too, the alignment that leaves the least padding to
# write (without fsync only: its time is not the question).
reflink_group()
{
	local bs=$1 sync=$2 od=$rf_mnt/out src=$rf_mnt/lib opt=' --no-fsync'
	local list=(0 4096) a l c out k='kernel 6.18 gen_init_cpio'

	[ -n "$sync" ] && opt=''
	[ -n "$dir_mode" ] || src=$rf_base.list
	[ -z "$sync" ] && [ "$bs" -lt 4096 ] && list+=("$bs")
	labels=() bases=() aligns=() outputs=() timed=()
	for a in "${list[@]}"; do
		l="gen_init_cpio$opt" c="$(q "$GEN") -t 0$opt"
		out=$od/ours-$a.cpio
		[ "$a" -ne 0 ] && l+=" -a $a" c+=" -a $a"
		rf_add "$l" "gen_init_cpio$opt" "$a" "$out" \
		       "$c -o $(q "$out") $(q "$src")"
	done
	[ -n "$KERNEL618_GEN_INIT_CPIO" ] || return 0
	for a in 0 4096; do
		l=$k c="$(q "$KERNEL618_GEN_INIT_CPIO") -t 0"
		out=$od/kernel-$a.cpio
		[ "$a" -ne 0 ] && l+=" -a $a" c+=" -a $a"
		c+=" $(q "$rf_base.list") > $(q "$out")"
		[ -n "$sync" ] && l+=" + sync" c+=" && sync $(q "$out")"
		rf_add "$l" "$k${sync:+ + sync}" "$a" "$out" "$c"
	done
}

# reflink_once BS GROUP: one untimed run of every command of the group,
# which also warms the cache: a failing command is dropped; its output,
# fsynced so that FIEMAP maps real blocks rather than delayed
# allocations, is read back by scripts/bench-newc.pl into its cmd fact.
reflink_once()
{
	local bs=$1 group=$2 frag=$BENCH_DIR/work/reflink.frag i al r
	local kl=() kt=()

	for i in "${!labels[@]}"; do
		rm -f "$rf_mnt"/out/*
		sync
		if ! (eval "${timed[i]}"); then
			note "reflink: ${labels[i]} failed: not timed"
			continue
		fi
		# Without -a: which files larger than 4096 happen to align.
		al=${aligns[i]}
		[ "$al" -eq 0 ] && al=4096
		if ! sync "${outputs[i]}" ||
		   ! filefrag -v "${outputs[i]}" > "$frag" ||
		   ! r=$(perl "$scripts/bench-newc.pl" "${outputs[i]}" "$bs" \
			"$al" "$frag"); then
			note "reflink: ${labels[i]}: output not read back: not timed"
			continue
		fi
		kl+=("${labels[i]}") kt+=("${timed[i]}")
		fact_cmd "$group" "${labels[i]}" "${timed[i]}" "bs=$bs" \
			"align=${aligns[i]}" "base=${bases[i]}" "layout=$r"
	done
	rm -f "$rf_mnt"/out/* "$frag"
	labels=("${kl[@]}") timed=("${kt[@]}")
}

# reflink_time BS FSYNC: one group, checked and timed.
reflink_time()
{
	local bs=$1 sync=$2 runs=$rf_runs what=--no-fsync tag=nofsync group

	[ -n "$sync" ] && runs=$rf_fsync_runs what=fsync tag=fsync
	group=reflink-$bs-$tag
	reflink_group "$bs" "$sync"
	note "reflink: $bs-byte blocks, $what: one run of each command" \
	     "(layout, FIEMAP)"
	reflink_once "$bs" "$group"
	[ ${#labels[@]} -gt 0 ] || return 0
	if ! run_hyperfine "$group" "$rf_mnt/out" "bs=$bs" "what=$what" \
		"load=$(cut -d ' ' -f 1 /proc/loadavg)"; then
		note "reflink: hyperfine failed: no rows for $bs, $what"
		sed -i "/^cmd\t$group\t/d" "$facts"
	fi
	rm -f "$rf_mnt"/out/*
}

bench_reflink()
{
	local bs avail need rf_runs=$default_runs rf_fsync_runs=3

	fact kind reflink
	reflink_check || return 0
	rf_runs=${BENCH_RUNS:-$rf_runs}
	[ "$rf_runs" -lt 3 ] && rf_fsync_runs=$rf_runs
	rf_bytes=$(du -sb "$reflink_src" | cut -f 1)
	rf_size=$((rf_bytes * 3 + (512 << 20)))
	# The corpus, the archive without -a, and the filesystem's own.
	avail=$(df --output=avail -B 1 "$BENCH_DIR" | tail -n 1)
	need=$((rf_bytes * 2 + (1 << 30)))
	if [ "$avail" -lt "$need" ]; then
		note "reflink: $BENCH_DIR has $avail bytes free, $need needed:" \
		     "skipped"
		return 0
	fi
	fact src "$reflink_src"
	fact entries "$(find "$reflink_src" -mindepth 1 -printf . | wc -c)"
	fact image_size "$rf_size"
	fact bench_dir "$BENCH_DIR"
	rf_img=$BENCH_DIR/reflink.img rf_mnt='' rf_base=$BENCH_DIR/work/reflink
	trap reflink_cleanup EXIT
	trap 'reflink_cleanup; exit 130' INT TERM
	for bs in 4096 1024; do
		if reflink_mount "$bs"; then
			reflink_time "$bs" ''
			reflink_time "$bs" 1
		else
			note "reflink: no XFS with $bs-byte blocks: no rows"
		fi
		reflink_cleanup || break
	done
	trap - EXIT INT TERM
}
