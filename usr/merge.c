// SPDX-License-Identifier: GPL-2.0
/*
 * merge.c: overlaying sources into one image (see merge.h).
 */
#include <stdlib.h>
#include <string.h>

#include "image/cpio.h"
#include "check.h"
#include "merge.h"

static void entry_free(struct entry *e)
{
	free(e->name);
	node_put(e->node);
}

/*
 * @e takes @old's place.  The map's key for the path may be @old's name:
 * then that string lives on, as @e's name if @e's is the same (both
 * normal), else in the image's list of retired names.
 */
static int replace(struct image *img, struct entry *old, struct entry *e)
{
	if (!old->normal) {
		free(old->name);
	} else if (e->normal) {
		free(e->name);
		e->name = old->name;
	} else {
		char **v = realloc(img->retired,
				   (img->nretired + 1) * sizeof(*v));

		if (!v)
			return -1;
		img->retired = v;
		img->retired[img->nretired++] = old->name;
	}
	node_put(old->node);
	*old = *e;
	return 0;
}

/* Merge one entry, moved out of its source list.  -1: out of memory. */
static int merge_entry(struct image *img, struct entry *e, unsigned int source,
		       bool dups_are_errors, struct diag *d)
{
	char path[CPIO_PATH_MAX];	/* check_name() saw to the length */
	struct entry *old;
	long i;

	e->source = source;
	if (!check_name(e, path, d))
		goto drop;
	e->normal = !strcmp(path, e->name);
	/* A normal name is its own key; the image keeps it (see below). */
	i = e->normal ?
	    pathmap_get_or_put_key(&img->paths, e->name, img->entries.len) :
	    pathmap_get_or_put(&img->paths, path, img->entries.len);
	if (i == -1) {
		/* Appended, moved: merge_source() made room. */
		img->entries.v[img->entries.len++] = *e;
		return 0;
	}
	if (i < 0)
		return -1;
	old = &img->entries.v[i];
	if (old->source == source && dups_are_errors) {
		diag_error(d, &e->loc, "'%s' is already defined at %s:%u", e->name,
			   old->loc.file, old->loc.line);
		goto drop;
	}
	if (replace(img, old, e))
		return -1;
	return 0;
drop:
	entry_free(e);
	return 0;
}

int merge_source(struct image *img, struct entry_list *src,
		 unsigned int source, bool dups_are_errors, struct diag *d)
{
	size_t i;
	int rc = pathmap_reserve(&img->paths, src->len) ||
		 entry_list_reserve(&img->entries, src->len) ? -1 : 0;

	for (i = 0; i < src->len; i++) {
		if (rc)
			entry_free(&src->v[i]);
		else
			rc = merge_entry(img, &src->v[i], source,
					 dups_are_errors, d);
	}
	src->len = 0;
	entry_list_release(src);
	if (rc)
		diag_error(d, NULL, "out of memory");
	return rc;
}

void image_release(struct image *img)
{
	size_t i;

	pathmap_release(&img->paths);
	entry_list_release(&img->entries);
	for (i = 0; i < img->nretired; i++)
		free(img->retired[i]);
	free(img->retired);
	img->retired = NULL;
	img->nretired = 0;
}
