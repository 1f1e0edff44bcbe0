#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/readback.t: reading images back (contract v4) -- --list and
# --examine, and round trips: every image built here is extracted with
# --extract, compiled again from the list --extract prints, in the
# directory it filled, with the options the list's "# To compile" comment
# names, and must come out byte for byte the same.
#
# Expectations that do not come from a round trip are derived by hand
# from the newc format (a hand-written archive and its list, the member
# table of two small images) or from other readers: the Debian initrd's
# names as lsinitramfs and bsdtar see them, and its files as bsdtar
# extracts them.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/readback/cpio.sh"

need cmp od xxd stat gzip zstd xz bzip2 lz4 lzop bsdtar lsinitramfs

cd "$T" || exit 1
MTIME=1700000000

# --- sources -------------------------------------------------------------

mkdir src
printf 'hello\n' >src/hello
seq 1 3000 >src/big
: >src/empty
printf 'x' >src/x
printf '12345' >src/five
head -c 2048 /dev/zero | tr '\0' 'U' >src/ucode

# Every line type; hard links; names and targets with a space, a tab, a
# newline and a backslash (\NNN and \\ escapes); setuid, sticky, large
# owners and device numbers; a file larger than 4096 (for -a 4096).
cat >every.list <<'EOF'
dir /bin 0755 0 0
dir /etc 0750 1000 100
dir /dev 0755 0 0
dir /tmp 01777 0 0
file /bin/busybox src/big 04755 0 0 /bin/sh /etc/sh\040copy
file /etc/motd src/hello 0644 1000 100
file /etc/empty src/empty 0600 0 0
file /etc/with\040space src/x 0640 4000000000 5
file /etc/new\012line src/x 0644 0 0
file /etc/back\\slash src/x 0644 0 0
file /etc/tab\011here src/hello 0444 0 0 /etc/tab2
slink /bin/ash busybox 0777 0 0
slink /etc/odd target\040with\040space\\x 0777 7 8
slink /etc/nl new\012line 0777 0 0
nod /dev/console 0600 0 5 c 5 1
nod /dev/sda 0660 0 6 b 8 0
nod /dev/big 0600 0 0 c 4095 1048575
pipe /tmp/fifo 0622 0 0
sock /tmp/sock 0777 1 2
EOF

# build IMAGE ARGS...: gen_init_cpio ARGS... -o IMAGE, one test point.
build() {
	local img=$1 err

	shift
	err=$("$GEN" "$@" -o "$img" 2>&1)
	ok $? "build $(basename "$img"): gen_init_cpio $*"
	[ -z "$err" ] || diag "$err"
}

# --- round trips ------------------------------------------------------------

# The options of a list's "# To compile" comment, and the value of its
# "with SOURCE_DATE_EPOCH=T" line (empty without one).
compile_opts() {
	sed -n 's/^#   gen_init_cpio \(.*\) -o <image> <this list>$/\1/p' "$1"
}
compile_sde() {
	sed -n 's/^#   with SOURCE_DATE_EPOCH=\([0-9]*\) in the environment$/\1/p' "$1"
}

# roundtrip LABEL IMAGE: extract, list, compile back, compare.
roundtrip() {
	local label=$1 img=$2 d=$T/rt-$1 opts sde rc
	local -a o

	mkdir "$d" "$d/x"
	"$GEN" --extract "$d/x" "$img" >"$d/list" 2>"$d/err"
	rc=$?
	ok "$rc" "$label: --extract exits 0"
	[ "$rc" -eq 0 ] || diag "$(cat "$d/err")"
	"$GEN" --list "$img" >"$d/list2" 2>>"$d/err"
	cmp -s "$d/list" "$d/list2"
	ok $? "$label: --list prints the list --extract printed"
	opts=$(compile_opts "$d/list")
	sde=$(compile_sde "$d/list")
	if [ -z "$opts" ]; then
		ok 1 "$label: the list says how to compile it back"
		return
	fi
	read -r -a o <<<"$opts"
	(cd "$d/x" && env ${sde:+SOURCE_DATE_EPOCH=$sde} \
		"$GEN" "${o[@]}" -o ../re.img ../list) 2>>"$d/err"
	ok $? "$label: compiles back with: ${sde:+SOURCE_DATE_EPOCH=$sde }$opts"
	cmp "$img" "$d/re.img" >"$d/cmp" 2>&1
	rc=$?
	ok "$rc" "$label: compiled back, the same bytes"
	[ "$rc" -eq 0 ] || diag "$(cat "$d/cmp")" "$(cat "$d/err")"
}

