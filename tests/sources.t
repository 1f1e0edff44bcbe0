#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/sources.t: several sources merged into one image -- a directory
# built by an ordinary user, spec lists laid over it, existing archives
# (plain, compressed, concatenated) -- and the -u/-g rules, the escapes of
# the spec, and the errors each kind of source can end with.
#
# The expectations come from the inputs, never from our own output: the
# directory is read with stat(1) and find(1), an input archive with a
# reader of our own (newc_dump below), and the overlay lines are applied
# to that model by the rules of the contract (a later definition replaces
# an earlier one in place; new paths go to the end).  The image is then
# read back with newc_dump and extracted as root by GNU cpio and bsdtar.

source "$SRCTREE/tests/lib.sh"
source "$SRCTREE/tests/newc.sh"

need cpio bsdtar setpriv gzip od awk mkfifo
need_root

MTIME=1700000000
NOBODY=65534

# An ordinary user: root reads everything, so a build by root proves
# nothing about files an ordinary user made or cannot read.
as_nobody() {
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups -- "$@"
}

# The awk function that writes a name as the spec's escapes would: \\
# for a backslash, \NNN for every byte outside '!'..'~'.  Names then stay
# on one line, blanks, newlines and bytes >= 0x80 included.
ESC_AWK='
function esc(c) {
	if (c == 92)
		return "\\\\"
	if (c >= 33 && c <= 126)
		return sprintf("%c", c)
	return sprintf("\\%03o", c)
}'

# newc_dump FILE: the entries of an archive, one line each, trailers
# included, every member of a concatenation in turn:
#	ino mode uid gid nlink mtime filesize rdevmajor rdevminor name
# numbers in decimal, mode in octal, the name escaped (ESC_AWK).
newc_dump() {
	od -An -v -tu1 -- "$1" | awk "$ESC_AWK"'
	function num(p,   k, c, v) {
		v = 0
		for (k = 0; k < 8; k++) {
			c = b[p + k]
			v = v * 16 + (c <= 57 ? c - 48 : c >= 97 ? c - 87 : c - 55)
		}
		return v
	}
	{ for (i = 1; i <= NF; i++) b[n++] = $i }
	END {
		pos = 0
		while (pos + 110 <= n) {
			f = pos + 6
			size = num(f + 48)
			nsize = num(f + 88)
			name = ""
			for (k = 0; k < nsize - 1; k++)
				name = name esc(b[pos + 110 + k])
			printf "%d %o %d %d %d %d %d %d %d %s\n", num(f),
				num(f + 8), num(f + 16), num(f + 24), num(f + 32),
				num(f + 40), size, num(f + 72), num(f + 80), name
			pos += 110 + nsize
			pos += (4 - pos % 4) % 4
			pos += size
			pos += (4 - pos % 4) % 4
			if (name != "TRAILER!!!")
				continue
			# The next member, if any, after NUL padding.
			while (pos < n && b[pos] == 0)
				pos++
		}
	}'
}

# NUL-terminated names on stdin, one escaped name a line on stdout.
esc_names() {
	od -An -v -tu1 | awk "$ESC_AWK"'
	{
		for (i = 1; i <= NF; i++) {
			if ($i == 0) {
				print s
				s = ""
			} else {
				s = s esc($i)
			}
		}
	}'
}

# same_text GOT-FILE WANT-FILE DESCRIPTION: one test point, a diff if not.
same_text() {
	if cmp -s -- "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "$(diff -u -- "$2" "$1" | head -n 60)"
	fi
}

# --- The model of an image --------------------------------------------
#
# order: the paths (archive names, raw bytes) in archive order.  For each
# path: M_type (file dir slink pipe sock nod-b nod-c), M_mode (octal
# permission bits), M_uid, M_gid, M_src (a file's bytes), M_target,
# M_rdev ("maj min"), M_grp (names with the same value are hard links of
# each other), M_esc (the escaped name).

model_reset() {
	unset M_type M_mode M_uid M_gid M_src M_target M_rdev M_grp M_esc
	declare -gA M_type=() M_mode=() M_uid=() M_gid=() M_src=() \
		M_target=() M_rdev=() M_grp=() M_esc=()
	order=()
}

