#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/extract.t: --extract <dir> <image>, as root and as nobody.
# Run by an ordinary user, it runs as root of a user namespace (see
# need_root in tests/lib.sh), where nobody is a second user all the same
# but the kernel creates no device node: the points that want one as
# root then want the warning instead, and the loop device is skipped.
#
# First, as root and as nobody: images that redefine a name with another type (a directory turned
# symlink, a hard link's first name turned FIFO or block device, a loop
# device as root) change nothing outside <dir> and never hang; a gzip
# image is decompressed once and its zeros become holes; device nodes and
# owners that need privileges are counted in one warning.
#
# Safety first: images written by hand (tests/readback/cpio.sh) that try
# to reach outside <dir> -- "../x", absolute names, a symlink planted by
# the image and then walked through, a hard link named "../x", "." as a
# file -- must be refused in the first pass: exit 1, <dir> left empty,
# nothing on stdout, and nothing changed next to <dir>, in /tmp or /etc.
# A symlink that was already in <dir> is never followed.
#
# Then what is extracted is compared with the spec the image came from
# (tests/compare.sh, which reads the spec itself): as root with owners
# and device nodes; as nobody with the modes (a 0555 directory with files
# in it) but no device nodes, which only show up in the printed list.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/compare.sh"
source "$SRCTREE/tests/readback/cpio.sh"

need setpriv stat find md5sum timeout gzip unshare truncate
need_root

export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=99"

# nobody must reach the scratch directory and the program (a build
# directory may be private).
chmod 0755 "$T"
cp "$GEN" "$T/gen_init_cpio"
chmod 0755 "$T/gen_init_cpio"
GEN=$T/gen_init_cpio
NOBODY=65534
cd "$T" || exit 1

# as WHO COMMAND...: run as root, or as nobody with no groups.
as() {
	local who=$1

	shift
	if [ "$who" = nobody ]; then
		setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@"
	else
		"$@"
	fi
}

# skip_point REASON: one test point skipped (a failure under CI=true).
skip_point() {
	if [ "${CI:-}" = true ]; then
		ok 1 "under CI a skip is a failure: $1"
	else
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $1"
	fi
}

USERS="root nobody"

# Unique names for the places outside $T a broken extractor could write.
TAG=gic-readback-$$
C=$T/case

# new_case WHO: $C afresh: $C/d the empty extraction directory (owned by
# WHO), $C/outside a directory with a file, $C/sentinel a file.
new_case() {
	rm -rf "$C"
	mkdir -p "$C/d" "$C/outside"
	echo keep >"$C/outside/file"
	echo sentinel >"$C/sentinel"
	[ "$1" = nobody ] && chown $NOBODY:$NOBODY "$C/d"
}

# snap: everything that must not change: $C but <dir>, with contents,
# and our names in /tmp, /etc and /.
snap() {
	find "$C" -path "$C/d" -prune -o -printf '%p %M %U %s %l\n' | sort
	find "$C" -path "$C/d" -prune -o -type f -exec md5sum {} + | sort
	ls -a /tmp /etc / | grep -F "$TAG"
}

# extract WHO IMAGE: --extract $C/d IMAGE as WHO; $rc, $T/x.out, $T/x.err.
# --force: some cases put symlinks into $C/d first.
extract() {
	as "$1" "$GEN" --extract "$C/d" --force "$2" >"$T/x.out" 2>"$T/x.err"
	rc=$?
}

# refused DESC IMAGE TEXT: as root and as nobody, the first pass refuses
# IMAGE with an error containing TEXT: exit 1, <dir> empty, no stdout,
# nothing changed outside.
refused() {
	local desc=$1 img=$2 text=$3 who before after good

	for who in root nobody; do
		new_case "$who"
		before=$(snap)
		extract "$who" "$img"
		after=$(snap)
		good=0
		[ "$rc" -eq 1 ] || good=1
		grep -qF -- "$text" "$T/x.err" || good=1
		[ -z "$(ls -A "$C/d")" ] || good=1
		[ -s "$T/x.out" ] && good=1
		[ "$before" = "$after" ] || good=1
		ok "$good" "$desc ($who): refused, nothing written"
		if [ "$good" -ne 0 ]; then
			diag "exit status $rc; stderr:" "$(cat "$T/x.err")" \
				"wanted: $text" "in <dir>: $(ls -A "$C/d" | tr '\n' ' ')"
			[ -s "$T/x.out" ] && diag "stdout: $(head -n 3 "$T/x.out")"
			[ "$before" = "$after" ] ||
				diag "changed outside:" "$(diff <(echo "$before") <(echo "$after"))"
		fi
	done
	rm -f "/tmp/$TAG"* "/etc/$TAG"* "/$TAG"* 2>/dev/null
}