build every.img -t "$MTIME" every.list
roundtrip every every.img
is "$(compile_opts rt-every/list)" "-t $MTIME -z none" \
	"every: the list names -t $MTIME -z none"

build crc.img -t "$MTIME" -c every.list
roundtrip crc crc.img
is "$(compile_opts rt-crc/list)" "-c -t $MTIME -z none" \
	"crc: the list names -c"

build align.img -t "$MTIME" -a 4096 every.list
roundtrip align align.img
# Several -a values can give the same padding; the round trip shows the
# one named does.
[[ $(compile_opts rt-align/list) =~ ^-t\ $MTIME\ -a\ [0-9]+\ -z\ none$ ]]
ok $? "align: the list names an -a"

# SOURCE_DATE_EPOCH without -t: non-files get it, file mtimes are clamped
# to it (src/big is newer).  Other files keep theirs, so no -t fits, and
# the list must say to set SOURCE_DATE_EPOCH instead.
touch -d @1600000000 src/hello src/empty src/x src/five src/ucode
touch -d @1800000000 src/big
SOURCE_DATE_EPOCH=$MTIME build sde.img every.list
roundtrip sde sde.img
is "$(compile_opts rt-sde/list)" "-z none" "sde: no -t in the list"
is "$(compile_sde rt-sde/list)" "$MTIME" \
	"sde: the list says SOURCE_DATE_EPOCH=$MTIME"

# An uncompressed early member (microcode, -a 16) before a gzip one.
UCODE=src/ucode build early.img -t "$MTIME" -a 16 \
	--early "$SRCTREE/specs/microcode.list" -z gzip every.list
roundtrip early early.img
[[ $(compile_opts rt-early/list) =~ ^-t\ $MTIME\ -a\ [0-9]+\ -z\ none$ ]]
ok $? "early: -z none (the first member), an -a"
is "$(grep -c '^segment gzip$' rt-early/list)" 1 \
	"early: one 'segment gzip' line"

# member_kinds IMAGE: the compression column of --examine.
member_kinds() {
	"$GEN" --examine "$1" 2>/dev/null | awk 'NR > 1 { printf "%s%s", s, $4; s = " " }'
}

# `segment` members of each method: none, M, M again (a second stream of
# the same kind), none after it; and M as the only member.
cat >seg.in <<'EOF'
dir /a 0755 0 0
file /a/big src/big 0644 0 0
segment METHOD
dir /b 0755 0 0
file /b/hello src/hello 0644 0 0
segment METHOD
dir /c 0755 0 0
slink /c/l ../a/big 0777 0 0
segment none
dir /d 0755 0 0
file /d/x src/x 0644 0 0 /d/y
EOF
for m in gzip zstd xz bzip2 lz4 lzo lzma; do
	sed "s/METHOD/$m/" seg.in >"seg-$m.list"
	build "seg-$m.img" -t "$MTIME" -z none "seg-$m.list"
	is "$(member_kinds "seg-$m.img")" "none $m $m none" \
		"seg-$m: --examine finds the members none $m $m none"
	roundtrip "seg-$m" "seg-$m.img"
	build "only-$m.img" -t "$MTIME" -z "$m" every.list
	roundtrip "only-$m" "only-$m.img"
	is "$(compile_opts "rt-only-$m/list")" "-t $MTIME -z $m" \
		"only-$m: the list names -z $m"
done

# The example list, as its comment says to build it, from the top of the
# tree (its locations are relative to it).
if [ -x /bin/busybox ]; then
	(cd "$SRCTREE" && "$GEN" -t 0 -o "$T/busybox.img" specs/busybox.list)
	ok $? "build busybox.img from specs/busybox.list"
	roundtrip busybox busybox.img
else
	ok 1 "specs/busybox.list needs /bin/busybox (busybox-static)"
fi

