/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CHECK_H
#define CHECK_H

/*
 * check: what must hold of the entries as a whole before a byte is written.
 *
 * Errors:
 *  - a name that is empty, is the root, has a ".." component, or does not
 *    fit the kernel's PATH_MAX (4096 bytes with its NUL); a symlink target
 *    likewise;
 *  - a path defined twice, counting hard-link names ("a//b" and "a/./b/"
 *    are the same path as "a/b");
 *  - a file location that cannot be used: missing, unreadable, not a
 *    regular file (a FIFO or device is never opened for reading: that can
 *    block forever or have side effects), or beyond newc's 4 GiB - 1.
 * Warnings (what the kernel would silently drop at boot):
 *  - an entry whose parent directory is not defined earlier, or is
 *    defined as something that is neither a directory nor a symlink.
 *
 * The checks also record, for each file, the size, mtime and identity
 * that the archive writer will hold the file to.
 */

#include "diag.h"
#include "entry.h"

/* Returns 0, or -1 when memory ran out (reported); see diag for the rest. */
int check_entries(struct entry_list *l, struct diag *d);

#endif
