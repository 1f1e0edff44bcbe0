# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-extract.sh: owns the extract corpus: unpacking and
# listing the image Debian's initramfs-tools makes on a machine with
# intel-microcode and amd64-microcode installed -- two uncompressed early
# members (early/ kernel/x86/microcode/AuthenticAMD.bin, early2/
# .../GenuineIntel.bin), then the compressed main one -- with our readers
# next to the programs people unpack such images with.  Sourced by
# scripts/bench.
#
# The image is built here, from the machine's own kernel: mkinitramfs -o
# main.img VERSION (uname -r, or the newest kernel with modules in
# /lib/modules when the running one has none), with the early members in
# front as initramfs-tools puts them, each an uncompressed newc archive
# made by GNU cpio (-H newc -R 0:0, as its hooks do).  The microcode is
# Debian's: the amd64-microcode and intel-microcode packages are in the
# non-free-firmware component, which the machine's apt sources need not
# have, so their .debs are fetched from $BENCH_MIRROR (default
# http://deb.debian.org/debian; the suite is /etc/os-release's
# VERSION_CODENAME, default bookworm) by reading the component's
# Packages.xz for their Filename, and unpacked with dpkg-deb -x under
# $BENCH_DIR (kept for later runs).  AuthenticAMD.bin is amd-ucode/*.bin
# concatenated, as the amd64-microcode hook does; GenuineIntel.bin is all
# of intel-ucode/ concatenated (the hook's iucode_tool may keep fewer).
# Without network, blobs of filler of about the same sizes (150 KiB and
# 20 MiB) take their place, and the table says so.
#
# Commands, one hyperfine group (without -N: some are pipelines), each
# extraction into a new directory OUT (the one before moved aside by
# --prepare, see below):
#   gen_init_cpio --extract          usr/gen_init_cpio --extract OUT IMG
#   gen_init_cpio --extract --split  the same, unmkinitramfs's layout
#   gen_init_cpio --list             usr/gen_init_cpio --list IMG
#   unmkinitramfs                    unmkinitramfs IMG OUT
#   lsinitramfs                      lsinitramfs IMG
#   bsdtar -xf / -tf                 bsdtar -xf IMG -C OUT / bsdtar -tf IMG
#   GNU cpio -id / -t                cpio -id -F IMG in OUT / cpio -t -F IMG
#   DEC alone (floor)                DEC on the compressed member, copied
#                                    out of the image (zstd -dcq ...)
# bsdtar and GNU cpio stop at the first member's trailer: the entries
# column shows how much of the image each one covered.
#
# Why the trees are moved aside and not deleted before each run: deleting
# the previous run's ~700 inodes just before the next one makes the next
# one's file creation pay for it, on ext4 without a journal most (the
# inode allocator then skips every recently deleted inode: 3x the
# system time on the machine this was written on).  The trees are deleted
# after the group (and so are the one run's before it: those of ours
# --split and of unmkinitramfs, compared), and their space is what
# BENCH_DIR needs: the unpacked size times the runs.  What cannot be
# avoided, mkinitramfs's deletion of its own working tree, is left to
# age 35 s before the timing: on the machine this was written on, the
# first round right after it took 4x the time of the second.
#
# The variables of scripts/bench, which sources this file, are set and
# used there (SC2154, SC2034).
# shellcheck shell=bash disable=SC2154,SC2034

