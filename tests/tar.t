#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/tar.t: tar archives as sources, made by real clients without
# root -- GNU tar in its three formats with --owner/--group/--numeric-owner
# /--mtime, bsdtar from an mtree spec (device nodes and root owners from
# the spec, not from privileges) -- compared entry by entry with what
# bsdtar reads from the same tar; the differential check against
# `bsdtar --format newc -cf - @x.tar`; compressed tars and standard input;
# --map-users/--map-groups; hand-made tars (tests/tar/mktar.pl) for the
# warnings and every error, each with its message, exit status 1 and no
# output file; and one image from the mtree tar booted under QEMU.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"

need tar bsdtar perl zstd gzip sort awk
MKTAR="perl $SRCTREE/tests/tar/mktar.pl"

# What bsdtar sees in an archive (tar or cpio), one line a name: type,
# mode, owner, device, link target; the root left out.  Sizes and
# contents are compared apart (see contents below): in newc a hard link
# group's data is on its last name, in tar on its first.
MTREE='mtree:!all,type,mode,uid,gid,link,device'
meta() {
	bsdtar -cf - --format=mtree --options "$MTREE" "@$1" |
		grep -v '^#' | grep -v '^/\. ' | sed 's,^\./,,' | sort
}
# The multiset of the regular files' contents (size and sha256).
contents() {
	bsdtar -cf - --format=mtree --options 'mtree:!all,size,sha256' "@$1" |
		grep -o 'size=[1-9][0-9]* sha256digest=[0-9a-f]*' | sort
}
compare() {
	is "$(meta "$2")" "$(meta "$1")" "$3: every entry's type, mode, owner, device and link target as bsdtar reads the tar"
	is "$(contents "$2")" "$(contents "$1")" "$3: the same file contents"
}

# A tree an ordinary user can make: files, a hard link, a symlink, a FIFO,
# a name and a link target longer than ustar's 100 bytes (GNU's
# ././@LongLink 'L' and 'K' headers, pax path and linkpath records), a
# file owned by another user.
tree=$T/tree
mkdir -p "$tree/etc" "$tree/a/b" "$tree/bin"
echo hello > "$tree/etc/x"
ln "$tree/etc/x" "$tree/etc/y"
ln -s ../etc/x "$tree/bin/l"
mkfifo "$tree/fifo"
head -c 70000 /dev/urandom > "$tree/a/b/data"
long=$(printf 'n%.0s' $(seq 1 150))
echo long > "$tree/a/b/$long"
ln -s "$long" "$tree/a/b/longlink"
: > "$tree/empty"
chmod 4755 "$tree/a/b/data"

for fmt in ustar pax gnu; do
	opts=(--format=$fmt --owner=0 --group=0 --numeric-owner --mtime=@1700000000)
	[ $fmt = ustar ] && opts+=(--exclude="./a/b/$long" --exclude=./a/b/longlink)
	tar "${opts[@]}" -C "$tree" -cf "$T/$fmt.tar" . 2> "$T/tar.err"
	ok $? "GNU tar --format=$fmt"
	"$GEN" -t 1 -o "$T/$fmt.cpio" "$T/$fmt.tar" 2> "$T/gen.err"
	ok $? "$fmt: converted"
	is "$(cat "$T/gen.err")" "" "$fmt: no diagnostics"
	compare "$T/$fmt.tar" "$T/$fmt.cpio" "$fmt"
done
"$GEN" --list "$T/gnu.cpio" | grep -q '^file /\./etc/x etc/x 0644 0 0 /\./etc/y$'
ok $? "the hard link is one link group (one --list line, both names)"
for fmt in pax gnu; do
	"$GEN" --list "$T/$fmt.cpio" | grep -q "^slink /\./a/b/longlink $long 0777 0 0\$"
	ok $? "$fmt: the link target of 150 bytes"
done

# A pax global header: its records hold for every member after it.
tar --format=pax --pax-option=uid=5,gid=7 --owner=0 --group=0 --numeric-owner \
	--mtime=@1700000000 -C "$tree" -cf "$T/glob.tar" ./etc
