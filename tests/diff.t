#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/diff.t: --diff <a> <b>: exit 0 and silent for identical images,
# exit 1 and one line per difference (contract v4) otherwise, exit 2 for
# images it cannot read.
#
# Each case changes one thing in a spec list (or an option) and expects
# the exact lines; SHA-256 values come from sha256sum on the source
# files, sizes from wc.  The images are named a and b in the current
# directory, so "only in <a|b>" reads the same whichever the contract
# means: the argument, or the letter.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/readback/cpio.sh"

need sha256sum gzip zstd

cd "$T" || exit 1

mkdir src
printf 'busybox\n' >src/bb
printf 'hello\n' >src/motd
printf 'hellp\n' >src/motd-same-size
printf 'hello again\n' >src/motd-longer
seq 1 5000 >src/big

sha() {
	sha256sum "$1" | cut -d' ' -f1
}
EMPTY_SHA=$(sha256sum </dev/null | cut -d' ' -f1)

cat >base.list <<'EOF'
dir /bin 0755 0 0
dir /etc 0755 0 0
dir /dev 0755 0 0
file /bin/busybox src/bb 0755 0 0 /bin/sh
file /etc/motd src/motd 0644 0 0
file /etc/with\040space src/motd 0644 0 0
slink /bin/ash busybox 0777 0 0
nod /dev/console 0600 0 0 c 5 1
pipe /dev/fifo 0600 0 0
EOF

# variant SED-SCRIPT: base.list edited into variant.list.
variant() {
	sed "$1" base.list >variant.list
}

