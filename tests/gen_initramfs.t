#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# usr/gen_initramfs.sh, the kernel's front end to gen_init_cpio.
#
# First its own command line, against a stand-in gen_init_cpio that prints
# the arguments it is given.  Then byte-for-byte against the kernel's own
# usr/gen_initramfs.sh driving the kernel's own usr/gen_init_cpio (both from
# Debian's linux-source-6.12, as in kernel-compat.t), for directory trees,
# owner mapping, spec lists and the two together; and the -l dependency
# list against the one the kernel's script writes.
#
# The kernel's script describes a tree with `find | LC_ALL=C sort` and one
# spec line per name, so the trees here have no hard links (the kernel's
# script stores each name as its own inode) and no blanks or backslashes in
# names (its shell loop mangles them), and every run uses -d (without it the
# kernel's tool stamps non-files with the time of the build).

. "${SRCTREE:-.}/tests/lib.sh"
. "$SRCTREE/tests/newc.sh"

need dash cc xz make perl
need_root
SCRIPT=$SRCTREE/usr/gen_initramfs.sh
[ -r "$SCRIPT" ] || skip_all "no $SCRIPT"

tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
[ -n "$tarball" ] || skip_all "no kernel source (apt-get install linux-source-6.12)"
top=$(basename "$tarball" .tar.xz)
tar -xJf "$tarball" -C "$T" "$top/usr/gen_init_cpio.c" "$top/usr/gen_initramfs.sh" ||
	skip_all "no usr/gen_init_cpio.c or usr/gen_initramfs.sh in $tarball"
mkdir -p "$T/kernel/usr"
cp "$T/$top/usr/gen_initramfs.sh" "$T/kernel/usr/"
cc -O2 -o "$T/kernel/usr/gen_init_cpio" "$T/$top/usr/gen_init_cpio.c" ||
	skip_all "the kernel's gen_init_cpio does not build"
diag "reference: $top/usr/gen_initramfs.sh + gen_init_cpio"

cd "$T" || exit 1

# ---------------------------------------------------------------------------
# The command line, with a stand-in gen_init_cpio.

mkdir stub
cat > stub/gen_init_cpio <<'EOF'
#!/bin/sh
for a; do printf '<%s>\n' "$a"; done
exit "${STUB_RC:-0}"
EOF
chmod +x stub/gen_init_cpio

# stub ARGS...: run the script under dash with the stand-in; sets rc, out
# (what the stand-in printed, or the usage) and err.
stub() {
	GEN_INIT_CPIO=$T/stub/gen_init_cpio dash "$SCRIPT" "$@" \
		> stub.out 2> stub.err
	rc=$?
	out=$(cat stub.out)
	err=$(cat stub.err)
}

# argv WORD...: what the stand-in prints when the script passes those words
# (always after "-z none": the kernel's script writes plain cpio whatever
# the output is called).
argv() {
	printf '<%s>\n' -z none "$@"
}