# --- names redefined with another type (hostile images) ----------------------

# Three attacks on the second pass, each through a name that a later
# entry redefines: the final directory pass chmod()ing through a symlink
# that replaced the directory; a hard link to a name that became a FIFO
# (open() for its data blocked forever); and one to a name that became a
# block device (the data written into the disk).  Each as root and as an
# ordinary user, under timeout: exit 0, nothing changed outside <dir>
# (modes, contents, mtimes of a file next to it and of its parent), and
# the names as the kernel leaves them -- except that a later name of the
# broken inode is a file of its own, not a link to the FIFO or device.
H=$T/h

# hcase WHO: $H/p/d the extraction directory, $H/p/outside a 0600 file;
# old mtimes on both outside things, all of it WHO's (so that a chmod
# through a symlink would succeed and show).
hcase() {
	rm -rf "$H"
	mkdir -p "$H/p/d"
	echo keep >"$H/p/outside"
	chmod 0600 "$H/p/outside"
	chmod 0755 "$H" "$H/p"
	[ "$1" = nobody ] && chown -R $NOBODY:$NOBODY "$H/p"
	touch -d @1000000000 "$H/p/outside" "$H/p"
}

hsnap() {
	stat -c '%n %a %U %Y %s' "$H/p" "$H/p/outside"
	md5sum <"$H/p/outside"
}

# hextract WHO IMAGE: --extract $H/p/d IMAGE as WHO under timeout; $rc.
hextract() {
	as "$1" timeout 20 "$GEN" --extract "$H/p/d" "$2" >"$T/x.out" 2>"$T/x.err"
	rc=$?
}

# hcheck DESC WHO IMAGE TEST...: extract as WHO; exit 0, no hang, the
# outside unchanged, then each TEST (a shell condition in $H/p/d).
hcheck() {
	local desc=$1 who=$2 img=$3 before t

	shift 3
	hcase "$who"
	before=$(hsnap)
	hextract "$who" "$img"
	[ "$rc" -eq 124 ] && diag "timed out: a hang"
	is "$rc" 0 "$desc ($who): exit 0, no hang"
	[ "$rc" -eq 0 ] || diag "$(cat "$T/x.err")"
	is "$(hsnap)" "$before" "$desc ($who): nothing changed outside"
	for t in "$@"; do
		(cd "$H/p/d" && eval "$t")
		ok $? "$desc ($who): $t"
	done
}

# 1. 'd' a directory 07777, then a symlink to a file outside, or to '..'
# (the extraction directory's parent).
cpio_begin h-dirlink.img
cpio_ent 0047777 d
cpio_ent 0120777 d "$H/p/outside"
cpio_trailer
cpio_begin h-dirup.img
cpio_ent 0047777 d
cpio_ent 0120777 d ..
cpio_trailer
# 2. 'f' (ino 9, two names), 'f' a FIFO, 'g' (ino 9) with data.
cpio_begin h-fifo.img
ino=9 nlink=2 cpio_ent 0100644 f
cpio_ent 0010644 f
ino=9 nlink=2 cpio_ent 0100644 g data
cpio_trailer
# 3. The same with 'f' a block device (7:0, or a loop device's numbers).
hdev_img() {
	cpio_begin "$1"
	ino=9 nlink=2 cpio_ent 0100644 f
	rmaj=$2 rmin=$3 cpio_ent 0060600 f
	ino=9 nlink=2 cpio_ent 0100644 g EVILDATA
	cpio_trailer
}
hdev_img h-dev.img 7 0

