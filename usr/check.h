/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CHECK_H
#define CHECK_H

/*
 * check: what must hold of each entry before a byte is written.
 *
 *  - check_name(), check_names(): a name that is empty, is the root, has a
 *    ".." component, or does not fit the kernel's PATH_MAX (4096 bytes
 *    with its NUL) is an error, whatever source it came from; the others
 *    get their normal forms, by which the merge knows them;
 *  - check_list_nodes(): for a spec list, a symlink target must fit
 *    PATH_MAX too, and a file's location must be a readable regular file
 *    that newc can hold (a FIFO or device is never opened for reading:
 *    that can block forever or have side effects).  The checks record the
 *    size, mtime and identity that the writer will hold the file to.
 *  - check_parents(): what the kernel would silently drop at boot, as
 *    warnings: an entry whose parent directory is not defined earlier in
 *    its member or in an earlier member (the kernel unpacks them in order
 *    into one root), or is something other than a directory or symlink.
 *  - check_mtimes(): warn where a file's own mtime does not fit newc (and
 *    node_archive_mtime() clips it);
 *  - check_file_late(): the same checks for a file the writer is about to
 *    open, when they were left to it (see struct late_check).
 */

#include <stdbool.h>

#include "lib/diag.h"
#include "lib/pathmap.h"
#include "archive.h"
#include "dircache.h"
#include "entry.h"
#include "merge.h"

/* On success, @path holds the name's normal form (see pathmap.h). */
bool check_name(const struct entry *e, char path[CPIO_PATH_MAX],
		struct diag *d);
/*
 * check_name() for every entry of a source, before it is merged: a bad
 * name is reported and its entry dropped; the others get their normal
 * forms (entry_path()).  -1 when memory ran out (reported).
 */
int check_names(struct entry_list *l, struct diag *d);
/* With @files_late, files are left to check_file_late(). */
void check_list_nodes(struct entry_list *l, bool files_late, struct diag *d);
/* For member @i of @m: a parent may also come from an earlier member. */
void check_parents(const struct member *m, size_t i, struct diag *d);
void check_mtimes(struct entry_list *l, const struct archive_opts *o,
		  struct diag *d);

/*
 * The writer's check of a file left to it (see struct late_check in
 * archive.h): a spec list's file (NODE_UNCHECKED) gets the same checks
 * and messages as check_list_nodes() gives, a directory source's file
 * that the walk did not stat (NODE_UNSTATED) is opened and checked as the
 * walk would have, from the open file: a regular file (it was when the
 * walk saw it) under 4 GiB, whose mode, owner (under the source's -u/-g),
 * size, mtime and identity are then recorded.  Both get check_mtimes()'s
 * warnings.  @ctx is a struct late_checker.
 */
int check_file_late(void *ctx, struct node *n, const struct entry *e,
		    struct dircache *dirs, struct diag *d);

struct late_checker {
	const struct archive_opts *opts;
	bool as_root;		/* no access checks: root reads anything */
};

/* Make @o's writer ask check_file_late(), with @c for its context. */
void late_checker_init(struct late_checker *c, struct archive_opts *o);

#endif
