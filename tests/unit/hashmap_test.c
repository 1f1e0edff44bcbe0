// SPDX-License-Identifier: GPL-2.0
/*
 * hashmap_test.c: the hash index (usr/lib/hashmap.c), the growable array
 * (usr/lib/array.c) and the inode map over them (usr/lib/inomap.c).
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "lib/inomap.h"
#include "tap.h"

/* The owner's items: numbers, found by value. */
struct items {
	uint32_t *v;
	size_t len;
	size_t cap;
	unsigned long compares;
};

static bool number_is(const void *ctx, uint32_t ref, const void *key)
{
	struct items *it = (struct items *)ctx;

	it->compares++;
	return it->v[ref - 1] == *(const uint32_t *)key;
}

/* Every hash alike: the table must still tell the keys apart. */
static uint32_t bad_hash(uint32_t x)
{
	(void)x;
	return 42;
}

static uint32_t good_hash(uint32_t x)
{
	return hash_words(x, 0, 0);
}

static long add(struct hashmap *m, struct items *it, uint32_t x,
		uint32_t (*hash)(uint32_t))
{
	struct hashmap_slot *s;

	if (hashmap_reserve(m, 1) || ARRAY_GROW(it->v, it->cap, it->len + 1, 4))
		return -2;
	s = hashmap_find(m, hash(x), &x, number_is, it);
	if (s->ref)
		return s->ref;
	it->v[it->len++] = x;
	hashmap_fill(m, s, hash(x), (uint32_t)it->len);
	return 0;
}

static void test_index(const char *what, uint32_t (*hash)(uint32_t), int n)
{
	struct hashmap m = HASHMAP_INIT;
	struct items it = { 0 };
	long dup = 0, missing = 0, wrong = 0;
	uint32_t x;
	int i;

	is_long((long)hashmap_get(&m, hash(1), &x, number_is, &it), 0,
		"an empty index holds nothing");
	for (i = 0; i < n; i++)
		if (add(&m, &it, (uint32_t)i * 7919u, hash))
			dup++;
	ok(!dup, "%s: %d new keys are new (%ld not)", what, n, dup);
	for (i = 0; i < n; i++) {
		x = (uint32_t)i * 7919u;
		if (add(&m, &it, x, hash) != i + 1)
			wrong++;
		x += 1;
		if (hashmap_get(&m, hash(x), &x, number_is, &it))
			missing++;
	}
	ok(!wrong, "%s: each key again gives its own item (%ld not)", what,
	   wrong);
	ok(!missing, "%s: keys never added are not found (%ld were)", what,
	   missing);
	is_long((long)m.used, n, "used counts the items");
	ok(3 * m.used < 2 * m.cap, "%s: at most two thirds full (%zu of %zu)",
	   what, m.used, m.cap);
	hashmap_release(&m);
	free(it.v);
}

static void test_reserve(void)
{
	struct hashmap m = HASHMAP_INIT;
	size_t cap;

	is_long(hashmap_reserve(&m, 1000000), 0, "reserve a million at once");
	cap = m.cap;
	ok(cap >= 1500000 && cap < 1600000,
	   "... sized to half again as many slots (%zu)", cap);
	is_long(hashmap_reserve(&m, (size_t)INT32_MAX + 1), -1,
		"2^31 items or more are refused");
	ok(m.cap == cap, "... and the index is unchanged");
	hashmap_release(&m);
}

static void test_array(void)
{
	char *v = NULL;
	size_t cap = 0;

	is_long(ARRAY_GROW(v, cap, 1, 16), 0, "an empty array grows");
	is_long((long)cap, 16, "... to its first size");
	is_long(ARRAY_GROW(v, cap, 17, 16), 0, "past its room");
	is_long((long)cap, 32, "... it doubles");
	is_long(ARRAY_GROW(v, cap, 1000, 16), 0, "far past its room");
	is_long((long)cap, 1024, "... it doubles until there is room");
	is_long(ARRAY_GROW(v, cap, SIZE_MAX, 16), -1, "SIZE_MAX is refused");
	is_long((long)cap, 1024, "... and the array is as it was");
	free(v);
}

static void test_inomap(void)
{
	struct inomap m = INOMAP_INIT;
	struct ino_key a = { 9, 0, 0 }, b = { 9, 0, 1 }, c = { 10, 0, 0 };
	int x, y;

	ok(!inomap_get(&m, &a), "an empty inode map holds nothing");
	is_long(inomap_put(&m, &a, &x), 0, "put (9, 0:0)");
	ok(inomap_get(&m, &a) == &x, "... and get it back");
	ok(!inomap_get(&m, &b) && !inomap_get(&m, &c),
	   "another device or inode is another key");
	is_long(inomap_put(&m, &a, &y), 0, "put (9, 0:0) again");
	ok(inomap_get(&m, &a) == &y && m.len == 1, "... replaces its value");
	inomap_clear(&m, NULL, NULL);
	ok(!inomap_get(&m, &a) && !m.len, "a cleared map holds nothing");
}

int main(void)
{
	test_index("spread hashes", good_hash, 50000);
	test_index("every hash alike", bad_hash, 500);
	test_reserve();
	test_array();
	test_inomap();
	return tap_done();
}
