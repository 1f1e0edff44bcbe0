#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory does not grow with file size: file data is streamed (with
# copy_file_range, sendfile, or a fixed buffer), also with -c, whose
# checksum is computed in a separate pass over the file.

. "${SRCTREE:-.}/tests/lib.sh"
. "$SRCTREE/tests/newc.sh"

[ -x /usr/bin/time ] || skip_all "/usr/bin/time (package time) not installed"
# Sanitizer builds carry a fixed overhead; the growth test still holds.
limit=8192
[ "${SANITIZE:-}" = 1 ] && limit=65536

cd "$T" || exit 1
head -c 1024 /dev/zero > small
echo 'file /small small 0644 0 0' > small.list
truncate -s 1G sparse
printf 'tail' | dd of=sparse bs=1 seek=$((1024 * 1024 * 1024 - 4)) conv=notrunc 2> /dev/null
echo 'file /sparse sparse 0644 0 0' > list

# peak_kib CMD...: run CMD, print its peak resident set in KiB.
peak_kib() {
	/usr/bin/time -f '%M' -o rss "$@" && cat rss
}

base=$(peak_kib "$GEN" -t 0 --no-fsync -o small.cpio small.list)
for opts in "" "-c"; do
	kib=$(peak_kib "$GEN" -t 0 $opts --no-fsync -o out.cpio list)
	ok $(( kib < limit && kib - base < 2048 ? 0 : 1 )) \
		"1 GiB file to a file ${opts:+with $opts }in ${kib} KiB (1 KiB file: $base KiB)"
	kib=$(peak_kib sh -c "'$GEN' -t 0 $opts list | cat > /dev/null")
	ok $(( kib < limit && kib - base < 2048 ? 0 : 1 )) \
		"1 GiB file to a pipe ${opts:+with $opts }in ${kib} KiB (1 KiB file: $base KiB)"
done

# The data really is there, at the right place, and the checksum is right:
# 'tail' is the only non-zero data, so the sum is that of its bytes.
head -c 4096 out.cpio > head.cpio
entry=$(newc_entries head.cpio | head -n 1)
set -- $entry
is "$8 ${12}" "1073741824 $(( 0x74 + 0x61 + 0x69 + 0x6c ))" "size and checksum of the sparse file"
start=$(( $1 + 110 + ${11} + (4 - (110 + ${11}) % 4) % 4 ))
is "$(tail -c +$(( start + 1073741824 - 4 + 1 )) out.cpio | head -c 4)" "tail" "the file's last bytes end its data"

done_testing
