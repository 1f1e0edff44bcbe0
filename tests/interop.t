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
		block+=$(printf '\\%03o' "$i")
	done
	for i in $(seq 16); do
		printf "$block"
	done | head -c 3001 >"$T/src/blob"
	seq 1 20000 | head -c 70000 >"$T/src/big"
	printf '#!/bin/sh\necho setuid\n' >"$T/src/su"
	seq 100000 2 102000 | head -c 5000 >"$T/src/linked"
}

# Directory and hard link names with long components: 200 bytes, and 255,
# the most a Linux file system accepts in one component.
L200=$(printf 'd%.0s' $(seq 200))
L255=$(printf 'n%.0s' $(seq 255))

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
dir /data/$L200 0750 4000000000 4000000000
dir /dev 0755 0 0
dir /dev/pts 02755 0 5

file /etc/empty src/empty 0600 0 0
file /etc/motd \${FIXTURE}/motd 0644 1000 1000
file /data/blob $T/src/blob 0640 65534 0
file	/data/big	src/big	0444	0	65534
file /bin/su \${FIXTURE}/su 04755 0 0
file /bin/busybox src/linked 0755 0 4000000000 /bin/sh /data/$L200/$L255

slink /bin/ash sh 0777 0 0
slink /data/motd /etc/motd 0777 1000 1000
slink /data/$L200/up ../../bin/busybox 0777 4000000000 1000

nod /dev/ttyS0 0620 0 5 c 4 64
nod /dev/sda1 0660 0 6 b 8 1
nod /dev/odd 0600 65534 65534 c 250 1048000
nod /dev/blk 0640 4000000000 0 b 4095 7
nod /dev/null 0666 0 0 c 1 3

pipe /dev/initctl 0600 0 0
pipe /tmp/fifo 0622 1000 4000000000
sock /dev/log 0666 0 0
sock /tmp/.X0 0777 65534 1000
EOF
}

cd "$T" || exit 1
export FIXTURE=$T/src
make_sources
make_spec

done_testing
