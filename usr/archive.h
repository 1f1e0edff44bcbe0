/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARCHIVE_H
#define ARCHIVE_H

/*
 * archive: turn checked entries into newc/crc bytes in a sink.
 *
 * The layout is the one Linux's usr/gen_init_cpio writes, so that the same
 * spec gives the same bytes: inode numbers from 721 in spec order (one per
 * entry, shared by a file's hard links), c_dev 3:1, nlink 2 for
 * directories, FIFOs and sockets and 1 for device nodes and symlinks, a
 * file's data on its last name only, a symlink's target stored with its
 * NUL, and the trailer padded to a multiple of 512 bytes.
 */

#include <stdint.h>

#include "lib/diag.h"
#include "image/cpio.h"
#include "dircache.h"
#include "entry.h"
#include "progress.h"
#include "sink.h"

/* Where each entry's mtime comes from. */
enum mtime_files {
	MTIME_FILES_OWN,	/* files keep their own mtime (kernel default) */
	MTIME_FILES_CLAMPED,	/* ... but no later than base (SOURCE_DATE_EPOCH) */
	MTIME_FILES_BASE,	/* every entry gets base (-t) */
};

/*
 * A file whose checks were left to the writer (NODE_UNCHECKED: a spec
 * list's file when the output is a temporary file that any failure
 * throws away; NODE_UNSTATED: a directory source's file known from
 * readdir alone) is checked just before the writer opens it, back to back
 * with the open and through the same directory cache: a separate pass
 * would stat() tens of thousands of files and the writer then open each
 * from a cold cache.  The writer only says which file it is about to
 * read; the rules are the checker's (check_file_late() in check.c, which
 * main names here).
 */
struct late_check {
	/*
	 * Check @n, the node of @e, as the checks would have, reaching its
	 * file through @dirs.  Returns the file open (when checking needed
	 * it open), -2 when it passed and is not open, or -1 when it failed
	 * (reported through @d, and n->check is NODE_BAD).
	 */
	int (*file)(void *ctx, struct node *n, const struct entry *e,
		    struct dircache *dirs, struct diag *d);
	void *ctx;
};

/*
 * The mtime of an entry: files (and, from directories and archives, every
 * entry) have their own, the rest get mtime_base.  node_archive_mtime()
 * applies this to a node as the writer runs; check_mtimes() warned before
 * where it clips.
 */
struct archive_opts {
	struct progress *progress;	/* -v and the progress line, or NULL */
	enum cpio_format format;
	uint32_t data_align;		/* -a: 0, or a power of two >= 4 */
	uint32_t mtime_base;		/* the mtime of entries without one */
	enum mtime_files mtime_files;
	struct late_check late;		/* files left to the writer */
};

/*
 * The mtime that goes into the archive for @n under @o; *@clipped (if not
 * NULL) tells whether its own mtime did not fit newc: -1 before 1970
 * (stored as 0), 1 after 2106 (stored as 2^32 - 1), else 0.
 */
uint32_t node_archive_mtime(const struct node *n, const struct archive_opts *o,
			    int *clipped);

/*
 * Write @l, in order, and the trailer to @out.  With @dry, nothing is read
 * or written: only the layout is computed, so that warnings that depend on
 * it (-a alignment) come before the first byte.  Returns 0, or -1 after
 * reporting through @d.
 */
int archive_write(struct entry_list *l, const struct archive_opts *opts,
		  struct sink *out, bool dry, struct diag *d);

#endif
