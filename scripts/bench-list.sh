# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-list.sh: owns the list corpus: how long `--list` takes to
# print every entry of a whole image, next to the programs people list
# initramfs images with; the images (the installed initrd, the same
# behind an early microcode member, a large uncompressed archive) and
# the one slow run of lsinitramfs.  Sourced by scripts/bench.
#
# On a compressed image no lister can beat the decompressor run alone on
# the compressed bytes: that is its floor, and "x floor" is how far each
# command is from it.  An uncompressed archive has no such floor: a
# lister reads the headers and seeks over the data.  Per image IMG, each
# listing going to /dev/null (one hyperfine run per image, nothing
# written, so no sync between runs):
#   gen_init_cpio --list    usr/gen_init_cpio --list IMG
#   bsdcpio -it             bsdcpio -it --quiet -F IMG
#   GNU cpio -t             cpio -t --quiet -F IMG, or DEC < IMG | cpio -t
#                           --quiet when IMG starts with compressed data
#   lsinitramfs             lsinitramfs IMG (compressed images; once with
#                           --slow on the uncompressed one)
#   DEC (floor)             DEC < IMG, or tail -c +N IMG | DEC when the
#                           compressed data starts at offset N-1: DEC is
#                           the decompressor alone (zstd -dcq, gzip -dc..)
# GNU cpio and bsdcpio stop at the first member's trailer: the "entries
# listed" column shows how much of the image each command printed.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

# The program and flags that decompress method $1 to standard output,
# as a user types it (our program runs the same one through a pipe).
decompressor()
{
	case $1 in
	gzip)		echo "gzip -dc" ;;
	zstd)		echo "zstd -dcq" ;;
	xz)		echo "xz -dc" ;;
	lzma)		echo "xz -dc --format=lzma" ;;
	bzip2)		echo "bzip2 -dc" ;;
	lz4)		echo "lz4 -dc" ;;
	lzo | lzop)	echo "lzop -dc" ;;
	*)		return 1 ;;
	esac
}

# Reads our --examine table of image $1 (member, offset, length,
# compression, format, entries, size, trailer) into img_entries (of all
# its members), img_method and img_offset (the first compressed
# stream's: "none" if there is none, "mixed" if the streams differ).
examine_image()
{
	local table offset method entries

	table=$("$GEN" --examine "$1") || return 1
	img_entries=0 img_method='' img_offset=0
	while read -r _ offset _ method _ entries _; do
		[[ $entries =~ ^[0-9]+$ ]] || continue
		img_entries=$((img_entries + entries))
		# "+N" is a member continuing the stream before it.
		if [ "$method" = none ] || [[ $offset = +* ]]; then
			continue
		fi
		if [ -z "$img_method" ]; then
			img_method=$method img_offset=$offset
		elif [ "$method" != "$img_method" ]; then
			img_method=mixed
		fi
	done <<< "$table"
	[ -n "$img_method" ] || img_method=none
}

# lister LABEL KIND COMMAND [sh]: COMMAND writes a listing to standard
# output; KIND says how to count what it listed: "spec" (our --list: its
# "# member N: K entries" lines), "lines" (a name per line) or "-" (the
# floor lists nothing).  Several of these take a few milliseconds, less
# than hyperfine can correct a shell's start for, so it runs them
# without a shell (-N, output discarded); a pipeline ("sh") runs under
# an explicit sh -c, whose start it then pays for.
lister()
{
	labels+=("$1")
	kinds+=("$2")
	cmds+=("$3")
	if [ "${4:-}" = sh ]; then
		timed+=("sh -c $(q "$3")")
	else
		timed+=("$3")
	fi
}

# count_listed KIND < LISTING
count_listed()
{
	local n=0 a b d e

	case $1 in
	spec)	while read -r a b _ d e _; do
			[ "$a $b" = "# member" ] && [[ $e = entries* ]] &&
				n=$((n + d))
		done < <(grep '^# member ')
		echo "$n" ;;
	lines)	wc -l ;;
	*)	cat > /dev/null
		echo - ;;
	esac
}