for who in $USERS; do
	hcheck "dir d, then d -> outside file" "$who" h-dirlink.img \
		'[ -L d ] && [ "$(readlink d)" = "$H/p/outside" ]'
	hcheck "dir d, then d -> .." "$who" h-dirup.img \
		'[ -L d ] && [ "$(readlink d)" = .. ]'
	hcheck "f, f a FIFO, g a link of f" "$who" h-fifo.img \
		'[ -p f ]' \
		'[ -f g ] && [ ! -L g ] && [ "$(cat g)" = data ] && [ "$(stat -c %h g)" = 1 ]'
	grep -qF "h-fifo.img: member 1: offset 224: warning: 'g': the earlier name 'f' of this inode was replaced: extracted as a file of its own, not a hard link" "$T/x.err"
	ok $? "f, f a FIFO, g a link of f ($who): the warning"
	if [ "$who" = root ] && real_root; then
		devtest='[ -b f ] && [ "$(stat -c %t:%T f)" = 7:0 ]'
	else
		devtest='[ ! -e f ] && [ ! -L f ]'
	fi
	hcheck "f, f a block device, g a link of f" "$who" h-dev.img \
		"$devtest" \
		'[ -f g ] && [ "$(cat g)" = EVILDATA ] && [ "$(stat -c %h g)" = 1 ]'
done

# 3 as real root: a loop device over a scratch file stands in for a
# disk; its bytes must not change.
if ! real_root; then
	skip_unprivileged "a loop device as the block device"
elif ! [ -w /dev/loop-control ]; then
	skip_point "no /dev/loop-control to write"
else
	head -c 65536 /dev/urandom >"$T/disk"
	cp "$T/disk" "$T/disk.orig"
	LOOP=$(/usr/sbin/losetup -f --show "$T/disk")
	ok $? "losetup of a scratch file"
	if [ -n "$LOOP" ]; then
		hdev_img h-loop.img $((0x$(stat -c %t "$LOOP"))) $((0x$(stat -c %T "$LOOP")))
		hcheck "f, f the loop device, g a link of f" root h-loop.img \
			'[ -b f ] && [ "$(stat -c %t:%T f)" = "$(stat -c %t:%T "$LOOP")" ]' \
			'[ -f g ] && [ "$(cat g)" = EVILDATA ]'
		cmp -s "$LOOP" "$T/disk.orig"
		ok $? "loop device: its bytes unchanged"
		/usr/sbin/losetup -d "$LOOP"
		cmp -s "$T/disk" "$T/disk.orig"
		ok $? "loop device: the scratch file unchanged"
	fi
fi

# --- one decompression, holes, what needs privileges ---------------------------

# A file of 8 MiB of zeros and a few bytes, in a gzip image: extracted
# with the zeros as holes (far fewer blocks than its size), the same
# bytes; gzip (a wrapper first on PATH that counts its runs) runs once.
mkdir -p "$T/bin" "$T/zsrc"
printf '#!/bin/sh\necho run >>"%s/gzip.runs"\nexec %s "$@"\n' "$T" "$(command -v gzip)" >"$T/bin/gzip"
chmod 0755 "$T/bin/gzip"
truncate -s 8M "$T/zsrc/z"
echo tail >>"$T/zsrc/z"
printf 'file /z %s 0644 0 0\n' "$T/zsrc/z" >z.list
"$GEN" -t 0 -z gzip -o z.img z.list
chmod 0644 z.img
for who in $USERS; do
	hcase "$who"
	: >"$T/gzip.runs"
	chmod 0666 "$T/gzip.runs"
	PATH=$T/bin:$PATH hextract "$who" z.img
	is "$rc" 0 "gzip image of a zero file ($who): exit 0"
	is "$(wc -l <"$T/gzip.runs")" 1 "gzip image ($who): gzip ran once"
	cmp -s "$H/p/d/z" "$T/zsrc/z"
	ok $? "zero file ($who): the same bytes"
	blocks=$(stat -c %b "$H/p/d/z")
	[ "$blocks" -lt 2048 ]
	ok $? "zero file ($who): holes ($blocks blocks of 512 for $(stat -c %s "$H/p/d/z") bytes)"
