#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fuzzers' inputs, replayed through the real program: the seed corpora
# (tests/fuzz/corpus/<target>/) and every input that once found a bug
# (tests/fuzz/regress/<target>/).  This needs no libFuzzer, so it runs in
# every `make check`, plain and under SANITIZE=1, and keeps the bugs the
# fuzzers found from coming back in the program as users run it.
#
# Images go through --list, --examine, --verify, --diff against a seed
# (both ways) and a build that takes the image as a source; spec lists
# through a build to /dev/null, in a scratch directory where tests/ leads
# to the source tree (so the golden lists' locations resolve and the build
# runs to its end).  Whatever the input, the program must end with exit
# status 0 or 1 (--diff: 0, 1 or 2, its "trouble"): never a signal, never
# the usage status 2, never a hang, and never a sanitizer report.
#
# extract_fuzz's inputs are decoded by tests/fuzz/extract_replay.c (built
# here with cc; the fuzzer's own decoder and oracle, tests/fuzz/
# extract_case.c) into an image, which --extract unpacks into <sandbox>/t
# next to the sentinels, once as the caller and once as root of a user
# namespace (unshare --map-root-user: owners applied, device nodes tried).
# Besides the above, nothing outside <sandbox>/t may change (type, mode,
# owner, links, size, inode, mtime, ctime, data of every file; <sandbox>/t
# itself keeps its type, mode, owner and inode), and what is in
# <sandbox>/t must have the name and type of one of the image's entries.

. "${SRCTREE:-.}/tests/lib.sh"

fuzz=$SRCTREE/tests/fuzz
# Hangs are failures too; a correct run of these inputs takes milliseconds.
limit=60

# A sanitizer report makes the exit status 99 (not 0 or 1) as well as
# leaving its text on stderr; either fails the test point.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:exitcode=99"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=99"
# The variables spec_fuzz sets, so that its inputs mean the same here.
export FUZZ=fuzz FUZZ_BLANK=$'a b\tc' FUZZ_EMPTY=

sanitizer_report() {
	grep -E -q 'ERROR: (Address|Leak|Memory|Thread)Sanitizer|runtime error: |SUMMARY: [A-Za-z]+Sanitizer' "$1"
}

# check DESC MAX COMMAND...: one test point for one run, which must end
# with an exit status from 0 to MAX.
check() {
	local desc=$1 max=$2 status
	shift 2
	timeout -k 5 "$limit" "$@" > "$T/out" 2> "$T/err" < /dev/null
	status=$?
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		ok 1 "$desc: hung (killed after $limit s)"
	elif sanitizer_report "$T/err"; then
		ok 1 "$desc: a sanitizer report (exit status $status)"
		diag "$(grep -E 'ERROR: |runtime error: |SUMMARY: |^ *#[0-9]+ ' \
			"$T/err" | head -n 16)"
	elif [ "$status" -gt "$max" ]; then
		ok 1 "$desc: exit status $status"
		[ -s "$T/err" ] && diag "$(tail -n 10 "$T/err")"
	else
		ok 0 "$desc: exit $status"
	fi
}

# The files of the corpus and regression directories of one target.
inputs() {
	local dir
	for dir in "$fuzz/corpus/$1" "$fuzz/regress/$1"; do
		[ -d "$dir" ] || continue
		find "$dir" -maxdepth 1 -type f ! -name '.*' ! -name 'README*' |
			LC_ALL=C sort
	done
}

mkdir "$T/run" && ln -s "$SRCTREE/tests" "$T/run/tests" || exit 1

ref=$fuzz/corpus/cpio_fuzz/newc-all-types.cpio
n_images=0
while IFS= read -r f; do
	rel=${f#"$fuzz"/}
	check "--list $rel" 1 "$GEN" --list "$f"
	check "--examine $rel" 1 "$GEN" --examine "$f"
	check "--verify $rel" 1 "$GEN" --verify "$f"
	check "--diff $rel <seed>" 2 "$GEN" --diff "$f" "$ref"
	check "--diff <seed> $rel" 2 "$GEN" --diff "$ref" "$f"
	check "source $rel" 1 sh -c 'cd "$1" && exec "$2" -o /dev/null "$3"' \
		sh "$T/run" "$GEN" "$f"
	n_images=$((n_images + 1))
done < <(inputs cpio_fuzz)

n_lists=0
while IFS= read -r f; do
	rel=${f#"$fuzz"/}
	check "list $rel" 1 sh -c 'cd "$1" && exec "$2" -o /dev/null "$3"' \
		sh "$T/run" "$GEN" "$f"
	n_lists=$((n_lists + 1))
done < <(inputs spec_fuzz)

# extract_fuzz: the image an input decodes to, unpacked by the program.
XR=$T/extract_replay
# shellcheck disable=SC2086
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O1 -Wall -o "$XR" \
	"$fuzz/extract_replay.c" "$fuzz/extract_case.c"
ok $? "compile tests/fuzz/extract_replay.c"
# A dozen tiny entries take milliseconds; this long is a hang.
xlimit=15

# extract DESC INPUT [WRAPPER...]: one test point, the input extracted by
# WRAPPER... "$GEN" --extract into a fresh sandbox, judged as above.
extract() {
	local desc=$1 input=$2 sb=$T/sandbox status why=
	shift 2
	"$XR" remove "$sb" && mkdir "$sb" && "$XR" setup "$sb" &&
		"$XR" image "$input" "$sb" "$T/img" &&
		"$XR" snap "$sb" > "$T/before" || { ok 1 "$desc: setup"; return; }
	timeout -k 5 "$xlimit" "$@" "$GEN" --extract "$sb/t" "$T/img" \
		> "$T/out" 2> "$T/err" < /dev/null
	status=$?
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		why="hung (killed after $xlimit s)"
	elif sanitizer_report "$T/err"; then
		why="a sanitizer report (exit status $status)"
	elif [ "$status" -gt 1 ]; then
		why="exit status $status"
	elif ! "$XR" snap "$sb" > "$T/after"; then
		why="no snapshot after"
	elif ! "$XR" compare "$T/before" "$T/after" > "$T/why" ||
	     ! "$XR" types "$input" "$sb" > "$T/why"; then
		why=$(cat "$T/why")
	fi
	if [ -n "$why" ]; then
		ok 1 "$desc: $why"
		[ -s "$T/err" ] && diag "$(tail -n 5 "$T/err")"
	else
		ok 0 "$desc: exit $status"
	fi
	"$XR" remove "$sb"
}

if unshare --map-root-user true 2> /dev/null; then
	userns=1
elif [ "${CI:-}" = true ]; then
	userns=0
	ok 1 "unshare --map-root-user: under CI, no user namespace is a failure"
else
	userns=0
	echo "ok $((_tap_n += 1)) # SKIP no user namespaces: the extractions as root of one"
fi

n_extract=0
while IFS= read -r f; do
	rel=${f#"$fuzz"/}
	extract "--extract $rel" "$f"
	[ "$userns" = 1 ] && extract "--extract $rel, root of a user namespace" \
		"$f" unshare --map-root-user
	n_extract=$((n_extract + 1))
done < <(inputs extract_fuzz)

# An empty corpus would make this test pass without testing anything.
[ "$n_extract" -gt 0 ]
ok $? "extract inputs replayed: $n_extract"
[ "$n_images" -gt 0 ]
ok $? "images replayed: $n_images"
[ "$n_lists" -gt 0 ]
ok $? "spec lists replayed: $n_lists"

done_testing
