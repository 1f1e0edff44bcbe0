// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c: overlaying sources into one image (see merge.h).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/hashmap.h"
#include "merge.h"

/* Whether entry @ref (its index + 1) of the image is at @path. */
static bool entry_at(const void *ctx, uint32_t ref, const void *path)
{
	const struct image *img = ctx;

	return !strcmp(entry_path(&img->entries.v[ref - 1]), path);
}

long image_find(const struct image *img, const char *path)
{
	uint32_t ref = hashmap_get(&img->index, hash_string(path), path,
				   entry_at, img);

	return (long)ref - 1;
}

/*
 * Merge one entry, moved out of its source list; merge_source() made
 * room for it.  -1: out of memory.
 */
static int merge_entry(struct image *img, struct entry *e,
		       bool dups_are_errors, struct diag *d)
{
	const char *path = entry_path(e);	/* check_names() set it */
	uint32_t hash = hash_string(path);
	struct hashmap_slot *s;
	struct entry *old;

	s = hashmap_find(&img->index, hash, path, entry_at, img);
	if (!s->ref) {
		img->entries.v[img->entries.len++] = *e;
		hashmap_fill(&img->index, s, hash, (uint32_t)img->entries.len);
		return 0;
	}
	old = &img->entries.v[s->ref - 1];
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
	if (!img->entries.len) {
		free(img->entries.v);
		img->entries = *in;
		img->entries.len = 0;
	} else if (entry_list_reserve(&img->entries, in->len)) {
		return -1;
	}
	return hashmap_reserve(&img->index, in->len);
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
		diag_oom(d, NULL);
	return rc;
}

void image_release(struct image *img)
{
	entry_list_release(&img->entries);
	hashmap_release(&img->index);
}
