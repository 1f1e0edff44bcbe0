# SPDX-License-Identifier: GPL-2.0
#
# tests/compare.sh: compare an extracted tree with the spec it came from.
# Sourced by tests after lib.sh (it uses ok and diag).
#
#   compare_tree_with_spec DIR SPEC [SKIP] [MTIME]
#
# reads SPEC itself (the same grammar as gen_init_cpio: comments, blank
# lines, fields split on spaces and tabs, ${VAR} in a file location, the
# leading '/' of names dropped) and checks every entry below DIR with
# lstat.  It emits one TAP point per aspect, each naming every path and
# attribute that differs:
#
#   type    the path exists and has the spec's file type
#   mode    permission bits, setuid/setgid/sticky included (not for
#           symlinks: Linux gives every symlink 0777)
#   owner   uid and gid
#   rdev    major and minor of device nodes
#   target  symlink targets
#   data    file bytes equal the location's (cmp), on every name
#   links   all names of a file line share one inode, with link count N
#   mtime   every entry's mtime is MTIME (only when MTIME is given)
#   extra   nothing exists below DIR that the spec does not name
#
# SKIP lists what the client is known not to restore, as words:
#   ASPECT        skip that aspect for every entry      (e.g. "mtime")
#   ASPECT@TYPE   skip it for entries of one spec type  (e.g. "mtime@slink")
#   @TYPE         ignore entries of that type entirely, present or not
# TYPE is a spec keyword: file dir nod slink pipe sock.
#
# The file locations are resolved from the current directory, as
# gen_init_cpio resolves them; run it and the comparison from the same
# place.  The label in the TAP output is DIR relative to $T, or
# $CMP_LABEL when set.