done

# Device nodes and owners that need privileges: one warning at the end
# (counts, the first names).  Tried, not guessed from the uid: as root in
# a user namespace (only uid 0 mapped) there is no CAP_MKNOD, and uid
# 1000 cannot be given.
printf '%s\n' 'dir /dev 0755 0 0' 'nod /dev/console 0600 0 0 c 5 1' \
	'nod /dev/null 0666 0 0 c 1 3' "file /x $T/zsrc/z 0644 1000 1000" >priv.list
"$GEN" -t 0 -o priv.img priv.list
chmod 0644 priv.img
hcase root
if ! err=$(unshare --map-root-user true 2>&1); then
	# The kernel refuses user namespaces in a chroot, for one.
	skip_point "no user namespace here: $err"
else
	unshare --map-root-user "$GEN" --extract "$H/p/d" priv.img >/dev/null 2>"$T/x.err"
	is "$?" 0 "user namespace root: exit 0"
	is "$(cat "$T/x.err")" "priv.img: warning: 2 device nodes not created and 1 owner not set (needs root): dev/console, dev/null, x" \
		"user namespace root: one warning, counts and names"
	[ -d "$H/p/d/dev" ] && [ ! -e "$H/p/d/dev/console" ] && cmp -s "$H/p/d/x" "$T/zsrc/z"
	ok $? "user namespace root: the rest extracted"
fi
hcase nobody
hextract nobody priv.img
is "$(cat "$T/x.err")" "priv.img: warning: 2 device nodes not created and 2 owners not set (needs root): dev/console, dev/null, x, ..." \
	"nobody: one warning, counts and the first names"
hcase root
hextract root priv.img
if real_root; then
	is "$(cat "$T/x.err")" "" "root: no warning"
else
	is "$(cat "$T/x.err")" "priv.img: warning: 2 device nodes not created (needs root): dev/console, dev/null" \
		"root of a user namespace: a warning for the device nodes only"
fi

# --- traversal, refused in the first pass ---------------------------------

# Every image starts with a harmless directory 'ok' (112 bytes) so that a
# refusal cannot be the first entry's alone, and ends with a trailer.
img_begin() {
	cpio_begin "$1"
	cpio_ent 0040755 ok
}

img_begin t-dotdot.img
cpio_ent 0100644 ../x data
cpio_trailer
refused "'../x'" t-dotdot.img "'..' in the name: refused"

img_begin t-dotdot2.img
cpio_ent 0100644 "ok/../../$TAG" data
cpio_trailer
refused "'ok/../../x'" t-dotdot2.img "'..' in the name: refused"

img_begin t-abs.img
cpio_ent 0100644 "$C/outside/abs" data
cpio_trailer
refused "an absolute name into outside/" t-abs.img "an absolute name: refused"

img_begin t-etc.img
cpio_ent 0100644 "/etc/$TAG" data
cpio_trailer
refused "'/etc/x'" t-etc.img "an absolute name: refused"

img_begin t-root.img
cpio_ent 0040755 "/$TAG"
cpio_trailer
refused "'/x' (a directory)" t-root.img "an absolute name: refused"

# a -> /tmp, then a/x: x would land in /tmp.
img_begin t-tmp.img
cpio_ent 0120777 a /tmp
cpio_ent 0100644 "a/$TAG" data
cpio_trailer
refused "a -> /tmp, then a/x" t-tmp.img "'a' is a symlink in this image: refused to go through it"

img_begin t-out.img
cpio_ent 0120777 a "$C/outside"
cpio_ent 0100644 a/new data
cpio_trailer
refused "a -> outside/, then a/x" t-out.img "'a' is a symlink in this image"

