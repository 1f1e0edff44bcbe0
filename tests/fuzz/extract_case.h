/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTRACT_CASE_H
#define EXTRACT_CASE_H

/*
 * extract_case: what tests/fuzz/extract_fuzz.c (libFuzzer) and
 * tests/fuzz/extract_replay.c (tests/fuzz.t, the real program) share: the
 * decoding of a fuzz input into a small cpio image, the sandbox around
 * the extraction directory, and the oracle.  libc only, independent of
 * usr/ (the headers are written here from the format, not by the code
 * under test).
 *
 * The sandbox is a directory holding sentinels and the target:
 *
 *	<sandbox>/file		a regular file, 0644, a line of text
 *	<sandbox>/dir/		a directory, 0755, with dir/inner (0600)
 *	<sandbox>/fifo		a FIFO, 0644: opening it would block
 *	<sandbox>/link		a symlink to "file"
 *	<sandbox>/t/		the extraction directory, 0755, empty
 *
 * The input: one byte of flags, then records of 5 bytes, one per entry
 * (at most XC_MAX_RECORDS; a short last record and anything after the
 * last one are ignored):
 *
 *   flags	bit 0: the crc format (070702, with correct sums), else newc;
 *		bit 1: every mtime 0, else 1700000000 + the record's index
 *   [0] kind	% 8: regular file, directory, symlink, FIFO, char device,
 *		block device, socket, or 7: end this member here (the next
 *		records make a new one, after [1] % 3: no, 4 or up to 512
 *		zero bytes)
 *   [1] name	% 16: xc_names[] below; few and short, so that entries
 *		redefine each other, plus a few that the first pass refuses
 *   [2] mode	% 16: permission bits from xc_modes[] (07777, 0000, ...)
 *   [3] link	bits 0-1: c_ino 9 (1, 2), 10 (3), or (0) one of its own,
 *		1000 + the index; bits 2-3: c_devminor 1, or (3) 2, c_devmajor
 *		being 3: a link group is c_ino and both; bits 4-5: c_nlink
 *		- 1; bits 6-7: owner 0:0 (0, 1), 1000:1000 (2) or 65534:65534
 *		(3)
 *   [4] arg	regular file: bits 0-2 the data length from xc_lengths[],
 *		the bytes "<arg>" repeated;
 *		symlink: % XC_NTARGETS: the target from xc_targets[], inside
 *		the target, outside it (an absolute path into the sandbox,
 *		or "../" as many times as it takes from the symlink's place
 *		to the sandbox, never beyond) or empty;
 *		devices: bits 0-1 choose the numbers: char 1:3 (null), 1:5
 *		(zero), 1:7 (full) or 0:0 (the overlayfs whiteout, which a
 *		user namespace may create); block 0:0, 0:1, 0:7 or 0:200 --
 *		major 0 is never given to a block driver, so none of these
 *		can name a disk;
 *		directory, FIFO, socket: bit 0 gives one byte of data (the
 *		kernel skips such an entry).
 *
 * Hard-link groups are records with the same c_ino (and c_dev) and
 * c_nlink > 1, the data on any of them (gen_init_cpio puts it on the
 * last).  The trailer is c_ino 0, c_nlink 1, the rest 0.
 */

#include <stddef.h>
#include <stdint.h>

#define XC_MAX_RECORDS	12
#define XC_TARGET	"t"

struct xc_named {
	const char *path;	/* canonical: "d/x", or "" for the target */
	unsigned int type;	/* S_IFREG, ... of an entry with that name */
};

struct xc_case {
	char *image;		/* the cpio bytes, malloc()ed */
	size_t len;
	/* What each entry the extraction may create could make. */
	struct xc_named named[XC_MAX_RECORDS];
	size_t nnamed;
};

/*
 * Decode @in into @c.  @sandbox is the absolute path of the sandbox, for
 * the symlinks that point into it.  0, or -1 (out of memory).
 */
int xc_decode(const uint8_t *in, size_t n, const char *sandbox,
	      struct xc_case *c);
void xc_free(struct xc_case *c);

/* Make the sentinels and the target in the existing, empty @sandbox. */
int xc_populate(const char *sandbox);

/*
 * A text snapshot of everything in the sandbox but below the target, one
 * line per file, sorted: type, mode, owner, links, size, inode, mtime and
 * ctime (nanoseconds), and a hash of the data or the symlink's target.  The
 * target itself only by type, mode, owner and inode: entries made in it
 * change the rest, and an entry "." leaves it as it is.  NULL on error.
 */
char *xc_snapshot(const char *sandbox);

/*
 * The first line of @before that is not in @after or the other way round,
 * as "<line>" then " -> <line>" (either may be "(none)"), into @msg.
 * 0 if both are the same.
 */
int xc_compare(const char *before, const char *after, char *msg, size_t len);

/*
 * Every file below @target has a name that an entry of @c gave it, and a
 * type one of those entries had.  0, or -1 with what is wrong in @msg.
 */
int xc_check_types(const char *target, const struct xc_case *c, char *msg,
		   size_t len);

/*
 * Remove @name in @dirfd and everything below it, never following a
 * symlink: directories are opened O_NOFOLLOW and made 0700 first.
 * 0, or -1 (errno set).
 */
int xc_remove(int dirfd, const char *name);

#endif
