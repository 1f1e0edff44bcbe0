#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# -a: every file larger than the alignment gets its data at an aligned
# offset, also when its name is too long for the name field to hold the
# padding (the kernel takes at most 4096 bytes there).  Then the program
# repeats the latest directory entry, with a padded name, to move the
# file; this checks, independently of the program, that
#  - every such file's data is aligned, and fillers were really needed;
#  - GNU cpio, bsdtar and busybox cpio extract the same tree as the source;
#  - a real kernel unpacks it: the files' contents and the repeated
#    directory's mode and owner are right inside the guest;
#  - --list and --extract give a list that compiles back to the same bytes.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/qemu.sh"
source "$SRCTREE/tests/newc.sh"

need cpio bsdtar od md5sum

# Three nested directories of 250-byte names, and files of 200-byte names
# below: names of ~960 bytes, so that the padding a file needs (0..4092
# bytes) often does not fit in the 4096-byte name field.  The sizes are
# spread over 4097..8189 so the paddings needed spread over 0..4092.
long=$(printf 'd%.0s' $(seq 1 250))
deep=deep/$long/$long/$long
mkdir -p "$T/src/$deep"
for i in $(seq 1 60); do
	head -c $((4097 + i * 977 % 4093)) /dev/urandom > "$T/src/$deep/$(printf 'f%.0s' $(seq 1 200))$i"
done

{
	echo "dir /deep 0750 12 34"
	echo "dir /deep/$long 0750 12 34"
	echo "dir /deep/$long/$long 0750 12 34"
	echo "dir /$deep 0750 12 34"
	for f in "$T/src/$deep"/*; do
		echo "file /$deep/${f##*/} $f 0644 0 0"
	done
} > "$T/deep.list"

"$GEN" -t 1 -a 4096 -o "$T/a.cpio" "$T/deep.list" 2> "$T/a.err"
ok $? "-a 4096 builds the long-named tree"
is "$(cat "$T/a.err")" "" "no warning: nothing left unaligned"

newc_entries "$T/a.cpio" > "$T/a.entries"
# offset ino mode uid gid nlink mtime filesize rmaj rmin namesize check name
misaligned=$(awk '$3 ~ /^100/ && $8 > 4096 {
	d = $1 + 110 + $11; d += (4 - d % 4) % 4
	if (d % 4096) print $13 }' "$T/a.entries" | wc -l)
is "$misaligned" 0 "every file larger than 4096 bytes has its data at a multiple of 4096"
aligned=$(awk '$3 ~ /^100/ && $8 > 4096' "$T/a.entries" | wc -l)
is "$aligned" 60 "all 60 files checked"
fillers=$(awk '$3 ~ /^40/ && $11 > length($13) + 1' "$T/a.entries" | wc -l)
[ "$fillers" -gt 0 ]
ok $? "fillers were needed ($fillers repeated directories)"
bad_fillers=$(awk '$3 ~ /^40/ && $11 > length($13) + 1 &&
	!($3 == "40750" && $4 == 12 && $5 == 34 && $7 == 1)' "$T/a.entries" | wc -l)
is "$bad_fillers" 0 "each filler repeats its directory's mode, owner and mtime"
dup_ino=$(awk '$13 != "TRAILER!!!" { print $2 }' "$T/a.entries" | sort | uniq -d | wc -l)
is "$dup_ino" 0 "fillers have inode numbers of their own (cpio tools would link equal ones)"

# Each client extracts the same tree as the source's, as root so that
# owners are set (as root of a user namespace when not root, see as_root
# in tests/lib.sh: 12 and 34 are ids of the namespace, whose files the
# caller outside it may not even read).
extract_with() {
	local name=$1
	shift
	rm -rf "$T/x-$name" && mkdir "$T/x-$name" &&
		(cd "$T/x-$name" && as_root "$@" < "$T/a.cpio") > "$T/x-$name.log" 2>&1
	ok $? "$name extracts it"
	as_root diff -r "$T/src/deep" "$T/x-$name/deep" > /dev/null
	ok $? "$name: the same files and contents as the source"
}
extract_with gnu-cpio cpio -idm --quiet
extract_with bsdtar bsdtar -xf -
if [ -x /bin/busybox ]; then
	extract_with busybox-cpio /bin/busybox cpio -idm
fi
is "$(as_root stat -c '%a %u:%g' "$T/x-gnu-cpio/$deep")" "750 12:34" \
	"GNU cpio: the repeated directory keeps its mode and owner"

# The image lists back to a spec that compiles to the same bytes.
mkdir "$T/rt"
"$GEN" --extract "$T/rt" "$T/a.cpio" > "$T/rt.list"
ok $? "--extract"
is "$(grep -c '^# an alignment filler' "$T/rt.list")" "$fillers" \
	"--list names each filler as one, not as a second directory"
(cd "$T/rt" && "$GEN" -t 1 -a 4096 -o "$T/rt.cpio" "$T/rt.list")
ok $? "the listing compiles"
cmp -s "$T/a.cpio" "$T/rt.cpio"
ok $? "... back to the same bytes"
"$GEN" --verify "$T/a.cpio" > /dev/null 2> "$T/verify.err"
ok $? "--verify passes"
is "$(cat "$T/verify.err")" "" "... without a warning about the repeated directories"

# The kernel: boot busybox plus the tree; /init prints what it finds.
need qemu-system-x86_64 timeout
boot_kernel > /dev/null || skip_all "no /boot/vmlinuz-*-cloud-amd64 to boot"
[ -x /bin/busybox ] || skip_all "/bin/busybox missing (busybox-static)"
cat > "$T/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
cd /$deep && md5sum * > /tmp/sums
echo "SUMS \$(md5sum < /tmp/sums)"
echo "DIR \$(stat -c '%a %u:%g' /$deep)"
echo "COUNT \$(ls | wc -l)"
poweroff -f
EOF
{
	echo "dir /bin 0755 0 0"
	echo "file /bin/busybox /bin/busybox 0755 0 0"
	for a in sh mount md5sum stat ls wc poweroff echo cat; do
		echo "slink /bin/$a busybox 0777 0 0"
	done
	echo "dir /proc 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /init $T/init 0755 0 0"
	cat "$T/deep.list"
} > "$T/boot.list"
"$GEN" -t 1 -a 4096 -o "$T/boot.cpio" "$T/boot.list"
ok $? "an -a 4096 image with busybox and the long-named tree"
boot_initrd "$T/boot.cpio" "$T/boot.log" "quiet"
want=$(cd "$T/src/$deep" && md5sum * | md5sum)
is "$(tr -d '\r' < "$T/boot.log" | sed -n 's/^SUMS //p')" "$want" \
	"the kernel unpacked every file with its contents" || boot_diag "$T/boot.log"
is "$(tr -d '\r' < "$T/boot.log" | sed -n 's/^DIR //p')" "750 12:34" \
	"the repeated directory keeps its mode and owner in the guest"
is "$(tr -d '\r' < "$T/boot.log" | sed -n 's/^COUNT //p')" "60" "all 60 files are there"

done_testing