"$GEN" -t 1 -o "$T/glob.cpio" "$T/glob.tar"
"$GEN" --list "$T/glob.cpio" | grep -v '^#' > "$T/glob.list"
is "$(grep -c ' 0[0-7]* 5 7\( \|$\)' "$T/glob.list") of $(wc -l < "$T/glob.list")" "2 of 2" \
	"pax global header uid=5 gid=7: every member's owner, over the ustar fields' 0:0"

# --owner/--group with names and ids: the ids go into the archive.
tar --format=pax --owner=daemon:1 --group=adm:4 --mtime=@1700000000 \
	-C "$tree" -cf "$T/own.tar" ./etc
"$GEN" -t 1 -o "$T/own.cpio" "$T/own.tar"
compare "$T/own.tar" "$T/own.cpio" "pax --owner=daemon:1 --group=adm:4"
"$GEN" --list "$T/own.cpio" | grep -q '^dir /\./etc 0755 1 4$'
ok $? "owner 1:4 from the headers"
"$GEN" -t 1 -u 1 -g 4 -o "$T/own0.cpio" "$T/own.tar"
"$GEN" --list "$T/own0.cpio" | grep -q '^dir /\./etc 0755 0 0$'
ok $? "-u 1 -g 4 make them root's"

# --map-users/--map-groups: a tar (or tree) of subordinate ids.
tar --format=gnu --owner=100005 --group=100007 --mtime=@1700000000 \
	-C "$tree" -cf "$T/sub.tar" ./etc
"$GEN" -t 1 --map-users 0:100000:65536 --map-groups 100000,0,65536 \
	-o "$T/sub.cpio" "$T/sub.tar"
"$GEN" --list "$T/sub.cpio" | grep -q '^dir /\./etc 0755 5 7$'
ok $? "--map-users 0:100000:65536 and --map-groups 100000,0,65536: 100005:100007 is 5:7"
"$GEN" -t 1 --map-users 0:200000:10 -o "$T/sub2.cpio" "$T/sub.tar"
"$GEN" --list "$T/sub2.cpio" | grep -q '^dir /\./etc 0755 65534 100007$'
ok $? "an id outside every map is 65534, as in the namespace"
"$GEN" --map-users 1:2 -o "$T/no.cpio" "$T/sub.tar" 2> "$T/err"
is "$?:$(cat "$T/err" | head -n 1)" "2:gen_init_cpio: error: id map '1:2' is not <inside>:<outside>:<count> (or <outside>,<inside>,<count>, or 'auto') within 32 bits" \
	"a bad map is a usage error"

# bsdtar from an mtree spec: device nodes and root owners, no privileges.
sed "s,@SRCTREE@,$SRCTREE," > "$T/bb.mtree" <<'MT'
#mtree
./bin type=dir mode=0755 uid=0 gid=0
./sbin type=dir mode=0755 uid=0 gid=0
./dev type=dir mode=0755 uid=0 gid=0
./proc type=dir mode=0555 uid=0 gid=0
./sys type=dir mode=0555 uid=0 gid=0
./root type=dir mode=0700 uid=0 gid=0
./dev/console type=char mode=0600 uid=0 gid=0 device=native,5,1
./dev/null type=char mode=0666 uid=0 gid=0 device=native,1,3
./dev/sda type=block mode=0660 uid=0 gid=6 device=native,8,0
./bin/busybox type=file mode=0755 uid=0 gid=0 contents=/bin/busybox
./bin/sh type=link mode=0777 uid=0 gid=0 link=busybox
./bin/mount type=link mode=0777 uid=0 gid=0 link=busybox
./bin/stat type=link mode=0777 uid=0 gid=0 link=busybox
./sbin/poweroff type=link mode=0777 uid=0 gid=0 link=../bin/busybox
./init type=file mode=0755 uid=0 gid=0 contents=@SRCTREE@/specs/busybox-init
MT
for fmt in pax ustar gnutar; do
	(cd "$T" && bsdtar -cf "$T/bb-$fmt.tar" --format=$fmt @bb.mtree)
	ok $? "bsdtar --format=$fmt from an mtree spec"
	"$GEN" -t 0 -o "$T/bb-$fmt.cpio" "$T/bb-$fmt.tar"
	ok $? "bsdtar $fmt: converted"
	compare "$T/bb-$fmt.tar" "$T/bb-$fmt.cpio" "bsdtar $fmt"
