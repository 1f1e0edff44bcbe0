// SPDX-License-Identifier: GPL-2.0
/*
 * inomap.c: hard-link groups by (ino, devmajor, devminor) (see inomap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "inomap.h"

static uint32_t hash_key(const struct ino_key *k)
{
	return hash_words(k->ino, k->devmajor, k->devminor);
}

static bool key_is(const void *ctx, uint32_t ref, const void *key)
{
	const struct inomap *m = ctx;

	return !memcmp(&m->v[ref - 1].key, key, sizeof(struct ino_key));
}

void *inomap_get(const struct inomap *m, const struct ino_key *k)
{
	uint32_t ref = hashmap_get(&m->index, hash_key(k), k, key_is, m);

	return ref ? m->v[ref - 1].val : NULL;
}

int inomap_put(struct inomap *m, const struct ino_key *k, void *val)
{
	uint32_t hash = hash_key(k);
	struct hashmap_slot *s;

	if (hashmap_reserve(&m->index, 1) ||
	    ARRAY_GROW(m->v, m->cap, m->len + 1, 64))
		return -1;
	s = hashmap_find(&m->index, hash, k, key_is, m);
	if (s->ref) {
		m->v[s->ref - 1].val = val;
		return 0;
	}
	m->v[m->len++] = (struct inomap_item){ *k, val };
	hashmap_fill(&m->index, s, hash, (uint32_t)m->len);
	return 0;
}

void inomap_clear(struct inomap *m, void (*fn)(void *ctx, void *val),
		  void *ctx)
{
	size_t i;

	for (i = 0; fn && i < m->len; i++)
		fn(ctx, m->v[i].val);
	free(m->v);
	hashmap_release(&m->index);
	*m = (struct inomap)INOMAP_INIT;
}
