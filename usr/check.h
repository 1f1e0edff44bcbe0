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
 *    node_archive_mtime() clips it).
 */

#include <stdbool.h>

#include "lib/diag.h"
#include "lib/pathmap.h"
#include "archive.h"
#include "dircache.h"
#include "entry.h"
#include "merge.h"

/*
 * What checking file locations needs: their directories, kept open (the
 * writer opens the files through the same cache), and whether access
 * must be asked (not of root).
 */
struct file_checks {
	struct dircache dirs;
	bool as_root;
};

void file_checks_init(struct file_checks *c);
void file_checks_release(struct file_checks *c);

/*
 * The directory to open @n's file from (kept open in @c), and into
 * *@name the file's name there (see dircache_at()).
 */
int file_checks_at(struct file_checks *c, const struct node *n,
		   const char **name);

/* On success, @path holds the name's normal form (see pathmap.h). */
bool check_name(const struct entry *e, char path[CPIO_PATH_MAX],
		struct diag *d);
/*
 * check_name() for every entry of a source, before it is merged: a bad
 * name is reported and its entry dropped; the others get their normal
 * forms (entry_path()).  -1 when memory ran out (reported).
 */
int check_names(struct entry_list *l, struct diag *d);
/* With @files_late, files are left to check_location_late(). */
void check_list_nodes(struct entry_list *l, bool files_late, struct diag *d);
/* For member @i of @m: a parent may also come from an earlier member. */
void check_parents(const struct member *m, size_t i, struct diag *d);
void check_mtimes(struct entry_list *l, const struct archive_opts *o,
		  struct diag *d);

/* The mtime that goes into the archive for @n (see archive_opts). */
uint32_t node_archive_mtime(const struct node *n, const struct archive_opts *o);

/*
 * The writer's check of a file left unchecked (NODE_UNCHECKED), just
 * before it opens the file, when the output is a temporary file that any
 * failure throws away: the same check and messages, the mtime warnings
 * of check_mtimes() included.  A separate pass stat()s tens of
 * thousands of files and the writer then opens each one from a cold
 * cache; back to back, the open finds what the stat() just looked up.
 */
int check_location_late(struct node *n, const struct entry *e,
			const struct archive_opts *o, struct file_checks *c,
			struct diag *d);

/*
 * Open a directory source's file that the walk did not stat
 * (NODE_UNSTATED) and check it as the walk would have, from the open
 * file: a regular file (it was when the walk saw it) under 4 GiB;
 * then record mode, owner (under the source's -u/-g), size, mtime and
 * identity, and warn about its mtime.  Returns the open file, or -1 with the
 * problem reported at the file's path and the node NODE_BAD.
 */
int open_unstated_late(struct node *n, const struct entry *e,
		       const struct archive_opts *o, struct file_checks *c,
		       struct diag *d);

#endif
