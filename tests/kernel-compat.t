#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Byte-for-byte against the kernel's own usr/gen_init_cpio.
#
# The reference is compiled here from the kernel source that Debian ships
# (linux-source-6.12, /usr/src/linux-source-*.tar.xz), or taken from
# $KERNEL_GEN_INIT_CPIO (e.g. a 6.18 tree's usr/gen_init_cpio).  6.12 has
# -t and -c but not -o or -a; those are covered by the golden tests, whose
# bytes are derived by hand.  Nothing of the kernel's code is kept in this
# tree: it is a client under test, like GNU cpio.

. "${SRCTREE:-.}/tests/lib.sh"

need cc xz
if [ -n "${KERNEL_GEN_INIT_CPIO:-}" ]; then
	KGEN=$KERNEL_GEN_INIT_CPIO
else
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
	[ -n "$tarball" ] || skip_all "no kernel source (apt-get install linux-source-6.12)"
	top=$(basename "$tarball" .tar.xz)
	tar -xJf "$tarball" -C "$T" "$top/usr/gen_init_cpio.c" ||
		skip_all "no usr/gen_init_cpio.c in $tarball"
	cc -O2 -o "$T/kgen" "$T/$top/usr/gen_init_cpio.c" ||
		skip_all "the kernel's gen_init_cpio does not build"
	KGEN=$T/kgen
fi
diag "reference: $KGEN"

cd "$T" || exit 1

# same_bytes DESC LIST [options...]: both tools, same options, same bytes.
same_bytes() {
	local desc=$1 list=$2
	shift 2
	"$KGEN" "$@" "$list" > kernel.cpio 2> kernel.err
	"$GEN" "$@" "$list" > ours.cpio 2> ours.err
	if cmp -s kernel.cpio ours.cpio && [ -s ours.cpio ]; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "$(cmp kernel.cpio ours.cpio 2>&1)" "ours:" "$(head -5 ours.err)" \
			"kernel:" "$(head -5 kernel.err)"
	fi
}

mkdir data
printf 'hello, initramfs\n' > data/hello
: > data/empty
head -c 70001 /dev/urandom > data/random
seq 1 20000 > data/numbers
printf '#!/bin/sh\necho init\n' > data/init
export GIC_DATA=$T/data

cat > every-type.list <<'EOF'
# one of each line type, tabs and runs of blanks between fields
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod	/dev/sda	0660	0	6	b	8	0
nod /dev/big 0600 0 0 c 4095 1048575
dir /bin 0755 0 0
dir   /root   0700   0   0
dir /tmp 01777 0 0
file /init data/init 0755 0 0
file /bin/busybox ${GIC_DATA}/random 04755 0 0 /bin/sh /bin/ls /root/ls
file /empty data/empty 0644 1000 1000
file /numbers data/numbers 0444 4294967295 4294967294
slink /bin/mount busybox 0777 0 0
slink /lib /usr/lib 0777 0 0
pipe /dev/initctl 0600 0 0
sock /dev/log 0666 0 0
EOF
same_bytes "every line type, hard links, \${VAR}, tabs (-t)" every-type.list -t 1700000000
same_bytes "every line type with -c" every-type.list -t 1700000000 -c
same_bytes "the default list" "$SRCTREE/usr/default_cpio_list" -t 0
"$KGEN" -t 42 - < every-type.list > kernel.cpio
"$GEN" -t 42 - < every-type.list > ours.cpio
cmp -s kernel.cpio ours.cpio
ok $? "a list on standard input"

# Long names and targets: names up to 4095 bytes, targets up to 3999 (the
# kernel's tool reads a line into 2 * PATH_MAX + 50 bytes).
long=$(printf 'n%.0s' $(seq 1 250))
{
	path=""
	for i in $(seq 1 15); do
		path="$path/$long"
		echo "dir $path 0755 0 0"
	done
	name=$(printf 'f%.0s' $(seq 1 $((4095 - ${#path} - 1 + 1))))
	echo "file $path/${name:1} data/hello 0644 0 0"
	echo "slink /t $(printf 'x%.0s' $(seq 1 3999)) 0777 0 0"
} > long.list
same_bytes "names of 4095 bytes, a target of 3999 bytes" long.list -t 5

# A real distribution initramfs: Debian's, unpacked, turned into a spec.
tree_to_list() {
	local dir=$1
	(cd "$dir" && find . -mindepth 1 -printf '%y %m %U %G %p %l\n' | LC_ALL=C sort -k5,5) |
	while read -r type mode uid gid path target; do
		path=${path#.}
		case $type in
		d) echo "dir $path $mode $uid $gid" ;;
		f) echo "file $path $dir$path $mode $uid $gid" ;;
		l) echo "slink $path $target $mode $uid $gid" ;;
		esac
	done
}
initrd=$(ls /boot/initrd.img-* 2>/dev/null | head -n 1)
if [ -n "$initrd" ] && command -v unmkinitramfs > /dev/null; then
	unmkinitramfs "$initrd" distro 2> /dev/null
	[ -d distro/main ] && root=distro/main || root=distro
	tree_to_list "$T/$root" > distro.list
	diag "$(wc -l < distro.list) entries from $initrd"
	same_bytes "Debian's initramfs tree (-t)" distro.list -t 1700000000
	same_bytes "Debian's initramfs tree (-t -c)" distro.list -t 1700000000 -c
else
	skip_all "no /boot/initrd.img-* or unmkinitramfs"
fi

done_testing
