/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DIRTREE_H
#define DIRTREE_H

/*
 * dirtree: a directory on the build machine as a source of entries.
 *
 * Everything below the directory (not the directory itself) becomes an
 * entry named by its path relative to it, in byte order of those paths
 * (what `find | LC_ALL=C sort` gives, so parents come before children and
 * the kernel's gen_initramfs.sh gives the same order), with its own type,
 * mode, owner, device numbers, symlink target and mtime.  Regular files
 * that are hard links of each other become one node, so the data is
 * stored once.  Names are kept byte for byte: blanks, newlines and
 * invalid UTF-8 included.
 *
 * Ownership without root: an idmap turns the build user's files into
 * root's, like gen_initramfs.sh's -u and -g.
 *
 * Everything is read with the *at() calls and one open per directory; no
 * process is started.
 */

#include <stdint.h>

#include "lib/diag.h"
#include "depfile.h"
#include "entry.h"


/*
 * Append the entries of the tree at @root to @out, and its paths to @deps
 * (may be NULL).  *@fd receives the tree's top directory, from which its
 * files are opened when they are written; the caller closes it after.
 * Problems are reported through @d, located by path.  Returns 0, or -1
 * when the tree could not be read at all.
 *
 * With @stat_late, regular files that readdir names as such, on a file
 * system whose readdir gives real inode numbers, are not stat()ed: their
 * nodes are NODE_UNSTATED, for the writer to fstat() and check when it
 * opens them (only where a failure then leaves nothing behind).
 */
int dirtree_read(const char *root, const struct idmap *ids, bool stat_late,
		 struct entry_list *out, struct deplist *deps, int *fd,
		 struct diag *d);

#endif
