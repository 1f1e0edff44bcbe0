// SPDX-License-Identifier: GPL-2.0
/*
 * pathmap.c: normal forms of paths and a hash map over them (pathmap.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pathmap.h"

char *path_normalize(const char *name, int *dotdot)
{
	char *out = malloc(strlen(name) + 1);

	if (out)
		path_normalize_into(name, out, dotdot);
	return out;
}

/*
 * Whether @name is already in normal form, as nearly every name is: one
 * pass, no copy of components.  Its length into *@len.  A "." or ".."
 * component says no, so the full pass below notes a "..".
 */
static bool is_normal(const char *name, size_t *len)
{
	const char *p = name, *comp = name;

	for (;; p++) {
		size_t n;

		if (*p && *p != '/')
			continue;
		n = (size_t)(p - comp);
		if (!n) {
			*len = 0;
			return !*p && p == name;	/* "" is the root */
		}
		if (comp[0] == '.' && (n == 1 || (n == 2 && comp[1] == '.')))
			return false;
		if (!*p) {
			*len = (size_t)(p - name);
			return true;
		}
		comp = p + 1;
	}
}

size_t path_normalize_into(const char *name, char *out, int *dotdot)
{
	size_t n = 0;

	*dotdot = 0;
	if (is_normal(name, &n)) {
		memcpy(out, name, n + 1);
		return n;
	}
	while (*name) {
		size_t len = strcspn(name, "/");

		if (len == 2 && name[0] == '.' && name[1] == '.')
			*dotdot = 1;
		if (len && !(len == 1 && name[0] == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, name, len);
			n += len;
		}
		name += len;
		name += strspn(name, "/");
	}
	out[n] = '\0';
	return n;
}

int path_cut_to_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return 0;
	*slash = '\0';
	return 1;
}

/*
 * Eight bytes at a time, each word mixed by a multiply and a shift: paths
 * are long and share long prefixes, and a byte-at-a-time hash was a
 * visible part of building an image of many small files.
 */
uint32_t path_hash(const char *s)
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

static struct pathmap_slot *find_slot(const struct pathmap *m, const char *path,
				      uint32_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->slot[i].path &&
	       (m->slot[i].hash != hash || strcmp(m->slot[i].path, path)))
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

static int grow_to(struct pathmap *m, size_t cap)
{
	struct pathmap bigger = { .cap = cap };
	size_t i;

	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -1;
	for (i = 0; i < m->cap; i++)
		if (m->slot[i].path)
			*find_slot(&bigger, m->slot[i].path, m->slot[i].hash) =
				m->slot[i];
	bigger.used = m->used;
	free(m->slot);
	*m = bigger;
	return 0;
}

static int grow(struct pathmap *m)
{
	return grow_to(m, m->cap ? 2 * m->cap : 1024);
}

long pathmap_get(const struct pathmap *m, const char *path)
{
	const struct pathmap_slot *s;

	if (!m->cap)
		return -1;
	s = find_slot(m, path, path_hash(path));
	return s->path ? (long)s->index : -1;
}

long pathmap_get_or_put(struct pathmap *m, const char *path, size_t index)
{
	uint32_t hash = path_hash(path);
	struct pathmap_slot *s;

	if (index > UINT32_MAX)
		return -2;
	if (2 * (m->used + 1) > m->cap && grow(m))
		return -2;
	s = find_slot(m, path, hash);
	if (s->path)
		return (long)s->index;
	s->path = strdup(path);
	if (!s->path)
		return -2;
	s->hash = hash;
	s->index = (uint32_t)index;
	m->used++;
	return -1;
}

void pathmap_release(struct pathmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->slot[i].path);
	free(m->slot);
	m->slot = NULL;
	m->cap = m->used = 0;
}
