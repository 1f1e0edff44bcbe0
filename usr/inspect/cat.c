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
	bool is_file;		/* that definition was a regular file */
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

	(void)m;
	if (c->skip_member || img_is_filler(e))
		return 0;
	for (i = 0; i < c->o->npatterns; i++) {
		if (strcmp(c->w[i].bare, bare))
			continue;
		c->w[i].is_file = (e->h.mode & S_IFMT) == S_IFREG;
		if (c->w[i].is_file && keep_copy(s, e, &c->w[i]))
			return -1;
		c->o->entries_matched++;
	}
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
				   c->w[i].copy ? "not a regular file in the last member that defines it" :
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
