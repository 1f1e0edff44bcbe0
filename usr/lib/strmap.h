/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STRMAP_H
#define STRMAP_H

/*
 * strmap: a set of strings, each with a number (0 or more) attached.
 *
 * gen_init_deps asks "printed already?", "loaded already?" and "which
 * module is called this?" thousands of times, and the readers "which
 * entry defined this path?" for every entry of an image; the hash index
 * (hashmap.h) answers in about one probe.  The map keeps its own copy of
 * every key, so callers may pass strings that die right after.
 */

#include <stddef.h>

#include "hashmap.h"

struct strmap_item {
	char *key;
	long val;
};

struct strmap {
	struct hashmap index;
	struct strmap_item *v;	/* in the order they were added */
	size_t len;
	size_t cap;
};

#define STRMAP_INIT { HASHMAP_INIT, NULL, 0, 0 }

/* The number attached to @key, or -1 when @key is not in the map. */
long strmap_get(const struct strmap *m, const char *key);

/*
 * The number attached to @key if it is there (left alone); else add
 * @key with @val (>= 0) and return -1.  -2 without memory.
 */
long strmap_get_or_put(struct strmap *m, const char *key, long val);

/*
 * Add @key with @val (>= 0).  Returns 0 when added, 1 when @key was there
 * already (its number is left alone), -1 without memory.
 */
int strmap_put(struct strmap *m, const char *key, long val);

void strmap_release(struct strmap *m);

#endif
