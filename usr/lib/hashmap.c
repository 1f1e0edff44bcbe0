// SPDX-License-Identifier: GPL-2.0
/*
 * hashmap.c: the one hash table (see hashmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

/* The slot a hash starts from: the hash scaled to the table. */
static size_t home(uint32_t hash, size_t cap)
{
	return (size_t)(((uint64_t)hash * cap) >> 32);
}

static size_t next(size_t i, size_t cap)
{
	return i + 1 == cap ? 0 : i + 1;
}

/* A free slot for @hash, in a table being filled by growth. */
static struct hashmap_slot *free_slot(struct hashmap_slot *slot, size_t cap,
				      uint32_t hash)
{
	size_t i = home(hash, cap);

	while (slot[i].ref)
		i = next(i, cap);
	return &slot[i];
}

int hashmap_reserve(struct hashmap *m, size_t more)
{
	size_t want = m->used + more, cap, i;
	struct hashmap_slot *slot;

	/* At most two thirds full; refs are 32 bits, and so is home()'s scale. */
	if (want > (size_t)INT32_MAX)
		return -1;
	if (3 * want < 2 * m->cap)
		return 0;
	/*
	 * Half again as many slots as items wanted (a source's entries are
	 * reserved at once: 12 bytes an entry), and at least half again as
	 * many as before, so that growing one item at a time rehashes each
	 * item a bounded number of times.
	 */
	cap = want + want / 2 + 64;
	if (cap < m->cap + m->cap / 2)
		cap = m->cap + m->cap / 2;
	cap &= ~(size_t)63;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->slot[i].ref)
			*free_slot(slot, cap, m->slot[i].hash) = m->slot[i];
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

struct hashmap_slot *hashmap_find(const struct hashmap *m, uint32_t hash,
				  const void *key, hashmap_match_fn *match,
				  const void *ctx)
{
	size_t i = home(hash, m->cap);

	for (;; i = next(i, m->cap)) {
		struct hashmap_slot *s = &m->slot[i];

		if (!s->ref || (s->hash == hash && match(ctx, s->ref, key)))
			return s;
	}
}

uint32_t hashmap_get(const struct hashmap *m, uint32_t hash, const void *key,
		     hashmap_match_fn *match, const void *ctx)
{
	if (!m->cap)
		return 0;
	return hashmap_find(m, hash, key, match, ctx)->ref;
}

void hashmap_release(struct hashmap *m)
{
	free(m->slot);
	*m = (struct hashmap)HASHMAP_INIT;
}

/*
 * Eight bytes at a time, each word mixed by a multiply and a shift: paths
 * are long and share long prefixes, and a byte-at-a-time hash was a
 * visible part of building an image of many small files.
 */
uint32_t hash_string(const char *s)
{
	size_t len = strlen(s);
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)(h ^ h >> 32);
}

uint32_t hash_words(uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t h = ((uint64_t)a << 32 | b) * 0x9e3779b97f4a7c15ull;

	h = (h ^ (h >> 31) ^ c) * 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(h ^ (h >> 32));
}
