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
#include <stdint.h>

#include "lib/diag.h"
#include "lib/hashmap.h"
#include "image/compress.h"
#include "entry.h"

/*
 * An image: its entries, and an index of their paths whose keys are the
 * entries' own normal forms (entry_path()), 8 bytes a slot (lib/hashmap).
 */
struct image {
	struct entry_list entries;
	struct hashmap index;
};

#define IMAGE_INIT { ENTRY_LIST_INIT, HASHMAP_INIT }

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
 * Move every entry of @src (emptied) into @img.  The names must have
 * been checked and given their normal forms (check_names()).  With
 * @dups_are_errors, a path that the same source (node.source) defined
 * already is reported and dropped.  Returns 0, or -1 when memory ran out
 * (reported).
 */
int merge_source(struct image *img, struct entry_list *src,
		 bool dups_are_errors, struct diag *d);

/* The index of the entry of @img whose path is @path, or -1. */
long image_find(const struct image *img, const char *path);

void image_release(struct image *img);

#endif
