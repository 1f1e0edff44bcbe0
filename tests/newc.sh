# SPDX-License-Identifier: GPL-2.0
#
# tests/newc.sh: a reader of newc/crc archives for tests, independent of the
# program under test (and of cpio(1)), written from the format description:
# 110-byte ASCII header, name + NUL padded to 4, data padded to 4.
#
#   newc_entries FILE   one line per entry, TRAILER!!! included:
#                       offset ino mode uid gid nlink mtime filesize
#                       rdevmajor rdevminor namesize check name
#                       (numbers in decimal, mode in octal)

newc_entries() {
	od -An -v -tx1 "$1" | tr -s ' \n' '\n\n' | grep -v '^$' | awk '
	function hexval(s,   i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
		return v
	}
	function field(i,   s, k) {
		s = ""
		for (k = 0; k < 8; k++)
			s = s sprintf("%c", hexval(b[pos + 6 + 8 * i + k]))
		return hexval(s)
	}
	{ b[n++] = $1 }
	END {
		pos = 0
		while (pos + 110 <= n) {
			ino = field(0); mode = field(1); uid = field(2); gid = field(3)
			nlink = field(4); mtime = field(5); size = field(6)
			rmaj = field(9); rmin = field(10); nsize = field(11); chk = field(12)
			name = ""
			for (k = 0; k < nsize - 1; k++) {
				c = hexval(b[pos + 110 + k])
				if (c == 0)
					break
				name = name sprintf("%c", c)
			}
			printf "%.0f %.0f %o %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %s\n", pos, ino, mode,
				uid, gid, nlink, mtime, size, rmaj, rmin, nsize, chk, name
			if (name == "TRAILER!!!")
				break
			pos += 110 + nsize
			pos += (4 - pos % 4) % 4
			pos += size
			pos += (4 - pos % 4) % 4
		}
	}'
}