BENCH_MIRROR=${BENCH_MIRROR:-http://deb.debian.org/debian}

# The kernel version whose modules mkinitramfs takes.
extract_kernel()
{
	local v

	v=$(uname -r)
	if [ ! -d "/lib/modules/$v" ]; then
		# shellcheck disable=SC2012 # plain version names
		v=$(ls /lib/modules 2>/dev/null | sort -V | tail -n 1)
	fi
	[ -n "$v" ] && [ -d "/lib/modules/$v" ] && echo "$v"
}

# fetch_microcode DIR: the two packages unpacked into DIR (once); false
# if they cannot be had.
fetch_microcode()
{
	local dir=$1 suite pkgs p f

	[ -d "$dir/lib/firmware/intel-ucode" ] &&
		[ -d "$dir/lib/firmware/amd-ucode" ] && return 0
	have curl && have xz && have dpkg-deb || return 1
	suite=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	suite=${suite:-bookworm}
	rm -rf "$dir" && mkdir -p "$dir" || return 1
	pkgs=$(curl -fsS --max-time 60 \
		"$BENCH_MIRROR/dists/$suite/non-free-firmware/binary-amd64/Packages.xz" |
		xz -dc) || return 1
	for p in amd64-microcode intel-microcode; do
		f=$(awk -v p="$p" '$1 == "Package:" { cur = $2 }
			$1 == "Filename:" && cur == p { print $2; exit }' <<< "$pkgs")
		[ -n "$f" ] || return 1
		curl -fsS --max-time 120 -o "$dir/$p.deb" "$BENCH_MIRROR/$f" &&
			dpkg-deb -x "$dir/$p.deb" "$dir" || return 1
		echo "$f" >> "$dir/versions"
		rm -f "$dir/$p.deb"
	done
}

# early_member DIR NAME OUT: an uncompressed member holding
# kernel/x86/microcode/NAME (DIR/NAME), as initramfs-tools writes it.
early_member()
{
	local d=$1/tree

	rm -rf "$d" && mkdir -p "$d/kernel/x86/microcode" &&
		mv "$1/$2" "$d/kernel/x86/microcode/$2" || return 1
	if [ -n "$has_cpio" ]; then
		(cd "$d" && find kernel | LC_ALL=C sort |
			cpio --quiet -o -H newc -R 0:0) > "$3"
	else
		"$GEN" -t 0 --no-fsync -z none -o "$3" "$d"
	fi
}

# build_extract_image DIR: DIR/image.img, and what= its description;
# false if it cannot be built.
build_extract_image()
{
	local w=$1 v mc=$BENCH_DIR/microcode ucode

	v=$(extract_kernel) || { note "extract: no /lib/modules/*"; return 1; }
	have mkinitramfs || { note "extract: mkinitramfs missing" \
		"(apt-get install initramfs-tools)"; return 1; }
	rm -rf "$w" && mkdir -p "$w/amd" "$w/intel" || return 1
	note "extract: mkinitramfs -o $w/main.img $v"
	mkinitramfs -o "$w/main.img" "$v" || return 1
	if fetch_microcode "$mc"; then
		cat "$mc"/lib/firmware/amd-ucode/*.bin > "$w/amd/AuthenticAMD.bin" &&
			cat "$mc"/lib/firmware/intel-ucode/* > \
			"$w/intel/GenuineIntel.bin" || return 1
		ucode="Debian's microcode ($(tr '\n' ' ' < "$mc/versions" |
			sed 's|pool/[^ ]*/||g; s/ $//'))"
	else
		note "extract: no microcode packages from $BENCH_MIRROR:" \
		     "filler blobs instead"
		head -c 153600 /dev/zero | tr '\0' '\125' > "$w/amd/AuthenticAMD.bin"
		head -c 20971520 /dev/zero | tr '\0' '\125' > \
			"$w/intel/GenuineIntel.bin"
		ucode="filler blobs of 150 KiB and 20 MiB in place of the"
		ucode+=" microcode (the packages could not be fetched)"
	fi
	early_member "$w/amd" AuthenticAMD.bin "$w/early.cpio" &&
		early_member "$w/intel" GenuineIntel.bin "$w/early2.cpio" &&
		cat "$w/early.cpio" "$w/early2.cpio" "$w/main.img" > \
			"$w/image.img" || return 1
	rm -rf "$w/amd" "$w/intel" "$w/early.cpio" "$w/early2.cpio" "$w/main.img"
	what="mkinitramfs -o IMG $v (initramfs-tools"
	what+="$(dpkg-query -W -f ' ${Version}' initramfs-tools-core 2>/dev/null))"
	what+=" behind two early members, AuthenticAMD.bin and GenuineIntel.bin,"
	what+=" from $ucode"
}

# aside DIR: DIR, if there, moved into the trash (see the header).
aside()
{
	[ ! -e "$1" ] || mv "$1" "$x_trash/$(date +%s%N)"
}

# xadd LABEL KIND COMMAND: one command; KIND says how to count what it
# covered: "tree" (the entries under OUT), "spec" (our --list's "#
# member" lines), "lines" (a name a line), "-" (the floor).
xadd()
{
	labels+=("$1")
	kinds+=("$2")
	timed+=("$3")
}

# One run of every command before the timing: one that fails is dropped;
# the entries it covered are counted; ours --split is compared with
# unmkinitramfs's tree (diff -r, and the modes and owners by find).
extract_once()
{
	local i l=() t=() n out=$BENCH_DIR/work/extract/listing

	for i in "${!labels[@]}"; do
		aside "$x_out"
		if ! sh -c "${timed[i]}" > "$out" 2>/dev/null; then
			note "extract: ${labels[i]} failed: not timed"
			continue
		fi
		case ${kinds[i]} in
		tree)	n=$(find "$x_out" -mindepth 1 | wc -l) ;;
		spec)	n=$(count_listed spec < "$out") ;;
		lines)	n=$(wc -l < "$out") ;;
		*)	n=- ;;
		esac
		if [ "${labels[i]}" = "gen_init_cpio --extract --split" ]; then
			aside "$x_ours" && mv "$x_out" "$x_ours"
		elif [ "${labels[i]}" = unmkinitramfs ]; then
			aside "$x_theirs" && mv "$x_out" "$x_theirs"
		fi
		l+=("${labels[i]}")
		t+=("${timed[i]}")
		fact_cmd extract "${labels[i]}" "${timed[i]}" "entries=$n"
	done
	aside "$x_out"
	rm -f "$out"
	labels=("${l[@]}") timed=("${t[@]}")
}

