/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PATHMAP_H
#define PATHMAP_H

/*
 * pathmap: which entry defines a path.
 *
 * Paths are compared in a normal form, so that "a//b", "a/./b/" and
 * "/a/b" are all the path "a/b" (the kernel resolves them alike when it
 * unpacks): no leading, trailing or repeated slashes, no "." components.
 * The map (a strmap) goes from normal forms to indexes in an entry list.
 */

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

/* A map from normal forms to indexes in an entry list. */
struct pathmap {
	struct strmap map;
};

#define PATHMAP_INIT { STRMAP_INIT }

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
/* The index stored for @path, or -1. */
static inline long pathmap_get(const struct pathmap *m, const char *path)
{
	return strmap_get(&m->map, path);
}

/*
 * The index stored for @path if there is one; else store a copy of @path
 * with @index and return -1.  -2 when out of memory.
 */
static inline long pathmap_get_or_put(struct pathmap *m, const char *path,
				      size_t index)
{
	if (index > (size_t)INT32_MAX)
		return -2;
	return strmap_get_or_put(&m->map, path, (long)index);
}

static inline void pathmap_release(struct pathmap *m)
{
	strmap_release(&m->map);
}

#endif
