/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HASHMAP_H
#define HASHMAP_H

/*
 * hashmap: the one hash table, an index over items its owner keeps.
 *
 * The table holds no keys and no values: a slot is a 32-bit hash and a
 * reference, the number of an item in the owner's own array plus one (0:
 * the slot is free).  Its owner looks keys up with the hash and a
 * function that compares a key with an item, so that any key (a path, a
 * string, an inode's numbers, an entry's name) lives once, where the
 * owner has it anyway, and a slot costs 8 bytes.  Growing needs only the
 * hashes: no key is read again.
 *
 * Open addressing with linear probing, the home slot of a hash its value
 * scaled to the table (hash * cap / 2^32, as hash % cap would spread it,
 * without a division), so the table need not be a power of two: it is
 * kept at most two thirds full.  Nothing is ever removed.
 *
 *	struct hashmap_slot *s;
 *
 *	if (hashmap_reserve(&m, 1))		room for one more first,
 *		return -1;
 *	s = hashmap_find(&m, hash, key, match, ctx);
 *	if (!s->ref)				then, if it is new,
 *		hashmap_fill(&m, s, hash, n + 1);	the item n holds key
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hashmap_slot {
	uint32_t hash;
	uint32_t ref;		/* item number + 1; 0: free */
};

struct hashmap {
	struct hashmap_slot *slot;
	size_t cap;		/* slots; 0 before the first reserve */
	size_t used;
};

#define HASHMAP_INIT { NULL, 0, 0 }

/* Whether item @ref (its number + 1) has @key. */
typedef bool hashmap_match_fn(const void *ctx, uint32_t ref, const void *key);

/*
 * Room for @more items beyond those in the map, at once: 0, or -1
 * without memory or past 2^31 items (the map is unchanged).
 */
int hashmap_reserve(struct hashmap *m, size_t more);

/*
 * The slot of @key (whose hash is @hash): the one holding it, or the free
 * slot where it would go.  The map must have room (a reserve since the
 * last fill, or a map of at least one slot for a mere lookup).
 */
struct hashmap_slot *hashmap_find(const struct hashmap *m, uint32_t hash,
				  const void *key, hashmap_match_fn *match,
				  const void *ctx);

/* The reference stored for @key, or 0 (an empty map holds nothing). */
uint32_t hashmap_get(const struct hashmap *m, uint32_t hash, const void *key,
		     hashmap_match_fn *match, const void *ctx);

/* Put @ref into @s, a free slot that hashmap_find() just gave. */
static inline void hashmap_fill(struct hashmap *m, struct hashmap_slot *s,
				uint32_t hash, uint32_t ref)
{
	s->hash = hash;
	s->ref = ref;
	m->used++;
}

/* Forget everything (keeping no memory). */
void hashmap_release(struct hashmap *m);

/*
 * Hashes for keys: of a NUL-terminated string (eight bytes at a time),
 * and of up to three 32-bit words (an inode's numbers).
 */
uint32_t hash_string(const char *s);
uint32_t hash_words(uint32_t a, uint32_t b, uint32_t c);

#endif
