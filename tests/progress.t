#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Feedback on long work: -v names each entry as it is written; on a
# terminal a one-line progress display appears for long work and is erased
# at the end; when standard error is not a terminal, nothing of the kind.

. "${SRCTREE:-.}/tests/lib.sh"

need script

cd "$T" || exit 1
printf 'x\n' > x
cat > list <<'LIST'
dir /a 0755 0 0
file /a/x x 0644 0 0 /a/y
slink /a/l x 0777 0 0
dir /a/b\040c 0755 0 0
LIST
"$GEN" -t 0 -v -o out.cpio list 2> err
is "$(cat err)" "a
a/x
a/y
a/l
a/b\\040c" "-v names every entry in archive order, escaped as in the spec"

# Long work: 3000 entries and 24 MiB of files into a "compressor" that
# starts reading only after 1.5 s, so that writing lasts longer than the
# display's 1 s delay: the compressor stage holds a few MiB for each of
# its pieces (usr/out_compress.c), and then waits for them.
mkdir bin
printf '#!/bin/sh\nsleep 1.5\nexec cat\n' > bin/gzip
chmod +x bin/gzip
head -c 2097152 /dev/zero > two-mib
{
	for i in $(seq 1 3000); do echo "dir /d$i 0755 0 0"; done
	for i in $(seq 1 12); do echo "file /f$i two-mib 0644 0 0"; done
} > many
PATH=$T/bin:$PATH "$GEN" -t 0 -z gzip -o many.gz many 2> err
ok $? "slow work finishes"
is "$(cat err)" "" "stderr not a terminal: no progress display"

PATH=$T/bin:$PATH script -qec "'$GEN' -t 0 -z gzip -o many2.gz many" /dev/null > tty.out
ok $? "on a terminal: finishes"
grep -q 'entries, [0-9.]* MiB, [0-9.]* MiB/s' tty.out
ok $? "on a terminal: the progress line shows entries, bytes and rate"
is "$(tail -c 4 tty.out | od -An -c | tr -s ' ')" ' \r 033 [ K' \
	"on a terminal: the line is erased at the end"
cmp -s many.gz many2.gz
ok $? "the display does not change the image"

done_testing
