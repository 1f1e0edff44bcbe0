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

#include "cpio.h"
#include "diag.h"
#include "entry.h"
#include "sink.h"

/* Where each entry's mtime comes from. */
enum mtime_files {
	MTIME_FILES_OWN,	/* files keep their own mtime (kernel default) */
	MTIME_FILES_CLAMPED,	/* ... but no later than base (SOURCE_DATE_EPOCH) */
	MTIME_FILES_BASE,	/* every entry gets base (-t) */
};

struct archive_opts {
	enum cpio_format format;
	uint32_t data_align;		/* -a: 0, or a power of two >= 4 */
	uint32_t mtime_base;		/* the mtime of every non-file entry */
	enum mtime_files mtime_files;
};

struct archive_writer {
	struct sink *out;
	const struct archive_opts *opts;
	uint32_t next_ino;
};

void archive_writer_init(struct archive_writer *w, struct sink *out,
			 const struct archive_opts *opts);

/* Append one entry.  Returns 0, or -1 after reporting through @d. */
int archive_write_entry(struct archive_writer *w, const struct entry *e,
			struct diag *d);

/* Append the trailer and the padding to 512.  Returns 0 or -errno. */
int archive_write_trailer(struct archive_writer *w);

#endif