done
"$GEN" --list "$T/bb-pax.cpio" | grep -q '^nod /\./dev/sda 0660 0 6 b 8 0$'
ok $? "a block device with its numbers and group"

# Differential: bsdtar's own conversion (no hard links: bsdtar writes
# the second name of a tar's link group without a file type).
norm() {
	"$GEN" --list "$1" | grep -v '^#' | sed 's,^\([a-z]* [^ ]*\)/ ,\1 ,' | sort
}
for t in pax.tar bb-pax.tar own.tar; do
	[ $t = bb-pax.tar ] || tar --delete -f "$T/$t" ./etc/y
	"$GEN" -t 0 -o "$T/ours.cpio" "$T/$t"
	bsdtar --format newc -cf "$T/theirs.cpio" "@$T/$t"
	is "$(norm "$T/ours.cpio")" "$(norm "$T/theirs.cpio")" \
		"$t: --list equals bsdtar --format newc's, apart from order and inodes"
done

# Compressed, and on standard input.
zstd -q -c "$T/gnu.tar" > "$T/gnu.tar.zst"
gzip -9n -c "$T/gnu.tar" > "$T/gnu.tgz"
"$GEN" -t 1 -o "$T/z.cpio" "$T/gnu.tar.zst"
cmp -s "$T/z.cpio" "$T/gnu.cpio"
ok $? "a zstd-compressed tar gives the same image"
"$GEN" -t 1 -o "$T/s.cpio" - < "$T/gnu.tgz"
cmp -s "$T/s.cpio" "$T/gnu.cpio"
ok $? "a gzip-compressed tar on standard input gives the same image"
cat "$T/gnu.tar" | "$GEN" -t 1 -o "$T/p.cpio" -
cmp -s "$T/p.cpio" "$T/gnu.cpio"
ok $? "a tar through a pipe gives the same image"
echo 'dir /extra 0755 0 0' | "$GEN" -t 1 -o "$T/l.cpio" "$T/gnu.tar" -
"$GEN" --list "$T/l.cpio" | grep -q '^dir /extra 0755 0 0$'
ok $? "a spec list on standard input still is one, after a tar"

# Warnings: what newc cannot carry, naming the entry; --werror stops.
$MKTAR "$T/x.tar" 'etc|5' 'pax:SCHILY.xattr.user.foo=bar' \
	'pax:SCHILY.xattr.security.capability=xx' 'pax:SCHILY.acl.access=user::rw-' \
	'etc/f|0|hello'
"$GEN" -o "$T/x.cpio" "$T/x.tar" 2> "$T/err"
ok $? "xattrs, capabilities and ACLs: still built"
is "$(cat "$T/err")" "$T/x.tar: offset 1536: warning: 'etc/f' (member 2): newc cannot carry the extended attribute 'user.foo'; dropped
$T/x.tar: offset 1536: warning: 'etc/f' (member 2): newc cannot carry its file capabilities; dropped
$T/x.tar: offset 1536: warning: 'etc/f' (member 2): newc cannot carry the ACL 'access'; dropped" \
	"one warning for each, naming the entry"
rm -f "$T/x.cpio"
"$GEN" --werror -o "$T/x.cpio" "$T/x.tar" 2> /dev/null
is "$?:$([ -e "$T/x.cpio" ] && echo written)" "1:" "--werror: an error, nothing written"

# pax records: long names, mtime with fractions, large ids.
$MKTAR "$T/p.tar" 'pax:path=a/very/long/name' 'pax:mtime=1700000001.75' \
	'pax:uid=3000000000' 'pax:gid=7' 'short|0|data'
