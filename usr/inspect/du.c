// SPDX-License-Identifier: GPL-2.0
/*
 * du.c: --du, the largest directories and files of an image (du.h).
 *
 * Each part (a member, or all of them) keeps a table of paths, files and
 * every directory above them, with the bytes below each; it is sorted
 * and printed when the part ends.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/pathmap.h"
#include "image/imgread.h"
#include "du.h"

struct du_item {
	char *path;
	uint64_t bytes;
	bool is_dir;
};

struct du_part {
	struct pathmap index;	/* path -> items[] */
	struct du_item *items;
	size_t nitems;
	uint64_t bytes, files;
};

struct du {
	struct read_opts *o;
	bool skip_member;
	/* Every member read, kept: the shares need the total of the end. */
	struct du_part *parts;
	char (*titles)[64];
	size_t nparts;
	struct du_part all;
};

/* Add @bytes to the item @path of @p, making it if new. */
static int du_add(struct du_part *p, const char *path, bool is_dir,
		  uint64_t bytes)
{
	struct du_item *v;
	long i = pathmap_get(&p->index, path);

	if (i < 0) {
		v = realloc(p->items, (p->nitems + 1) * sizeof(*v));
		if (!v)
			return -1;
		p->items = v;
		i = pathmap_get_or_put(&p->index, path, p->nitems);
		if (i == -2)
			return -1;
		v[p->nitems] = (struct du_item){ strdup(path), 0, is_dir };
		if (!v[p->nitems].path)
			return -1;
		i = (long)p->nitems++;
	}
	p->items[i].bytes += bytes;
	return 0;
}

/* A file of @bytes at @path (normal form): it and each directory above. */
static int du_file(struct du_part *p, char *path, uint64_t bytes)
{
	if (du_add(p, path, false, bytes))
		return -1;
	p->bytes += bytes;
	p->files++;
	while (path_cut_to_parent(path))
		if (du_add(p, path, true, bytes))
			return -1;
	return 0;
}

static void du_release(struct du_part *p)
{
	size_t i;

	for (i = 0; i < p->nitems; i++)
		free(p->items[i].path);
	free(p->items);
	pathmap_release(&p->index);
	memset(p, 0, sizeof(*p));
}

static int by_size(const void *a, const void *b)
{
	const struct du_item *p = a, *q = b;

	if (p->bytes != q->bytes)
		return p->bytes < q->bytes ? 1 : -1;
	return strcmp(p->path, q->path);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* The part's heading and its largest directories, then files. */
static void du_print(FILE *out, struct du_part *p, const char *title,
		     uint64_t whole)
{
	int pass, n;
	size_t i;

	fprintf(out, "%s: %llu bytes in %llu file%s, %.1f%%\n", title,
		(unsigned long long)p->bytes, (unsigned long long)p->files,
		p->files == 1 ? "" : "s",
		share(p->bytes, whole));
	if (p->nitems)
		qsort(p->items, p->nitems, sizeof(*p->items), by_size);
	for (pass = 0; pass < 2; pass++)
		for (i = 0, n = 0; i < p->nitems && n < DU_TOP; i++) {
			struct du_item *it = &p->items[i];

			if (it->is_dir != !pass)
				continue;
			fprintf(out, "  %-4s %12llu %5.1f%%  %s\n",
				it->is_dir ? "dir" : "file",
				(unsigned long long)it->bytes,
				share(it->bytes, whole), it->path);
			n++;
		}
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct du *u = ctx;
	struct du_part *p;
	char (*t)[64];

	u->skip_member = !sel_member(u->o, m->index);
	if (u->skip_member)
		return 0;
	p = realloc(u->parts, (u->nparts + 1) * sizeof(*p));
	if (p)
		u->parts = p;
	t = p ? realloc(u->titles, (u->nparts + 1) * sizeof(*t)) : NULL;
	if (!t) {
		diag_oom(img_diag(s), NULL);
		return -1;
	}
	u->titles = t;
	memset(&p[u->nparts], 0, sizeof(*p));
	snprintf(t[u->nparts], sizeof(*t), "member %u (%s)", m->index,
		 m->comp ? m->comp->name : "uncompressed");
	u->nparts++;
	return 0;
}

/* A file into the member's table and the table of all. */
static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct du *u = ctx;
	char *path, *again = NULL;
	int dotdot, rc = -1;

	(void)m;
	if (u->skip_member || (e->h.mode & S_IFMT) != S_IFREG ||
	    !e->h.filesize || !sel_name(u->o, e->name))
		return 0;
	path = path_normalize(e->name, &dotdot);
	if (path)
		again = strdup(path);
	if (again && !du_file(&u->parts[u->nparts - 1], path, e->h.filesize))
		rc = du_file(&u->all, again, e->h.filesize);
	free(path);
	free(again);
	if (rc)
		diag_oom(img_diag(s), NULL);
	return rc;
}

int du_image(const char *path, struct read_opts *o, FILE *out,
	     struct diag *d)
{
	struct du u = { .o = o };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.ctx = &u,
	};
	int rc = img_scan_path(path, &v, 0, d);
	size_t i;

	if (!rc)
		rc = sel_report(o, path, d);
	for (i = 0; !rc && i < u.nparts; i++)
		du_print(out, &u.parts[i], u.titles[i], u.all.bytes);
	if (!rc)
		du_print(out, &u.all, "all members", u.all.bytes);
	for (i = 0; i < u.nparts; i++)
		du_release(&u.parts[i]);
	du_release(&u.all);
	free(u.parts);
	free(u.titles);
	return rc;
}