# mk NAME LIST [OPTION...]: build image NAME from LIST, -t 100 unless
# options are given.
mk() {
	local name=$1 list=$2

	shift 2
	[ $# -gt 0 ] || set -- -t 100
	"$GEN" "$@" -o "$name" "$list" 2>"$T/mk.err" ||
		diag "building $name failed: $(cat "$T/mk.err")"
}

# differs DESC STATUS WANT: --diff a b exits STATUS, stdout is WANT.
differs() {
	local got rc

	got=$("$GEN" --diff a b 2>"$T/diff.err")
	rc=$?
	is "$rc" "$2" "$1: exit $2"
	is "$got" "$3" "$1: the lines"
	[ -s "$T/diff.err" ] && diag "stderr: $(cat "$T/diff.err")"
}

# --- the same --------------------------------------------------------------

mk a base.list
mk b base.list
differs "two builds of one list" 0 ""
"$GEN" --diff a a >"$T/out" 2>&1
is "$?:$(cat "$T/out")" "0:" "an image and itself: exit 0, silent"

# --- one entry changed ----------------------------------------------------------

variant 's|src/motd 0644|src/motd-same-size 0644|; /with/s|src/motd-same-size|src/motd|'
mk b variant.list
differs "content, same size" 1 \
	"member 1: ~ /etc/motd: sha256 $(sha src/motd) -> $(sha src/motd-same-size)"

variant '/etc\/motd /s|src/motd 0644|src/motd-longer 0644|'
mk b variant.list
differs "content and size" 1 \
	"member 1: ~ /etc/motd: size 6 -> 12, sha256 $(sha src/motd) -> $(sha src/motd-longer)"

variant '/etc\/motd/s|0644 0 0|0600 0 0|'
mk b variant.list
differs "mode" 1 "member 1: ~ /etc/motd: mode 0644 -> 0600"

variant '/etc\/motd/s|0644 0 0|0644 1000 100|'
mk b variant.list
differs "owner" 1 "member 1: ~ /etc/motd: owner 0:0 -> 1000:100"

variant '/etc\/motd/s|src/motd 0644 0 0|src/motd-longer 0600 1000 100|'
mk b variant.list
differs "mode, owner, size and content at once, in the contract's order" 1 \
	"member 1: ~ /etc/motd: mode 0644 -> 0600, owner 0:0 -> 1000:100, size 6 -> 12, sha256 $(sha src/motd) -> $(sha src/motd-longer)"

variant 's|^slink /bin/ash busybox|slink /bin/ash sh|'
mk b variant.list
differs "symlink target" 1 "member 1: ~ /bin/ash: target busybox -> sh"

variant 's|c 5 1$|c 5 2|'
mk b variant.list
differs "device numbers" 1 "member 1: ~ /dev/console: rdev 5:1 -> 5:2"

variant 's|^pipe /dev/fifo|sock /dev/fifo|'
mk b variant.list
differs "type" 1 "member 1: ~ /dev/fifo: type pipe -> sock"

# One mtime: files keep theirs under SOURCE_DATE_EPOCH (clamped to it),
# the other entries get it.
cp src/motd src/motd-old
touch -d @500 src/bb src/motd src/motd-old
touch -d @600 src/motd
sed '/etc\/motd /s|src/motd 0644|src/motd-old 0644|' base.list >old.list
SOURCE_DATE_EPOCH=1000 mk a old.list -z none
SOURCE_DATE_EPOCH=1000 mk b base.list -z none
differs "one file's mtime" 1 "member 1: ~ /etc/motd: mtime 500 -> 600"
mk a base.list

# A hard link group split in two files: both names change their link
# count and group; the first name gets the data it did not carry.
variant 's|^file /bin/busybox src/bb 0755 0 0 /bin/sh$|file /bin/busybox src/bb 0755 0 0\nfile /bin/sh src/bb 0755 0 0|'
mk b variant.list
got=$("$GEN" --diff a b 2>/dev/null)
is "$?" 1 "hard links split: exit 1"
is "$(grep -c '^member 1: ~ ' <<<"$got")" 2 "hard links split: two changed entries"
[[ $got == *"member 1: ~ /bin/busybox: size 0 -> 8, sha256 $EMPTY_SHA -> $(sha src/bb), "*"nlink 2 -> 1, link /bin/busybox -> "* ]]
g1=$?
ok "$g1" "hard links split: /bin/busybox: size, sha256, nlink, link"
[[ $got == *"member 1: ~ /bin/sh: nlink 2 -> 1, link /bin/busybox -> "* ]]
g2=$?
ok "$g2" "hard links split: /bin/sh: nlink, link"
[ $((g1 + g2)) -eq 0 ] || diag "$got"

# --- entries added and removed --------------------------------------------------

cp base.list variant.list
echo 'file /etc/a\040b src/motd-longer 0640 1 2' >>variant.list
mk b variant.list
differs "an entry added at the end" 1 "member 1: + /etc/a\\040b file 0640 1:2 12"

grep -v '^pipe' base.list >variant.list
mk b variant.list
differs "the last entry removed" 1 "member 1: - /dev/fifo pipe 0600 0:0 0"

cp base.list variant.list
printf 'segment none\ndir /x 0755 0 0\n' >>variant.list
mk b variant.list
got=$("$GEN" --diff a b 2>/dev/null)
is "$?" 1 "a member added: exit 1"
is "$(head -n 1 <<<"$got")" "member 2: only in b (none, 1 entries)" "a member added: the line"
got=$("$GEN" --diff b a 2>/dev/null)
is "$(head -n 1 <<<"$got")" "member 2: only in b (none, 1 entries)" \
	"a member removed: the line names the image that has it"
is "$(grep -c '^member 1' <<<"$got")" 0 "a member removed: member 1 is the same"

# --- the same entries, other bytes --------------------------------------------

mk a base.list -t 100 -z gzip
mk b base.list -t 100 -z zstd
differs "gzip -> zstd" 1 "member 1: compression gzip -> zstd"

mk a base.list -t 100 -z gzip:1
mk b base.list -t 100 -z gzip:9
cmp -s a b
ok $((!$?)) "gzip:1 and gzip:9 differ in their bytes"
differs "gzip levels" 1 "the same entries; the images differ in compression or padding"

mk a base.list -t 100
mk b base.list -t 100 -c
differs "newc -> crc" 1 "member 1: format newc -> crc"

# A file larger than 4096 with a short name: -a 4096 pads its name field
# (no filler entry is needed), nothing else changes.
printf 'dir /d 0755 0 0\nfile /d/big src/big 0644 0 0\nfile /d/motd src/motd 0644 0 0\n' >pad.list
mk a pad.list -t 100
mk b pad.list -t 100 -a 4096
differs "-a 4096" 1 "member 1: the same entries, other name padding"

# The same entries in another order: the directories swapped.
mk a base.list
sed '1{h;d};2{G}' base.list >variant.list
is "$(head -n 2 variant.list | tr '\n' ' ')" "dir /etc 0755 0 0 dir /bin 0755 0 0 " \
	"order: /etc before /bin"
mk b variant.list
differs "another order" 1 "member 1: the same entries in another order"

# Other inode numbers only: two hand-written archives, ino 721 and 800
# for the one directory.
cpio_begin a
ino=721 cpio_ent 0040755 d
cpio_trailer
cpio_end
cpio_begin b
ino=800 cpio_ent 0040755 d
cpio_trailer
cpio_end
differs "other inode numbers" 1 "member 1: the same entries, other inode numbers"

# A name defined twice in one member (the kernel replaces the first), the
# same two entries in both images; only the directory's inode differs.
for f in a b; do
	cpio_begin $f
	cpio_ent 0100644 x abc
	cpio_ent 0100600 x abc
	ino=$([ $f = a ] && echo 900 || echo 901) cpio_ent 0040755 y
	cpio_trailer
	cpio_end
done
differs "a name twice in a member, in both" 1 "member 1: the same entries, other inode numbers"

# --- trouble: exit 2 ---------------------------------------------------------

mk a base.list
head -c 200 a >b
"$GEN" --diff a b >"$T/out" 2>"$T/err"
is "$?" 2 "a broken image: exit 2"
grep -q 'error: ' "$T/err"
ok $? "a broken image: an error on stderr"
"$GEN" --diff a nosuch >/dev/null 2>"$T/err"
is "$?" 2 "a missing image: exit 2"
grep -q nosuch "$T/err"
ok $? "a missing image: the error names it"
"$GEN" --diff nosuch a >/dev/null 2>&1
is "$?" 2 "a missing first image: exit 2"

done_testing