# A bad entry after many good ones: into a missing <dir>, the one pass
# creates them, then removes them again with the directories it made for
# <dir> itself; into one with entries (--force), the first pass refuses
# the image before anything is written.  Either way nothing stays.
img_begin t-late.img
cpio_ent 0040755 ok/sub
cpio_ent 0100644 ok/sub/f data
nlink=2 ino=77 cpio_ent 0100600 ok/h1
nlink=2 ino=77 cpio_ent 0100600 ok/h2 linked
cpio_ent 0120777 ok/sub/l f
cpio_ent 0010644 ok/p
cpio_ent 0040700 ro
cpio_ent 0100400 ro/f data
cpio_ent 0100644 ../late data
cpio_trailer
for who in root nobody; do
	new_case "$who"
	[ "$who" = nobody ] && chown $NOBODY:$NOBODY "$C"
	as "$who" "$GEN" --extract "$C/new/a/b" t-late.img >"$T/x.out" 2>"$T/x.err"
	is "$?:$(ls -A "$C" | tr '\n' ' '):$(wc -c <"$T/x.out")" \
		"1:d outside sentinel :0" \
		"a bad last entry, <dir> missing ($who): exit 1, no <dir> nor its parents, no stdout"
	grep -qF "'..' in the name: refused" "$T/x.err"
	ok $? "a bad last entry ($who): the refusal named"
	echo keep >"$C/d/mine"
	[ "$who" = nobody ] && chown $NOBODY:$NOBODY "$C/d/mine"
	as "$who" "$GEN" --extract "$C/d" --force t-late.img >"$T/x.out" 2>"$T/x.err"
	is "$?:$(ls -A "$C/d" | tr '\n' ' '):$(cat "$C/d/mine")" "1:mine :keep" \
		"a bad last entry, <dir> with entries, --force ($who): nothing written"
done

# a -> .., then a/x: x would land next to <dir>.
img_begin t-up.img
cpio_ent 0120777 a ..
cpio_ent 0100644 a/x data
cpio_trailer
refused "a -> .., then a/x" t-up.img "'a' is a symlink in this image"

# Deeper: a directory, a symlink in it, a path through both.
img_begin t-deep.img
cpio_ent 0040755 ok/in
cpio_ent 0120777 ok/in/l ../../..
cpio_ent 0040755 ok/in/l/sub
cpio_trailer
refused "ok/in/l -> ../../.., then ok/in/l/sub" t-deep.img "'ok/in/l' is a symlink in this image"

# A file, then a path through it.
img_begin t-file.img
cpio_ent 0100644 f data
cpio_ent 0100644 f/x data
cpio_trailer
refused "a file, then a path through it" t-file.img "'f'"

# A hard link named ../x: inode 900, two names, the data on the second.
img_begin t-link.img
ino=900 nlink=2 cpio_ent 0100644 f
ino=900 nlink=2 cpio_ent 0100644 ../x data
cpio_trailer
refused "a hard link named '../x'" t-link.img "'..' in the name: refused"

# "." as a file, and as a symlink.
img_begin t-dotfile.img
cpio_ent 0100644 . data
cpio_trailer
refused "'.' as a file" t-dotfile.img "names the extraction directory itself"
img_begin t-dotlink.img
cpio_ent 0120777 ./ /tmp
cpio_trailer
refused "'./' as a symlink" t-dotlink.img "names the extraction directory itself"

# A structural error after good entries, and a wrong crc checksum: both
# refused before anything is written.
img_begin t-cut.img
cpio_ent 0100644 f data
cpio_raw 0707010000
refused "a header cut off at the end" t-cut.img "truncated: a header needs 110 bytes"
img_begin t-crc.img
magic=070702 chk=1 cpio_ent 0100644 f data
magic=070702 cpio_trailer
refused "a wrong crc checksum" t-crc.img "data checksum"

# --- symlinks already in <dir> ---------------------------------------------

# pre WHO: a case whose <dir> holds a -> outside/ and f -> outside/file.
pre() {
	new_case "$1"
	ln -s "$C/outside" "$C/d/a"
	ln -s "$C/outside/file" "$C/d/f"
	[ "$1" = nobody ] && chown -h $NOBODY:$NOBODY "$C/d/a" "$C/d/f"
}

