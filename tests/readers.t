#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/readers.t: the readers as users of initramfs-tools and cpio use
# them, against those tools on the same image.
#
# An image made here by mkinitramfs (initramfs-tools) from an installed
# kernel, with two early uncompressed members in front as Debian's
# microcode hooks put them (GNU cpio archives, padded with zeros):
#  - --extract --split gives unmkinitramfs's tree (diff -r, and modes,
#    owners, types, sizes, link targets and file mtimes by find -printf),
#    as root and as a user in a user namespace; the target directory and
#    its parents are made; a non-empty one is refused unless --force;
#  - --list -v matches lsinitramfs -l line for line (the "# member"
#    comments aside), and cpio -tv on an image with every type, set-id
#    and sticky bits, devices and an old date;
#  - patterns select for --list and --extract; --cat prints the copy of
#    the last member that defines a file, as the kernel keeps it;
#    --member selects members; --json gives one object a line.
# Every error (no match, a bad pattern or range, a missing image, a
# non-empty target, a path that is not a file) is checked for its
# message and exit status, and for nothing written.

source "$SRCTREE/tests/lib.sh"

need cpio unshare find diff
[ -x /usr/sbin/mkinitramfs ] || skip_all "initramfs-tools not installed"
command -v unmkinitramfs >/dev/null || skip_all "unmkinitramfs not installed"

cd "$T" || exit 1
chmod 0755 "$T"
cp "$GEN" "$T/gen_init_cpio"
GEN=$T/gen_init_cpio

# A kernel whose modules are installed, the running one first.
kver=
for v in "$(uname -r)" $(ls /lib/modules 2>/dev/null); do
	if [ -f "/lib/modules/$v/modules.dep" ] || [ -f "/boot/config-$v" ]; then
		kver=$v
		break
	fi
done
[ -n "$kver" ] || skip_all "no kernel with modules in /lib/modules"

# mkinitramfs writes only below /tmp (and its output): as any user.
PATH=/usr/sbin:/sbin:$PATH mkinitramfs -o main.img "$kver" > mk.log 2>&1
ok $? "mkinitramfs -o main.img $kver" || cat mk.log >&2

# Early members owned by root, as distributions make them (and as a user
# namespace with only root mapped can extract them).
mkdir -p e1/kernel/x86/microcode e2/kernel/x86/microcode
head -c 5000 /dev/urandom > e1/kernel/x86/microcode/GenuineIntel.bin
head -c 3000 /dev/urandom > e2/kernel/x86/microcode/AuthenticAMD.bin
(cd e1 && find . | sort | cpio -o -H newc -R 0:0 --quiet > ../e1.cpio)
(cd e2 && find kernel | sort | cpio -o -H newc -R 0:0 --quiet > ../e2.cpio)
cat e1.cpio e2.cpio main.img > full.img

snapshot() {
	(cd "$1" && find . -printf '%p %m %u %g %y %l' \
		\( -type f -printf ' %s %T@' \) -printf '\n' | sort)
}

# --- --extract --split against unmkinitramfs, as root and as a user --------

