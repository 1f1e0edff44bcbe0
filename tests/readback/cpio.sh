# SPDX-License-Identifier: GPL-2.0
#
# tests/readback/cpio.sh: write newc/crc archives by hand, for the tests
# of the image readers (--list, --examine, --verify, --extract, --diff).
# Written from the format in the contract, independent of the program:
#
#   header  "070701" (crc: "070702") and 13 fields of 8 hex digits:
#           ino mode uid gid nlink mtime filesize devmajor devminor
#           rdevmajor rdevminor namesize check         (6 + 13 * 8 = 110)
#   name    the bytes and a NUL (namesize counts the NUL), then zeros to
#           a multiple of 4 counted from the start of the archive
#   data    filesize bytes, then zeros to a multiple of 4
#
# Every function appends to the file named by $A.
#
#   cpio_begin FILE          A=FILE, emptied; inode numbers from 721 again
#   cpio_hdr F1 ... F13      one header; each field is printed as %08X of
#                            a bash number (0755 octal, 0x1F hex, 42)
#   cpio_raw STRING          bytes as they are (printf %s)
#   cpio_pad4                zeros to a multiple of 4
#   cpio_ent MODE NAME [DATA]
#                            a whole entry: header, name, data, padding.
#                            MODE with its type bits (0100644).  Any field
#                            can be set for one entry by a variable given
#                            on the call (bash passes it to the function):
#                            ino uid gid nlink mtime fsize maj min rmaj
#                            rmin nsize chk, and magic; the defaults are
#                            what gen_init_cpio writes: the next inode,
#                            owner 0:0, nlink 2 for dirs else 1, mtime 0,
#                            filesize = length of DATA, dev 3:1, rdev 0:0,
#                            namesize = length of NAME + 1, check 0.
#                            A namesize larger than the name gets that many
#                            bytes with zeros after the name (up to 8 KiB).
#   cpio_trailer             the TRAILER!!! entry (ino 0, nlink 1, dev 0:0)
#   cpio_end                 zeros to a multiple of 512, as writers do
#   cpio_sum STRING          c_check of a crc archive: the sum of the bytes

cpio_begin() {
	A=$1
	: >"$A"
	_cpio_ino=721
}

cpio_hdr() {
	# shellcheck disable=SC2059
	printf "${magic:-070701}$(printf '%%08X%.0s' "$@")" "$@" >>"$A"
}

cpio_raw() {
	printf '%s' "$1" >>"$A"
}

cpio_pad4() {
	local n

	n=$(stat -c %s -- "$A")
	head -c $(((4 - n % 4) % 4)) /dev/zero >>"$A"
}

cpio_ent() {
	local m=$1 name=$2 data=${3-} len nl i

	len=$(printf '%s' "$name" | wc -c)
	nl=1
	[ $((m & 0170000)) -eq $((0040000)) ] && nl=2
	i=${ino:-$_cpio_ino}
	[ -n "${ino:-}" ] || _cpio_ino=$((_cpio_ino + 1))
	cpio_hdr "$i" "$m" "${uid:-0}" "${gid:-0}" "${nlink:-$nl}" \
		"${mtime:-0}" "${fsize:-$(printf '%s' "$data" | wc -c)}" \
		"${maj:-3}" "${min:-1}" "${rmaj:-0}" "${rmin:-0}" \
		"${nsize:-$((len + 1))}" "${chk:-0}"
	cpio_raw "$name"
	# The NUL, and the zeros a padded name field (-a) carries; none
	# when a test gives a namesize that does not cover the name, only
	# the NUL for a namesize beyond any real name's.
	i=$((${nsize:-$((len + 1))} - len))
	[ "$i" -gt 8192 ] && i=1
	[ "$i" -gt 0 ] && head -c "$i" /dev/zero >>"$A"
	cpio_pad4
	cpio_raw "$data"
	cpio_pad4
}

cpio_trailer() {
	ino=0 nlink=1 maj=0 min=0 cpio_ent 0 'TRAILER!!!'
}

cpio_end() {
	local n

	n=$(stat -c %s -- "$A")
	head -c $(((512 - n % 512) % 512)) /dev/zero >>"$A"
}

cpio_sum() {
	printf '%s' "$1" | od -An -v -tu1 |
		awk '{ for (i = 1; i <= NF; i++) s += $i } END { printf "%d\n", s }'
}
