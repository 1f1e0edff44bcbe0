# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-compress.sh: owns the compress and levels corpora, how
# long compressed images take.  Sourced by scripts/bench.
#
# compress: every method of -z on the distro tree, at its default level
# and at its strongest, next to the compressor alone on the same archive
# (made beforehand by `gen_init_cpio -t 0 -o ARCHIVE DIR`: the least our
# program would take compressing in one process), next to the parallel
# peers (pigz, zstd -T0, xz -T0) at the same level and the command
# initramfs-tools runs for that method, and with our program pinned to
# one CPU (taskset -c 0): the speed-up is that time over ours with every
# CPU.  Untimed, each output is decompressed once by the method's program
# and compared with ARCHIVE, and ours on one CPU must be ours on all,
# byte for byte.  Commands that take under a few seconds are timed by
# hyperfine in rounds; the slow ones (the strong levels of xz, lzma,
# zstd, lzo and gzip) once each, under /usr/bin/time, which the table
# says (± "-").
#
# levels: for each method, a few levels, each run once by our program on
# two corpora (the distro tree and /lib/modules of the running kernel,
# or of the newest one there): time, size and the share of the archive
# it keeps; the kernel configuration that unpacks it.  The README's level
# table is this.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034); decompressor() is bench-list.sh's.
# shellcheck shell=bash disable=SC2154,SC2034

# Our default and strongest level for each method.
compress_levels()
{
	case $1 in
	gzip)	echo "6 9" ;;
	zstd)	echo "2 19" ;;
	xz)	echo "6 9" ;;
	lzma)	echo "6 9" ;;
	bzip2)	echo "9" ;;
	lz4)	echo "9 12" ;;
	lzo)	echo "3 9" ;;
	esac
}

# The program a method needs.
compress_program()
{
	case $1 in
	lzma)	echo xz ;;
	lzo)	echo lzop ;;
	*)	echo "$1" ;;
	esac
}

# The method's program alone, at level $2, with our flags: standard
# input to standard output.
compress_alone()
{
	case $1 in
	gzip)	echo "gzip -n -$2 -c" ;;
	zstd)	echo "zstd -q -T1 -$2 -c" ;;
	xz)	echo "xz --check=crc32 -T1 --lzma2=preset=$2,dict=1MiB -c" ;;
	lzma)	echo "xz --format=lzma -T1 -$2 -c" ;;
	bzip2)	echo "bzip2 -$2 -c" ;;
	lz4)	echo "lz4 -l -$2 -c" ;;
	lzo)	echo "lzop --no-name --no-mode -$2 -c" ;;
	esac
}

# The parallel peer at level $2, if the method has one installed.
compress_peer()
{
	case $1 in
	gzip)	have pigz && echo "pigz -n -$2 -c" ;;
	zstd)	echo "zstd -q -T0 -$2 -c" ;;
	xz)	echo "xz --check=crc32 -T0 --lzma2=preset=$2,dict=1MiB -c" ;;
	esac
}

# What initramfs-tools' mkinitramfs (0.142) runs for the method when
# SOURCE_DATE_EPOCH is unset and no level is configured.
compress_distro()
{
	case $1 in
	gzip)	if have pigz; then echo "pigz"; else echo "gzip -n"; fi ;;
	zstd)	echo "zstd -q -9 -T0" ;;
	xz)	echo "xz --check=crc32 --threads=0" ;;
	lzma)	echo "lzma" ;;
	bzip2)	echo "bzip2" ;;
	lz4)	echo "lz4 -9 -l" ;;
	lzo)	echo "lzop" ;;
	esac
}

# Slow: timed once rather than by hyperfine.
compress_is_slow()
{
	case $1:$2 in
	gzip:9 | zstd:19 | xz:* | lzma:* | lzo:9 | lz4:12) return 0 ;;
	esac
	return 1
}

