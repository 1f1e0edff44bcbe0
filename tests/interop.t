#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/interop.t: archives written by gen_init_cpio, extracted as root by
# real clients (GNU cpio, bsdtar, busybox cpio), then compared with the
# SPEC entry by entry -- never with our own output, so a wrong header
# field shows up as a wrong attribute on disk.
#
# Three archives from one spec: plain newc (-t), newc with checksums (-c)
# and newc with file data aligned to 4096 bytes (-a 4096; the padded name
# fields must not confuse any client).

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/compare.sh"

need cpio bsdtar busybox
need_root

MTIME=1700000000

# The fixture files.  Every byte is deterministic; the binary file holds
# each of the 256 byte values several times over.
make_sources() {
	local i block

	mkdir "$T/src"
	: >"$T/src/empty"
	printf 'Welcome to the initramfs.\n' >"$T/src/motd"
	block=
	for i in $(seq 0 255); do
		block+=$(printf '\\0%03o' "$i")
	done
	for i in $(seq 16); do
		printf '%b' "$block"
	done | head -c 3001 >"$T/src/blob"
	seq 1 20000 | head -c 70000 >"$T/src/big"
	printf '#!/bin/sh\necho setuid\n' >"$T/src/su"
	seq 100000 2 102000 | head -c 5000 >"$T/src/linked"
}

# Directory and hard link names with long components: 200 bytes, and 255,
# the most a Linux file system accepts in one component.
L200=$(printf 'd%.0s' $(seq 200))
L255=$(printf 'n%.0s' $(seq 255))

# An id beyond 16 bits (and beyond 2^31), and the device nodes: as real
# root.  As root of a user namespace (an ordinary user running the
# suite, see need_root) only 0..65535 are mapped and the kernel creates no
# device node: there BIG is an id of the namespace and the device nodes
# are left out, one skipped point saying so.
if real_root; then
	BIG=4000000000
	NODS=1
else
	BIG=65000
	NODS=
fi

# Parents are always defined before their children.  Locations are
# relative to $T (where gen_init_cpio and the comparison run), absolute,
# or go through ${FIXTURE} from the environment.
make_spec() {
	cat >"$T/spec" <<EOF
# interop fixture: every line type
dir /bin 0755 0 0
dir /etc 0700 1000 1000
dir /tmp 01777 0 0
dir /data 0755 65534 65534
dir /data/$L200 0750 $BIG $BIG
dir /dev 0755 0 0
dir /dev/pts 02755 0 5

file /etc/empty src/empty 0600 0 0
file /etc/motd \${FIXTURE}/motd 0644 1000 1000
file /data/blob $T/src/blob 0640 65534 0
file	/data/big	src/big	0444	0	65534
file /bin/su \${FIXTURE}/su 04755 0 0
file /bin/busybox src/linked 0755 0 $BIG /bin/sh /data/$L200/$L255

slink /bin/ash sh 0777 0 0
slink /data/motd /etc/motd 0777 1000 1000
slink /data/$L200/up ../../bin/busybox 0777 $BIG 1000

${NODS:+nod /dev/ttyS0 0620 0 5 c 4 64
nod /dev/sda1 0660 0 6 b 8 1
nod /dev/odd 0600 65534 65534 c 250 1048000
nod /dev/blk 0640 $BIG 0 b 4095 7
nod /dev/null 0666 0 0 c 1 3}

pipe /dev/initctl 0600 0 0
pipe /tmp/fifo 0622 1000 $BIG
sock /dev/log 0666 0 0
sock /tmp/.X0 0777 65534 1000
EOF
}

# The spec's leading '/' must be gone from the archive, and no name may
# climb with "..": we extract as root, and a client that honoured such a
# name would write outside $T.  Nothing is extracted from an archive that
# fails this.
names_are_relative() {
	local bad

	bad=$(cpio -it --quiet <"$1" | grep -E '^/|(^|/)\.\.(/|$)')
	[ -z "$bad" ] || diag "unsafe names:" "$bad"
	[ -z "$bad" ]
}

# extract_CLIENT ARCHIVE DIR, with the client's stderr on stdout and its
# exit status.
#
# GNU cpio: -m restores mtimes; owners are kept since we are root.
extract_gnu() {
	(cd "$2" && cpio -idm --quiet --no-absolute-filenames <"$1") 2>&1
}

# bsdtar: -p restores the mode bits setuid/setgid/sticky included; owners
# and mtimes are restored by default as root.
extract_bsdtar() {
	bsdtar -xpf "$1" -C "$2" 2>&1
}

