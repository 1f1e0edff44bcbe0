/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STRMAP_H
#define STRMAP_H

/*
 * strmap: a set of strings, each with a number attached.
 *
 * gen_init_deps asks "printed already?", "loaded already?" and "which
 * module is called this?" thousands of times; a hash table answers in one
 * probe where a list would be scanned.  The map keeps its own copy of
 * every key, so callers may pass strings that die right after.
 *
 * Invariants: cap is 0 or a power of two; used < cap / 2 (open addressing
 * with linear probing stays short); a slot is free when its key is NULL.
 */

#include <stddef.h>

struct strmap_slot {
	char *key;
	size_t hash;
	long val;
};

struct strmap {
	struct strmap_slot *v;
	size_t cap;
	size_t used;
};

#define STRMAP_INIT { NULL, 0, 0 }

/* The number attached to @key, or -1 when @key is not in the map. */
long strmap_get(const struct strmap *m, const char *key);

/*
 * Add @key with @val.  Returns 0 when added, 1 when @key was there already
 * (its number is left alone), -1 without memory.
 */
int strmap_put(struct strmap *m, const char *key, long val);

void strmap_release(struct strmap *m);

#endif