# Only a/x: the parent is the old symlink, which is never entered.
cpio_begin p-through.img
cpio_ent 0100644 a/x data
cpio_trailer
# A directory a, then a/x; a file f: the symlinks are replaced.
cpio_begin p-replace.img
cpio_ent 0040755 a
cpio_ent 0100644 a/x data
cpio_ent 0100644 f new
cpio_trailer

for who in root nobody; do
	pre "$who"
	before=$(snap)
	extract "$who" p-through.img
	is "$rc" 1 "old symlink a -> outside/, image a/x ($who): exit 1"
	[ "$rc" -eq 1 ] || diag "$(cat "$T/x.err")"
	grep -q "cannot enter" "$T/x.err"
	ok $? "old symlink a -> outside/, image a/x ($who): \"cannot enter\""
	is "$(snap)" "$before" "old symlink a -> outside/, image a/x ($who): outside unchanged"
	[ -L "$C/d/a" ] && [ ! -e "$C/outside/x" ]
	ok $? "old symlink a -> outside/, image a/x ($who): not followed"

	pre "$who"
	before=$(snap)
	extract "$who" p-replace.img
	is "$rc" 0 "old symlinks a, f, image dir a, a/x, file f ($who): exit 0"
	[ -s "$T/x.err" ] && diag "$(cat "$T/x.err")"
	is "$(snap)" "$before" "old symlinks a, f ($who): outside unchanged"
	[ -d "$C/d/a" ] && [ ! -L "$C/d/a" ] && [ "$(cat "$C/d/a/x" 2>/dev/null)" = data ]
	ok $? "old symlink a ($who): replaced by the directory, a/x in it"
	[ -f "$C/d/f" ] && [ ! -L "$C/d/f" ] && [ "$(cat "$C/d/f")" = new ]
	ok $? "old symlink f ($who): replaced by the file"
done

# --- what is extracted --------------------------------------------------------

MTIME=1600000000
mkdir src
printf 'hello\n' >src/hello
seq 1 5000 >src/big
printf 'x' >src/x
: >src/empty

# Every type; a 0555 directory and a 0500 one with files inside; setuid,
# sticky; hard links (the group's mode lets its owner write).  No
# escapes: compare.sh reads names as they are.
cat >tree.list <<'EOF'
dir /bin 0755 0 0
dir /ro 0555 0 0
dir /ro/sub 0500 7 7
dir /dev 0755 0 0
dir /tmp 01777 0 0
dir /etc 0750 1000 100
file /bin/busybox src/big 04755 0 0 /bin/sh /etc/sh
file /ro/f src/hello 0444 0 0
file /ro/sub/g src/x 0400 7 7
file /etc/motd src/hello 0640 1000 100
file /etc/empty src/empty 0000 3 4
slink /bin/ash busybox 0777 0 0
slink /etc/abs /etc/motd 0777 1000 100
slink /ro/up .. 0777 0 0
nod /dev/console 0600 0 5 c 5 1
nod /dev/sda 0660 0 6 b 8 0
pipe /tmp/fifo 0622 0 0
sock /tmp/sock 0777 1 2
EOF
"$GEN" -t "$MTIME" -o tree.img tree.list
chmod 0644 tree.img
"$GEN" --list tree.img >tree.want

# As root: all of it, owners and device nodes included (as root of a
# user namespace, all but the device nodes).
new_case root
extract root tree.img
is "$rc" 0 "tree (root): exit 0"
if real_root; then
	is "$(cat "$T/x.err")" "" "tree (root): nothing on stderr"
	noskip=
else
	is "$(cat "$T/x.err")" "tree.img: warning: 2 device nodes not created (needs root): dev/console, dev/sda" \
		"tree (root of a user namespace): the device nodes' warning only"
	skip_unprivileged "tree (root): device nodes extracted"
	noskip=@nod
fi
cmp -s "$T/x.out" tree.want
ok $? "tree (root): prints what --list prints"
CMP_LABEL="tree (root)" compare_tree_with_spec "$C/d" tree.list "$noskip" "$MTIME"

