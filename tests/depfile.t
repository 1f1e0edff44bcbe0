#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/depfile.t: -l <depfile> driven by make, the way kbuild uses it:
# the image is rebuilt when, and only when, one of its inputs changed --
# a file in a directory source, the spec list, a file a list line names,
# a file or subdirectory added to or removed from the directory -- and a
# removed input never stops make with "No rule to make target".
#
# make compares mtimes, and a file written right after the image may get
# the very same (coarse) timestamp; so every input is given an explicit
# time: OLD for the inputs at rest, MID for the image after each build,
# NEW for an input that "changed" (all in the past: make warns about
# mtimes in the future).

source "$SRCTREE/tests/lib.sh"

need make find touch

# make check runs us from make: its flags (-s would hide "is up to
# date") and jobserver must not reach the makes we run.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

NOW=$(date +%s)
OLD=$((NOW - 86400))
MID=$((NOW - 3600))
NEW=$((NOW - 1800))

P=$T/proj
mkdir -p "$P/root dir/bin" "$P/root dir/sub/deeper" "$P/loc dir"
cd "$P" || exit 1
printf 'tool\n' >"root dir/bin/tool"
printf 'readme\n' >"root dir/README"
printf 'deep\n' >"root dir/sub/deeper/file"
ln -s bin/tool "root dir/link"
ln -s nowhere "root dir/dangling"
printf 'motd\n' >motd.txt
printf 'issue\n' >"loc dir/issue"
cat >list <<'EOF'
dir /etc 0755 0 0
file /etc/motd motd.txt 0644 0 0
file /etc/issue loc\040dir/issue 0644 0 0
EOF

# The image's rule counts its builds in builds.log.  The depfile adds the
# prerequisites; before the first build there is none.
cat >Makefile <<'EOF'
image.cpio:
	@echo built >>builds.log
	@$(GEN) -t 0 -l .image.d -o image.cpio 'root dir' list

-include .image.d
EOF

# Every input back to OLD, the image to MID: nothing is out of date.
settle() {
	find "$P/root dir" "$P/loc dir" "$P/motd.txt" "$P/list" \
		-exec touch -h -d "@$OLD" {} +
	[ ! -e "$P/image.cpio" ] || touch -d "@$MID" "$P/image.cpio"
}

builds() {
	if [ -e "$P/builds.log" ]; then
		wc -l <"$P/builds.log"
	else
		echo 0
	fi
}

# step WHAT BUILDS: run make after WHAT was done; it must succeed without
# "No rule to make target", and the image must have been built BUILDS
# times in all.
step() {
	local out rc

	out=$(make -C "$P" GEN="$GEN" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] && [[ $out != *"No rule to make target"* ]]
	ok $? "$1: make succeeds"
	[ "$rc" -eq 0 ] || diag "exit status $rc"
	[[ $out != *"No rule to make target"* ]] || diag "$out"
	is "$(builds)" "$2" "$1: image built $2 times in all"
	settle
}

settle
step "first make" 1
is "$(make -C "$P" GEN="$GEN" 2>&1 | grep -c "'image.cpio' is up to date")" \
	1 "second make: 'image.cpio' is up to date"
step "nothing changed" 1
touch -d "@$NEW" "root dir/bin/tool"
step "a file in the directory touched" 2
touch -d "@$NEW" list
step "the list touched" 3
touch -d "@$NEW" motd.txt
step "a file line's location touched" 4
touch -d "@$NEW" "loc dir/issue"
step "a location with a blank (\\040) touched" 5
printf 'new\n' >"root dir/new file"
step "a file added to the directory" 6
printf 'another\n' >"root dir/sub/deeper/another"
step "a file added to a subdirectory" 7
rm "root dir/README"
step "a file removed from the directory" 8
rm -r "root dir/sub/deeper"
step "a subdirectory removed" 9
ln -sfn sub "root dir/link"
step "a symlink pointed elsewhere" 10
touch -h -d "@$NEW" "root dir/dangling"
step "a symlink only touched (not an input of its own)" 10

# The fragment itself: every input once, escaped for make, and the two
# rules.  Symlinks are not inputs (make would look at their targets, and
# a dangling one would rebuild the image every time).
{
	echo list
	echo motd.txt
	echo 'loc\ dir/issue'
	find 'root dir' ! -type l | sed 's/ /\\ /g'
} | LC_ALL=C sort >"$T/want.deps"
sed -n '2,/^$/p' .image.d | sed -e '/^$/d' -e 's/^\t//' -e 's/ \\$//' |
	LC_ALL=C sort >"$T/got.deps"
