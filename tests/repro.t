#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reproducibility: same spec + same inputs = same bytes, whatever the time
# zone, locale, umask or build time; SOURCE_DATE_EPOCH as the
# reproducible-builds.org specification says.

. "${SRCTREE:-.}/tests/lib.sh"
. "$SRCTREE/tests/newc.sh"

cd "$T" || exit 1
mkdir d
printf 'old\n' > d/old && touch -d @1000 d/old
printf 'new\n' > d/new && touch -d @3000000000 d/new
cat > list <<'EOF2'
dir /d 0755 0 0
file /d/old d/old 0644 0 0
file /d/new d/new 0644 0 0
slink /d/l old 0777 0 0
nod /d/null 0666 0 0 c 1 3
EOF2

# mtime_of NAME ARCHIVE: the entry's mtime field, as 8 uppercase hex digits.
mtime_of() {
	printf '%08X' "$(newc_entries "$2" | awk -v n="$1" '$13 == n { print $7 }')"
}

SOURCE_DATE_EPOCH=2000 TZ=Asia/Kathmandu LC_ALL=C "$GEN" -o a.cpio list
(umask 077; SOURCE_DATE_EPOCH=2000 TZ=America/St_Johns LC_ALL=C.UTF-8 \
	"$GEN" -o b.cpio list)
sleep 1
SOURCE_DATE_EPOCH=2000 "$GEN" list > c.cpio
cmp -s a.cpio b.cpio && cmp -s a.cpio c.cpio
ok $? "same bytes across TZ, locale, umask, time of build and output path"

is "$(mtime_of d a.cpio)" "$(printf '%08X' 2000)" "SOURCE_DATE_EPOCH: a directory gets it"
is "$(mtime_of d/l a.cpio)" "$(printf '%08X' 2000)" "SOURCE_DATE_EPOCH: a symlink gets it"
is "$(mtime_of d/null a.cpio)" "$(printf '%08X' 2000)" "SOURCE_DATE_EPOCH: a device node gets it"
is "$(mtime_of d/old a.cpio)" "$(printf '%08X' 1000)" "SOURCE_DATE_EPOCH: an older file keeps its mtime"
is "$(mtime_of d/new a.cpio)" "$(printf '%08X' 2000)" "SOURCE_DATE_EPOCH: a newer file is clamped"

SOURCE_DATE_EPOCH=2000 "$GEN" -t 5 list > t.cpio
is "$(mtime_of d/old t.cpio)" 00000005 "-t wins over SOURCE_DATE_EPOCH, files included"
is "$(mtime_of d t.cpio)" 00000005 "-t sets directories"

before=$(date +%s)
"$GEN" list > now.cpio
after=$(date +%s)
now=$((16#$(mtime_of d now.cpio)))
ok $(( now >= before && now <= after ? 0 : 1 )) "without either, non-file entries get the build time"
is "$(mtime_of d/new now.cpio)" "$(printf '%08X' 3000000000)" "without either, files keep their own mtime"

SOURCE_DATE_EPOCH=0 "$GEN" list > zero.cpio
is "$(mtime_of d/old zero.cpio)" 00000000 "SOURCE_DATE_EPOCH=0 is valid and clamps everything to 0"

# The order of the spec is the order of the archive: nothing is sorted by
# the directory the inputs happen to be in.
is "$(newc_entries a.cpio | awk '{ printf "%s ", $13 }')" \
	"d d/old d/new d/l d/null TRAILER!!! " "entries in spec order"

done_testing