# once LABEL COMMAND OUTPUT CHECK KEY=VALUE...: one run, under
# /usr/bin/time, recorded with its seconds.
compress_once()
{
	local label=$1 c=$2 out=$3 check=$4 s kib same=-

	shift 4
	rm -f "$BENCH_DIR"/out/* "$rss_file"
	sync
	if ! /usr/bin/time -f '%e %M' -o "$rss_file" sh -c "$c"; then
		note "$corpus: $label failed: not timed"
		return
	fi
	read -r s kib < <(tail -n 1 "$rss_file")
	if [ -n "$check" ]; then
		same=yes
		(eval "$check") || { same=NO; note "$corpus: $label: wrong output"; }
	fi
	fact_cmd - "$label" "$c" "seconds=$s" "rss=$kib" \
		"bytes=$(stat -c %s "$out")" "same=$same" "$@"
}

# One method at one level: the commands, slow ones run at once.
add_compress_level()
{
	local m=$1 l=$2 b=$3 src=$4 o=$BENCH_DIR/out
	local alone ours one peer distro check key=$1:$2 dec

	dec=$(decompressor "$m")
	check="$dec < $(q "$o/out") | cmp -s - $(q "$b.cpio")"
	alone="$(compress_alone "$m" "$l") < $(q "$b.cpio") > $(q "$o/out")"
	ours="$(q "$GEN") -t 0 --no-fsync -z $key -o $(q "$o/out") $(q "$src")"
	one="taskset -c 0 $ours"
	peer=$(compress_peer "$m" "$l")
	[ -n "$peer" ] && peer="$peer < $(q "$b.cpio") > $(q "$o/out")"
	distro=''
	[ "$l" = "$(compress_levels "$m" | cut -d ' ' -f 1)" ] &&
		distro="$(compress_distro "$m") < $(q "$b.cpio") > $(q "$o/out")"
	if compress_is_slow "$m" "$l"; then
		compress_once "$key alone" "$alone" "$o/out" "$check" "key=$key"
		compress_once "ours $key" "$ours" "$o/out" "$check" "key=$key" \
			"role=ours"
		cp "$o/out" "$b.all" 2>/dev/null
		compress_once "ours $key, 1 CPU" "$one" "$o/out" \
			"cmp -s $(q "$o/out") $(q "$b.all")" "key=$key" "role=one"
		[ -n "$peer" ] && compress_once "${peer%% *} $key" "$peer" \
			"$o/out" "$check" "key=$key" "role=peer"
		[ -n "$distro" ] && compress_once "initramfs-tools, $key" \
			"$distro" "$o/out" "$check" "key=$key" "role=distro"
		return 0
	fi
	add "$key alone" "$alone" "peak_rss sh -c $(q "$alone")" "$o/out" "$check"
	add "ours $key" "$ours" "peak_rss $ours" "$o/out" \
		"$check && cp $(q "$o/out") $(q "$b.all")"
	add "ours $key, 1 CPU" "$one" "peak_rss $one" "$o/out" \
		"cmp -s $(q "$o/out") $(q "$b.all")"
	[ -n "$peer" ] && add "${peer%% *} $key" "$peer" \
		"peak_rss sh -c $(q "$peer")" "$o/out" "$check"
	[ -n "$distro" ] && add "initramfs-tools, $key" "$distro" \
		"peak_rss sh -c $(q "$distro")" "$o/out" "$check"
	[ "$key" = zstd:2 ] && add "zstd -q -1 -T0" \
		"zstd -q -1 -T0 < $(q "$b.cpio") > $(q "$o/out")" \
		"peak_rss sh -c $(q "zstd -q -1 -T0 < $(q "$b.cpio") > $(q "$o/out")")" \
		"$o/out" "$check"
	return 0
}

# Returns 1 when the archive cannot be made.
add_compress_commands()
{
	local b=$2 src=$1 m l

	labels=() timed=() rss=() outputs=() checks=()
	[ -n "$dir_mode" ] || src=$b.list
	if ! "$GEN" -t 0 --no-fsync -o "$b.cpio" "$src"; then
		note "$corpus: $GEN cannot archive $src: skipped"
		return 1
	fi
	fact archive_bytes "$(stat -c %s "$b.cpio")"
	fact cpus "$(taskset -c 0 nproc) of $(nproc)"
	for m in gzip zstd xz lzma bzip2 lz4 lzo; do
		if ! have "$(compress_program "$m")"; then
			note "$corpus: $(compress_program "$m") missing: not timed"
			continue
		fi
		for l in $(compress_levels "$m"); do
			add_compress_level "$m" "$l" "$b" "$src"
		done
	done
	return 0
}

bench_compress()
{
	local b runs=$default_runs

	fact kind compress
	[ -z "$quick" ] && runs=4
	runs=${BENCH_RUNS:-$runs}
	prepare_tree || return 0
	have taskset || { note "$corpus: taskset missing: skipped"; return 0; }
	add_compress_commands "$corpus_dir" "$b" || return 0
	note "$corpus: one run of each fast command (checks, peak RSS)"
	measure_once "$corpus"
	[ ${#labels[@]} -eq 0 ] && return 0
	if ! run_hyperfine "$corpus" "" "runs=$runs"; then
		note "$corpus: hyperfine failed: no table"
		sed -i "/^cmd\t$corpus\t/d" "$facts"
	fi
}

# The levels of the level table, per method.
table_levels()
{
	case $1 in
	gzip)	echo "1 6 9" ;;
	zstd)	echo "1 2 3 9 19" ;;
	xz)	echo "0 6" ;;
	lzma)	echo "0 6" ;;
	bzip2)	echo "1 9" ;;
	lz4)	echo "1 9 12" ;;
	lzo)	echo "1 3 9" ;;
	esac
}

# /lib/modules of the running kernel, else of the newest one there.
modules_dir()
{
	local d=/lib/modules/$(uname -r)

	[ -d "$d/kernel" ] || d=$(ls -d /lib/modules/*/kernel 2>/dev/null |
				  sort -V | tail -n 1)
	d=${d%/kernel}
	[ -d "$d" ] && echo "$d"
}

bench_levels()
{
	local b m l dir name mods

	fact kind levels
	prepare_tree || return 0
	mods=$(modules_dir) || { note "$corpus: no /lib/modules"; return 0; }
	for name in distro modules; do
		dir=$corpus_dir
		[ "$name" = modules ] && dir=$mods
		b=$BENCH_DIR/work/levels-$name
		"$GEN" -t 0 --no-fsync -o "$b.cpio" "$dir" || continue
		fact "bytes_$name" "$(stat -c %s "$b.cpio")"
		fact "dir_$name" "$dir"
		for m in gzip zstd xz lzma bzip2 lz4 lzo; do
			have "$(compress_program "$m")" || continue
			for l in $(table_levels "$m"); do
				compress_once "$name $m:$l" \
					"$(q "$GEN") -t 0 --no-fsync -z $m:$l -o $(q "$BENCH_DIR/out/out") $(q "$dir")" \
					"$BENCH_DIR/out/out" \
					"$(decompressor "$m") < $(q "$BENCH_DIR/out/out") | cmp -s - $(q "$b.cpio")" \
					"corpus=$name" "key=$m:$l"
			done
		done
	done
}