# One run of every lister before the timing: a failing one is dropped;
# the run gives its peak RSS (the largest of its processes, so the
# decompressor's when ours runs one) and how many entries it listed.
list_once()
{
	local i l=() t=() out kib

	for i in "${!labels[@]}"; do
		rm -f "$rss_file"
		out=$BENCH_DIR/out/listing
		# The floor's output is tens of MiB of no interest.
		[ "${kinds[i]}" = - ] && out=/dev/null
		if ! peak_rss sh -c "${cmds[i]}" > "$out"; then
			note "list: $image: ${labels[i]} failed: not timed"
			continue
		fi
		l+=("${labels[i]}")
		t+=("${timed[i]}")
		kib=$(tail -n 1 "$rss_file" 2>/dev/null || echo -)
		fact_cmd "list-$image" "${labels[i]}" "${timed[i]}" \
			"rss=$kib" "listed=$(count_listed "${kinds[i]}" < "$out")"
	done
	rm -f "$BENCH_DIR/out/listing"
	labels=("${l[@]}") timed=("${t[@]}")
}

# Fills labels, cmds, timed, kinds and floor_label for image $1.  The
# floor decompresses a file: the image, or when the compressed data
# starts further in, a copy of the image from there (floor_file).
add_list_commands()
{
	local i dec=''

	i=$(q "$1")
	labels=() cmds=() timed=() kinds=() floor_label='' floor_file=''
	lister "gen_init_cpio --list" spec "$(q "$GEN") --list $i"
	[ -n "$has_bsdcpio" ] &&
		lister "bsdcpio -it" lines "bsdcpio -it --quiet -F $i"
	case $img_method in
	none)	;;
	mixed)	note "list: $image: more than one compression: no floor" ;;
	*)	dec=$(decompressor "$img_method") || dec=''
		if [ -n "$dec" ] && ! have "${dec%% *}"; then
			note "list: $image: ${dec%% *} missing: no floor"
			dec=''
		fi ;;
	esac
	# GNU cpio reads no compressed data: a user decompresses first.
	if [ -n "$has_cpio" ] && [ "$img_method" != none ] &&
	   [ "$img_offset" -eq 0 ]; then
		[ -n "$dec" ] && lister "GNU cpio -t after ${dec%% *}" lines \
			"$dec $i | cpio -t --quiet" sh
	elif [ -n "$has_cpio" ]; then
		lister "GNU cpio -t" lines "cpio -t --quiet -F $i"
	fi
	# On an uncompressed image lsinitramfs takes minutes: see list_slow.
	[ -n "$has_lsinitramfs" ] && [ "$img_method" != none ] &&
		lister lsinitramfs lines "lsinitramfs $i"
	[ -n "$dec" ] || return 0
	if [ "$img_offset" -ne 0 ]; then
		floor_file=$BENCH_DIR/work/list-$image.$img_method
		tail -c +$((img_offset + 1)) "$1" > "$floor_file" || return 0
		i=$(q "$floor_file")
	fi
	floor_label="${dec%% *} alone (floor)"
	lister "$floor_label" - "$dec $i"
}

# lsinitramfs walks an uncompressed archive header by header, with a few
# dd and grep processes for each: minutes.  With --slow it runs once,
# under /usr/bin/time.  It exits 2 there although it listed everything
# (cpio fails on the empty "main" part it splits off), so its status is
# not checked; its count of names is in the table.
list_slow()
{
	local out=$BENCH_DIR/out/listing s kib

	note "list: $image: one run of lsinitramfs (minutes)"
	rm -f "$rss_file"
	/usr/bin/time -f '%e %M' -o "$rss_file" lsinitramfs "$1" \
		> "$out" 2> /dev/null
	read -r s kib < <(tail -n 1 "$rss_file")
	if [ -z "${s:-}" ]; then
		note "list: $image: lsinitramfs was not timed"
		return
	fi
	fact_cmd "list-$image" "lsinitramfs (1 run)" "lsinitramfs $(q "$1")" \
		"seconds=$s" "rss=$kib" "listed=$(count_listed lines < "$out")"
	rm -f "$out"
}