# The type bits of st_mode a spec entry must produce.
_cmp_type_bits() {
	case $1 in
	file)	echo $((8#100000)) ;;
	dir)	echo $((8#040000)) ;;
	slink)	echo $((8#120000)) ;;
	pipe)	echo $((8#010000)) ;;
	sock)	echo $((8#140000)) ;;
	nod-b)	echo $((8#060000)) ;;
	nod-c)	echo $((8#020000)) ;;
	esac
}

# Is aspect $1 skipped for spec type $2?  Uses the caller's $skip.
_cmp_skipped() {
	local w

	for w in $skip; do
		case $w in
		"$1" | "$1@$2" | "@$2")
			return 0 ;;
		esac
	done
	return 1
}

# ${VAR} in a location, expanded the way gen_init_cpio does: from the
# environment, an unset variable giving the empty string.
_cmp_expand() {
	local s=$1 out='' var

	while [[ $s == *"\${"*"}"* ]]; do
		out+=${s%%"\${"*}
		s=${s#*"\${"}
		var=${s%%'}'*}
		s=${s#*'}'}
		out+=$(printenv -- "$var")
	done
	printf '%s' "$out$s"
}

# Record one difference: "_cmp_bad ASPECT MESSAGE...", the words of the
# message joined by spaces.
_cmp_bad() {
	local aspect=$1

	shift
	_cmp_diff[$aspect]+="$*"$'\n'
}

# Check the attributes of one name.  Arguments: name, spec type (nod-b
# and nod-c for nodes), mode, uid, gid, then the type's own value: the
# location for a file, the target for a slink, "MAJ MIN" for a node.
_cmp_entry() {
	local name=$1 type=$2 mode=$3 uid=$4 gid=$5 val=$6
	local kind=${type%-?} path=$dir/$1 st f got want samekind=''

	if ! st=$(stat -c '%f %u %g %t %T %Y' -- "$path" 2>/dev/null); then
		_cmp_skipped type "$kind" ||
			_cmp_bad type "$name: missing"
		return
	fi
	# shellcheck disable=SC2206
	f=($st)
	f[0]=$((16#${f[0]}))

	want=$(_cmp_type_bits "$type")
	if [ $((f[0] & 8#170000)) -eq "$want" ]; then
		samekind=1
	elif ! _cmp_skipped type "$kind"; then
		_cmp_bad type "$name: is a $(stat -c %F -- "$path"), want $type"
	fi
	got=$(printf %04o $((f[0] & 8#7777)))
	want=$(printf %04o $((8#$mode)))
	if [ "$kind" != slink ] && ! _cmp_skipped mode "$kind" &&
	   [ "$got" != "$want" ]; then
		_cmp_bad mode "$name: mode $got, want $want"
	fi
	want=$((10#$uid)):$((10#$gid))
	if ! _cmp_skipped owner "$kind" && [ "${f[1]}:${f[2]}" != "$want" ]; then
		_cmp_bad owner "$name: owner ${f[1]}:${f[2]}, want $want"
	fi
	if [ -n "$mtime" ] && ! _cmp_skipped mtime "$kind" &&
	   [ "${f[5]}" != "$mtime" ]; then
		_cmp_bad mtime "$name: mtime ${f[5]}, want $mtime"
	fi

	# Device numbers, targets and bytes only mean something when the
	# type is right; a wrong type was reported above.
	[ -n "$samekind" ] || return
	case $kind in
	nod)
		_cmp_skipped rdev nod && return
		want="$((16#${f[3]})) $((16#${f[4]}))"
		[ "$want" = "$val" ] ||
			_cmp_bad rdev "$name: device $want, want $val"
		;;
	slink)
		_cmp_skipped target slink && return
		want=$(readlink -- "$path")
		[ "$want" = "$val" ] ||
			_cmp_bad target "$name: target '$want', want '$val'"
		;;
	file)
		_cmp_skipped data file && return
		cmp -s -- "$val" "$path" ||
			_cmp_bad data "$name: bytes differ from $val" \
				"($(stat -c %s -- "$path") bytes," \
				"want $(stat -c %s -- "$val"))"
		;;
	esac
}

# All names of one file line: one inode, link count = number of names.
_cmp_links() {
	local n=$# first='' want='' ino name got

	_cmp_skipped links file && return
	for name in "$@"; do
		# A missing name or a wrong type was reported under type.
		if [ ! -f "$dir/$name" ] || [ -L "$dir/$name" ]; then
			continue
		fi
		got=$(stat -c '%i %h' -- "$dir/$name")
		ino=${got% *}
		if [ -z "$first" ]; then
			first=$name want=$ino
		elif [ "$ino" != "$want" ]; then
			_cmp_bad links "$name: not the same inode as $first"
		fi
		[ "${got#* }" = "$n" ] ||
			_cmp_bad links "$name: link count ${got#* }, want $n"
	done
}

# A spec name as it lands in the archive and on disk.
_cmp_norm() {
	local s=$1

	while [[ $s == /* ]]; do
		s=${s#/}
	done
	printf '%s' "$s"
}

compare_tree_with_spec() {
	local dir=$1 spec=$2 skip=${3:-} mtime=${4:-}
	local label=${CMP_LABEL:-${1#"${T:-}"/}}
	local -A _cmp_diff=()
	local -a f names=()
	local line n aspect type i
	local listed=$T/.cmp-listed found=$T/.cmp-found

	while IFS= read -r line || [ -n "$line" ]; do
		read -r -a f <<<"$line"
		[ ${#f[@]} -gt 0 ] || continue
		[[ ${f[0]} == '#'* ]] && continue
		type=${f[0]}
		_cmp_skipped '' "$type" && continue
		n=$(_cmp_norm "${f[1]}")
		names+=("$n")
		case $type in
		dir | pipe | sock)
			_cmp_entry "$n" "$type" "${f[2]}" "${f[3]}" "${f[4]}" ''
			;;
		nod)
			_cmp_entry "$n" "nod-${f[5]}" "${f[2]}" "${f[3]}" \
				"${f[4]}" "$((10#${f[6]})) $((10#${f[7]}))"
			;;
		slink)
			_cmp_entry "$n" slink "${f[3]}" "${f[4]}" "${f[5]}" \
				"${f[2]}"
			;;
		file)
			local loc links=("$n")
			loc=$(_cmp_expand "${f[2]}")
			for ((i = 6; i < ${#f[@]}; i++)); do
				links+=("$(_cmp_norm "${f[i]}")")
			done
			names+=("${links[@]:1}")
			for i in "${links[@]}"; do
				_cmp_entry "$i" file "${f[3]}" "${f[4]}" \
					"${f[5]}" "$loc"
			done
			_cmp_links "${links[@]}"
			;;
		*)
			_cmp_bad type "$spec: cannot parse: $line"
			;;
		esac
	done <"$spec"

	# Paths of ignored types may be there or not: drop them from what
	# was found by listing only the names the spec wants, plus strays.
	printf '%s\n' "${names[@]}" | sort >"$listed"
	(cd "$dir" && find . -mindepth 1 -printf '%P\n') | sort >"$found"
	while IFS= read -r line; do
		_cmp_ignored_path "$spec" "$line" ||
			_cmp_bad extra "$line: not in the spec"
	done < <(comm -13 "$listed" "$found")

	for aspect in type mode owner rdev target data links mtime extra; do
		[ "$aspect" = mtime ] && [ -z "$mtime" ] && continue
		_cmp_skipped "$aspect" '' && continue
		if [ -z "${_cmp_diff[$aspect]:-}" ]; then
			ok 0 "$label: $aspect"
		else
			ok 1 "$label: $aspect"
			diag "${_cmp_diff[$aspect]%$'\n'}"
		fi
	done
	rm -f "$listed" "$found"
}

# Is $2 the name of an entry of a type ignored with @TYPE?
_cmp_ignored_path() {
	local line f

	while IFS= read -r line; do
		read -r -a f <<<"$line"
		[ ${#f[@]} -gt 1 ] || continue
		_cmp_skipped '' "${f[0]}" || continue
		[ "$(_cmp_norm "${f[1]}")" = "$2" ] && return 0
	done <"$1"
	return 1
}
