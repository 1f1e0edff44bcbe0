/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PATHMAP_H
#define PATHMAP_H

/*
 * pathmap: which entry defines a path.
 *
 * Paths are compared in a normal form, so that "a//b", "a/./b/" and
 * "/a/b" are all the path "a/b" (the kernel resolves them alike when it
 * unpacks): no leading, trailing or repeated slashes, no "." components.
 * The map is an open-addressing hash table from normal forms to indexes
 * in an entry list.
 */

#include <stddef.h>
#include <stdint.h>

/*
 * 16 bytes a slot: a map of tens of thousands of paths is probed at
 * random, and the smaller its table, the more of it stays in the cache.
 */
struct pathmap_slot {
	char *path;	/* normal form; NULL when the slot is free */
	uint32_t index;
	uint32_t hash;	/* of path, folded: probes rarely compare, and it
			   places the slot (growth needs no rehash) */
};

struct pathmap {
	struct pathmap_slot *slot;
	size_t cap;	/* a power of two, or 0 */
	size_t used;
};

#define PATHMAP_INIT { NULL, 0, 0 }

/*
 * The normal form of @name into @out, which has room for strlen(@name) + 1
 * bytes ("" is the root); returns its length.  *@dotdot is set when a
 * component is "..".
 */
size_t path_normalize_into(const char *name, char *out, int *dotdot);

/* The same in a new string; NULL when out of memory. */
char *path_normalize(const char *name, int *dotdot);

/* The parent of a normal-form path, cut in place; 0 for top-level paths. */
int path_cut_to_parent(char *path);

/* The hash of a path the map and an image's index place it by. */
uint32_t path_hash(const char *path);

/* The index stored for @path, or -1. */
long pathmap_get(const struct pathmap *m, const char *path);

/*
 * The index stored for @path if there is one; else store a copy of @path
 * with @index and return -1.  -2 when out of memory.
 */
long pathmap_get_or_put(struct pathmap *m, const char *path, size_t index);

void pathmap_release(struct pathmap *m);

#endif