# model_set NAME TYPE MODE UID GID: define NAME, in place if it exists.
model_set() {
	[ -n "${M_type[$1]+set}" ] || order+=("$1")
	M_type[$1]=$2
	M_mode[$1]=$(printf %o $((8#$3)))
	M_uid[$1]=$4
	M_gid[$1]=$5
	M_grp[$1]=name:$1
	M_src[$1]='' M_target[$1]='' M_rdev[$1]=''
}

# The rule of -u/-g for one id: RULE is '' (none), 'squash' or an id.
map_id() {
	if [ "$2" = squash ] || [ "$2" = "$1" ]; then
		echo 0
	else
		echo "$1"
	fi
}

# model_from_tree ROOT NAME [UIDRULE GIDRULE]: NAME as it is below ROOT.
# Regular files with several links are grouped by inode.
model_from_tree() {
	local name=$2 path=$1/$2 f mode type

	read -r -a f <<<"$(stat -c '%f %u %g %i %h %t %T' -- "$path")"
	mode=$((16#${f[0]}))
	case $((mode & 8#170000)) in
	$((8#100000)))	type='file' ;;
	$((8#040000)))	type=dir ;;
	$((8#120000)))	type=slink ;;
	$((8#010000)))	type=pipe ;;
	$((8#140000)))	type=sock ;;
	$((8#060000)))	type=nod-b ;;
	$((8#020000)))	type=nod-c ;;
	esac
	model_set "$name" "$type" "$(printf %o $((mode & 8#7777)))" \
		"$(map_id "${f[1]}" "${3:-}")" "$(map_id "${f[2]}" "${4:-}")"
	case $type in
	file)
		M_src[$name]=$path
		[ "${f[4]}" -eq 1 ] || M_grp[$name]=ino:${f[3]}
		;;
	slink)
		M_target[$name]=$(readlink -- "$path")
		;;
	nod-?)
		M_rdev[$name]="$((16#${f[5]})) $((16#${f[6]}))"
		;;
	esac
}

# model_tree ROOT [UIDRULE GIDRULE]: every path below ROOT, in byte order.
model_tree() {
	local name

	while IFS= read -r -d '' name; do
		model_from_tree "$1" "$name" "${2:-}" "${3:-}"
	done < <(cd "$1" && find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z)
}

# A spec line, written to LIST and applied to the model:
#	spec_line LIST TYPE NAME ARGS...   (the fields of the spec)
spec_line() {
	local list=$1 type=$2 name=${3#/}

	shift
	printf '%s\n' "$*" >>"$list"
	case $type in
	dir | pipe | sock)
		model_set "$name" "$type" "$3" "$4" "$5"
		;;
	nod)
		model_set "$name" "nod-$6" "$3" "$4" "$5"
		M_rdev[$name]="$7 $8"
		;;
	slink)
		model_set "$name" slink "$4" "$5" "$6"
		M_target[$name]=$3
		;;
	file)
		model_set "$name" file "$4" "$5" "$6"
		M_src[$name]=$3
		;;
	esac
}

model_escape() {
	local i=0 e

	while IFS= read -r e; do
		M_esc[${order[i]}]=$e
		i=$((i + 1))
	done < <(printf '%s\0' "${order[@]}" | esc_names)
}

# The newc_dump of the image the model describes, all mtimes MTIME:
# inode numbers from 721 by first appearance, a group of hard links one
# number with nlink = its names, its data on its last name only.
model_dump() {
	local -A ino=() count=() last=()
	local p g next=721 bits nlink size rdev

	model_escape
	for p in "${order[@]}"; do
		g=${M_grp[$p]}
		count[$g]=$((${count[$g]:-0} + 1))
		last[$g]=$p
	done
	for p in "${order[@]}"; do
		g=${M_grp[$p]}
		[ -n "${ino[$g]:-}" ] || ino[$g]=$((next++))
		size=0 nlink=1 rdev='0 0'
		case ${M_type[$p]} in
		file)
			bits=100000 nlink=${count[$g]}
			[ "${last[$g]}" != "$p" ] ||
				size=$(stat -c %s -- "${M_src[$p]}")
			;;
		dir)	bits=040000 nlink=2 ;;
		pipe)	bits=010000 nlink=2 ;;
		sock)	bits=140000 nlink=2 ;;
		slink)	bits=120000 size=$((${#M_target[$p]} + 1)) ;;
		nod-b)	bits=060000 rdev=${M_rdev[$p]} ;;
		nod-c)	bits=020000 rdev=${M_rdev[$p]} ;;
		esac
		printf '%d %o %d %d %d %d %d %s %s\n' "${ino[$g]}" \
			$((8#$bits | 8#${M_mode[$p]})) "${M_uid[$p]}" \
			"${M_gid[$p]}" "$nlink" "$MTIME" "$size" "$rdev" \
			"${M_esc[$p]}"
	done
	echo '0 0 0 0 1 0 0 0 0 TRAILER!!!'
}

# check_tree DIR LABEL [SKIP]: an extracted tree against the model, one
# point per aspect.  SKIP: words ASPECT@TYPE for what a client cannot do.
check_tree() {
	local dir=$1 label=$2 skip=" ${3:-} " p f t got want g
	local -A bad=() first=() count=()
	local aspect n

	model_escape
	for p in "${order[@]}"; do
		g=${M_grp[$p]}
		count[$g]=$((${count[$g]:-0} + 1))
	done
	for p in "${order[@]}"; do
		t=${M_type[$p]} n=${M_esc[$p]}
		if ! f=$(stat -c '%f %u %g %i %h %t %T %Y' -- "$dir/$p" 2>/dev/null)
		then
			bad[type]+="$n: missing"$'\n'
			continue
		fi
		read -r -a f <<<"$f"
		got=$(((16#${f[0]}) & 8#170000))
		case $t in
		file)	want=$((8#100000)) ;;
		dir)	want=$((8#040000)) ;;
		slink)	want=$((8#120000)) ;;
		pipe)	want=$((8#010000)) ;;
		sock)	want=$((8#140000)) ;;
		nod-b)	want=$((8#060000)) ;;
		nod-c)	want=$((8#020000)) ;;
		esac
		if [ "$got" != "$want" ]; then
			[[ $skip == *" type@$t "* ]] ||
				bad[type]+="$n: type $(printf %o "$got"), want $t"$'\n'
			continue
		fi
		got=$(printf %o $(((16#${f[0]}) & 8#7777)))
		[ "$t" = slink ] || [ "$got" = "${M_mode[$p]}" ] ||
			bad[mode]+="$n: mode $got, want ${M_mode[$p]}"$'\n'
		[ "${f[1]}:${f[2]}" = "${M_uid[$p]}:${M_gid[$p]}" ] ||
			bad[owner]+="$n: ${f[1]}:${f[2]}, want ${M_uid[$p]}:${M_gid[$p]}"$'\n'
		case $t in
		nod-?)
			got="$((16#${f[5]})) $((16#${f[6]}))"
			[ "$got" = "${M_rdev[$p]}" ] ||
				bad[rdev]+="$n: $got, want ${M_rdev[$p]}"$'\n'
			;;
		slink)
			[ "$(readlink -- "$dir/$p")" = "${M_target[$p]}" ] ||
				bad[target]+="$n: -> $(readlink -- "$dir/$p")"$'\n'
			;;
		file)
			cmp -s -- "${M_src[$p]}" "$dir/$p" ||
				bad[data]+="$n: bytes differ from ${M_src[$p]}"$'\n'
			[ "${f[7]}" = "$MTIME" ] ||
				bad[mtime]+="$n: mtime ${f[7]}"$'\n'
			g=${M_grp[$p]}
			[ -n "${first[$g]:-}" ] || first[$g]=${f[3]}
			[ "${first[$g]}" = "${f[3]}" ] && [ "${f[4]}" = "${count[$g]}" ] ||
				bad[links]+="$n: inode ${f[3]} links ${f[4]}, want inode ${first[$g]} links ${count[$g]}"$'\n'
			;;
		esac
	done
	got=$(find "$dir" -mindepth 1 -printf . | wc -c)
	[ "$got" -eq "${#order[@]}" ] ||
		bad[extra]="$got paths, want ${#order[@]}: $(cd "$dir" &&
			find . -mindepth 1 -print0 | LC_ALL=C sort -z | esc_names |
			tr '\n' ' ')"
	for aspect in type mode owner rdev target data mtime links extra; do
		if [ -z "${bad[$aspect]:-}" ]; then
			ok 0 "$label: $aspect"
		else
			ok 1 "$label: $aspect"
			diag "${bad[$aspect]%$'\n'}"
		fi
	done
}

# extract CLIENT ARCHIVE DIR: as root, so owners and nodes are restored;
# the client's complaints and a failure are one test point.
extract() {
	local out rc

	rm -rf "$3"
	mkdir "$3"
	case $1 in
	gnu)
		out=$(cd "$3" && cpio -idm --quiet --no-absolute-filenames \
			<"$2" 2>&1)
		;;
	bsdtar)
		out=$(bsdtar -xpf "$2" -C "$3" 2>&1)
		;;
	esac
	rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ]
	ok $? "$1 extracts $(basename "$2") with status 0, silently"
	[ -z "$out" ] || diag "$out"
}

# gen LABEL ARG...: run gen_init_cpio -t MTIME; one point for status 0
# and no diagnostics.
gen() {
	local label=$1 out rc

	shift
	out=$("$GEN" -t "$MTIME" "$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 0 ] && [ -z "$out" ]
	ok $? "$label: gen_init_cpio exits 0, silently"
	[ "$rc" -eq 0 ] || diag "exit status $rc"
	[ -z "$out" ] || diag "$out"
	return "$rc"
}

# --- A directory made by an ordinary user, and a list over it ----------

L255=$(printf 'n%.0s' $(seq 255))

# Run as nobody, in the (empty) fixture directory.  Modes are set
# explicitly so that no umask matters.
cat >"$T/mkfix.sh" <<'EOF'
set -e
cd "$1"
mkdir bin etc conf data other hl lnk odd sort sort/a deep deep/1 deep/1/2 tmp
printf '#!/bin/sh\necho fixture\n' >bin/sh
printf 'ash placeholder\n' >bin/ash
printf '#!/bin/sh\necho su\n' >bin/su
chmod 0755 bin/sh bin/ash
chmod 04755 bin/su
printf 'root:*:19000:0:99999:7:::\n' >etc/shadow
chmod 0640 etc/shadow
printf 'motd from the directory\n' >etc/motd
printf 'fixture\n' >etc/hostname
: >etc/empty
printf 'x\n' >conf/x
chmod 0600 conf/x
chmod 0750 conf
printf 'one file, three names\n' >data/orig
ln data/orig data/link1
ln data/orig other/link2
printf 'second group\n' >hl/x
ln hl/x hl/y
ln hl/x hl/z
ln -s ../etc/motd lnk/rel
ln -s /etc/hostname lnk/abs
ln -s nowhere/at/all lnk/dangling
mkfifo -m 0620 fifo
for name in 'with space' $'with\ttab' $'with\nnewline' 'back\slash' \
	    $'\xff\xfe' -dash "$2" ' lead' 'trail '; do
	printf '%s\n' "$name" >"odd/$name"
done
: >sort/a-b
: >sort/a.b
: >sort/a/x
: >sort/A
: >sort/b
printf 'deep\n' >deep/1/2/leaf
printf 'not nobody'"'"'s\n' >foreign
chmod 01777 tmp
# A socket, if some interpreter here can bind one.
if command -v perl >/dev/null &&
   perl -MSocket -e 'socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die;
	bind($s, pack_sockaddr_un($ARGV[0])) or die' sock 2>/dev/null; then
	:
elif command -v python3 >/dev/null; then
	python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sock 2>/dev/null || :
fi
EOF

chmod 0755 "$T"
mkdir "$T/fix" "$T/ov"
chown $NOBODY:$NOBODY "$T/fix"
as_nobody bash "$T/mkfix.sh" "$T/fix" "$L255"
ok $? "the fixture is made by nobody"
# One file of another user (root can give it away): -u/-g must not touch
# it.
chown 1234:4321 "$T/fix/foreign"
[ -S "$T/fix/sock" ] ||
	diag "neither perl nor python3 could make a socket: no socket in the fixture"

printf 'motd from the overlay\n' >"$T/ov/motd"
printf 'a new z\n' >"$T/ov/z"
printf 'added\n' >"$T/ov/added"

model_reset
model_tree "$T/fix" $NOBODY $NOBODY
fixture_names=("${order[@]}")

# The overlay: new paths, and paths of the directory redefined (mode and
# owner only, the content, the type).  /hl/z is the last name of a group
# of three links, the one that carried the data.
OV=$T/overlay.list
: >"$OV"
spec_line "$OV" dir /dev 0755 0 0
# Device nodes only as real root: the kernel creates none for root of a
# user namespace (see need_root), and the clients extract the image.
if real_root; then
	spec_line "$OV" nod /dev/console 0600 0 0 c 5 1
	console='dev/console\n'
else
	skip_unprivileged "device nodes in a list over a directory, extracted by GNU cpio and bsdtar"
	console=
fi
spec_line "$OV" file /etc/shadow "$T/fix/etc/shadow" 0600 0 0
spec_line "$OV" file /etc/motd "$T/ov/motd" 0644 1000 1000
spec_line "$OV" dir /conf 0711 0 0
spec_line "$OV" slink /bin/ash sh 0777 0 0
spec_line "$OV" file /hl/z "$T/ov/z" 0640 0 0
spec_line "$OV" pipe /fifo 0600 1 2
spec_line "$OV" file /etc/added "$T/ov/added" 0600 0 0
model_dump >"$T/want.dump"

if gen "dir+list" -u $NOBODY -g $NOBODY -o "$T/ov.cpio" "$T/fix" "$OV"; then
	newc_dump "$T/ov.cpio" >"$T/got.dump"
	cut -d' ' -f10- "$T/got.dump" >"$T/got.names"

	# The directory's paths in byte order (find | LC_ALL=C sort), then
	# the overlay's new ones in the list's order.
	{
		printf '%s\0' "${fixture_names[@]}" | esc_names
		printf "dev\\n${console}etc/added\\nTRAILER!!!\\n"
	} >"$T/want.names"
	same_text "$T/got.names" "$T/want.names" \
		"dir+list: names in byte order, the list's new ones after"

	bad=$(awk '$10 != "TRAILER!!!" && seen[$10]++' "$T/got.dump")
	is "$bad" "" "dir+list: each path once"
	bad=$(awk '{ p = $10; sub(/\/[^\/]*$/, "", p) }
		p != $10 && !(p in seen) { print $10 } { seen[$10] = 1 }' \
		"$T/got.dump")
	is "$bad" "" "dir+list: every parent before its children"
	bad=$(awk '$10 != "TRAILER!!!" && !($1 in seen) {
			if ($1 != 721 + n) print $10 ": ino " $1 ", want " 721 + n
			n++; seen[$1] = 1 }' "$T/got.dump")
	is "$bad" "" "dir+list: inode numbers 721, 722, ... without gaps"
	# name nlink filesize of each name of a group, then how many inodes.
	# shellcheck disable=SC2016 # an awk program
	links='{ print $10, $5, $7; if (!($1 in ino)) n++; ino[$1] }
		END { print n " inode(s)" }'
	is "$(awk '$10 ~ /^(data\/(orig|link1)|other\/link2)$/' "$T/got.dump" |
		awk "$links")" \
		"$(printf '%s\n' "data/link1 3 0" "data/orig 3 0" \
			"other/link2 3 22" "1 inode(s)")" \
		"dir+list: three links, one inode, the data on the last only"
	is "$(awk '$10 ~ /^hl\//' "$T/got.dump" | awk "$links")" \
		"$(printf '%s\n' "hl/x 2 0" "hl/y 2 13" "hl/z 1 8" "2 inode(s)")" \
		"dir+list: the list replaced the data-carrying link: hl/y has it"
	is "$(awk '$4 != 0 || $3 != 0 { print $10, $3, $4 }' "$T/got.dump")" \
		"$(printf '%s\n' "etc/motd 1000 1000" "fifo 1 2" \
			"foreign 1234 4321")" \
		"dir+list: owners 0 but the list's and the other user's"
	# Line numbers (the place) and modes of three redefined paths.
	is "$(grep -n -e ' etc/shadow$' -e ' bin/ash$' -e ' conf$' \
		"$T/got.dump" | awk -F'[: ]' '{ print $1, $3 }')" \
		"$(grep -n -e '^etc/shadow$' -e '^bin/ash$' -e '^conf$' \
		"$T/want.names" | cut -d: -f1 |
		paste -d' ' - <(printf '%s\n' 120777 40711 100600))" \
		"dir+list: redefined paths keep their place, with the list's type and mode"
	grep -q ' odd/with\\012newline$' "$T/got.dump" &&
	grep -q ' odd/\\377\\376$' "$T/got.dump" &&
	grep -q " odd/$L255\$" "$T/got.dump" &&
	grep -q ' odd/back\\\\slash$' "$T/got.dump"
	ok $? "dir+list: odd names byte for byte (newline, 0xff 0xfe, 255 bytes, backslash)"
	same_text "$T/got.dump" "$T/want.dump" \
		"dir+list: every header as the directory and the list say"

	for client in gnu bsdtar; do
		extract $client "$T/ov.cpio" "$T/x-ov-$client"
	done
	check_tree "$T/x-ov-gnu" "dir+list/gnu"
	# libarchive cannot make sockets: an empty regular file instead.
	check_tree "$T/x-ov-bsdtar" "dir+list/bsdtar" "type@sock"
fi

# --- -u and -g ----------------------------------------------------------

# Two trees of the same shape, one directory each, built by root and
# given away.
for d in one two; do
	mkdir -p "$T/own-$d/$d"
	for f in mine theirs rootf mixed; do
		echo "$f" >"$T/own-$d/$d/$f"
	done
	chown $NOBODY:$NOBODY "$T/own-$d/$d" "$T/own-$d/$d/mine"
	chown 1234:4321 "$T/own-$d/$d/theirs"
	chown $NOBODY:4321 "$T/own-$d/$d/mixed"
done

# owners ARG...: "name uid:gid" of each entry of the image of ARGS.
owners() {
	"$GEN" -t 0 "$@" >"$T/owners.cpio" 2>"$T/owners.err" ||
		cat "$T/owners.err" >&2
	newc_dump "$T/owners.cpio" | awk '$10 != "TRAILER!!!" {
		print $10, $3 ":" $4 }'
}

# expect_owners "D1 D2 ..." for the five entries of one/ then two/.
owner_lines() {
	local d i=0 f
	local -a want

	read -r -d '' -a want <<<"$2"
	for d in $1; do
		for f in '' /mine /mixed /rootf /theirs; do
			echo "$d$f ${want[i]}"
			i=$((i + 1))
		done
	done
}

is "$(owners "$T/own-one" -u $NOBODY -g $NOBODY "$T/own-two")" \
	"$(owner_lines "one two" "65534:65534 65534:65534 65534:4321 0:0
		1234:4321 0:0 0:0 0:4321 0:0 1234:4321")" \
	"-u/-g apply to the directory after them, not the one before"
is "$(owners -u $NOBODY "$T/own-one" -u 1234 "$T/own-two")" \
	"$(owner_lines "one two" "0:65534 0:65534 0:4321 0:0 1234:4321
		65534:65534 65534:65534 65534:4321 0:0 0:4321")" \
	"-u holds until the next -u; -g is unset all along"
is "$(owners -u squash -g squash "$T/own-one")" \
	"$(owner_lines one "0:0 0:0 0:0 0:0 0:0")" \
	"-u squash -g squash: every owner 0"
is "$(owners -u squash "$T/own-one")" \
	"$(owner_lines one "0:65534 0:65534 0:4321 0:0 0:4321")" \
	"-u squash alone leaves the groups"
is "$(owners -u -1 -g -1 "$T/own-one")" \
	"$(owner_lines one "65534:65534 65534:65534 65534:4321 0:0 1234:4321")" \
	"-u -1 -g -1 as root: root's own ids, nothing changes"
cp "$GEN" "$T/gen_init_cpio"
chmod 0755 "$T/gen_init_cpio"
as_nobody "$T/gen_init_cpio" -t 0 -u -1 -g -1 "$T/own-one" >"$T/owners.cpio"
is "$(newc_dump "$T/owners.cpio" | awk '$10 != "TRAILER!!!" {
		print $10, $3 ":" $4 }')" \
	"$(owner_lines one "0:0 0:0 0:4321 0:0 1234:4321")" \
	"-u -1 -g -1 as nobody: nobody's files become root's"
printf 'dir /list 0755 %s %s\n' $NOBODY $NOBODY >"$T/own.list"
(cd "$T/own-one" && find one | LC_ALL=C sort | cpio -o -H newc --quiet) \
	>"$T/own.cpio"
is "$(owners -u squash -g squash "$T/own.list" "$T/own.cpio")" \
	"$(echo "list 65534:65534"; owner_lines one "65534:65534
		65534:65534 65534:4321 0:0 1234:4321")" \
	"-u/-g leave spec lists and archives alone"

# --- Files the walk does not stat ----------------------------------------
#
# To standard output the walk stat()s every path before the first header.
# With -o (a temporary file, thrown away on failure) it takes regular
# files from readdir's type and inode number and leaves the rest to the
# writer, which fstat()s each file as it opens it; names that share an
# inode number are stat()ed all the same, to group hard links as stat()
# does.  Either way the same bytes, whatever -u and -g say.

case $(stat -f -c %t "$T") in
ef53 | 58465342 | 9123683e | 1021994 | f2f52010) ;;
*)	diag "$T is not on ext4, xfs, btrfs, tmpfs or f2fs: the walk stat()s every file there" ;;
esac

# same_both LABEL ARG...: the image of ARGs to stdout and with -o (the
# files' own mtimes, unless ARGs or SOURCE_DATE_EPOCH say otherwise).
same_both() {
	local label=$1

	shift
	"$GEN" "$@" >"$T/both-stdout.cpio" &&
	"$GEN" -o "$T/both-o.cpio" "$@"
	ok $? "$label: built both ways"
	cmp -s "$T/both-stdout.cpio" "$T/both-o.cpio"
	ok $? "$label: the same bytes to stdout and with -o"
}

same_both "fixture" "$T/fix"
same_both "fixture -u/-g nobody" -u $NOBODY -g $NOBODY "$T/fix"
same_both "two trees -u/-g" "$T/own-one" -u $NOBODY -g $NOBODY "$T/own-two"
same_both "-u squash" -u squash "$T/own-one"
same_both "-g squash, -t" -g squash -t 1600000000 "$T/fix"

# Own mtimes, clamped by SOURCE_DATE_EPOCH: the writer decides a file's
# mtime once it has fstat()ed it, as the checks do for the rest.
mkdir -p "$T/mt/d"
printf 'old\n' >"$T/mt/d/old"
printf 'new\n' >"$T/mt/d/new"
touch -d @1500000000 "$T/mt/d/old"
touch -d @1700000000 "$T/mt/d/new"
touch -d @1400000000 "$T/mt/d"
SOURCE_DATE_EPOCH=1600000000 same_both "SOURCE_DATE_EPOCH" "$T/mt"
is "$(newc_dump "$T/both-o.cpio" | awk '{ print $10, $6 }')" \
	"$(printf '%s\n' "d 1400000000" "d/new 1600000000" "d/old 1500000000" \
		"TRAILER!!! 0")" \
	"SOURCE_DATE_EPOCH: own mtimes, the later one clamped"

# Too big for newc: the same message from the walk (to stdout) and from
# the writer (with -o), at the file's path; no image either way.
mkdir -p "$T/huge"
truncate -s 4G "$T/huge/big"
"$GEN" -t 0 "$T/huge" >"$T/huge-stdout.cpio" 2>"$T/huge-stdout.err"
is "$?:$(cat "$T/huge-stdout.err")" \
	"1:$T/huge/big: error: 4294967296 bytes: newc cannot hold files of 4 GiB or more" \
	"4 GiB file in a directory, to stdout: exit 1, said at its path"
"$GEN" -t 0 -o "$T/huge.cpio" "$T/huge" 2>"$T/huge-o.err"
is "$?:$(cat "$T/huge-o.err")" \
	"1:$T/huge/big: error: 4294967296 bytes: newc cannot hold files of 4 GiB or more" \
	"4 GiB file in a directory, with -o: exit 1, said at its path"
[ ! -e "$T/huge.cpio" ] && [ -z "$(find "$T" -maxdepth 1 -name '.huge.cpio*')" ]
ok $? "4 GiB file in a directory, with -o: no image, no temporary file"

# A file mounted over another (as containers do with /etc/resolv.conf):
# readdir gives the covered file's inode, stat() and open() the mounted
# one; over one of two hard links, the other is no longer its link.
mkdir -p "$T/bind/a" "$T/bind/b"
printf 'covered\n' >"$T/bind/a/conf"
printf 'linked\n' >"$T/bind/a/one"
ln "$T/bind/a/one" "$T/bind/b/two"
printf 'mounted over it\n' >"$T/bind-src"
if mount --bind "$T/bind-src" "$T/bind/a/conf" 2>/dev/null &&
   mount --bind "$T/bind-src" "$T/bind/b/two" 2>/dev/null; then
	same_both "files mounted over files" "$T/bind"
	is "$(newc_dump "$T/both-o.cpio" | awk '$10 != "TRAILER!!!" {
			print $10, $5, $7 }')" \
		"$(printf '%s\n' "a 2 0" "a/conf 1 16" "a/one 1 7" "b 2 0" \
			"b/two 1 16")" \
		"files mounted over files: their contents, no link left"
	umount "$T/bind/b/two"
	umount "$T/bind/a/conf"
else
	umount "$T/bind/a/conf" 2>/dev/null
	if [ "${CI:-}" = true ]; then
		ok 1 "bind-mount a file (under CI a skip is a failure)"
	else
		diag "cannot bind-mount a file here: files mounted over files not tested"
	fi
fi

# --- Existing archives as sources --------------------------------------

# A tree with a group of three hard links across directories, a device
# node (as real root) and a FIFO, archived by GNU cpio.
mkdir -p "$T/arc/bin" "$T/arc/lib" "$T/arc/etc" "$T/arc/dev"
printf 'the tool\n' >"$T/arc/bin/tool"
ln "$T/arc/bin/tool" "$T/arc/bin/tool2"
ln "$T/arc/bin/tool" "$T/arc/lib/tool3"
printf 'setting=1\n' >"$T/arc/etc/conf"
: >"$T/arc/etc/empty"
ln -s conf "$T/arc/etc/link"
if real_root; then
	mknod -m 0620 "$T/arc/dev/ttyS3" c 4 67
else
	skip_unprivileged "a device node in a tree archived by GNU cpio, merged and extracted"
fi
mkfifo -m 0600 "$T/arc/dev/fifo"
chown 1000:1001 "$T/arc/etc/conf"
(cd "$T/arc" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --quiet) >"$T/a.cpio"
ok $? "GNU cpio archives the tree"
printf 'conf from the list\n' >"$T/ov/conf"

# The model: the archive's order (GNU cpio moves hard links together),
# the tree's attributes, then the list.
model_reset
while read -r name; do
	model_from_tree "$T/arc" "$name"
done < <(newc_dump "$T/a.cpio" | awk '$10 != "TRAILER!!!" { print $10 }')
AL=$T/arc.list
: >"$AL"
spec_line "$AL" file /etc/conf "$T/ov/conf" 0600 0 0
spec_line "$AL" dir /bin 0700 0 0
spec_line "$AL" dir /new 0750 0 0
model_dump >"$T/want-a.dump"

# check_archive_source LABEL ARCHIVE: merged with the list, the image is
# the model, and GNU cpio extracts what the model says.
check_archive_source() {
	if gen "$1" -o "$T/out-$1.cpio" "$2" "$AL"; then
		newc_dump "$T/out-$1.cpio" >"$T/got-$1.dump"
		same_text "$T/got-$1.dump" "$T/want-a.dump" \
			"$1: renumbered, links kept, the list's definitions in place"
		extract gnu "$T/out-$1.cpio" "$T/x-$1"
		check_tree "$T/x-$1" "$1/gnu"
	fi
}

check_archive_source cpio "$T/a.cpio"

# Every compression the kernel knows, by the program's usual name; gzip
# always (it is what initramfs images mostly are).
declare -A compress=(
	[gzip]='gzip -9n -c'
	[xz]='xz -c --check=crc32'
	[lzma]='xz -c --format=lzma'
	[zstd]='zstd -q -c'
	[bzip2]='bzip2 -c'
	[lz4]='lz4 -l -q -c'
	[lzop]='lzop -c'
)
for c in gzip xz lzma zstd bzip2 lz4 lzop; do
	tool=${compress[$c]%% *}
	if ! command -v "$tool" >/dev/null; then
		if [ "$c" = gzip ] || [ "${CI:-}" = true ]; then
			ok 1 "$c: $tool is installed"
		else
			diag "$tool not installed: no $c archive source tested"
		fi
		continue
	fi
	${compress[$c]} <"$T/a.cpio" >"$T/a.cpio.$c"
	check_archive_source "$c" "$T/a.cpio.$c"
done

# Three members in one file, each ending with its trailer and padding:
# GNU cpio's, then two whose inode numbers collide (--renumber-inodes
# starts both at the same number), each with a pair of hard links that
# must stay two separate pairs.
for d in m2 m3; do
	mkdir -p "$T/$d/$d"
	printf '%s pair\n' "$d" >"$T/$d/$d/a"
	ln "$T/$d/$d/a" "$T/$d/$d/b"
	printf '%s single\n' "$d" >"$T/$d/$d/c"
	(cd "$T/$d" && find "$d" | LC_ALL=C sort |
		cpio -o -H newc --quiet --renumber-inodes --ignore-devno) \
		>"$T/$d.cpio"
done
is "$(newc_dump "$T/m2.cpio" | awk '$10 == "m2/a" { print $1 }')" \
	"$(newc_dump "$T/m3.cpio" | awk '$10 == "m3/a" { print $1 }')" \
	"concatenation: the members' link groups share an inode number"
cat "$T/a.cpio" "$T/m2.cpio" "$T/m3.cpio" >"$T/abc.cpio"
model_reset
while read -r name; do
	model_from_tree "$T/arc" "$name"
done < <(newc_dump "$T/a.cpio" | awk '$10 != "TRAILER!!!" { print $10 }')
for d in m2 m3; do
	while read -r name; do
		model_from_tree "$T/$d" "$name"
	done < <(newc_dump "$T/$d.cpio" | awk '$10 != "TRAILER!!!" { print $10 }')
done
model_dump >"$T/want-abc.dump"
if gen concatenation -o "$T/out-abc.cpio" "$T/abc.cpio"; then
	newc_dump "$T/out-abc.cpio" >"$T/got-abc.dump"
	same_text "$T/got-abc.dump" "$T/want-abc.dump" \
		"concatenation: all three members, each member's links apart"
fi

# --- Errors -------------------------------------------------------------
#
# Each must exit 1, say where and what, and leave nothing in the output
# directory (not the image, not a temporary file).

mkdir "$T/eo"
chown $NOBODY:$NOBODY "$T/eo"

# expect_error LABEL MESSAGE CMD...: CMD writes to $T/eo/err.cpio.
expect_error() {
	local label=$1 want=$2 rc

	shift 2
	"$@" >/dev/null 2>"$T/err.txt"
	rc=$?
	is "$rc" 1 "$label: exit status 1"
	grep -Fxq -- "$want" "$T/err.txt"
	ok $? "$label: says where and what"
	grep -Fxq -- "$want" "$T/err.txt" ||
		diag "want: $want" "got:" "$(cat "$T/err.txt")"
	is "$(ls -A "$T/eo")" "" "$label: no output file"
	rm -rf "${T:?}/eo/"* "$T/eo/".[!.]*
}

# A file nobody can read, in a tree of nobody's, archived by nobody: the
# path named is the file's, whole, in the spec's escapes; nothing is
# written, so an ordinary user learns it before any byte goes out.
mkdir -p "$T/unr/sub" "$T/unr2/locked" "$T/unr3/nox" "$T/unr4"
echo secret >"$T/unr/sub/secret"
echo fine >"$T/unr/sub/fine"
echo inner >"$T/unr3/nox/inner"
echo odd >"$T/unr4/a b"$'\t'
chmod 0000 "$T/unr/sub/secret" "$T/unr2/locked" "$T/unr4/a b"$'\t'
chmod 0444 "$T/unr3/nox"
chown -R $NOBODY:$NOBODY "$T/unr" "$T/unr2" "$T/unr3" "$T/unr4"
expect_error "unreadable file" \
	"$T/unr/sub/secret: error: cannot read: Permission denied" \
	as_nobody "$T/gen_init_cpio" -o "$T/eo/err.cpio" "$T/unr"
expect_error "unreadable file with an odd name" \
	"$T/unr4/a\\040b\\011: error: cannot read: Permission denied" \
	as_nobody "$T/gen_init_cpio" -o "$T/eo/err.cpio" "$T/unr4"
expect_error "unreadable directory" \
	"$T/unr2/locked: error: cannot read directory: Permission denied" \
	as_nobody "$T/gen_init_cpio" -o "$T/eo/err.cpio" "$T/unr2"
# Readable but not searchable: its names can be listed, not stat'ed
# or opened.  (With -o, the writer opens the files the walk saw only by
# name and type, and says it cannot read them.)
expect_error "unsearchable directory" \
	"$T/unr3/nox/inner: error: cannot read: Permission denied" \
	as_nobody "$T/gen_init_cpio" -o "$T/eo/err.cpio" "$T/unr3"

# An empty directory adds nothing; the image is just a trailer.
mkdir "$T/empty"
if gen "empty directory" -o "$T/empty.cpio" "$T/empty"; then
	is "$(newc_dump "$T/empty.cpio")" '0 0 0 0 1 0 0 0 0 TRAILER!!!' \
		"empty directory: the image holds only the trailer"
fi

# Broken archives.  The offsets come from the layout of a.cpio as read by
# tests/newc.sh: "offset ino mode ... filesize(8th) ... namesize(11th)".
newc_entries "$T/a.cpio" >"$T/a.layout"
A_SIZE=$(stat -c %s "$T/a.cpio")
# etc/conf: 11 bytes of data.
read -r c_off c_size c_nsize < <(awk '$13 == "etc/conf" { print $1, $8, $11 }' \
	"$T/a.layout")
c_data=$((c_off + 110 + c_nsize))
c_data=$((c_data + (4 - c_data % 4) % 4))
t_off=$(awk '$13 == "TRAILER!!!" { print $1 }' "$T/a.layout")
second=$(awk 'NR == 2 { print $1 }' "$T/a.layout")

head -c $((c_data + 3)) "$T/a.cpio" >"$T/cut-data.cpio"
expect_error "archive cut in a file's data" \
	"$T/cut-data.cpio: member 1: offset $c_off: error: truncated: $c_size bytes of data run past the end ($((c_data + 3)) bytes)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/cut-data.cpio"
head -c $((second + 50)) "$T/a.cpio" >"$T/cut-hdr.cpio"
expect_error "archive cut in a header" \
	"$T/cut-hdr.cpio: member 1: offset $second: error: truncated: a header needs 110 bytes, 50 left" \
	"$GEN" -o "$T/eo/err.cpio" "$T/cut-hdr.cpio"
head -c "$t_off" "$T/a.cpio" >"$T/no-trailer.cpio"
expect_error "archive without its trailer" \
	"$T/no-trailer.cpio: member 1: offset $t_off: error: truncated: the member ends without its TRAILER!!! entry" \
	"$GEN" -o "$T/eo/err.cpio" "$T/no-trailer.cpio"
{ cat "$T/a.cpio"; printf 'garbage\n'; } >"$T/garbage.cpio"
expect_error "garbage after the trailer" \
	"$T/garbage.cpio: offset $A_SIZE: error: neither a cpio member (at a multiple of 4) nor compressed data the kernel knows (bytes 67 61 72 62)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/garbage.cpio"

# patch FILE OFFSET BYTES: overwrite in place.
patch() {
	printf '%s' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
cp "$T/a.cpio" "$T/badhex.cpio"
patch "$T/badhex.cpio" $((c_off + 14 + 3)) G
expect_error "a bad hex digit" \
	"$T/badhex.cpio: member 1: offset $c_off: error: not a newc/crc header (bad c_mode)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/badhex.cpio"
cp "$T/a.cpio" "$T/name0.cpio"
patch "$T/name0.cpio" $((second + 94)) 00000000
expect_error "name size 0" \
	"$T/name0.cpio: member 1: offset $second: error: name size 0 is not within 1..4096" \
	"$GEN" -o "$T/eo/err.cpio" "$T/name0.cpio"

# An archive from elsewhere must not climb out of the image.
mkdir "$T/climb"
echo x >"$T/climb.x"
(cd "$T/climb" && echo ../climb.x | cpio -o -H newc --quiet) >"$T/climb.cpio"
expect_error "'..' in an archive" \
	"$T/climb.cpio: offset 0: error: name '../climb.x' has a '..' component" \
	"$GEN" -o "$T/eo/err.cpio" "$T/climb.cpio"

# The reader is the one --list and --verify use (usr/image/imgread.c): what
# the kernel takes but a source must not be (no trailer, leading zeros in
# the decompressed data, a compressed member after a stored one) is
# refused by the source's visitor (usr/cpioread.c).
(cd "$T/arc" && find . -mindepth 1 | cpio -o -H odc --quiet) >"$T/odc.cpio"
expect_error "an odc archive" \
	"$T/odc.cpio: member 1: offset 0: error: an old binary-portable (odc) header: the kernel reads only newc/crc (cpio -H newc)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/odc.cpio"
gzip -c "$T/no-trailer.cpio" >"$T/no-trailer.cpio.gz"
expect_error "compressed archive without its trailer" \
	"$T/no-trailer.cpio.gz: member 1: offset $t_off: error: truncated: the member ends without its TRAILER!!! entry" \
	"$GEN" -o "$T/eo/err.cpio" "$T/no-trailer.cpio.gz"
{ cat "$T/a.cpio"; gzip -c "$T/a.cpio"; } >"$T/mixed.cpio"
expect_error "a compressed member after a stored one" \
	"$T/mixed.cpio: offset $A_SIZE: error: data after the trailer is not another cpio member (a compressed member after an uncompressed one is not supported as a source)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/mixed.cpio"
{ head -c 512 /dev/zero; cat "$T/a.cpio"; } | gzip -c >"$T/zeros.cpio.gz"
expect_error "zeros before the first header" \
	"$T/zeros.cpio.gz: offset 0: error: not a newc/crc header (bad magic)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/zeros.cpio.gz"
gzip -c </dev/null >"$T/nothing.cpio.gz"
expect_error "nothing compressed" \
	"$T/nothing.cpio.gz: offset 0: error: truncated: no room for a header" \
	"$GEN" -o "$T/eo/err.cpio" "$T/nothing.cpio.gz"
{ cat "$T/a.cpio"; head -c 2 /dev/zero; cat "$T/a.cpio"; } >"$T/odd.cpio"
expect_error "a member at an offset not a multiple of 4" \
	"$T/odd.cpio: member 2: offset $((A_SIZE + 2)): error: a member starts at an offset that is not a multiple of 4: the kernel does not find it" \
	"$GEN" -o "$T/eo/err.cpio" "$T/odd.cpio"

# A gzip stream with its middle overwritten: gzip fails, and says so too.
cp "$T/a.cpio.gzip" "$T/bad.cpio.gz"
patch "$T/bad.cpio.gz" 40 XXXXXXXXXXXXXXXXXXXXXXXX
expect_error "corrupt gzip" \
	"$T/bad.cpio.gz: error: 'gzip' failed to decompress it (exit status 1)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/bad.cpio.gz"
expect_error "no decompressor" \
	"$T/a.cpio.gzip: error: cannot run 'gzip' to undo its gzip compression: No such file or directory" \
	env PATH=/nonexistent "$GEN" -o "$T/eo/err.cpio" "$T/a.cpio.gzip"

printf 'dir /x 0755 0 0\ndir /y 0755 0 0\ndir x/ 0700 0 0\n' >"$T/dup.list"
expect_error "a path twice in one list" \
	"$T/dup.list:3: error: 'x/' is already defined at $T/dup.list:1" \
	"$GEN" -o "$T/eo/err.cpio" "$T/dup.list"
printf 'dir /x 0755 0 0\ndir /y 0755 0 0\n' >"$T/dup1.list"
printf 'dir /x 0700 1 2\n' >"$T/dup2.list"
"$GEN" -t 0 -o "$T/dup.cpio" "$T/dup1.list" "$T/dup2.list"
ok $? "a path in two lists: no error"
is "$(newc_dump "$T/dup.cpio" | awk '{ print $10, $2, $3, $4 }')" \
	"$(printf '%s\n' 'x 40700 1 2' 'y 40755 0 0' 'TRAILER!!! 0 0 0')" \
	"a path in two lists: the later wins, in the earlier's place"

# Option errors: exit status 2, and the usage hint.
for arg in "-u abc" "-g -2" "-u 4294967296" "-g ''"; do
	eval "set -- $arg"
	"$GEN" "$@" -o "$T/eo/err.cpio" "$T/dup2.list" >/dev/null 2>"$T/err.txt"
	is "$?" 2 "$arg: exit status 2"
	what=uid
	[ "$1" = -g ] && what=gid
	want="gen_init_cpio: error: $what '$2' is not a number, -1 or 'squash'"
	grep -Fxq -- "$want" "$T/err.txt"
	ok $? "$arg: says so"
	grep -Fxq -- "$want" "$T/err.txt" || diag "got: $(cat "$T/err.txt")"
done
is "$(ls -A "$T/eo")" "" "option errors: no output file"

# --- Escapes in spec fields --------------------------------------------

mkdir "$T/esc"
printf 'content with a blank in its path\n' >"$T/esc/src file"
cat >"$T/esc.list" <<EOF
dir /a\\040b 0755 0 0
file /a\\040b/t\\011ab $T/esc/src\\040file 0644 0 0 /a\\040b/new\\012line
slink /a\\040b/bs\\\\x tar\\377get\\040x 0777 0 0
dir /\\377\\376 0700 0 0
EOF
if gen escapes -o "$T/esc.cpio" "$T/esc.list"; then
	is "$(newc_dump "$T/esc.cpio" | awk '{ print $1, $5, $7, $10 }')" \
		"$(printf '%s\n' '721 2 0 a\040b' '722 2 0 a\040b/t\011ab' \
			'722 2 33 a\040b/new\012line' '723 1 10 a\040b/bs\\x' \
			'724 2 0 \377\376' '0 1 0 TRAILER!!!')" \
		"escapes: \\040 \\011 \\012 \\\\ \\377 give those bytes in names"
	extract gnu "$T/esc.cpio" "$T/x-esc"
	cmp -s "$T/esc/src file" "$T/x-esc/a b/"$'t\tab'
	ok $? "escapes: \\040 in a location opens the file with a blank"
	is "$(readlink "$T/x-esc/a b/bs\\x" | od -An -c | tr -s ' ')" \
		"$(printf 'tar\377get x\n' | od -An -c | tr -s ' ')" \
		"escapes: \\377 and \\040 in a target"
	is "$(stat -c %i "$T/x-esc/a b/"$'new\nline')" \
		"$(stat -c %i "$T/x-esc/a b/"$'t\tab')" \
		"escapes: \\012 in a hard link's name"
fi

# bad_escape LABEL FIELD-TEXT MESSAGE-END: in a name.
bad_escape() {
	printf 'dir /ok 0755 0 0\ndir /a%s 0755 0 0\n' "$2" >"$T/badesc.list"
	expect_error "escape $1" "$T/badesc.list:2: error: name '/a$2': $3" \
		"$GEN" -o "$T/eo/err.cpio" "$T/badesc.list"
}
bad_escape '\q' '\q' "unknown escape '\\q' (use \\\\ or \\NNN in octal)"
bad_escape '\09' '\09' "unknown escape '\\0' (use \\\\ or \\NNN in octal)"
bad_escape '\000' '\000' "'\\000' (a NUL byte) cannot be part of it"
printf 'slink /l t\\q 0777 0 0\n' >"$T/badesc.list"
expect_error "escape \\q in a target" \
	"$T/badesc.list:1: error: target 't\\q': unknown escape '\\q' (use \\\\ or \\NNN in octal)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/badesc.list"
printf 'file /f %s/esc/src\\40file 0644 0 0\n' "$T" >"$T/badesc.list"
expect_error "escape of two digits in a location" \
	"$T/badesc.list:1: error: location '$T/esc/src\\40file': unknown escape '\\4' (use \\\\ or \\NNN in octal)" \
	"$GEN" -o "$T/eo/err.cpio" "$T/badesc.list"

done_testing
