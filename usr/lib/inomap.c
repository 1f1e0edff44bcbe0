// SPDX-License-Identifier: GPL-2.0
/*
 * inomap.c: hard-link groups by (ino, devmajor, devminor) (see inomap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "inomap.h"

static size_t slot_of(const struct inomap *m, const struct ino_key *k)
{
	uint64_t h = ((uint64_t)k->ino << 24 ^ (uint64_t)k->devmajor << 12 ^
		      k->devminor) * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 32) & (m->cap - 1);

	while (m->val[i] && memcmp(&m->key[i], k, sizeof(*k)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *inomap_get(const struct inomap *m, const struct ino_key *k)
{
	return m->cap ? m->val[slot_of(m, k)] : NULL;
}

static int grow(struct inomap *m)
{
	struct inomap big = { .cap = m->cap ? 2 * m->cap : 64 };
	size_t i;

	big.key = calloc(big.cap, sizeof(*big.key));
	big.val = calloc(big.cap, sizeof(*big.val));
	if (!big.key || !big.val) {
		free(big.key);
		free(big.val);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->val[i])
			continue;
		j = slot_of(&big, &m->key[i]);
		big.key[j] = m->key[i];
		big.val[j] = m->val[i];
	}
	big.used = m->used;
	free(m->key);
	free(m->val);
	*m = big;
	return 0;
}

int inomap_put(struct inomap *m, const struct ino_key *k, void *val)
{
	size_t i;

	if (2 * (m->used + 1) > m->cap && grow(m))
		return -1;
	i = slot_of(m, k);
	if (!m->val[i])
		m->used++;
	m->key[i] = *k;
	m->val[i] = val;
	return 0;
}

void inomap_clear(struct inomap *m, void (*fn)(void *ctx, void *val),
		  void *ctx)
{
	size_t i;

	for (i = 0; fn && i < m->cap; i++)
		if (m->val[i])
			fn(ctx, m->val[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}