split_run() {
	local who=$1 run=$2
	rm -rf "$who" && mkdir "$who" && cp full.img "$GEN" "$who/"
	[ "$who" = user ] && chown -R u "$who" 2>/dev/null
	(cd "$who" && $run sh -c './gen_init_cpio --extract new/a/b --split full.img > list.out 2> err.out; echo $? > rc;
		unmkinitramfs full.img um 2> um.err')
	is "$(cat "$who/rc")" 0 "$who: --extract --split into a missing new/a/b: exit 0"
	is "$(ls "$who/new/a/b" | tr '\n' ' ')" "early early2 main " \
		"$who: --split: early/, early2/, main/"
	diff -r "$who/um" "$who/new/a/b" > /dev/null
	ok $? "$who: --split: diff -r against unmkinitramfs clean"
	snapshot "$who/um" > "$who/um.snap"
	snapshot "$who/new/a/b" > "$who/new.snap"
	diff "$who/um.snap" "$who/new.snap" >&2
	ok $? "$who: --split: modes, owners, types, link targets, file sizes and mtimes as unmkinitramfs's"
}

if [ "$(id -u)" -eq 0 ] && id u > /dev/null 2>&1; then
	split_run root ""
	split_run user "runuser -u u -- unshare --map-root-user"
else
	split_run user "unshare --map-root-user"
fi

# The merged view, the default: the main member's tree at the top.
rm -rf merged
$GEN --extract merged full.img > /dev/null
ok $? "--extract without --split: exit 0"
[ -f merged/kernel/x86/microcode/GenuineIntel.bin ] && [ -d merged/usr ] && [ ! -e merged/main ]
ok $? "--extract without --split: every member in one tree"

# A non-empty target: refused, nothing written; --force goes on.
mkdir full && echo keep > full/x
$GEN --extract full full.img > out 2> err
is "$?:$(cat err):$(ls full):$(wc -c < out)" \
	"1:full: error: the directory is not empty: refused (--force extracts into it):x:0" \
	"a non-empty target: message, exit 1, nothing written"
$GEN --extract full --force full.img > /dev/null
ok $? "--force: extracts into a non-empty directory"
[ -d full/usr ] && [ "$(cat full/x)" = keep ]
ok $? "--force: the old entry stays beside the new ones"

# A missing image: nothing made.
$GEN --extract nodir/sub nosuch.img > out 2> err
is "$?:$(cat err):$([ -e nodir ] && echo made):$(wc -c < out)" \
	"1:nosuch.img: error: cannot open: No such file or directory::0" \
	"a missing image: message, exit 1, no directory made"

# --- the long listing -------------------------------------------------------

$GEN --list -v full.img > long.out
ok $? "--list -v: exit 0"
grep -v '^#' long.out > long.entries
lsinitramfs -l full.img > lsinit.out
diff lsinit.out long.entries >&2
ok $? "--list -v: lsinitramfs -l's lines, field for field"
comp=$($GEN --examine full.img | awk 'NR == 4 {print $4}')
is "$(grep '^#' long.out | sed 's/ at offset.*//')" "# member 1: uncompressed
# member 2: uncompressed
# member 3: $comp" "--list -v: the member boundaries"

printf 'x\n' > data
cat > all.list <<EOT
dir /dev 0755 0 0
nod /dev/console 0600 0 5 c 5 1
nod /dev/sda 0660 12345 6 b 259 70000
file /su data 4755 0 0
file /sg data 2644 1000 1000
dir /tmp 1777 0 0
dir /t2 1776 0 0
slink /l /su 0777 0 0
pipe /p 0644 0 0
sock /s 0755 0 0
file /hl data 0644 0 0 /hl2
EOT
$GEN -t 1577934240 -o all.img all.list
cpio -tv < all.img > cpio.out 2> /dev/null
$GEN --list -v all.img | grep -v '^#' > ours.out
diff cpio.out ours.out >&2
ok $? "--list -v: cpio -tv's lines on every type, set-id and sticky bits, devices, an old date"
now=$(date +%s)
$GEN -t "$now" -o now.img all.list
cpio -tv < now.img > cpio.out 2> /dev/null
$GEN --list -v now.img | grep -v '^#' > ours.out
diff cpio.out ours.out >&2
ok $? "--list -v: cpio -tv's lines on a recent date (time, not year)"

# --- patterns, --cat, --member ----------------------------------------------

$GEN --list full.img 'kernel/*' '/usr/bin/*' > pat.out
ok $? "--list with patterns: exit 0"
grep -v '^#' pat.out | grep -v -e '^file /kernel/' -e '^dir /kernel/' -e '^file /usr/bin/' -e '^slink /usr/bin/' -e '^segment' |
	head -3 > stray
is "$(cat stray)" "" "--list with patterns: only the names they match"
grep -q '^file /kernel/x86/microcode/AuthenticAMD.bin ' pat.out
ok $? "--list with patterns: '*' matches across '/'"

$GEN --list -v --member 2 full.img > m2.out
is "$(grep -v '^#' m2.out | awk '{print $NF}')" "kernel
kernel/x86
kernel/x86/microcode
kernel/x86/microcode/AuthenticAMD.bin" "--member 2: that member's entries only"
$GEN --examine --member 2- full.img | awk 'NR > 1 {print $1}' > m.out
is "$(tr '\n' ' ' < m.out)" "2 3 " "--member 2-: the second member and those after it"
$GEN --examine --member 1,3 full.img | awk 'NR > 1 {print $1}' > m.out
is "$(tr '\n' ' ' < m.out)" "1 3 " "--member 1,3"

rm -rf sel
$GEN --extract sel full.img 'kernel*' > /dev/null
ok $? "--extract with a pattern: exit 0"
is "$(cd sel && find . | sort | tr '\n' ' ')" \
	". ./kernel ./kernel/x86 ./kernel/x86/microcode ./kernel/x86/microcode/AuthenticAMD.bin ./kernel/x86/microcode/GenuineIntel.bin " \
	"--extract with a pattern: only what it matches"

$GEN --cat full.img /kernel/x86/microcode/GenuineIntel.bin kernel/x86/microcode/AuthenticAMD.bin > cat.out
ok $? "--cat: exit 0"
cat e1/kernel/x86/microcode/GenuineIntel.bin e2/kernel/x86/microcode/AuthenticAMD.bin | cmp - cat.out
ok $? "--cat: the files' bytes, in the order asked"
f=$(cd merged && find usr/bin -type f | head -1)
$GEN --cat full.img "$f" | cmp - "merged/$f"
ok $? "--cat: a file of the compressed member"

# A hard link's first name has no data in newc: it comes with the last.
is "$($GEN --cat all.img hl /hl2 hl)" "x
x
x" "--cat: every name of a hard link, the same path twice"

# The copy the kernel keeps: the last member's.
printf 'one\n' > one; printf 'two\n' > two
printf 'file /f one 0644 0 0\n' > m1.list
printf 'file /f two 0644 0 0\n' > m2.list
$GEN -t 0 -z gzip m2.list --early m1.list > twice.img
is "$($GEN --cat twice.img f)" two "--cat: a file defined twice: the later member's copy"
is "$($GEN --cat --member 1 twice.img f)" one "--cat --member 1: that member's copy"

# --member with --verify: the others are read for what they define (the
# warning in member 2 is about member 1's f) but not reported or counted.
$GEN --verify --member 1 twice.img > v.out 2> v.err
is "$?:$(cat v.out):$(cat v.err)" \
	"0:twice.img: 1 member selected by --member 1, 1 entries: ok (0 errors, 0 warnings):" \
	"--verify --member 1: that member only, no warning from member 2"
$GEN --verify --member 2 twice.img > v.out 2> v.err
is "$?:$(cat v.out):$(grep -c 'replaces the regular file of member 1' v.err)" \
	"0:twice.img: 1 member selected by --member 2, 1 entries: ok (0 errors, 1 warning):1" \
	"--verify --member 2: member 1's f seen, as the kernel sees it"
$GEN --verify --member 3 twice.img > v.out 2> v.err
is "$?:$(cat v.err)" "1:twice.img: error: --member 3: no such member in the image" \
	"--verify --member 3: no such member, exit 1"

# --member with --diff: only those members of both images.
printf 'six\n' > six
printf 'file /f six 0644 0 0\n' > m3.list
$GEN -t 0 -z gzip m2.list --early m3.list > other.img
$GEN --diff --member 2 twice.img other.img > d.out 2> d.err
is "$?:$(cat d.out d.err)" "0:" "--diff --member 2: the same member 2, exit 0, nothing printed"
$GEN --diff --member 1 twice.img other.img > d.out 2> d.err
is "$?:$(cut -c 1-15 d.out):$(cat d.err)" "1:member 1: ~ /f::" \
	"--diff --member 1: member 1's difference, exit 1"
$GEN --diff --member 2- twice.img other.img > d.out 2> d.err
is "$?:$(cat d.out)" "0:" "--diff --member 2-: member 1 left out"
$GEN --diff --member 3 twice.img twice.img > d.out 2> d.err
is "$?:$(cat d.out):$(cat d.err)" "2::twice.img: error: --member 3: no such member in the image" \
	"--diff --member 3: no such member in either, exit 2, even for one image twice"

# --- --du -------------------------------------------------------------------

# Sizes chosen so that every line is known: a/b 300 + a/c 200, d 100 in
# member 1; a/b again, 600, in member 2 (gzip).  Total 1200.
head -c 300 /dev/zero > s300; head -c 200 /dev/zero > s200
head -c 100 /dev/zero > s100; head -c 600 /dev/zero > s600
printf 'dir /a 0755 0 0\nfile /a/b s300 0644 0 0\nfile /a/c s200 0644 0 0\nfile /d s100 0644 0 0\n' > du1.list
printf 'dir /a 0755 0 0\nfile /a/b s600 0644 0 0\n' > du2.list
$GEN -t 0 -z gzip du2.list --early du1.list > du.img
$GEN --du du.img > du.out
ok $? "--du: exit 0"
is "$(cat du.out)" "member 1 (uncompressed): 600 bytes in 3 files, 50.0%
  dir           500  41.7%  a
  file          300  25.0%  a/b
  file          200  16.7%  a/c
  file          100   8.3%  d
member 2 (gzip): 600 bytes in 1 file, 50.0%
  dir           600  50.0%  a
  file          600  50.0%  a/b
all members: 1200 bytes in 4 files, 100.0%
  dir          1100  91.7%  a
  file          900  75.0%  a/b
  file          200  16.7%  a/c
  file          100   8.3%  d" "--du: per member and in all, by size, with shares"
is "$($GEN --du --member 2 du.img 'a/*' | head -1)" "member 2 (gzip): 600 bytes in 1 file, 100.0%" \
	"--du --member 2 with a pattern: the share is of what was selected"
$GEN --du full.img | grep -q '^  dir .*  usr/lib/modules$'
ok $? "--du on the mkinitramfs image: usr/lib/modules among the largest directories"

# --- --json -----------------------------------------------------------------

$GEN --list -v --json all.img > json.out
is "$(sed -n 2p json.out)" \
	'{"member":1,"offset":116,"name":"dev/console","type":"char","mode":"0600","nlink":1,"uid":0,"gid":5,"size":0,"mtime":1577934240,"ino":722,"rdev":[5,1]}' \
	"--list -v --json: a device"
is "$(grep '"name":"l"' json.out | sed 's/.*"ino":[0-9]*//')" ',"target":"/su"}' \
	"--list -v --json: a symlink's target"
is "$($GEN --examine --json --member 2 full.img)" \
	'{"member":2,"offset":6144,"length":3648,"compression":"none","continued":false,"format":"newc","entries":4,"size":3648,"trailer":true}' \
	"--examine --json: a member"

# --- errors: message, exit status, nothing written ---------------------------

err_case() {
	local what=$1 status=$2 msg=$3
	shift 3
	rm -rf errdir
	"$GEN" "$@" > out 2> err
	is "$?:$(head -1 err):$(wc -c < out):$([ -e errdir ] && echo made)" \
		"$status:$msg:0:" "$what: message, exit $status, nothing written"
}

err_case "--list, no match" 1 "full.img: error: no entry matches 'nothing*'" \
	--list full.img 'nothing*'
err_case "--list -v, no match" 1 "full.img: error: no entry matches any of 'x', ..." \
	--list -v full.img x y
err_case "--extract, no match" 1 "full.img: error: no entry matches 'nothing'" \
	--extract errdir full.img nothing
err_case "a bad pattern" 2 "gen_init_cpio: error: 'usr/[ab': not a usable pattern (a '[' without its ']')" \
	--list full.img 'usr/[ab'
err_case "an empty pattern" 2 "gen_init_cpio: error: '/': not a usable pattern (it names no entry)" \
	--extract errdir full.img /
err_case "a bad range" 2 "gen_init_cpio: error: --member '2-1': not a range of member numbers (2, 2-, 1,3, 2-4)" \
	--list --member 2-1 full.img
err_case "a member that is not there" 1 "full.img: error: --member 7: no such member in the image" \
	--extract errdir --member 7 full.img
err_case "--cat, no such file" 1 "full.img: error: 'etc/nothing': no such file in the image" \
	--cat full.img etc/nothing
err_case "--cat, a directory" 1 "full.img: error: 'usr': not a regular file in the last member that defines it" \
	--cat full.img usr
err_case "--cat, no path" 2 "gen_init_cpio: error: --cat takes an image and one path or more, got 1" \
	--cat full.img
err_case "--cat, a missing image" 1 "nosuch.img: error: cannot open: No such file or directory" \
	--cat nosuch.img etc/x
err_case "--list, a missing image" 1 "nosuch.img: error: cannot open: No such file or directory" \
	--list -v nosuch.img
err_case "--du, no match" 1 "du.img: error: no entry matches 'z*'" \
	--du du.img 'z*'
err_case "--split without --extract" 2 "gen_init_cpio: error: --split is not an option of --list" \
	--list --split full.img
err_case "--json without -v" 2 "gen_init_cpio: error: --json is not an option of --list (--json goes with --examine and --list -v)" \
	--list --json full.img

done_testing
