# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-compress.sh: owns the compress corpus: our program's -z
# gzip and -z zstd on the distro tree, next to the compressor alone on
# the same archive.  Sourced by scripts/bench.
#
# Our program pipes the archive through the compressor while it writes
# it: the least it can take is the compressor's own time on the same
# bytes, so that is the reference, run on an archive ARCHIVE made
# beforehand by `gen_init_cpio -t 0 -o ARCHIVE DIR`:
#   gzip alone              gzip -9n -c ARCHIVE > OUT
#   gen_init_cpio -z gzip   usr/gen_init_cpio -t 0 --no-fsync -z gzip -o OUT DIR
#   zstd alone              zstd -19 -T1 -q -c ARCHIVE > OUT
#   gen_init_cpio -z zstd   usr/gen_init_cpio -t 0 --no-fsync -z zstd -o OUT DIR
# (our program runs the compressor with those flags; each of its outputs
# is checked once, untimed, to decompress to ARCHIVE's bytes).
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

# Returns 1 when the archive cannot be made.
add_compress_commands()
{
	local b=$2 o=$BENCH_DIR/out nofsync=--no-fsync sync='' src=$1
	local m flags x c

	labels=() timed=() rss=() outputs=() checks=()
	[ -n "$fsync" ] && nofsync='' sync=" && sync"
	[ -n "$dir_mode" ] || src=$b.list
	if ! "$GEN" -t 0 --no-fsync -o "$b.cpio" "$src"; then
		note "$corpus: $GEN cannot archive $src: skipped"
		return 1
	fi
	fact archive_bytes "$(stat -c %s "$b.cpio")"
	for m in gzip zstd; do
		if ! have "$m"; then
			note "$corpus: $m missing (apt-get install $m):" \
			     "not timed"
			continue
		fi
		case $m in
		gzip)	flags="-9n -c" x=gz ;;
		zstd)	flags="-19 -T1 -q -c" x=zst ;;
		esac
		c="$m $flags $(q "$b.cpio") > $(q "$o/$m-alone.cpio.$x")"
		add "$m alone" "$c${sync:+$sync $(q "$o/$m-alone.cpio.$x")}" \
		    "peak_rss $c" "$o/$m-alone.cpio.$x"
		c="$(q "$GEN") -t 0 $nofsync -z $m"
		c+=" -o $(q "$o/ours-$m.cpio.$x") $(q "$src")"
		add "gen_init_cpio -z $m" "$c" "peak_rss $c" \
		    "$o/ours-$m.cpio.$x" \
		    "$m -dc $(q "$o/ours-$m.cpio.$x") | cmp -s - $(q "$b.cpio")"
	done
}

bench_compress()
{
	local b runs=$default_runs

	fact kind compress
	# At ~20 s a run, slow.
	[ -z "$quick" ] && runs=5
	runs=${BENCH_RUNS:-$runs}
	prepare_tree || return 0
	add_compress_commands "$corpus_dir" "$b" || return 0
	note "$corpus: one run of each command (checks, peak RSS)"
	measure_once "$corpus"
	if [ ${#labels[@]} -eq 0 ]; then
		note "$corpus: no command works: skipped"
		return 0
	fi
	if ! run_hyperfine "$corpus" "" "runs=$runs"; then
		note "$corpus: hyperfine failed: no table"
		sed -i '/^cmd/d' "$facts"
	fi
}
