/* SPDX-License-Identifier: GPL-2.0 */
#ifndef INOMAP_H
#define INOMAP_H

/*
 * inomap: which names of an archive are hard links of each other.
 *
 * In newc, the names of one inode share c_ino, c_devmajor and c_devminor
 * (and have c_nlink > 1); the kernel links them while it unpacks one
 * member and forgets them at the trailer.  This is a map (over the hash
 * index, hashmap.h) from that key to whatever a reader keeps per inode.
 */

#include <stddef.h>
#include <stdint.h>

#include "hashmap.h"

struct ino_key {
	uint32_t ino;
	uint32_t devmajor;
	uint32_t devminor;
};

struct inomap_item {
	struct ino_key key;
	void *val;
};

struct inomap {
	struct hashmap index;
	struct inomap_item *v;
	size_t len;
	size_t cap;
};

#define INOMAP_INIT { HASHMAP_INIT, NULL, 0, 0 }

/* The value stored for @k, or NULL. */
void *inomap_get(const struct inomap *m, const struct ino_key *k);

/* Store @val (not NULL) for @k, replacing any; -1 without memory. */
int inomap_put(struct inomap *m, const struct ino_key *k, void *val);

/* Call @fn on every value (in no particular order), then empty the map. */
void inomap_clear(struct inomap *m, void (*fn)(void *ctx, void *val),
		  void *ctx);

#endif