# list_image NAME IMG DESCRIPTION: times the listers on image IMG and
# records its group: its description, size, compression, entries and
# floor.
list_image()
{
	local untimed=0

	image=$1
	if ! examine_image "$2"; then
		note "list: $GEN --examine $2 failed: $image skipped"
		return 1
	fi
	add_list_commands "$2"
	note "list: $image: one run of each command (checks, peak RSS)"
	list_once
	if [ ${#labels[@]} -eq 0 ]; then
		note "list: $image: no command works: skipped"
		return 1
	fi
	if [ "$img_method" = none ] && [ -n "$has_lsinitramfs" ] &&
	   [ -z "$slow" ]; then
		untimed=1
	fi
	if ! run_hyperfine "list-$image" "" "image=$image" "what=$3" \
		"bytes=$(stat -c %s "$2")" "method=$img_method" \
		"offset=$img_offset" "entries=$img_entries" \
		"floor=$floor_label" "lsinitramfs_untimed=$untimed"; then
		note "list: $image: hyperfine failed: no rows"
		sed -i "/^cmd\tlist-$image\t/d" "$facts"
		return 1
	fi
	[ -n "$floor_file" ] && rm -f "$floor_file"
	if [ "$img_method" = none ] && [ -n "$has_lsinitramfs" ] &&
	   [ -n "$slow" ]; then
		list_slow "$2"
	fi
}

# initramfs-tools, when intel-microcode is installed, puts the microcode
# in front of the compressed image, in an uncompressed cpio member of its
# own.  The same here with 4 MiB of filler as the blob: no lister reads
# it, it only moves the compressed part.
list_early()
{
	local d=$BENCH_DIR/work/early what

	examine_image "$1" || return 0
	if [ "$img_method" = none ] || [ "$img_offset" -ne 0 ]; then
		note "list: $1 does not start with compressed data:" \
		     "no initrd+early"
		return 0
	fi
	rm -rf "$d" && mkdir -p "$d" || return 0
	head -c 4194304 /dev/zero | tr '\0' '\125' > "$d/GenuineIntel.bin"
	printf '%s\n' 'dir /kernel 0755 0 0' 'dir /kernel/x86 0755 0 0' \
		'dir /kernel/x86/microcode 0755 0 0' \
		'file /kernel/x86/microcode/GenuineIntel.bin GenuineIntel.bin 0644 0 0' \
		> "$d/early.list"
	if ! (cd "$d" && "$GEN" -t 0 --no-fsync -z none -o early.cpio \
		early.list) ||
	   ! cat "$d/early.cpio" "$1" > "$d/initrd+early.img"; then
		note "list: cannot build the image with an early member:" \
		     "no initrd+early"
		return 0
	fi
	what="an uncompressed member holding"
	what+=" kernel/x86/microcode/GenuineIntel.bin (4 MiB of filler), then"
	what+=" initrd, as initramfs-tools builds it with intel-microcode"
	list_image initrd+early "$d/initrd+early.img" "$what installed"
}

# A large uncompressed archive, made by our program: /usr/share (tens of
# thousands of entries), or with --quick the initrd's own entries.
list_big()
{
	local initrd=$1 w=$BENCH_DIR/work src=/usr/share name=share.cpio
	local what="/usr/share archived by gen_init_cpio -t 0 -z none"

	if [ -n "$quick" ]; then
		[ -n "$initrd" ] || return 0
		src=$initrd name=initrd.cpio
		what="the entries of initrd archived by gen_init_cpio -t 0 -z none"
	elif [ -z "$dir_mode" ]; then
		# A build without directory sources takes the spec list.
		gen_spec /usr/share "$w/list-share" > /dev/null &&
			src=$w/list-share.list
	fi
	note "list: archiving $src into $w/$name"
	if ! "$GEN" -t 0 --no-fsync -z none -o "$w/$name" "$src"; then
		note "list: $GEN cannot archive $src: no $name"
		return 0
	fi
	# Its dirty pages are written back now, not during the timing.
	sync
	list_image "$name" "$w/$name" "$what"
	# 865 MiB for /usr/share: made again by every run.
	rm -f "$w/$name"
}

bench_list()
{
	local runs=20 initrd image

	fact kind list
	[ -n "$quick" ] && runs=$default_runs
	runs=${BENCH_RUNS:-$runs}
	if initrd=$(boot_image); then
		list_image initrd "$initrd" "$initrd as installed"
		list_early "$initrd"
	else
		note "list: no /boot/initrd.img-*: no initrd rows"
	fi
	list_big "$initrd"
}