"$GEN" -o "$T/pp.cpio" "$T/p.tar" 2> /dev/null
is "$("$GEN" --list "$T/pp.cpio" | grep '^file')" "file /a/very/long/name a/very/long/name 0644 3000000000 7" \
	"pax path, uid and gid records replace the header's"

# Errors: the message, exit status 1, no output.
bad() {
	local want=$1 what=$2 rc

	shift 2
	rm -f "$T/bad.cpio"
	"$GEN" -o "$T/bad.cpio" "$T/bad.tar" 2> "$T/err"
	rc=$?
	is "$rc:$(cat "$T/err"):$([ -e "$T/bad.cpio" ] && echo written)" \
		"1:$T/bad.tar: $want:" "$what"
}
$MKTAR "$T/bad.tar" 'etc|5' '/etc/x|0|a'
bad "offset 512: error: member 2: absolute name '/etc/x'" "an absolute name"
$MKTAR "$T/bad.tar" 'etc|5' 'etc/../../x|0|a'
bad "offset 512: error: member 2: name 'etc/../../x' climbs out with '..'" "a '..' component"
MKTAR_NOEND=1 $MKTAR "$T/bad.tar" 'etc|5'
bad "offset 512: error: truncated: the archive ends after member 1 without its end-of-archive blocks" "no end blocks"
$MKTAR "$T/bad.tar" 'etc|5' 'etc/f|0|hello'
head -c 1100 "$T/bad.tar" > "$T/cut" && mv "$T/cut" "$T/bad.tar"
bad "offset 512: error: truncated: member 2's 5 bytes of data run past the end (1100 bytes)" "data cut off"
$MKTAR "$T/bad.tar" 'etc|5' 'etc/f|0|hello'
printf 'Z' | dd of="$T/bad.tar" bs=1 seek=520 conv=notrunc 2> /dev/null
bad "offset 512: error: corrupt: no valid tar header here (after member 1)" "a bad checksum"
$MKTAR "$T/bad.tar" 'pax:GNU.sparse.major=1' 'etc|0|x'
bad "offset 0: error: member 1 is a sparse file (pax GNU.sparse records): not supported; archive it without --sparse" "a pax sparse file"
$MKTAR "$T/bad.tar" 'etc|5' 'etc/f|1||etc/nope'
bad "offset 512: error: member 2 ('etc/f'): hard link to 'etc/nope', which no earlier member defines" "a dangling hard link"
$MKTAR "$T/bad.tar" 'etc|5' 'etc/f|S|x'
bad "offset 512: error: member 2 ('etc/f'): type 'S' is not one newc can hold: a GNU sparse file (archive it without --sparse)" "a GNU sparse member"
$MKTAR "$T/bad.tar" 'dev|5' 'dev/x|3|5000,1'
bad "offset 512: error: member 2 ('dev/x'): device numbers are not numbers that fit the kernel's dev_t (12:20 bits)" "a device beyond 12:20 bits"
$MKTAR "$T/bad.tar" 'pax:uid=x1' 'etc|5'
bad "offset 0: error: member 1: pax record uid='x1' is not a number" "a bad pax number"
$MKTAR "$T/bad.tar" 'etc|5'
printf '%s' 'gzip' | gzip -c > "$T/bad.tar.gz"; head -c 10 "$T/bad.tar.gz" > "$T/bad.tar"
rm -f "$T/bad.cpio"; "$GEN" -o "$T/bad.cpio" "$T/bad.tar" 2> /dev/null
is "$?:$([ -e "$T/bad.cpio" ] && echo written)" "1:" "a corrupt gzip stream: error, nothing written"

# One image from the mtree tar, booted.
if ! boot_kernel > /dev/null || ! static_elf /bin/busybox; then
	[ "${CI:-}" = true ] && ok 1 "under CI a skip is a failure: no kernel or static busybox"
	ok 0 "# SKIP no kernel to boot or no static busybox"
else
	check_busybox_boot "$T/bb-pax.cpio" "tar from bsdtar's mtree" "$T/boot.log"
fi

done_testing
