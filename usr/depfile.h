/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DEPFILE_H
#define DEPFILE_H

/*
 * depfile: the inputs of an image, for make.
 *
 * Sources record every path the image depends on: spec lists, the files
 * they name, directory sources with every file and directory inside them
 * (a directory's mtime changes when an entry is added or removed, so make
 * rebuilds then too), archives.  depfile_write() writes them as a make
 * fragment that works both for the kernel's usr/Makefile, which includes
 * usr/.initramfs_data.cpio.d and uses $(deps_initramfs), and for any
 * other Makefile:
 *
 *	deps_initramfs := \
 *		usr/default_cpio_list \
 *		...
 *
 *	<output>: $(deps_initramfs)
 *	$(deps_initramfs):
 *
 * The empty rule keeps make going when an input disappears.
 */

#include <stddef.h>

#include "lib/diag.h"

struct deplist {
	char **v;
	size_t len;
	size_t cap;
};

#define DEPLIST_INIT { NULL, 0, 0 }

/* Record a copy of @path (NULL @l: do nothing).  0, or -1 without memory. */
int deplist_add(struct deplist *l, const char *path);

/* Record "@dir/@name". */
int deplist_add2(struct deplist *l, const char *dir, const char *name);

/*
 * Drop the paths make cannot name (a newline, '%', '=', a backslash, '|'
 * or a parenthesis in them), with a warning: make cannot track them, but that is no reason to
 * fail the image.
 */
void deplist_drop_unnamable(struct deplist *l, struct diag *d);

/*
 * Write @l to @path (atomically), with a rule for @target unless NULL.
 * Returns 0 or -errno.
 */
int depfile_write(const char *path, const char *target,
		  const struct deplist *l);

void deplist_release(struct deplist *l);

#endif
