#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every bad input is a located error: the message names the list and the
# line, the exit status is non-zero, no output file appears, an existing
# output is left untouched, and nothing reaches standard output.
# Every warning is located too, exits 0, and becomes an error with --werror.

. "${SRCTREE:-.}/tests/lib.sh"

cd "$T" || exit 1
printf 'hello\n' > hello
mkdir adir
mkfifo afifo
printf 'old image\n' > old.cpio
: > unreadable && chmod 000 unreadable

# run_bad DESC LINE MESSAGE [gen_init_cpio options...] <<< SPEC
# The spec is read from standard input into "list"; LINE 0 means a
# message without a line ("gen_init_cpio: error: ...").
run_bad() {
	local desc=$1 line=$2 msg=$3 err status want
	shift 3
	cat > list
	rm -f new.cpio
	cp old.cpio existing.cpio

	"$GEN" "$@" -o new.cpio list 2> err.new
	status=$?
	"$GEN" "$@" -o existing.cpio list 2> /dev/null
	"$GEN" "$@" list > stdout.out 2> /dev/null
	err=$(cat err.new)
	if [ "$line" = 0 ]; then
		want="gen_init_cpio: error: $msg"
	else
		want="list:$line: error: $msg"
	fi
	if [ "$status" -ne 0 ] && [ ! -e new.cpio ] &&
	   cmp -s old.cpio existing.cpio &&
	   { [ -n "${STDOUT_MAY_HAVE_BYTES:-}" ] || [ ! -s stdout.out ]; } &&
	   [ -z "$(ls -A | grep '^\.')" ] &&
	   printf '%s\n' "$err" | grep -qF -- "$want"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "exit status $status; stderr:" "$err" "wanted a line with: $want"
		[ -e new.cpio ] && diag "new.cpio was created"
		cmp -s old.cpio existing.cpio || diag "existing.cpio was changed"
		[ -s stdout.out ] && diag "bytes were written to stdout"
		ls -A | grep '^\.' | sed 's/^/left behind: /' | while read -r l; do diag "$l"; done
	fi
}

# --- the list's lines ---------------------------------------------------
run_bad "unknown line type" 2 "unknown line type 'fil'" <<'EOF'
dir /bin 0755 0 0
fil /bin/sh hello 0755 0 0
EOF
run_bad "missing field" 1 "'dir' needs 4 fields, found 3" <<'EOF'
dir /bin 0755 0
EOF
run_bad "extra field" 1 "'dir' takes 4 fields; extra field 'junk'" <<'EOF'
dir /bin 0755 0 0 junk
EOF
run_bad "nod with too few fields" 1 "'nod' needs 7 fields, found 6" <<'EOF'
nod /console 0600 0 0 c 5
EOF
run_bad "mode not octal" 1 "mode '0758' is not an octal number" <<'EOF'
dir /bin 0758 0 0
EOF
run_bad "mode not a number" 1 "mode 'rwxr-xr-x' is not an octal number" <<'EOF'
dir /bin rwxr-xr-x 0 0
EOF
run_bad "mode beyond 07777" 1 "mode '010755' has bits beyond 07777" <<'EOF'
dir /bin 010755 0 0
EOF
run_bad "negative uid" 1 "uid '-1' is negative" <<'EOF'
dir /bin 0755 -1 0
EOF
run_bad "uid not a number" 1 "uid 'root' is not a decimal number" <<'EOF'
dir /bin 0755 root 0
EOF
run_bad "gid beyond 32 bits" 1 "gid '4294967296' does not fit in 32 bits" <<'EOF'
dir /bin 0755 0 4294967296
EOF
run_bad "device type" 1 "device type 'p' is neither 'b' (block) nor 'c' (character)" <<'EOF'
nod /dev/x 0600 0 0 p 1 3
EOF
run_bad "major too large" 2 "major '4096' is larger than 4095" <<'EOF'
dir /dev 0755 0 0
nod /dev/x 0600 0 0 b 4096 0
EOF
run_bad "minor too large" 2 "minor '1048576' is larger than 1048575" <<'EOF'
dir /dev 0755 0 0
nod /dev/x 0600 0 0 c 1 1048576
EOF
run_bad "major not a number" 1 "major '0x10' is not a decimal number" <<'EOF'
nod /x 0600 0 0 c 0x10 1
EOF
run_bad "carriage return" 1 "line ends with a carriage return" < <(printf 'dir /bin 0755 0 0\r\n')
run_bad "NUL byte in a line" 1 "line contains a NUL byte" < <(printf 'dir /b\0in 0755 0 0\n')
run_bad "line too long" 2 "line is longer than 65536 bytes" < <(
	echo 'dir /a 0755 0 0'
	printf 'dir /%070000d 0755 0 0\n' 0
	echo 'dir /b 0755 0 0')

