// SPDX-License-Identifier: GPL-2.0
/*
 * cat.c: --cat, files of an image on standard output (cat.h).
 *
 * The image is read once, as a stream: each definition of a wanted path
 * replaces the one before in an unlinked temporary file (tmpfile(3)), so
 * that the last is there at the end, whatever its size, and the files are
 * then copied out in the order they were asked for.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/imgread.h"
#include "cat.h"

struct wanted {
	const char *bare;	/* the path without its leading "/" */
	FILE *copy;		/* the last definition's data */
	bool seen;		/* defined at all */
	bool is_file;		/* the last definition is a regular file */
	/*
	 * A hard link defined without data: the data comes with a later
	 * name of the inode in the same member (where cpio writers put it).
	 */
	bool link_pending;
	unsigned int member;
	uint32_t ino, devmajor, devminor;
};

struct catter {
	struct read_opts *o;
	struct wanted *w;
	bool skip_member;
};

/* @e's data into @w's file, replacing what was there. */
static int keep_copy(struct img_scan *s, const struct img_entry *e,
		     struct wanted *w)
{
	static char buf[1 << 16];
	long n;

	if (!w->copy)
		w->copy = tmpfile();
	if (!w->copy || fflush(w->copy) || ftruncate(fileno(w->copy), 0) ||
	    fseek(w->copy, 0, SEEK_SET))
		return img_entry_report(s, e, true, "cannot keep a copy: %s",
					strerror(errno));
	while ((n = img_read_data(s, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, w->copy) != (size_t)n)
			return img_entry_report(s, e, true, "cannot keep a copy: %s",
						strerror(errno));
	return n < 0 ? -1 : 0;
}

static bool same_inode(const struct wanted *w, const struct img_member *m,
		       const struct cpio_header *h)
{
	return w->link_pending && w->member == m->index && w->ino == h->ino &&
	       w->devmajor == h->devmajor && w->devminor == h->devminor;
}

/* @from's bytes into @to, replacing them. */
static int copy_copy(FILE *from, FILE *to)
{
	char buf[1 << 16];
	size_t n;

	if (fflush(from) || fseek(from, 0, SEEK_SET) || fflush(to) ||
	    ftruncate(fileno(to), 0) || fseek(to, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

/* An entry with data for the hard links waiting for it. */
static int fill_links(struct catter *c, struct img_scan *s,
		      const struct img_member *m, const struct img_entry *e,
		      FILE *first)
{
	unsigned int i;

	for (i = 0; i < c->o->npatterns; i++) {
		struct wanted *w = &c->w[i];

		if (!same_inode(w, m, &e->h))
			continue;
		w->link_pending = false;
		if (first && copy_copy(first, w->copy))
			return img_entry_report(s, e, true, "cannot keep a copy: %s",
						strerror(errno));
		if (!first && keep_copy(s, e, w))
			return -1;
		first = w->copy;
	}
	return 0;
}

/* The wanted path @w is defined by @e. */
static int define(struct catter *c, struct img_scan *s,
		  const struct img_member *m, const struct img_entry *e,
		  struct wanted *w, FILE *taken)
{
	const struct cpio_header *h = &e->h;

	w->seen = true;
	w->is_file = (h->mode & S_IFMT) == S_IFREG;
	w->link_pending = w->is_file && h->nlink > 1 && !h->filesize;
	w->member = m->index;
	w->ino = h->ino;
	w->devmajor = h->devmajor;
	w->devminor = h->devminor;
	c->o->entries_matched++;
	if (!w->is_file)
		return 0;
	if (!taken)
		return keep_copy(s, e, w);
	if (!w->copy)
		w->copy = tmpfile();
	if (!w->copy || copy_copy(taken, w->copy))
		return img_entry_report(s, e, true, "cannot keep a copy: %s",
					strerror(errno));
	return 0;
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct catter *c = ctx;

	(void)s;
	c->skip_member = !sel_member(c->o, m->index);
	return 0;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct catter *c = ctx;
	const char *bare = sel_bare_name(e->name);
	unsigned int i;

	FILE *own = NULL;	/* the data, once a wanted path took it */

	if (c->skip_member || img_is_filler(e))
		return 0;
	for (i = 0; i < c->o->npatterns; i++) {
		if (strcmp(c->w[i].bare, bare))
			continue;
		if (define(c, s, m, e, &c->w[i], own))
			return -1;
		if (c->w[i].is_file)
			own = c->w[i].copy;
	}
	if ((e->h.mode & S_IFMT) == S_IFREG && e->h.nlink > 1 && e->h.filesize)
		return fill_links(c, s, m, e, e->h.filesize ? own : NULL);
	return 0;
}

/* Every wanted path must be a file: 0, or -1 (each one reported). */
static int check_found(struct catter *c, const char *image, struct diag *d)
{
	struct srcloc loc = { .file = image };
	unsigned int i;
	int rc = 0;

	for (i = 0; i < c->o->npatterns; i++)
		if (!c->w[i].is_file) {
			diag_error(d, &loc, "'%s': %s", c->o->patterns[i],
				   c->w[i].seen ? "not a regular file in the last member that defines it" :
				   "no such file in the image");
			rc = -1;
		}
	return rc;
}

static int copy_out(struct wanted *w, FILE *out)
{
	char buf[1 << 16];
	size_t n;

	if (fflush(w->copy) || fseek(w->copy, 0, SEEK_SET))
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), w->copy)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			return -1;
	return ferror(w->copy) ? -1 : 0;
}

int cat_image(const char *path, struct read_opts *o, FILE *out,
	      struct diag *d)
{
	struct catter c = { .o = o, .w = calloc(o->npatterns, sizeof(*c.w)) };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.ctx = &c,
	};
	unsigned int i;
	int rc = -1;

	if (!c.w) {
		diag_oom(d, NULL);
		return -1;
	}
	for (i = 0; i < o->npatterns; i++)
		c.w[i].bare = sel_bare_name(o->patterns[i]);
	if (!img_scan_path(path, &v, 0, d) && !check_found(&c, path, d))
		rc = 0;
	for (i = 0; !rc && i < o->npatterns; i++)
		if (copy_out(&c.w[i], out)) {
			diag_error(d, NULL, "cannot write standard output: %s",
				   strerror(errno));
			rc = -1;
		}
	for (i = 0; i < o->npatterns; i++)
		if (c.w[i].copy)
			fclose(c.w[i].copy);
	free(c.w);
	return rc;
}