# As nobody: owners are nobody's, no device nodes, the rest as root.
new_case nobody
extract nobody tree.img
is "$rc" 0 "tree (nobody): exit 0"
[ -s "$T/x.err" ] && diag "$(cat "$T/x.err")"
cmp -s "$T/x.out" tree.want
ok $? "tree (nobody): prints what --list prints (device nodes too)"
grep -qx 'nod /dev/console 0600 0 5 c 5 1' "$T/x.out"
ok $? "tree (nobody): the list has the console's nod line"
CMP_LABEL="tree (nobody)" compare_tree_with_spec "$C/d" tree.list "owner @nod" "$MTIME"
is "$(find "$C/d" ! -user $NOBODY | wc -l)" 0 "tree (nobody): everything is nobody's"
is "$(find "$C/d" \( -type b -o -type c \) | wc -l)" 0 "tree (nobody): no device nodes"

# Hard links of a file its owner cannot write (0444): as nobody too.
cat >links.list <<'EOF'
dir /ro 0555 0 0
file /ro/f src/hello 0444 0 0 /ro/g /ro/h
file /x src/x 0500 0 0 /y
EOF
"$GEN" -t "$MTIME" -o links.img links.list
chmod 0644 links.img
for who in root nobody; do
	new_case "$who"
	extract "$who" links.img
	is "$rc" 0 "read-only hard links ($who): exit 0"
	[ -s "$T/x.err" ] && diag "$(cat "$T/x.err")"
	skip=
	[ "$who" = nobody ] && skip=owner
	CMP_LABEL="read-only hard links ($who)" \
		compare_tree_with_spec "$C/d" links.list "$skip" "$MTIME"
done

# Entries the kernel skips are skipped: a directory with data, a symlink
# with an empty target, a file with an empty name.
cpio_begin skip.img
cpio_ent 0040755 withdata abcd
cpio_ent 0120777 emptylink
cpio_ent 0100644 kept data
cpio_trailer
new_case root
extract root skip.img
is "$rc" 0 "skipped entries: exit 0"
is "$(ls -A "$C/d")" "kept" "skipped entries: only 'kept' was created"

# A file replacing a non-empty directory of the same member: the kernel
# cannot remove the directory and skips the file (--verify warns so);
# so does --extract.  'd' @0, 'd/x' @112 ("abc" to 232), the file 'd' @232.
cpio_begin nonempty.img
cpio_ent 0040755 d
cpio_ent 0100644 d/x abc
cpio_ent 0100644 d def
cpio_trailer
new_case root
extract root nonempty.img
is "$rc" 0 "a file replacing a non-empty directory: skipped, exit 0"
[ -s "$T/x.err" ] && diag "$(cat "$T/x.err")"
[ -d "$C/d/d" ] && [ "$(cat "$C/d/d/x" 2>/dev/null)" = abc ]
ok $? "a file replacing a non-empty directory: the directory stays, with d/x"

# A directory defined again (later definitions win, as in the kernel,
# which applies mode and mtime again): 30 directories at 0700 and mtime
# N, then all again at 0750 and mtime 100 + N.
cpio_begin redef.img
for i in $(seq 30); do
	mtime=$i cpio_ent 0040700 "r$i"
done
for i in $(seq 30); do
	mtime=$((100 + i)) cpio_ent 0040750 "r$i"
done
cpio_trailer
new_case root
extract root redef.img
is "$rc" 0 "directories defined twice: exit 0"
is "$(cd "$C/d" && for i in $(seq 30); do
	stat -c '%a %Y' "r$i" | awk -v i="$i" '$1 != 750 || $2 != 100 + i { print i, $0 }'
done)" "" "directories defined twice: the later mode and mtime"

# Extracting into what is not a directory.
new_case root
"$GEN" --extract "$C/nosuch/sub" tree.img >/dev/null 2>"$T/x.err"
is "$?" 0 "into a missing directory: exit 0"
[ -d "$C/nosuch/sub" ] && [ -n "$(ls "$C/nosuch/sub")" ]
ok $? "into a missing directory: made with its parent, and filled"
"$GEN" --extract "$C/sentinel" tree.img >/dev/null 2>"$T/x.err"
is "$?" 1 "into a file: exit 1"
is "$(cat "$C/sentinel")" sentinel "into a file: the file is unchanged"

done_testing
