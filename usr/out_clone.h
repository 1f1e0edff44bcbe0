/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_CLONE_H
#define OUT_CLONE_H

/*
 * out_clone: the stage above a regular output file that lets the file
 * system share extents with the inputs (reflinks), and leaves holes.
 *
 * A copy that starts on a block boundary of both files hands the kernel
 * whole blocks only and leaves the last, partial block to the stage
 * above (which buffers it): a file system that shares extents then
 * clones every block it can, and the next header never lands in a block
 * just cloned (which would read it back from the disk and unshare it).
 *
 * Invariant: when a call returns, everything it was given is in the
 * file, and the file's position is its end; a hole is made only within
 * one copy(), in front of the data it clones.  There, in a file of ours
 * (holes set: a new file, so what is skipped reads back as zeros), the
 * whole blocks of the front's zeros are skipped rather than written (the
 * alignment padding of -a, which would otherwise be new blocks of
 * nothing), and the data is cloned before the bytes in front of it are
 * written (pwrite): a write at the file's end makes XFS reserve blocks
 * past it, which the hole would keep.  Zeros that no clone follows are
 * written, for the same reason.
 */

#include <stdbool.h>
#include <stdint.h>

#include "out_file.h"

struct out_clone {
	struct out out;
	struct out_file *file;	/* next, which this stage writes at positions */
	uint32_t block;		/* the file system's block size */
	bool holes;
};

/*
 * A clone stage over @file, or false where its output is not a regular
 * file (or has blocks too large to leave one to the buffer above).
 */
bool out_clone_init(struct out_clone *c, struct out_file *file);

#endif
