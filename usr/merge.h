/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MERGE_H
#define MERGE_H

/*
 * merge: put the sources together into one image.
 *
 * Sources are merged in command-line order.  A path that a later source
 * defines again is replaced where it stands: type, mode, owner and
 * contents come from the later definition, the position (and so the
 * parents-before-children order) from the earlier one.  Each path is in
 * the image once.  Within one spec list, defining a path twice is an
 * error (it is a mistake, not an overlay); within one archive, the later
 * entry wins, as when the kernel unpacks it.
 */

#include <stdbool.h>

#include "lib/diag.h"
#include "lib/pathmap.h"
#include "image/compress.h"
#include "entry.h"

struct image {
	struct entry_list entries;
	struct pathmap paths;	/* normal form of each name -> its index;
				   a normal name is its own key */
	char **retired;		/* keys whose entries were replaced */
	size_t nretired;
};

#define IMAGE_INIT { ENTRY_LIST_INIT, PATHMAP_INIT, NULL, 0 }

/*
 * One member of the boot image: a complete archive with its own trailer
 * and compression.  The bootloader hands the kernel the members one after
 * the other; the kernel unpacks them in order into the same root, so a
 * later member may override an earlier one, and early microcode must be
 * in an uncompressed member before any compressed one.
 */
struct member {
	struct image img;
	struct compression comp;
	const char *what;	/* "microcode", "early", "main": for messages */
	struct srcloc loc;	/* where it was started, for messages */
};

/*
 * Move every entry of @src (emptied) into @img as source number @source.
 * Names are checked (check_name()); bad ones are reported and dropped.
 * Returns 0, or -1 when memory ran out (reported).
 */
int merge_source(struct image *img, struct entry_list *src,
		 unsigned int source, bool dups_are_errors, struct diag *d);

void image_release(struct image *img);

#endif