stub -h
ok $(( rc == 0 && ${#err} == 0 ? 0 : 1 )) "-h: exit 0, nothing on stderr"
[[ $out == Usage:* && $out != *'<'-* ]]
ok $? "-h: the usage on stdout, gen_init_cpio not run"

stub list -x dir
ok $(( rc == 1 && ${#out} == 0 ? 0 : 1 )) "an unknown option: exit 1, nothing run"
[[ $err == *'unknown option "-x"'* ]]
ok $? "an unknown option is named"

stub -d 'not a date' list
ok $(( rc == 1 && ${#out} == 0 ? 0 : 1 )) "a malformed -d: exit 1, nothing run"
[[ $err == *"'not a date'"* ]]
ok $? "a malformed -d names the value"
stub list -d 'not a date'
ok $(( rc == 1 && ${#out} == 0 ? 0 : 1 )) "a malformed -d after the sources is an error too"

stub -d @1700000000 list
is "$out" "$(argv -t 1700000000 list)" "-d @1700000000"
stub -d '2024-01-01 00:00:00 UTC' list
is "$out" "$(argv -t 1704067200 list)" "-d '2024-01-01 00:00:00 UTC'"
stub -d 'Tue Nov 14 22:13:20 UTC 2023' list
is "$out" "$(argv -t 1700000000 list)" "-d in date(1)'s own format (KBUILD_BUILD_TIMESTAMP)"
stub -d @5 list -d @1700000000 dir
is "$out" "$(argv -t 1700000000 list dir)" "the last -d wins"

stub list -o
ok $(( rc == 1 && ${#out} == 0 ? 0 : 1 )) "-o without its argument: exit 1"
stub -o out.cpio
ok $(( rc == 1 && ${#out} == 0 ? 0 : 1 )) "no source: exit 1"

# Blanks, a glob and a backslash must reach gen_init_cpio as they are, and
# -u/-g keep their places among the sources.
stub -l 'my deps' -u 1234 -g 1234 'dir one' -u squash 'a  list' \
	-g squash '*' -u 0 -g 0 'a\tb' -o 'out file' -
is "$out" "$(argv -o 'out file' -l 'my deps' -u 1234 -g 1234 'dir one' \
	-u squash 'a  list' -g squash '*' -u 0 -g 0 'a\tb' -)" \
	"arguments passed through intact, -u/-g in order"
stub -u -1 -g -1 dir
is "$out" "$(argv -u "$(id -u)" -g "$(id -g)" dir)" "-u -1 -g -1: the current ids"
STUB_RC=3 stub list
is "$rc" 3 "gen_init_cpio's exit status is the script's"

# Which gen_init_cpio: $GEN_INIT_CPIO, else next to the script, else usr/.
mkdir -p where/bin where/usr
cp "$SCRIPT" where/bin/
printf '#!/bin/sh\necho %s\n' next > where/bin/gen_init_cpio
printf '#!/bin/sh\necho %s\n' usr > where/usr/gen_init_cpio
chmod +x where/bin/gen_init_cpio where/usr/gen_init_cpio
is "$(cd where && env -u GEN_INIT_CPIO dash bin/gen_initramfs.sh x)" next \
	"gen_init_cpio next to the script comes first"
is "$(cd where && GEN_INIT_CPIO=$T/stub/gen_init_cpio dash bin/gen_initramfs.sh x)" \
	"$(argv x)" "GEN_INIT_CPIO overrides it"
rm where/bin/gen_init_cpio
is "$(cd where && env -u GEN_INIT_CPIO dash bin/gen_initramfs.sh x)" usr \
	"then usr/gen_init_cpio"
(cd where/bin && env -u GEN_INIT_CPIO dash gen_initramfs.sh x) > /dev/null 2>&1
ok $(( $? == 1 ? 0 : 1 )) "no gen_init_cpio anywhere: exit 1"

# In a kernel build (kbuild exports objtree, the directory it runs the
# script from), the one kbuild built, never a stale one beside the script
# in the source tree (an O= build).
mkdir -p kobj/usr
printf '#!/bin/sh\necho %s\n' built > kobj/usr/gen_init_cpio
printf '#!/bin/sh\necho %s\n' stale > where/bin/gen_init_cpio
chmod +x kobj/usr/gen_init_cpio where/bin/gen_init_cpio
is "$(cd kobj && env -u GEN_INIT_CPIO objtree=. dash ../where/bin/gen_initramfs.sh x)" \
	built "a kernel build runs \$objtree/usr/gen_init_cpio, not the one beside the script"
rm kobj/usr/gen_init_cpio
out=$(cd kobj && env -u GEN_INIT_CPIO objtree=. dash ../where/bin/gen_initramfs.sh x 2>&1)
is "$?|$out" "1|gen_initramfs.sh: error: no ./usr/gen_init_cpio: kbuild builds it before running ../where/bin/gen_initramfs.sh" \
	"a kernel build without its gen_init_cpio: an error, not the stale one"

# ---------------------------------------------------------------------------
# Against the kernel's script.

# make_tree DIR: one of each file type, and names whose order differs
# between a depth-first walk and `LC_ALL=C sort` (usr/lib, usr/lib-x,
# usr/lib.conf, usr/lib/x.so, usr/lib64).
make_tree() {
	local d=$1

	mkdir -p "$d"/{bin,etc,run,sbin,tmp,mnt,srv,usr/lib/sub/deeper}
	head -c 5000 /dev/urandom > "$d/bin/busybox"
	chmod 0755 "$d/bin/busybox"
	ln -s busybox "$d/bin/sh"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$d/etc/passwd"
	printf 'root:*:1::::::\n' > "$d/etc/shadow"
	chmod 0600 "$d/etc/shadow"
	: > "$d/etc/.hidden"
	printf 'abc' > "$d/etc/Z"
	mkfifo -m 0600 "$d/run/initctl"
	perl -MIO::Socket::UNIX -e \
		'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die' \
		"$d/run/log"
	printf '#!/bin/sh\n' > "$d/sbin/su"
	chmod 04755 "$d/sbin/su"
	chmod 01777 "$d/tmp"
	chmod 0700 "$d/mnt"
	chmod 02755 "$d/srv"
	seq 1 3000 > "$d/usr/lib/x.so"
	printf 'x\n' > "$d/usr/lib-x"
	printf 'conf\n' > "$d/usr/lib.conf"
	printf 'deep\n' > "$d/usr/lib/sub/deeper/f"
	ln -s lib "$d/usr/lib64"
	ln -s usr/lib "$d/lib"
	ln -s /nonexistent "$d/broken"
}

mkdir data
printf '#!/bin/sh\nexec /bin/sh\n' > data/init
head -c 1001 /dev/urandom > data/blob
make_tree "$T/tree"

# A list that does not overlap the tree: the kernel's tool would write a
# path twice where ours lets the later source replace it.
cat > list <<EOF
# the parts a tree cannot hold without root
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/sda 0660 0 6 b 8 0
pipe /dev/fifo 0600 0 0
sock /dev/sock 0600 0 0
file /init $T/data/init 0755 0 0
file /blob $T/data/blob 0644 1000 1000 /blob.link
slink /linuxrc /bin/busybox 0777 0 0
EOF

# same_as_kernel DESC ARGS...: both scripts, the same arguments, the same
# bytes.  On a difference, the entries (less their offsets) of both.
same_as_kernel() {
	local desc=$1

	shift
	rm -f k.cpio o.cpio
	(cd "$T/kernel" && sh usr/gen_initramfs.sh -o "$T/k.cpio" "$@") 2> k.err ||
		diag "the kernel's script failed: $(cat k.err)"
	GEN_INIT_CPIO=$GEN dash "$SCRIPT" -o "$T/o.cpio" "$@" 2> o.err
	if [ -s o.cpio ] && cmp -s k.cpio o.cpio; then
		ok 0 "$desc"
		return
	fi
	ok 1 "$desc"
	diag "ours said: $(cat o.err)"
	[ -s k.cpio ] && [ -s o.cpio ] || return
	diag "$(cmp k.cpio o.cpio 2>&1)" \
		"entries (ino mode uid gid nlink mtime size rmaj rmin namesize check name):" \
		"$(diff <(newc_entries k.cpio | cut -d' ' -f2-) \
			<(newc_entries o.cpio | cut -d' ' -f2-) | head -n 40)"
}

same_as_kernel "a directory tree (-d @1700000000)" -d @1700000000 "$T/tree"
same_as_kernel "a spec list" -d @1700000000 "$T/list"
same_as_kernel "a spec list, then a directory" -d @1700000000 "$T/list" "$T/tree"
same_as_kernel "a directory, then a spec list" -d @1700000000 "$T/tree" "$T/list"
same_as_kernel "-d in date(1)'s format, given after the sources" \
	"$T/list" "$T/tree" -d 'Tue Nov 14 22:13:20 UTC 2023'

# Files owned by somebody else need root: run by an ordinary user, the
# whole script is run as root of a user namespace (need_root above),
# where 1234, 77, 88 and 99 are subordinate ids; device nodes only as
# real root.
make_tree "$T/owned"
if real_root; then
	mknod -m 0600 "$T/owned/run/console" c 5 1
	mknod -m 0660 "$T/owned/run/sda" b 8 0
else
	skip_unprivileged "device nodes in a directory source"
fi
chown -hR 1234:1234 "$T/owned"
chown -h 1234:77 "$T/owned/etc/shadow"
chown -h 88:1234 "$T/owned/bin/sh"
chown 99:99 "$T/owned/sbin/su"
chown 0:0 "$T/owned/etc/passwd"
mkdir -p "$T/more/opt/app"
printf 'app\n' > "$T/more/opt/app/run"
chown -hR 1234:1234 "$T/more"

same_as_kernel "owners kept without -u/-g" -d @1700000000 "$T/owned"
same_as_kernel "-u 1234 -g 1234 maps only those ids to 0" \
	-d @1700000000 -u 1234 -g 1234 "$T/owned"
same_as_kernel "-u squash -g squash" \
	-d @1700000000 -u squash -g squash "$T/owned"
same_as_kernel "-u/-g apply to the sources after them, until changed" \
	-d @1700000000 -u 1234 "$T/owned" -g 1234 "$T/more" "$T/list"
same_as_kernel "-u 0 -g 0 turns the mapping off" \
	-d @1700000000 -u squash -g squash "$T/owned" -u 0 -g 0 "$T/more"

# The dependency list.  Read through make, the way kbuild includes it, so
# the layout does not matter and ours must be a valid fragment.
deps_of() {
	[ -e "$1" ] || return
	printf 'all:\n\t@printf "%%s\\n" $(deps_initramfs)\ninclude %s\n' "$1" |
		make -s -f - all | LC_ALL=C sort
}

rm -f k.d o.d
(cd "$T/kernel" && sh usr/gen_initramfs.sh -o "$T/k.cpio" -l "$T/k.d" \
	-d @1700000000 "$T/list" "$T/tree") 2> k.err
GEN_INIT_CPIO=$GEN dash "$SCRIPT" -o "$T/o.cpio" -l "$T/o.d" \
	-d @1700000000 "$T/list" "$T/tree" 2> o.err
is "$(head -n 1 o.d 2>&1)" 'deps_initramfs := \' "-l: the file starts as kbuild expects"
deps_of k.d > k.deps
deps_of o.d > o.deps
for path in "$T/list" "$T/data/init" "$T/data/blob" "$T/tree" \
	"$T/tree/usr/lib/sub/deeper/f" "$T/tree/run/initctl"; do
	grep -qxF "$path" k.deps || diag "the kernel does not list $path"
done
if cmp -s k.deps o.deps && [ -s o.deps ]; then
	ok 0 "-l: the same paths as the kernel's script"
else
	ok 1 "-l: the same paths as the kernel's script"
	diag "only the kernel's:" "$(comm -23 k.deps o.deps)" \
		"only ours:" "$(comm -13 k.deps o.deps)" "ours said: $(cat o.err)"
fi

# A malformed -d must leave neither the archive nor the depfile behind.
rm -f o.cpio o.d
GEN_INIT_CPIO=$GEN dash "$SCRIPT" -o "$T/o.cpio" -l "$T/o.d" \
	-d 'yesterday-ish' "$T/list" > o.out 2> o.err
ok $(( $? != 0 ? 0 : 1 )) "a malformed -d with real sources: failure"
[ ! -e o.cpio ] && [ ! -e o.d ] && [ ! -s o.out ]
ok $? "a malformed -d: no archive, no depfile, nothing on stdout"

done_testing