# --- names and targets ----------------------------------------------------
run_bad "name is the root" 1 "name '/' is the root directory" <<'EOF'
dir / 0755 0 0
EOF
run_bad "name is dot" 1 "name '.' is the root directory" <<'EOF'
dir . 0755 0 0
EOF
run_bad "name with .." 2 "name 'bin/../../etc' has a '..' component" <<'EOF'
dir /bin 0755 0 0
dir /bin/../../etc 0755 0 0
EOF
run_bad "name too long" 1 "name is 4096 bytes long; the kernel accepts at most 4095" < <(
	printf 'dir /%04096d 0755 0 0\n' 0)
run_bad "symlink target too long" 1 "symlink target is 4096 bytes long" < <(
	printf 'slink /l %04096d 0777 0 0\n' 0)
run_bad "path defined twice" 3 "'bin/' is already defined at list:1" <<'EOF'
dir /bin 0755 0 0
dir /sbin 0755 0 0
dir bin/ 0700 0 0
EOF
run_bad "path defined twice through a hard link" 2 "'bin//ls' is already defined at list:2" <<'EOF'
dir /bin 0755 0 0
file /bin/sh hello 0755 0 0 /bin/ls /bin//ls
EOF
run_bad "hard link clashes with a later entry" 3 "'bin/./ls' is already defined at list:2" <<'EOF'
dir /bin 0755 0 0
file /bin/sh hello 0755 0 0 /bin/ls
slink /bin/./ls sh 0777 0 0
EOF

# --- file locations ---------------------------------------------------------
run_bad "missing location" 1 "cannot use 'nosuch': No such file or directory" <<'EOF'
file /x nosuch 0644 0 0
EOF
run_bad "location is a directory" 1 "'adir' is a directory, not a regular file" <<'EOF'
file /x adir 0644 0 0
EOF
run_bad "location is a FIFO (never opened)" 1 "'afifo' is a FIFO, not a regular file" <<'EOF'
file /x afifo 0644 0 0
EOF
run_bad "location is a device" 1 "'/dev/zero' is a character device, not a regular file" <<'EOF'
file /x /dev/zero 0644 0 0
EOF
run_bad "location expands to nothing" 1 "location '\${GIC_UNSET_VAR}' is empty once expanded" <<'EOF'
file /x ${GIC_UNSET_VAR} 0644 0 0
EOF
if [ "$(id -u)" -ne 0 ]; then
	run_bad "location unreadable" 1 "cannot read 'unreadable': Permission denied" <<'EOF'
file /x unreadable 0644 0 0
EOF
else
	# Root reads anything: ask as nobody, in a directory nobody may use.
	need setpriv
	mkdir -m 0777 "$T/nobody"
	chmod 0755 "$T"
	: > "$T/nobody/secret" && chmod 000 "$T/nobody/secret"
	echo "file /x $T/nobody/secret 0644 0 0" > "$T/nobody/list"
	(cd "$T/nobody" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		-- "$GEN" -t 0 -o out.cpio list) 2> "$T/nobody/err"
	status=$?
	ok $(( status == 1 ? 0 : 1 )) "location unreadable (as nobody): exit status 1"
	grep -qF "list:1: error: cannot read '$T/nobody/secret': Permission denied" "$T/nobody/err"
	ok $? "location unreadable (as nobody): located message"
	[ ! -e "$T/nobody/out.cpio" ]
	ok $? "location unreadable (as nobody): no output"
fi