# golden_build NAME.expect IMAGE: build a golden case the way
# tests/golden.t does: its list, "# args:", "# env:" and "# stage:"
# directives, from $SRCTREE.
golden_build() {
	local exp=$1 img=$2 name list line
	local -a args=() envs=() st

	name=$(basename "$exp" .expect)
	list=tests/golden/$name.list
	while IFS= read -r line; do
		case $line in
		'# args: '*)	read -r -a args <<<"${line#'# args: '}" ;;
		'# env: '*)	read -r -a envs <<<"${line#'# env: '}" ;;
		'# list: '*)	list=${line#'# list: '} ;;
		'# stage: '*)
			read -r -a st <<<"${line#'# stage: '}"
			cp "$SRCTREE/tests/golden/data/${st[0]}" "$GOLDEN_STAGE/"
			touch -d "@${st[1]}" "$GOLDEN_STAGE/${st[0]}"
			;;
		'#'*)		;;
		*)		break ;;
		esac
	done <"$exp"
	(cd "$SRCTREE" && env "${envs[@]}" "$GEN" "${args[@]}" -o "$img" "$list")
}

export GOLDEN_STAGE=$T/stage
mkdir "$GOLDEN_STAGE"
for exp in "$SRCTREE"/tests/golden/*.expect; do
	g=$(basename "$exp" .expect)
	golden_build "$exp" "$T/golden-$g.img"
	ok $? "build golden-$g.img as tests/golden.t does"
	roundtrip "golden-$g" "golden-$g.img"
done

# --- --list of a hand-written archive -------------------------------------

# Offsets in the comments are from the start of the archive; a header is
# 110 bytes, then the name with its NUL padded to 4, then the data padded
# to 4.  All mtimes are 1000 = 0x3E8.
printf '%s' \
	070701 000002D1 000041ED 00000000 00000000 00000002 000003E8 \
	00000000 00000003 00000001 00000000 00000000 00000004 00000000 \
	>hand.cpio
# @0: ino 721, dir 040755, nlink 2; namesize 4 "bin\0": 114, pad 2 -> 116
printf 'bin\0\0\0' >>hand.cpio
printf '%s' \
	070701 000002D2 00008180 000003E8 00000064 00000001 000003E8 \
	00000003 00000003 00000001 00000000 00000000 0000000D 00000000 \
	>>hand.cpio
# @116: file 0100600 owner 1000:100, 3 bytes; namesize 13 "bin/hi there\0":
# 116 + 123 = 239, pad 1 -> 240; "hi\n" -> 243, pad 1 -> 244
printf 'bin/hi there\0\0hi\n\0' >>hand.cpio
printf '%s' \
	070701 000002D3 0000A1FF 00000000 00000000 00000001 000003E8 \
	00000008 00000003 00000001 00000000 00000000 00000007 00000000 \
	>>hand.cpio
# @244: symlink 0120777, 8 bytes "busybox\0"; namesize 7 "bin/sh\0": 244 +
# 117 = 361, pad 3 -> 364; target -> 372 (a multiple of 4)
printf 'bin/sh\0\0\0\0busybox\0' >>hand.cpio
printf '%s' \
	070701 000002D4 000041C0 00000000 00000000 00000002 000003E8 \
	00000000 00000003 00000001 00000000 00000000 00000004 00000000 \
	>>hand.cpio
# @372: dir 040700; "dev\0": 372 + 114 = 486, pad 2 -> 488
printf 'dev\0\0\0' >>hand.cpio
printf '%s' \
	070701 000002D5 00002180 00000000 00000000 00000001 000003E8 \
	00000000 00000003 00000001 00000005 00000001 0000000C 00000000 \
	>>hand.cpio
# @488: char device 020600, rdev 5:1; "dev/console\0" (12): 488 + 122 = 610,
# pad 2 -> 612
printf 'dev/console\0\0\0' >>hand.cpio
printf '%s' \
	070701 000002D6 000081A4 00000000 00000000 00000002 000003E8 \
	00000000 00000003 00000001 00000000 00000000 00000002 00000000 \
	>>hand.cpio
# @612: file 0100644, ino 726, nlink 2, no data (a first name); "a\0":
# 612 + 112 = 724
printf 'a\0' >>hand.cpio
printf '%s' \
	070701 000002D6 000081A4 00000000 00000000 00000002 000003E8 \
	00000001 00000003 00000001 00000000 00000000 00000002 00000000 \
	>>hand.cpio
# @724: the same inode, its data "x" on the last name "b\0": 724 + 112 =
# 836; "x" -> 837, pad 3 -> 840
printf 'b\0x\0\0\0' >>hand.cpio
printf '%s' \
	070701 00000000 00000000 00000000 00000000 00000001 00000000 \
	00000000 00000000 00000000 00000000 00000000 0000000B 00000000 \
	>>hand.cpio
# @840: the trailer, namesize 11: 840 + 121 = 961, pad 3 -> 964; zeros to
# 1024 as writers pad (the reader skips them)
printf 'TRAILER!!!\0\0\0\0' >>hand.cpio
head -c 60 /dev/zero >>hand.cpio
is "$(stat -c %s hand.cpio)" 1024 "hand.cpio: 1024 bytes, as derived"

# The list by hand: names get "/", escapes for the space; the hard link
# pair is one line where its last name came; every mtime is 1000.
cat >hand.want <<'EOF'
# member 1: uncompressed at offset 0
dir /bin 0755 0 0
file /bin/hi\040there bin/hi\040there 0600 1000 100
slink /bin/sh busybox 0777 0 0
dir /dev 0700 0 0
nod /dev/console 0600 0 0 c 5 1
file /a a 0644 0 0 /b
# member 1: 7 entries, newc
# To compile this list back, in the directory --extract filled:
#   gen_init_cpio -t 1000 -z none -o <image> <this list>
EOF
"$GEN" --list hand.cpio >hand.got 2>hand.err
ok $? "hand.cpio: --list exits 0"
is "$(cat hand.got)" "$(cat hand.want)" "hand.cpio: --list prints the list derived by hand"
is "$(cat hand.err)" "" "hand.cpio: --list is silent on stderr"

# The same archive behind 512 zeros, gzipped, after an uncompressed copy:
# the comments name the members and their offsets, a segment line comes
# before the second member.
{ cat hand.cpio; gzip -n <hand.cpio; } >hand2.img
"$GEN" --list hand2.img >hand2.got 2>&1
is "$(grep -E '^(# member|segment)' hand2.got)" \
"# member 1: uncompressed at offset 0
# member 1: 7 entries, newc
segment gzip
# member 2: gzip data at offset 1024
# member 2: 7 entries, newc" "hand2.img: member comments and the segment line"

# Names that are not in normal form: the name as it is, the location
# normalized; "." is a comment, not an entry; a name with a leading "/"
# is printed as it is.
cpio_begin odd.cpio
mtime=5 cpio_ent 040755 .
mtime=5 cpio_ent 040755 x
mtime=5 cpio_ent 0100644 ./x//y abc
mtime=5 cpio_ent 040755 /abs
cpio_trailer
cpio_end
"$GEN" --list odd.cpio >odd.got 2>&1
ok $? "odd.cpio: --list exits 0"
is "$(grep -v '^#' odd.got)" "dir /x 0755 0 0
file /./x//y x/y 0644 0 0
dir /abs 0755 0 0" "odd.cpio: names as they are, the location normalized"
is "$(sed -n 2p odd.got | cut -c1)" "#" "odd.cpio: the \".\" entry is a comment"

# --- --examine -------------------------------------------------------------

# row IMAGE N: member N's row of --examine, columns separated by a space.
row() {
	"$GEN" --examine "$1" 2>/dev/null | awk -v n="$2" '$1 == n { $1 = $1; print }'
}

# An uncompressed early member and a gzip main member.
#   early: "e\0" 110 + 2 = 112; trailer 112 + 121 = 233 -> 236 (1 entry)
#   main:  "bin\0" 110 + 4 = 114 -> 116; "bin/f\0" 116 + 116 = 232, data 5
#          -> 237 -> 240; trailer 240 + 121 = 361 -> 364 (2 entries)
# The early member is padded to 512, where the gzip stream starts and runs
# to the end of the image.
echo 'dir /e 0755 0 0' >ex-early.list
printf 'dir /bin 0755 0 0\nfile /bin/f src/five 0644 0 0\n' >ex-main.list
build ex1.img -t 0 --early ex-early.list -z gzip ex-main.list
size=$(stat -c %s ex1.img)
is "$("$GEN" --examine ex1.img | head -n 1 | awk '{ $1 = $1; print }')" \
	"member offset length compression format entries size trailer" \
	"examine: the header line"
is "$(od -An -tx1 -j 512 -N 2 ex1.img | tr -d ' ')" 1f8b "ex1: gzip magic at 512"
is "$(row ex1.img 1)" "1 0 236 none newc 1 236 yes" "ex1: member 1 as derived"
is "$(row ex1.img 2)" "2 512 $((size - 512)) gzip newc 2 364 yes" \
	"ex1: member 2 as derived"
is "$(row ex1.img 3)" "" "ex1: two members"

# zstd first, an uncompressed member after it.  zstd's framing gives the
# exact end of its stream, which is found here as the one prefix length
# `zstd -t` accepts (it refuses truncated frames and trailing zeros)
# among the 4 before the next member; that member starts at the first
# multiple of 4 after the stream (the "070701" there is checked).
#   member 1: "z\0" 112 + trailer 124 = 236 bytes, 1 entry
#   member 2: "u\0" the same, 236
printf 'dir /z 0755 0 0\nsegment none\ndir /u 0755 0 0\n' >ex2.list
build ex2.img -t 0 -z zstd:19 ex2.list
p=$(grep -obUa 070701 ex2.img | head -n 1 | cut -d: -f1)
len=
for ((l = p - 3; l <= p; l++)); do
	head -c "$l" ex2.img | zstd -qt 2>/dev/null && len=$l && break
done
ok $((p % 4)) "ex2: the uncompressed member at $p, a multiple of 4"
ok $((len == 0 || (len + 3) / 4 * 4 != p)) "ex2: the zstd stream is $len bytes, ending within the 4 before $p"
is "$(row ex2.img 1)" "1 0 $len zstd newc 1 236 yes" "ex2: member 1 as derived"
is "$(row ex2.img 2)" "2 $p 236 none newc 1 236 yes" "ex2: member 2 as derived"

# Two xz streams after an uncompressed member (at 512: the first member's
# 236 bytes padded to 512): each is a member of its own, where xz itself
# says its streams are (xz --list: stream, blocks, compressed offset,
# uncompressed offset, compressed size, ...).
printf 'dir /a 0755 0 0\nsegment xz\ndir /b 0755 0 0\nsegment xz\ndir /c 0755 0 0\n' >ex3.list
build ex3.img -t 0 -z none ex3.list
tail -c +513 ex3.img > ex3.xz
xz --robot -lv ex3.xz | awk -F'\t' '$1 == "stream" { print $4, $6 }' > ex3.streams
is "$(wc -l < ex3.streams)" 2 "ex3: xz sees two streams after offset 512"
read -r o1 l1 < <(sed -n 1p ex3.streams)
read -r o2 l2 < <(sed -n 2p ex3.streams)
is "$(row ex3.img 2)" "2 $((512 + o1)) $l1 xz newc 1 236 yes" "ex3: member 2 is xz's first stream"
is "$(row ex3.img 3)" "3 $((512 + o2)) $l2 xz newc 1 236 yes" "ex3: member 3 is xz's second stream"
is "$("$GEN" --list ex3.img 2>&1 | grep -E '^(segment|# member [0-9]+: [a-z]+ data)')" \
"segment xz
# member 2: xz data at offset $((512 + o1))
segment xz
# member 3: xz data at offset $((512 + o2))" \
	"ex3: --list names both streams where they are"

# --- the command line ---------------------------------------------------------

# usage_error DESC ARGS...: exit status 2 and a message on stderr, nothing
# on stdout.
usage_error() {
	local desc=$1 out err rc

	shift
	out=$("$GEN" "$@" 2>"$T/usage.err")
	rc=$?
	err=$(cat "$T/usage.err")
	[ "$rc" -eq 2 ] && [ -n "$err" ] && [ -z "$out" ]
	ok $? "usage: $desc: exit 2"
	[ "$rc" -eq 2 ] || diag "exit status $rc" "$err"
}
usage_error "--list with -t" --list -t 5 every.img
usage_error "--list with -c" -c --list every.img
usage_error "--examine with -o" --examine -o x.img every.img
usage_error "--verify with -a" --verify -a 16 every.img
usage_error "--extract with -z" --extract rt-every/x -z gzip every.img
usage_error "--list with --early" --list --early every.list every.img
usage_error "--list without an image" --list
usage_error "--verify with two images" --verify every.img crc.img
usage_error "--examine with two images" --examine every.img crc.img
usage_error "--extract without an image" --extract rt-every/x
usage_error "--diff with one image" --diff every.img
usage_error "--diff with three images" --diff every.img crc.img sde.img
usage_error "two modes" --list --examine every.img

"$GEN" --list nosuch.img >/dev/null 2>err
is "$?" 1 "--list of a missing file: exit 1"
grep -q 'nosuch.img' err
ok $? "--list of a missing file: the message names it"

# --- the Debian initrd ------------------------------------------------------

# names_of_list LIST: the archive names of a --list output, one a line,
# sorted, without the leading "/" (escapes undone: \NNN and \\).
names_of_list() {
	local line
	local -a f

	grep -E '^(file|dir|nod|slink|pipe|sock) ' "$1" | while IFS= read -r line; do
		read -r -a f <<<"$line"
		printf "${f[1]//%/%%}\n"
		if [ "${f[0]}" = file ]; then
			for n in "${f[@]:6}"; do
				printf "${n//%/%%}\n"
			done
		fi
	done | sed 's|^/||' | sort -u
}

# normalize: names of other listers as archive names: no "./" in front,
# no "/" behind, not "." itself.
normalize() {
	sed -e 's|^\./||' -e 's|/$||' | grep -vx -e '' -e '\.' | sort -u
}

# tree_stat DIR: every path below DIR with its type and mode, owner,
# link count, mtime and symlink target.
tree_stat() {
	(cd "$1" && find . -mindepth 1 -printf '%P %M %U:%G %n %Ts %l\n') | sort
}

debian_initrd() {
	local img=$1 d=$T/deb rc

	mkdir "$d" "$d/x" "$d/y"
	"$GEN" --list "$img" >"$d/list" 2>"$d/err"
	ok $? "debian: --list exits 0"
	"$GEN" --examine "$img" >"$d/examine" 2>>"$d/err"
	ok $? "debian: --examine exits 0"
	ok $(($(wc -l <"$d/examine") < 2)) "debian: --examine has member rows"
	"$GEN" --verify "$img" >"$d/verify" 2>>"$d/err"
	ok $? "debian: --verify exits 0"
	grep -q ': ok (0 errors' "$d/verify"
	ok $? "debian: --verify says ok"
	[ -s "$d/err" ] && diag "$(head -n 20 "$d/err")"

	names_of_list "$d/list" >"$d/ours"
	lsinitramfs "$img" | normalize >"$d/lsinitramfs"
	bsdtar -tf "$img" | normalize >"$d/bsdtar"
	ok $(($(wc -l <"$d/ours") < 100)) "debian: --list names $(wc -l <"$d/ours") entries"
	diff "$d/ours" "$d/lsinitramfs" >"$d/diff1"
	ok $? "debian: --list names what lsinitramfs lists"
	[ -s "$d/diff1" ] && diag "$(head -n 20 "$d/diff1")"
	diff "$d/ours" "$d/bsdtar" >"$d/diff2"
	ok $? "debian: --list names what bsdtar -tf lists"
	[ -s "$d/diff2" ] && diag "$(head -n 20 "$d/diff2")"

	# As root (of a user namespace when not root, see as_root in
	# tests/lib.sh): the image's owners are all 0 and it has no device
	# node, so that both extract all of it.
	as_root "$GEN" --extract "$d/x" "$img" >"$d/xlist" 2>"$d/xerr"
	rc=$?
	ok "$rc" "debian: --extract exits 0"
	[ "$rc" -eq 0 ] || diag "$(head -n 20 "$d/xerr")"
	cmp -s "$d/list" "$d/xlist"
	ok $? "debian: --extract prints what --list prints"
	as_root bsdtar -xpf "$img" -C "$d/y" 2>"$d/yerr"
	ok $? "debian: bsdtar -xpf extracts it"
	diff -r --no-dereference "$d/x" "$d/y" >"$d/diff3" 2>&1
	ok $? "debian: the same files as bsdtar's, the same bytes"
	[ -s "$d/diff3" ] && diag "$(head -n 20 "$d/diff3")"
	tree_stat "$d/x" >"$d/xstat"
	tree_stat "$d/y" >"$d/ystat"
	diff "$d/xstat" "$d/ystat" >"$d/diff4"
	ok $? "debian: the same types, modes, owners, links, mtimes, targets as bsdtar's"
	[ -s "$d/diff4" ] && diag "$(head -n 20 "$d/diff4")"
}

initrd=$(ls /boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)
if [ -n "$initrd" ] && [ -r "$initrd" ]; then
	debian_initrd "$initrd"
elif [ "${CI:-}" = true ]; then
	ok 1 "debian: no /boot/initrd.img-* (linux-image-cloud-amd64 installs one)"
else
	ok 0 "debian: the Debian initrd # SKIP no /boot/initrd.img-*"
fi

done_testing
