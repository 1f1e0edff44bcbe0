# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-releases.sh: owns the releases corpus: are the bytes of a
# compressed image the same when it is rebuilt on another distribution
# release, whose compressors are other versions?  Reproducible-build
# users rebuild elsewhere.  Sourced by scripts/bench.
#
# The distro tree is archived once, uncompressed (ARCHIVE); our program
# then compresses ARCHIVE (as an archive source: the same entries, the
# same bytes) with every method at its default level and at its
# strongest, once here and once in a Debian 13 (trixie) root file system
# made by mmdebstrap (--variant=essential and the compressors, from
# $BENCH_MIRROR, kept under $BENCH_DIR for later runs), where the same
# binary runs under chroot with trixie's gzip, zstd, xz, lz4, bzip2 and
# lzop.  Both sides cut the same pieces (the cuts depend on the archive
# alone), so a difference is the compressor's.  Untimed; needs root
# (chroot) and mmdebstrap.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

# The compressors' versions in the trixie root, for the table.
trixie_versions()
{
	chroot "$1" dpkg-query -W -f '${Package} ${Version}, ' \
		gzip zstd xz-utils lz4 bzip2 lzop 2>/dev/null | sed 's/, $//'
}

# Make (once) the trixie root at $1.
make_trixie()
{
	local root=$1 mirror=${BENCH_MIRROR:-http://deb.debian.org/debian}

	[ -x "$root/usr/bin/zstd" ] && [ -x "$root/usr/bin/lzop" ] && return 0
	rm -rf "$root"
	note "$corpus: mmdebstrap trixie into $root (a few minutes)"
	mmdebstrap --quiet --variant=essential \
		--include=zstd,xz-utils,lz4,bzip2,lzop trixie "$root" \
		"$mirror" >&2
}

bench_releases()
{
	local b root=$BENCH_DIR/trixie m l key here there

	fact kind releases
	if [ "$(id -u)" != 0 ] || ! have mmdebstrap || ! have chroot; then
		note "$corpus: needs root, mmdebstrap and chroot: skipped"
		return 0
	fi
	prepare_tree || return 0
	make_trixie "$root" || { note "$corpus: mmdebstrap failed: skipped"; return 0; }
	"$GEN" -t 0 --no-fsync -o "$b.cpio" "$corpus_dir" || return 0
	cp "$GEN" "$root/gen_init_cpio" && cp "$b.cpio" "$root/archive.cpio" ||
		return 0
	fact archive_bytes "$(stat -c %s "$b.cpio")"
	fact trixie "$(trixie_versions "$root")"
	for m in gzip zstd xz lzma bzip2 lz4 lzo; do
		for l in $(compress_levels "$m"); do
			key=$m:$l
			"$GEN" -t 0 --no-fsync -z "$key" -o "$BENCH_DIR/out/here" \
				"$b.cpio" || continue
			chroot "$root" /gen_init_cpio -t 0 --no-fsync -z "$key" \
				-o /there /archive.cpio || continue
			here=$(sha256sum < "$BENCH_DIR/out/here" | cut -c 1-16)
			there=$(sha256sum < "$root/there" | cut -c 1-16)
			fact_cmd - "$key" "-z $key" seconds=0 "key=$key" \
				"bytes=$(stat -c %s "$BENCH_DIR/out/here")" \
				"bytes13=$(stat -c %s "$root/there")" \
				"here=$here" "there=$there" \
				"same=$([ "$here" = "$there" ] && echo yes || echo NO)"
		done
	done
	rm -f "$root/there" "$root/archive.cpio" "$root/gen_init_cpio"
}