# With -o the files of a list are checked as they are written (the
# temporary file goes if one fails); to standard output, before the first
# byte.  Either way every bad location is reported, once, hard links or
# not, and nothing is left.
printf 'hello\n' > hello
cat > list <<'EOF'
dir /bin 0755 0 0
file /bin/a hello 0644 0 0
file /bin/b nosuch1 0644 0 0 /bin/b2 /bin/b3
file /bin/c hello 0644 0 0
file /bin/d adir 0644 0 0
file /bin/e hello 0644 0 0
EOF
want="list:3: error: cannot use 'nosuch1': No such file or directory
list:5: error: 'adir' is a directory, not a regular file"
rm -f new.cpio
"$GEN" -t 0 -o new.cpio list 2> err
status=$?
is "$status $(grep -c error: err)" "1 2" "-o: two bad locations, two errors, exit 1"
is "$(grep error: err)" "$want" "-o: each named at its line, in list order"
[ ! -e new.cpio ] && [ -z "$(ls -A | grep '^\.')" ]
ok $? "-o: no output, no temporary file left"
"$GEN" -t 0 list > stdout.out 2> err
is "$? $(grep error: err)" "1 $want" "stdout: the same errors"
[ ! -s stdout.out ]
ok $? "stdout: not a byte written (checked before writing)"
cp old.cpio existing.cpio
"$GEN" -t 0 -o existing.cpio list 2> /dev/null
cmp -s old.cpio existing.cpio
ok $? "-o over an existing image: left as it was"

truncate -s 4294967296 huge
run_bad "location of 4 GiB" 1 "'huge' is 4294967296 bytes; newc cannot hold files of 4 GiB or more" <<'EOF'
file /x huge 0644 0 0
EOF
rm -f huge
# Found while copying: standard output has the entries before it (it cannot
# be taken back) but the exit status says the archive is bad.
STDOUT_MAY_HAVE_BYTES=1 run_bad "file with more data than its size" 1 "'/proc/self/status' has more data than its size of 0 bytes" <<'EOF'
file /status /proc/self/status 0644 0 0
EOF

# --- options and the environment -------------------------------------------
echo 'dir /bin 0755 0 0' > good
run_bad "timestamp not a number" 0 "timestamp '12x' is not a number of seconds" -t 12x < good
run_bad "timestamp negative" 0 "timestamp '-1' is not a number" -t -1 < good
run_bad "timestamp beyond 32 bits" 0 "timestamp '4294967296' is not a number" -t 4294967296 < good
run_bad "alignment not a power of two" 0 "data alignment '12' is not a power of two >= 4" -a 12 < good
run_bad "alignment too small" 0 "data alignment '2' is not a power of two >= 4" -a 2 < good
SOURCE_DATE_EPOCH=yesterday run_bad "malformed SOURCE_DATE_EPOCH" 0 \
	"SOURCE_DATE_EPOCH 'yesterday' is not a number of seconds" < good
SOURCE_DATE_EPOCH=4294967296 run_bad "SOURCE_DATE_EPOCH out of range" 0 \
	"SOURCE_DATE_EPOCH '4294967296' is not a number" < good
SOURCE_DATE_EPOCH=-5 run_bad "negative SOURCE_DATE_EPOCH" 0 \
	"SOURCE_DATE_EPOCH '-5' is not a number" < good

# Several problems are all reported, each at its own line.
cat > list <<'EOF'
dir /bin 0755 0 0
dir /etc 0758 0 0
dir /bin 0755 0 0
bogus
EOF
"$GEN" -o new.cpio list 2> err
is "$(cut -d: -f1,2 err | sort | tr '\n' ' ')" "list:2 list:3 list:4 " \
	"every bad line is reported"

# --- usage errors ------------------------------------------------------------
"$GEN" -o new.cpio 2> err
ok $(( $? == 2 ? 0 : 1 )) "no list: exit status 2"
grep -q "no source given" err
ok $? "no list: message"
"$GEN" --bogus good 2> /dev/null
ok $(( $? == 2 ? 0 : 1 )) "unknown option: exit status 2"
"$GEN" -o new.cpio nosuch.list 2> err
ok $(( $? == 1 ? 0 : 1 )) "missing list: exit status 1"
grep -qF "gen_init_cpio: error: cannot open 'nosuch.list': No such file or directory" err
ok $? "missing list: message"

