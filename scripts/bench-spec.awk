# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-spec.awk: owns the spec list of a tree (called by
# gen_spec in scripts/bench).
#
# Input: one line per find record "path TAB type TAB mode TAB uid TAB gid
# TAB dev:ino TAB nlink TAB target", already in byte order.  Variables:
# top (the tree), rdevs (a file of "path TAB major TAB minor" lines for
# the devices), spec and files (the outputs).  The names of one inode make
# one file line, at its last name's place: the data is written once,
# after the last name, as in the directory mode, and every name's parent
# directory comes earlier.  files gets each file line's location: the
# copy floor's input.  Prints the number of names.
BEGIN {
	FS = "\t"
	n = 0
	while ((getline l < rdevs) > 0) {
		split(l, f, "\t")
		rdev[f[1]] = f[2] " " f[3]
	}
}
{
	name = "/" $1
	own = " " $3 " " $4 " " $5
	names++
}
$2 == "f" && $7 > 1 {
	if (!($6 in head)) {
		head[$6] = "file " name " " top "/" $1 own
		loc[$6] = top "/" $1
	} else {
		links[$6] = links[$6] " " name
	}
	last[$6] = n
	inode[n++] = $6
	next
}
{
	if ($2 == "f") {
		line[n] = "file " name " " top "/" $1 own
		loc[n] = top "/" $1
	} else if ($2 == "d") {
		line[n] = "dir " name own
	} else if ($2 == "l") {
		line[n] = "slink " name " " $8 own
	} else if ($2 == "b" || $2 == "c") {
		line[n] = "nod " name own " " $2 " " rdev[$1]
	} else if ($2 == "p") {
		line[n] = "pipe " name own
	} else if ($2 == "s") {
		line[n] = "sock " name own
	} else {
		names--
		next
	}
	n++
}
END {
	for (i = 0; i < n; i++) {
		k = i
		if (i in inode) {
			k = inode[i]
			if (last[k] != i)
				continue
			line[i] = head[k] links[k]
		}
		print line[i] > spec
		if (k in loc)
			print loc[k] > files
	}
	print names + 0
}