# busybox cpio: its usage text offers -m (restore mtime); owners are kept
# as root.  It has no quiet option: drop its "N blocks" line.
extract_busybox() {
	local out rc

	out=$(cd "$2" && busybox cpio -idm <"$1" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^[0-9]* blocks$'
	return "$rc"
}

# What each client does not restore, checked on this machine (skip words
# of compare_tree_with_spec):
#  - GNU cpio 2.13 and busybox set a directory's mtime when they create it,
#    and creating its children changes it afterwards; neither sets the
#    mtime of a symlink.  (Empty directories keep theirs, but we do not
#    rely on that.)
#  - busybox leaves symlinks owned by the extracting user (no lchown).
#  - libarchive cannot create sockets: bsdtar writes an empty regular file
#    in its place (with the mode, owner and mtime of the entry).
declare -A client_skip=(
	[gnu]='mtime@dir mtime@slink'
	[bsdtar]='type@sock'
	[busybox]='mtime@dir mtime@slink owner@slink'
)

# Print 0 if the bytes of FILE appear in ARCHIVE at an offset that is a
# multiple of N, 1 if not.
data_at_block() {
	local size off end

	size=$(stat -c %s -- "$2")
	end=$(stat -c %s -- "$1")
	for ((off = 0; off + size <= end; off += $3)); do
		if cmp -s -n "$size" -i "$off:0" -- "$1" "$2"; then
			echo 0
			return
		fi
	done
	echo 1
}

# Extract ARCHIVE (named LABEL) with every client and compare each tree
# with the spec.
check_archive() {
	local archive=$1 label=$2 client dir out rc

	if ! names_are_relative "$archive"; then
		ok 1 "$label: archive names are relative (not extracted)"
		return
	fi
	for client in gnu bsdtar busybox; do
		dir=$T/x-$label-$client
		mkdir "$dir"
		out=$(extract_$client "$archive" "$dir")
		rc=$?
		[ "$rc" -eq 0 ] && [ -z "$out" ]
		ok $? "$label/$client: extracts with status 0, silently"
		[ "$rc" -eq 0 ] || diag "exit status $rc"
		[ -z "$out" ] || diag "$out"
		CMP_LABEL=$label/$client compare_tree_with_spec "$dir" \
			"$T/spec" "${client_skip[$client]}" "$MTIME"
	done
}

# make_archive LABEL FILE OPTION...: run gen_init_cpio on the spec; one
# test point for exit status 0 and silence.  Fails if there is no
# archive to go on with.
make_archive() {
	local label=$1 file=$2 out rc

	shift 2
	out=$("$GEN" -t "$MTIME" "$@" -o "$file" "$T/spec" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ]
	ok $? "$label: gen_init_cpio -t $MTIME${*:+ $*} exits 0, silent"
	[ "$rc" -eq 0 ] || diag "exit status $rc"
	[ -z "$out" ] || diag "$out"
	[ "$rc" -eq 0 ] && [ -s "$file" ]
}

# GNU cpio must complain about a copy of the -c archive with one byte of
# etc/motd's data changed, or the silence asked of it proves nothing.
check_crc_is_verified() {
	local off out

	cp "$1" "$T/bad.cpio"
	off=$(grep -abo -m 1 'Welcome' "$T/bad.cpio" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] &&
	printf 'w' | dd of="$T/bad.cpio" bs=1 seek="$off" conv=notrunc \
		2>/dev/null
	mkdir "$T/x-bad"
	out=$(extract_gnu "$T/bad.cpio" "$T/x-bad")
	[[ $out == *"etc/motd: checksum error"* ]]
	ok $? "crc: GNU cpio does report a corrupted byte of etc/motd"
	[[ $out == *"etc/motd: checksum error"* ]] || diag "it said: $out"
}

# Run from $T: the relative locations in the spec start there.
cd "$T" || exit 1
export FIXTURE=$T/src
make_sources
make_spec
[ -n "$NODS" ] ||
	skip_unprivileged "device nodes extracted by GNU cpio, bsdtar and busybox cpio"

if make_archive plain "$T/a.cpio"; then
	check_archive "$T/a.cpio" plain
fi

# The -c archive: GNU cpio checks every file's sum against c_check and
# says "checksum error" on stderr (its exit status stays 0), which the
# "extracts ... silently" points catch.
if make_archive crc "$T/c.cpio" -c; then
	is "$(head -c 6 "$T/c.cpio")" 070702 "crc: magic 070702"
	check_archive "$T/c.cpio" crc
	check_crc_is_verified "$T/c.cpio"
fi

# The -a 4096 archive: files larger than 4096 bytes get their name field
# zero-padded so their data starts on a 4096-byte boundary; the clients
# must read past the padding as part of the name.  Check the padding is
# there (big, and the hard-linked file whose data goes with its last
# name), or this proves nothing.
if make_archive aligned "$T/p.cpio" -a 4096; then
	for f in big linked; do
		ok "$(data_at_block "$T/p.cpio" "$T/src/$f" 4096)" \
			"aligned: all of src/$f at a multiple of 4096"
	done
	check_archive "$T/p.cpio" aligned
fi

done_testing
