# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-tar.sh: owns the tar corpus: tar archives as sources.
# The distro tree (as distro unpacks it) and /usr/share, each made once,
# untimed, into a tar by GNU tar (`tar --sort=name --format=pax
# --pax-option=delete=atime,delete=ctime -cf T.tar -C DIR .`, the pax
# of mmdebstrap's root file systems: one extended header per member,
# for the mtime's fraction) and that tar compressed by `zstd -q -T0`
# into T.tar.zst.  Sourced by scripts/bench.
#
# A tar source moves each file's bytes from the tar into the archive:
# the least any converter can take is that of moving the same bytes,
# so the floor is, for a plain tar, scripts/copyfloor over the tree's
# regular files (as distro and share have it), and for a compressed one
# zstd alone decompressing the tar into a file, which writes as many
# bytes as the archive holds.  Per tar X (one set of hyperfine rounds
# each; outputs in $BENCH_DIR/out, deleted with the extracted tree D and
# `sync` before every run):
#   gen_init_cpio TAR       usr/gen_init_cpio -t 0 --no-fsync -o OUT X
#   bsdtar @TAR             env LC_ALL=C.UTF-8 bsdtar --format newc -cf OUT @X
#                           (in the C locale it refuses the UTF-8 names
#                           of pax headers)
#   tar -x + gen_init_cpio DIR
#                           mkdir D && tar -xf X -C D &&
#                           usr/gen_init_cpio -t 0 --no-fsync -o OUT D
#   copyfloor (floor)       copyfloor OUT FILES  (X a plain tar)
#   zstd -dcq (floor)       zstd -dcq X > OUT    (X a .tar.zst)
# Our output is checked once, untimed, to hold the tar's entries with
# their types, modes, owners, devices and link targets, as bsdtar reads
# both.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

# One option: the commas are its own.
# shellcheck disable=SC2054
tar_pax_options=(--sort=name --format=pax
		 --pax-option=delete=atime,delete=ctime)

# Whether the tar corpus can run here; if not, says why.
tar_check()
{
	if ! tar --version 2>/dev/null | grep -q 'GNU tar'; then
		note "tar: GNU tar missing (apt-get install tar): skipped"
		return 1
	fi
	if ! have zstd; then
		note "tar: zstd missing (apt-get install zstd): no .tar.zst"
		tar_zstd=''
	fi
	if ! have bsdtar; then
		note "tar: bsdtar missing (apt-get install libarchive-tools):" \
		     "not timed"
		has_bsdtar=''
	fi
}

# tar_make TREE DIR: DIR into $BENCH_DIR/tar/TREE.tar (and .tar.zst),
# with its spec list's file locations in $BENCH_DIR/work/tar-TREE.files
# for the floor.  Made again by every run: the tree may have changed.
tar_make()
{
	local tree=$1 dir=$2 t=$BENCH_DIR/tar/$1.tar

	note "tar: $dir into $t"
	rm -f "$t" "$t.zst"
	mkdir -p "$BENCH_DIR/tar" &&
		tar "${tar_pax_options[@]}" -cf "$t" -C "$dir" . &&
		gen_spec "$dir" "$BENCH_DIR/work/tar-$tree" > /dev/null ||
		return 1
	[ -z "$tar_zstd" ] || zstd -q -T0 "$t" -o "$t.zst" || return 1
}