# --- the output ----------------------------------------------------------------
"$GEN" -t 0 -o nodir/out.cpio good 2> err
ok $(( $? == 1 ? 0 : 1 )) "output in a missing directory: exit status 1"
grep -qF "cannot create 'nodir/out.cpio'" err
ok $? "output in a missing directory: message"

"$GEN" -t 0 good > /dev/full 2> err
ok $(( $? == 1 ? 0 : 1 )) "stdout full: exit status 1"
grep -qF "cannot write standard output: No space left on device" err
ok $? "stdout full: message"

"$GEN" -t 0 -o /dev/full good 2> err
ok $(( $? == 1 ? 0 : 1 )) "-o /dev/full: exit status 1 (written in place, not renamed over)"
[ -c /dev/full ]
ok $? "-o /dev/full: /dev/full is still a device"

# Killed while writing (here by the file size limit): the old image stays
# and the temporary file is removed.
head -c 100000 /dev/urandom > big
echo 'file /big big 0644 0 0' > biglist
cp old.cpio keep.cpio
status=$( (ulimit -f 50; exec "$GEN" -t 0 --no-fsync -o keep.cpio biglist) \
	2> /dev/null; echo $?)
ok $(( status > 128 ? 0 : 1 )) "killed by SIGXFSZ while writing (status $status)"
cmp -s old.cpio keep.cpio
ok $? "killed: the existing image is untouched"
is "$(ls -A | grep '^\.' | tr '\n' ' ')" "" "killed: no temporary file is left"

# --- warnings ----------------------------------------------------------------------
cat > list <<'EOF'
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
nod /dev/pts/0 0600 0 0 c 136 0
file /etc/passwd hello 0644 0 0
file /bin hello 0755 0 0
slink /bin/sh busybox 0777 0 0
EOF
rm -f new.cpio
"$GEN" -t 0 -o new.cpio list 2> err
status=$?
ok $(( status == 0 ? 0 : 1 )) "warnings alone: exit status 0"
[ -s new.cpio ]
ok $? "warnings alone: the archive is written"
grep -qF "list:3: warning: parent directory 'dev/pts' of 'dev/pts/0' is not defined earlier; the kernel will drop 'dev/pts/0' at boot" err
ok $? "warning: undefined parent"
grep -qF "list:4: warning: parent directory 'etc' of 'etc/passwd'" err
ok $? "warning: undefined top-level parent"
grep -qF "list:6: warning: parent 'bin' of 'bin/sh' is a file (line 5), not a directory" err
ok $? "warning: parent is not a directory"
is "$(grep -c warning err)" 3 "exactly three warnings"

cp old.cpio existing.cpio
rm -f new.cpio
"$GEN" -t 0 --werror -o new.cpio list 2> err
ok $(( $? == 1 ? 0 : 1 )) "--werror: exit status 1"
[ ! -e new.cpio ]
ok $? "--werror: no output"
grep -qF "list:3: error: parent directory 'dev/pts'" err
ok $? "--werror: warnings are printed as errors"

# A file's own mtime is checked when the file is (while writing, with -o):
# its warning still stops --werror, and nothing is left.
printf 'old\n' > ancient && touch -d @-100 ancient
printf '%s\n' 'file /ancient ancient 0644 0 0' > list
"$GEN" -o new.cpio list 2> err
is "$? $(cat err)" "0 list:1: warning: mtime of 'ancient' is before 1970; stored as 0" \
	"file mtime before 1970: a located warning"
rm -f new.cpio
"$GEN" --werror -o new.cpio list 2> err
is "$? $(cat err)" "1 list:1: error: mtime of 'ancient' is before 1970; stored as 0" \
	"--werror: the file's mtime warning is an error"
[ ! -e new.cpio ] && [ -z "$(ls -A | grep '^\.')" ]
ok $? "--werror, file mtime: no output, no temporary file left"

# A symlink parent is fine: merged-/usr layouts rely on it.
cat > list <<'EOF'
dir /usr 0755 0 0
dir /usr/bin 0755 0 0
slink /bin usr/bin 0777 0 0
file /bin/sh hello 0755 0 0
EOF
"$GEN" -t 0 -o new.cpio list 2> err
ok $? "parent that is a symlink: accepted"
is "$(cat err)" "" "parent that is a symlink: no warning"

done_testing
