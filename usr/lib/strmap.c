// SPDX-License-Identifier: GPL-2.0
/*
 * strmap.c: a string-keyed hash table (see strmap.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

/* FNV-1a: short keys (paths, module names) hash well and fast with it. */
static size_t hash_string(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return (size_t)(h ^ (h >> 32));
}

static struct strmap_slot *find_slot(const struct strmap *m, const char *key,
				     size_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->v[i].key &&
	       !(m->v[i].hash == hash && !strcmp(m->v[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

long strmap_get(const struct strmap *m, const char *key)
{
	const struct strmap_slot *s;

	if (!m->cap)
		return -1;
	s = find_slot(m, key, hash_string(key));
	return s->key ? s->val : -1;
}

static int grow(struct strmap *m)
{
	struct strmap bigger = { .cap = m->cap ? 2 * m->cap : 64 };
	size_t i;

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (!bigger.v)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->v[i].key)
			*find_slot(&bigger, m->v[i].key, m->v[i].hash) = m->v[i];
	bigger.used = m->used;
	free(m->v);
	*m = bigger;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, long val)
{
	size_t hash = hash_string(key);
	struct strmap_slot *s;

	if (m->cap) {
		s = find_slot(m, key, hash);
		if (s->key)
			return 1;
	}
	if (2 * (m->used + 1) > m->cap && grow(m))
		return -1;
	s = find_slot(m, key, hash);
	s->key = strdup(key);
	if (!s->key)
		return -1;
	s->hash = hash;
	s->val = val;
	m->used++;
	return 0;
}

void strmap_release(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->v[i].key);
	free(m->v);
	m->v = NULL;
	m->cap = m->used = 0;
}