is "$(cat "$T/got.deps")" "$(cat "$T/want.deps")" \
	"depfile: the list, the locations, the directory and all in it but symlinks"
# shellcheck disable=SC1003,SC2016 # make's text, not the shell's
is "$(head -n 1 .image.d)" 'deps_initramfs := \' "depfile: the variable first"
# shellcheck disable=SC2016
is "$(sed -n '/^$/,$p' .image.d)" "$(printf '\n%s\n%s' \
	'image.cpio: $(deps_initramfs)' '$(deps_initramfs):')" \
	"depfile: the image's rule, then the empty rule for removed inputs"

# Without -o there is no target to name; an archive source is an input;
# a build that fails writes no depfile.
printf 'x\n' >"$T/f"
(cd "$T" && printf 'file /f f 0644 0 0\n' >l2 &&
	"$GEN" -t 0 -l d2 -o a.cpio l2 && "$GEN" -t 0 -l d3 a.cpio >/dev/null)
ok $? "an archive source with -l, without -o"
# shellcheck disable=SC1003,SC2016
is "$(cat "$T/d3")" "$(printf '%s\n' 'deps_initramfs := \' '	a.cpio' '' \
	'$(deps_initramfs):')" "depfile without -o: no target rule; the archive listed"
(cd "$T" && printf 'nonsense\n' >bad.list &&
	"$GEN" -t 0 -l d4 -o b.cpio bad.list) 2>/dev/null
[ $? -eq 1 ] && [ ! -e "$T/d4" ]
ok $? "a failed build writes no depfile"

# Odd names, each in a directory of its own: built, then up to date; a
# touch rebuilds; a removal rebuilds without "No rule to make target".
# (A newline cannot be named in make at all: it is left out with a
# warning, see errors.t.)  Some names cannot be written so that make
# finds them both as a prerequisite and as a target of the empty rule
# ('%', '|', "name(member)" is an archive member to make), or the program
# may choose to leave them out with a warning (backslash, '='): of those
# only ask that make never fails and does not rebuild what is up to date
# (KIND "weak").
odd_name() {
	local name=$1 d=$T/odd-$2 label="name '$3'${5:+ ($5)}" kind=$4
	local out rc log='' n want

	# "keep": the directory does not become empty (sources.t tests that).
	mkdir -p "$d/in"
	printf 'x\n' >"$d/in/$name"
	printf 'k\n' >"$d/in/keep"
	touch -d "@$OLD" "$d/in/$name" "$d/in/keep" "$d/in"
	cat >"$d/Makefile" <<'EOF'
image.cpio:
	@echo built >>builds.log
	@$(GEN) -t 0 -l .image.d -o image.cpio in
-include .image.d
EOF
	for n in 1 2 3 4; do
		case $n in
		3) touch -d "@$NEW" "$d/in/$name" ;;
		4) rm "$d/in/$name" ;;
		esac
		out=$(make -C "$d" GEN="$GEN" 2>&1)
		rc=$?
		[ "$rc" -eq 0 ] || log+="make $n: status $rc: $out"$'\n'
		[ -e "$d/builds.log" ] && touch -d "@$MID" "$d/image.cpio"
		touch -d "@$OLD" "$d/in"
		[ "$kind" = weak ] && [ "$n" != 2 ] && continue
		log+="after make $n: $(wc -l <"$d/builds.log") builds"$'\n'
	done
	if [ "$kind" = weak ]; then
		want="after make 2: 1 builds"
		label+=": make never fails, nor rebuilds needlessly"
	else
		want=$(printf 'after make %s builds\n' "1: 1" "2: 1" "3: 2" "4: 3")
		label+=": built once, touched: rebuilt, removed: rebuilt"
	fi
	is "${log%$'\n'}" "$want" "$label"
}

i=0
while IFS='|' read -r name kind note; do
	i=$((i + 1))
	odd_name "$(printf '%b' "$name")" "$i" "$name" "$kind" "$note"
done <<'EOF'
with space|full|
with\ttab|full|
dollar$sign|full|
hash#mark|full|
colon:ed|full|
semi;colon|full|
st*r q?m br[x]|full|
getty@tty1.service|full|systemd
dev-disk-by\\x2dlabel-root.swap|weak|systemd
key=value|weak|
50%|weak|
pi\174pe|weak|
copy (1)|weak|
EOF

done_testing
