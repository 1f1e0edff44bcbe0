/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CHECK_H
#define CHECK_H

/*
 * check: what must hold of each entry before a byte is written.
 *
 *  - check_name(): a name that is empty, is the root, has a ".." component,
 *    or does not fit the kernel's PATH_MAX (4096 bytes with its NUL) is an
 *    error, whatever source it came from;
 *  - check_list_nodes(): for a spec list, a symlink target must fit
 *    PATH_MAX too, and a file's location must be a readable regular file
 *    that newc can hold (a FIFO or device is never opened for reading:
 *    that can block forever or have side effects).  The checks record the
 *    size, mtime and identity that the writer will hold the file to.
 *  - check_parents(): what the kernel would silently drop at boot, as
 *    warnings: an entry whose parent directory is not defined earlier in
 *    its member or in an earlier member (the kernel unpacks them in order
 *    into one root), or is something other than a directory or symlink.
 *  - check_mtimes(): decide every node's mtime (see archive_opts), warning
 *    where a file's own mtime does not fit newc.
 */

#include <stdbool.h>

#include "archive.h"
#include "diag.h"
#include "entry.h"
#include "merge.h"
#include "pathmap.h"

/* On success, @path holds the name's normal form (see pathmap.h). */
bool check_name(const struct entry *e, char path[CPIO_PATH_MAX],
		struct diag *d);
void check_list_nodes(struct entry_list *l, struct diag *d);
/* For member @i of @m: a parent may also come from an earlier member. */
void check_parents(const struct member *m, size_t i, struct diag *d);
void check_mtimes(struct entry_list *l, const struct archive_opts *o,
		  struct diag *d);

#endif