# tar_commands X TREE: the commands of the tar X, made from TREE.
tar_commands()
{
	local x=$1 tree=$2 o=$BENCH_DIR/out c
	local d=$BENCH_DIR/out/tree

	labels=() timed=() rss=() outputs=() checks=()
	c="$(q "$GEN") -t 0 --no-fsync -o $(q "$o/ours-tar.cpio") $(q "$x")"
	add "gen_init_cpio TAR" "$c" "peak_rss $c" "$o/ours-tar.cpio" \
	    "tar_same $(q "$x") $(q "$o/ours-tar.cpio")"
	if [ -n "$has_bsdtar" ]; then
		c="bsdtar --format newc -cf $(q "$o/bsdtar.cpio") @$(q "$x")"
		c="env LC_ALL=C.UTF-8 $c"
		add "bsdtar @TAR" "$c" "peak_rss $c" "$o/bsdtar.cpio"
	fi
	c="$(q "$GEN") -t 0 --no-fsync -o $(q "$o/ours-dir.cpio") $(q "$d")"
	add "tar -x + gen_init_cpio DIR" \
	    "mkdir $(q "$d") && tar -xf $(q "$x") -C $(q "$d") && $c" \
	    "mkdir $(q "$d") && tar -xf $(q "$x") -C $(q "$d") && peak_rss $c" \
	    "$o/ours-dir.cpio"
	case $x in
	*.zst)	c="zstd -dcq $(q "$x") > $(q "$o/floor.tar")"
		add "zstd -dcq (floor)" "$c" "peak_rss $c" "$o/floor.tar" ;;
	*)	c="$(q "$floor") $(q "$o/floor.cpio")"
		c+=" $(q "$BENCH_DIR/work/tar-$tree.files")"
		add "copyfloor (floor)" "$c" "peak_rss $c" "$o/floor.cpio" ;;
	esac
}

# tar_meta ARCHIVE: every entry's type, mode, owner, device and link
# target as bsdtar reads ARCHIVE (tar or cpio), sorted, the root left
# out (sizes differ by design: newc puts a hard link group's data on its
# last name, tar on its first).  bsdtar turns a pax header's UTF-8 names
# into the locale's: in C it gives up.
tar_meta()
{
	LC_ALL=C.UTF-8 bsdtar -cf - --format=mtree \
		--options 'mtree:!all,type,mode,uid,gid,link,device' "@$1" |
		grep -v -e '^#' -e '^/\. ' | sed 's,^\./,,' | sort
}

# tar_same TAR CPIO: CPIO has TAR's entries with their metadata.
tar_same()
{
	local l=$BENCH_DIR/work/tar-meta

	[ -n "$has_bsdtar" ] || return 0
	tar_meta "$1" > "$l.tar" && tar_meta "$2" > "$l.cpio" &&
		cmp -s "$l.tar" "$l.cpio"
}

# tar_time NAME X TREE: one tar, checked and timed as group tar-NAME.
tar_time()
{
	local name=$1 x=$2 tree=$3 group=tar-$1

	tar_commands "$x" "$tree"
	note "tar: $name: one run of each command (checks, peak RSS)"
	measure_once "$group"
	[ ${#labels[@]} -gt 0 ] || return 0
	if ! run_hyperfine "$group" "" "tar=$name" \
		"entries=$(tar -tf "$x" | wc -l)" \
		"tar_bytes=$(stat -c %s "$x")" \
		"load=$(cut -d ' ' -f 1 /proc/loadavg)"; then
		note "tar: $name: hyperfine failed: no rows"
		sed -i "/^cmd\t$group\t/d" "$facts"
	fi
	rm -rf "$BENCH_DIR"/out/*
}

bench_tar()
{
	local runs=$default_runs tree t has_bsdtar=1 tar_zstd=1

	fact kind tar
	runs=${BENCH_RUNS:-$runs}
	tar_check || return 0
	fact options "${tar_pax_options[*]}"
	local trees="distro share"

	# --quick: the distro tar alone (/usr/share's takes minutes a run).
	[ -n "$quick" ] && trees=distro
	for tree in $trees; do
		prepare_corpus "$tree" || continue
		fact "dir_$tree" "$corpus_dir"
		tar_make "$tree" "$corpus_dir" || {
			note "tar: cannot make the $tree tar: no rows"
			continue
		}
		t=$BENCH_DIR/tar/$tree.tar
		tar_time "$tree.tar" "$t" "$tree"
		[ -z "$tar_zstd" ] || tar_time "$tree.tar.zst" "$t.zst" "$tree"
		rm -f "$t" "$t.zst"
	done
}
