// SPDX-License-Identifier: GPL-2.0
/*
 * strmap.c: strings with a number each, over the hash index (see
 * strmap.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "strmap.h"

static bool key_is(const void *ctx, uint32_t ref, const void *key)
{
	const struct strmap *m = ctx;

	return !strcmp(m->v[ref - 1].key, key);
}

long strmap_get(const struct strmap *m, const char *key)
{
	uint32_t ref = hashmap_get(&m->index, hash_string(key), key, key_is, m);

	return ref ? m->v[ref - 1].val : -1;
}

long strmap_get_or_put(struct strmap *m, const char *key, long val)
{
	uint32_t hash = hash_string(key);
	struct hashmap_slot *s;
	char *copy;

	if (hashmap_reserve(&m->index, 1) ||
	    ARRAY_GROW(m->v, m->cap, m->len + 1, 64))
		return -2;
	s = hashmap_find(&m->index, hash, key, key_is, m);
	if (s->ref)
		return m->v[s->ref - 1].val;
	copy = strdup(key);
	if (!copy)
		return -2;
	m->v[m->len++] = (struct strmap_item){ copy, val };
	hashmap_fill(&m->index, s, hash, (uint32_t)m->len);
	return -1;
}

int strmap_put(struct strmap *m, const char *key, long val)
{
	long old = strmap_get_or_put(m, key, val);

	return old == -2 ? -1 : old == -1 ? 0 : 1;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->len; i++)
		free(m->v[i].key);
	free(m->v);
	hashmap_release(&m->index);
	*m = (struct strmap)STRMAP_INIT;
}