# Is ours --split the tree unmkinitramfs made?  "yes", "NO" or "-".
same_as_unmkinitramfs()
{
	if [ ! -d "$x_ours" ] || [ ! -d "$x_theirs" ]; then
		echo -
		return
	fi
	if diff -r --no-dereference "$x_ours" "$x_theirs" > /dev/null &&
	   cmp -s <(cd "$x_ours" && find . -printf '%p %y %m %U %G %l\n' | sort) \
		  <(cd "$x_theirs" && find . -printf '%p %y %m %U %G %l\n' | sort); then
		echo yes
	else
		echo NO
	fi
}

bench_extract()
{
	local w=$BENCH_DIR/work/extract img what dec floor_file
	local labels=() kinds=() timed=() runs=10 same

	fact kind extract
	[ -n "$quick" ] && runs=$default_runs
	runs=${BENCH_RUNS:-$runs}
	build_extract_image "$w" || { note "extract: no image: skipped"; return 0; }
	img=$w/image.img
	examine_image "$img" || { note "extract: --examine failed"; return 0; }
	x_out=$BENCH_DIR/out/x x_ours=$w/ours x_theirs=$w/theirs x_trash=$w/trash
	mkdir -p "$x_trash" || return 0
	local i_q o_q
	i_q=$(q "$img") o_q=$(q "$x_out")
	xadd "gen_init_cpio --extract" tree "$(q "$GEN") --extract $o_q $i_q"
	xadd "gen_init_cpio --extract --split" tree \
		"$(q "$GEN") --extract $o_q --split $i_q"
	xadd "gen_init_cpio --list" spec "$(q "$GEN") --list $i_q"
	have unmkinitramfs && xadd unmkinitramfs tree "unmkinitramfs $i_q $o_q"
	have lsinitramfs && xadd lsinitramfs lines "lsinitramfs $i_q"
	if have bsdtar; then
		xadd "bsdtar -xf" tree "mkdir $o_q && bsdtar -xf $i_q -C $o_q"
		xadd "bsdtar -tf" lines "bsdtar -tf $i_q"
	fi
	if [ -n "$has_cpio" ]; then
		xadd "GNU cpio -id" tree \
			"mkdir $o_q && cd $o_q && cpio -id --quiet -F $i_q"
		xadd "GNU cpio -t" lines "cpio -t --quiet -F $i_q"
	fi
	dec=$(decompressor "$img_method") || dec=''
	if [ -n "$dec" ] && have "${dec%% *}" && [ "$img_offset" -gt 0 ]; then
		floor_file=$w/main.$img_method
		tail -c +$((img_offset + 1)) "$img" > "$floor_file" &&
			xadd "${dec%% *} alone (floor)" - "$dec $(q "$floor_file")"
	else
		note "extract: $img_method: no floor"
	fi
	note "extract: one run of each command (checks, entries)"
	extract_once
	same=$(same_as_unmkinitramfs)
	[ "$same" = NO ] && note "extract: ours --split differs from unmkinitramfs's tree"
	aside "$x_ours"
	aside "$x_theirs"
	# See the header: mkinitramfs deleted its working tree; ext4 skips
	# inodes deleted less than 30 s (35 with dirty buffers) ago.
	note "extract: 35 s for the deletions to age (see the header)"
	sync
	sleep 35
	# See the header: the last tree moved aside, not deleted.
	hf_prepare="if [ -e $o_q ]; then mv $o_q $(q "$x_trash")/\$(date +%s%N); fi; sync"
	if ! run_hyperfine extract "" "image=$img" "what=$what" \
		"bytes=$(stat -c %s "$img")" "method=$img_method" \
		"offset=$img_offset" "entries=$img_entries" \
		"floor=${dec:+${dec%% *} alone (floor)}" "same=$same"; then
		note "extract: hyperfine failed: no rows"
		sed -i "/^cmd\textract\t/d" "$facts"
	fi
	hf_prepare=''
	# The trees of the runs: deleted now, untimed.
	rm -rf "$x_trash" "$x_out" ${floor_file:+"$floor_file"}
}
