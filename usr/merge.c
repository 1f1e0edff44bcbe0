// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c: overlaying sources into one image (see merge.h).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/pathmap.h"
#include "merge.h"

/*
 * The slot a hash starts from in a table of @cap slots: the hash scaled
 * to the table, as hash % cap would spread it, without a division.
 */
static size_t home(uint32_t hash, size_t cap)
{
	return (size_t)(((uint64_t)hash * cap) >> 32);
}

static struct image_slot *find_slot(const struct image *img, const char *path,
				    uint32_t hash)
{
	size_t i = home(hash, img->cap);

	for (;; i = i + 1 == img->cap ? 0 : i + 1) {
		struct image_slot *s = &img->slot[i];

		if (!s->entry)
			return s;
		if (s->hash == hash &&
		    !strcmp(entry_path(&img->entries.v[s->entry - 1]), path))
			return s;
	}
}

/* A free slot for @hash: growing needs no keys, only their hashes. */
static struct image_slot *free_slot(struct image_slot *slot, size_t cap,
				    uint32_t hash)
{
	size_t i = home(hash, cap);

	while (slot[i].entry)
		i = i + 1 == cap ? 0 : i + 1;
	return &slot[i];
}

/*
 * Room in the index for @more paths at once (a source's entries are
 * counted before they are merged).  Every entry of the image has a slot,
 * and at most two thirds of the slots are used: a table sized to that,
 * not to a power of two, takes 12 bytes an entry, where a power of two
 * at most half used took 16 to 32 (16.8 on the 1M-line list).
 */
static int image_reserve(struct image *img, size_t more)
{
	size_t used = img->entries.len + more, i;
	size_t cap = (used + used / 2 + 1024) & ~(size_t)1023;
	struct image_slot *slot;

	if (cap <= img->cap)
		return 0;
	slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -1;
	for (i = 0; i < img->cap; i++)
		if (img->slot[i].entry)
			*free_slot(slot, cap, img->slot[i].hash) = img->slot[i];
	free(img->slot);
	img->slot = slot;
	img->cap = cap;
	return 0;
}

long image_find(const struct image *img, const char *path)
{
	const struct image_slot *s;

	if (!img->cap)
		return -1;
	s = find_slot(img, path, path_hash(path));
	return s->entry ? (long)s->entry - 1 : -1;
}

/*
 * Merge one entry, moved out of its source list; merge_source() made
 * room for it.  -1: out of memory.
 */
static int merge_entry(struct image *img, struct entry *e,
		       bool dups_are_errors, struct diag *d)
{
	const char *path = entry_path(e);	/* check_names() set it */
	struct image_slot *s;
	struct entry *old;
	uint32_t hash;

	hash = path_hash(path);
	s = find_slot(img, path, hash);
	if (!s->entry) {
		img->entries.v[img->entries.len++] = *e;
		*s = (struct image_slot){ (uint32_t)img->entries.len, hash };
		return 0;
	}
	old = &img->entries.v[s->entry - 1];
	if (old->node->source == e->node->source && dups_are_errors) {
		struct srcloc at;

		entry_loc(old, &at);
		diag_error(d, ENTRY_LOC(e), "'%s' is already defined at %s:%u",
			   entry_name(e), at.file, at.line);
		node_put(e->node);
		return 0;
	}
	/* The later definition takes the earlier one's place. */
	node_put(old->node);
	*old = *e;
	return 0;
}

/*
 * Make room for @in's entries.  An image's first source gives it its
 * array, merged in place (an entry is never put after where it was
 * read): no second array of all the entries while they move.
 */
static int make_room(struct image *img, struct entry_list *in)
{
	/* An index + 1 in a slot, and home()'s product, fit. */
	if (img->entries.len + in->len >= UINT32_MAX / 2)
		return -1;
	if (!img->entries.len) {
		free(img->entries.v);
		img->entries = *in;
		img->entries.len = 0;
	} else if (entry_list_reserve(&img->entries, in->len)) {
		return -1;
	}
	return image_reserve(img, in->len);
}

int merge_source(struct image *img, struct entry_list *src,
		 bool dups_are_errors, struct diag *d)
{
	struct entry_list in = *src;
	int rc = make_room(img, &in);
	size_t i;

	*src = (struct entry_list)ENTRY_LIST_INIT;
	for (i = 0; i < in.len; i++) {
		if (rc)
			node_put(in.v[i].node);
		else
			rc = merge_entry(img, &in.v[i], dups_are_errors, d);
	}
	if (img->entries.v != in.v)
		free(in.v);
	if (rc)
		diag_error(d, NULL, "out of memory");
	return rc;
}

void image_release(struct image *img)
{
	entry_list_release(&img->entries);
	free(img->slot);
	img->slot = NULL;
	img->cap = 0;
}
