#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crashes leave nothing, and what ends a build says only what it is:
#  - with -o, the image is built in a file without a name: while the
#    build runs, and after a SIGKILL, the output directory holds exactly
#    what it held before (an existing image untouched); without /proc the
#    named temporary file is used, and the build still works;
#  - SIGINT or SIGTERM during a compressed build: our one message, no
#    complaint of the compressor about its pipes, no file;
#  - a compressor that we stop (a build error) is not heard from; one
#    that fails by itself is, within our error message;
#  - a file cut short while it is being read is reported with its size
#    now, not the offset where reading stopped.
# The builds are held at a known point by a stand-in compressor that
# reads 1 MiB, says so, and waits for the test: nothing depends on speed.

source "$SRCTREE/tests/lib.sh"

need xz zstd gzip pgrep truncate timeout

TIMEOUT=$(command -v timeout)
cd "$T" || exit 1
mkdir fake o
head -c 16777216 /dev/urandom > big
printf 'file /big %s 0644 0 0\n' "$T/big" > big.list
echo hello > small
printf 'dir /etc 0755 0 0\nfile /etc/small %s 0644 0 0\n' "$T/small" > small.list

# held: a stand-in gzip that takes 1 MiB of the archive, makes $T/ready,
# waits (10 s at most) for $T/go, then takes the rest and gives nothing
# useful (the builds it serves fail or are killed before the end).
cat > fake/gzip <<EOF
#!/bin/sh
head -c 1048576 > /dev/null
: > "$T/ready"
i=0
while [ ! -e "$T/go" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
cat > /dev/null
EOF
chmod +x fake/gzip

# wait_for FILE: until FILE exists (10 s at most).
wait_for() {
	local i

	for i in $(seq 1 1000); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	return 1
}

# child_of PID: PID's first child, once there is one (10 s at most).
child_of() {
	local i c

	for i in $(seq 1 1000); do
		c=$(pgrep -P "$1" | head -n 1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.01
	done
	return 1
}

# ended PID: until PID has exited (gone, or a zombie nobody reaps yet).
ended() {
	local i st

	for i in $(seq 1 1000); do
		st=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1)
		[ -z "$st" ] || [ "$st" = Z ] && return 0
		sleep 0.01
	done
	return 1
}

# held_build OUTPUT LIST ARGS...: start the tool in the background with
# the stand-in gzip, stderr into $T/err; returns once it is held.
held_build() {
	local out=$1 list=$2

	shift 2
	rm -f ready go
	PATH="$T/fake:$PATH" "$GEN" -t 0 --no-fsync -z gzip "$@" -o "$out" \
		"$list" 2> err &
	pid=$!
	wait_for ready
}

# --- while held, and after SIGKILL: nothing in the directory ------------------

echo "old image" > o/keep.img
before=$(ls -A o)
held_build o/keep.img big.list
ok $? "a build is held with 1 MiB read"
is "$(ls -A o)" "$before" "while the build runs, the directory shows no new name"
{ kill -KILL "$pid"; wait "$pid"; } 2> /dev/null
touch go
is "$(ls -A o)" "$before" "SIGKILL while writing: nothing left in the directory"
is "$(cat o/keep.img)" "old image" "SIGKILL: the existing image is untouched"

# The same with a real compressor, as slow as xz -9 is: killed as soon
# as xz runs.
rm -rf o2
mkdir o2
"$GEN" -t 0 --no-fsync -z xz:9 -o o2/new.img.xz big.list 2> /dev/null &
pid=$!
xz_pid=$(child_of "$pid")
ok $? "xz -9 runs"
{ kill -KILL "$pid"; wait "$pid"; } 2> /dev/null
ended "$xz_pid"
is "$(ls -A o2)" "" "SIGKILL during xz -9: no file in the output directory"

# Without /proc the file cannot be linked: a named temporary file is
# used instead, seen while the build is held, and the image is right.
# /proc is covered by a tmpfs, in a user namespace; for a sanitized build,
# whose runtime reads /proc itself (its options, maps and threads), only
# the tool's /proc/<pid>/fd is, by the shell that then becomes the tool.
cat > noproc.sh <<'EOF'
# run ARGS...: become the tool (in a subshell: the pid is the tool's).
run() {
	if [ "$HIDE" = all ]; then
		exec "$GEN" "$@"
	else
		exec sh -c 'mount -t tmpfs none /proc/$$/fd && exec "$@"' sh \
			"$GEN" "$@"
	fi
}
if [ "$HIDE" = all ]; then
	mount -t tmpfs none /proc || exit 3
fi
PATH="$T/fake:$PATH" run -t 0 --no-fsync -z gzip -o "$T/o3/held.img" \
	"$T/big.list" 2> "$T/err" &
pid=$!
i=0
while [ ! -e "$T/ready" ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
ls -A "$T/o3" > "$T/seen"
kill -TERM $pid
: > "$T/go"
wait $pid 2> /dev/null
(run -t 0 -o "$T/o3/plain.img" "$T/small.list") || exit 4
EOF
hide=all
[ "${SANITIZE:-}" = 1 ] && hide=fd
if unshare --map-root-user --mount true 2> /dev/null; then
	rm -rf o3 ready go
	mkdir o3
	T=$T GEN=$GEN HIDE=$hide unshare --map-root-user --mount sh noproc.sh
	is "$?" 0 "without /proc ($hide hidden): the builds run"
	grep -q '^\.held\.img\.......$' seen
	ok $? "without /proc: a named temporary file while held ($(cat seen))"
	is "$(ls -A o3)" "plain.img" "without /proc: only the image is left"
	grep -aq hello o3/plain.img
	ok $? "without /proc: the image holds the file"
else
	skip=$(unshare --map-root-user --mount true 2>&1)
	diag "no user namespace for the /proc test: $skip"
	[ "${CI:-}" = true ]
	ok $(( $? == 0 ? 1 : 0 )) "without /proc: skipped (user namespaces refused)"
fi

# --- a signal ends a compressed build: our message alone -----------------------

# zstd -19 takes seconds over 16 MiB: the signal comes while it runs.
# Left to find its pipes closed, it says "zstd: error 70 : Write error".
rm -rf o4
mkdir o4
"$GEN" -t 0 --no-fsync -z zstd:19 -o o4/int.img.zst big.list 2> err &
pid=$!
z_pid=$(child_of "$pid")
sleep 0.2
kill -INT "$pid"
wait "$pid"
status=$?
ended "$z_pid"
is "$status" 130 "SIGINT: the tool ends by it (status 128 + 2)"
is "$(cat err)" "gen_init_cpio: error: stopped by SIGINT: 'o4/int.img.zst' not written" \
	"SIGINT during zstd: our message, nothing from zstd"
is "$(ls -A o4)" "" "SIGINT: no file left"

# gzip, held before it starts, then let go: it would find its input
# ended and its output closed ("gzip: stdout: Broken pipe").
real_gzip=$(command -v gzip)
cat > fake/gzip <<EOF
#!/bin/sh
head -c 1048576 > /dev/null
: > "$T/ready"
i=0
while [ ! -e "$T/go" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
exec "$real_gzip" "\$@"
EOF
held_build o4/int.img.gz big.list
z_pid=$(child_of "$pid")
kill -INT "$pid"
wait "$pid"
status=$?
touch go
ended "$z_pid"	# a gzip that outlived us has said what it had to
is "$status" 130 "SIGINT with gzip: the tool ends by it"
is "$(cat err)" "gen_init_cpio: error: stopped by SIGINT: 'o4/int.img.gz' not written" \
	"SIGINT with gzip: our message, nothing from gzip"
is "$(ls -A o4)" "" "SIGINT with gzip: no file left"

# To standard output: the same, less the file.
"$GEN" -t 0 -z zstd:19 big.list 2> err > o4/stdout.zst &
pid=$!
z_pid=$(child_of "$pid")
sleep 0.2
kill -TERM "$pid"
wait "$pid"
status=$?
ended "$z_pid"
rm o4/stdout.zst
is "$status" 143 "SIGTERM to standard output: the tool ends by it"
is "$(cat err)" "gen_init_cpio: error: stopped by SIGTERM" \
	"SIGTERM during zstd to standard output: our message, nothing from zstd"

# --- compressors we stop, and compressors that fail ----------------------------

# Stopped by us after a build error (a file gone by the time it is
# written): it would complain of its pipe; that is not shown.
cat > fake/gzip <<'EOF'
#!/bin/sh
trap '' TERM
cat > /dev/null
echo "gzip: stdout: Broken pipe" >&2
exit 1
EOF
echo data > gone
printf 'file /a %s 0644 0 0\nfile /b %s 0644 0 0\n' "$T/big" "$T/gone" > gone.list
rm gone
rm -rf o5
mkdir o5
PATH="$T/fake:$PATH" "$TIMEOUT" 60 "$GEN" -t 0 -z gzip -o o5/x.img gone.list 2> err
is "$?" 1 "a build error while compressing: exit status 1"
grep -q "gone.list:2: error: cannot use '$T/gone': No such file or directory" err
ok $? "a build error while compressing: our error"
grep -q "Broken pipe" err
ok $(( $? == 0 ? 1 : 0 )) "a build error while compressing: nothing from the stopped compressor"
[ -s err ] && diag "$(cat err)"
is "$(ls -A o5)" "" "a build error while compressing: no file left"

# Failing by itself: its message is part of ours, on one line.
cat > fake/gzip <<'EOF'
#!/bin/sh
cat > /dev/null
echo "gzip: stdout: No space left on device" >&2
echo "gzip: giving up" >&2
exit 1
EOF
PATH="$T/fake:$PATH" "$TIMEOUT" 60 "$GEN" -t 0 -z gzip -o o5/x.img small.list 2> err
is "$?" 1 "a failing compressor: exit status 1"
is "$(cat err)" "gen_init_cpio: error: cannot write o5/x.img (main member, gzip -6): 'gzip' failed (exit status 1): gzip: stdout: No space left on device; gzip: giving up" \
	"a failing compressor: what it said ends our message"
cat > fake/gzip <<'EOF'
#!/bin/sh
head -c 10 > /dev/null
echo "gzip: corrupted" >&2
kill -9 $$
EOF
PATH="$T/fake:$PATH" "$TIMEOUT" 60 "$GEN" -t 0 -z gzip -o o5/x.img small.list 2> err
grep -q "'gzip' was killed by signal 9 (Killed): gzip: corrupted$" err
ok $? "a compressor killed by someone else: its message too"
[ -s err ] && diag "$(cat err)"

# --- a file cut short while it is read -----------------------------------------

cat > fake/gzip <<EOF
#!/bin/sh
head -c 1048576 > /dev/null
: > "$T/ready"
i=0
while [ ! -e "$T/go" ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
cat > /dev/null
EOF
cp big shrinking
printf 'file /s %s 0644 0 0\n' "$T/shrinking" > shrink.list
rm -rf o6
mkdir o6
held_build o6/s.img shrink.list
ok $? "the build reads the file (held with 1 MiB read)"
truncate -s 4096 shrinking
touch go
wait "$pid"
is "$?" 1 "a file that shrank: exit status 1"
is "$(cat err)" "shrink.list:1: error: '$T/shrinking' shrank while being archived (16777216 bytes, now 4096)" \
	"a file that shrank: its size now, not where reading stopped"
is "$(ls -A o6)" "" "a file that shrank: no file left"

done_testing
