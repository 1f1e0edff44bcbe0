// SPDX-License-Identifier: GPL-2.0
/*
 * imgdiff.c: the differences between two images (see imgdiff.h).
 *
 * Each image is read once into a summary of its entries (no data kept:
 * a SHA-256 of each file's content), then the summaries are compared
 * member by member, entries by their normal-form name.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "lib/sha256.h"
#include "image/imgread.h"
#include "imgdiff.h"
#include "listing.h"
#include "select.h"

struct summary {
	char *name;		/* as the listing prints it: "/..." escaped */
	char *norm;		/* the key */
	struct cpio_header h;
	char *target;		/* symlinks */
	char *link;		/* the first name of its hard-link group */
	unsigned char sha[32];	/* regular files */
};

struct dmember {
	const char *comp;
	bool continued;
	enum cpio_format fmt;
	struct summary *v;
	size_t n;
};

struct dimage {
	struct dmember *m;
	size_t n;
	struct inomap first;	/* of the current member: key -> name */
};

static int hash_data(struct img_scan *s, unsigned char out[32])
{
	static unsigned char buf[1 << 16];
	struct sha256 c;
	long n;

	sha256_init(&c);
	while ((n = img_read_data(s, buf, sizeof(buf))) > 0)
		sha256_update(&c, buf, (size_t)n);
	sha256_final(&c, out);
	return n < 0 ? -1 : 0;
}

/* The first name of the entry's hard-link group (its own, if first). */
static char *link_leader(struct dimage *img, const struct img_entry *e,
			 const char *name)
{
	struct ino_key k = { e->h.ino, e->h.devmajor, e->h.devminor };
	char *first;

	if ((e->h.mode & S_IFMT) != S_IFREG || e->h.nlink < 2)
		return NULL;
	first = inomap_get(&img->first, &k);
	if (!first) {
		first = strdup(name);
		if (!first || inomap_put(&img->first, &k, first)) {
			free(first);
			return NULL;
		}
	}
	return strdup(first);
}

static int collect_member(void *ctx, struct img_scan *s,
			  const struct img_member *m)
{
	struct dimage *img = ctx;
	struct dmember *v = realloc(img->m, (img->n + 1) * sizeof(*v));

	(void)s;
	if (!v)
		return -1;
	img->m = v;
	v[img->n++] = (struct dmember){ m->comp ? m->comp->name : "none",
					m->continued, m->fmt, NULL, 0 };
	return 0;
}

static int collect_entry(void *ctx, struct img_scan *s,
			 const struct img_member *m, const struct img_entry *e)
{
	struct dimage *img = ctx;
	struct dmember *dm = &img->m[img->n - 1];
	struct summary *v, *x;
	int dotdot;

	if (img_is_filler(e))
		return 0;
	v = realloc(dm->v, (dm->n + 1) * sizeof(*v));
	if (!v)
		return -1;
	dm->v = v;
	x = memset(&v[dm->n++], 0, sizeof(*x));
	x->h = e->h;
	x->name = listing_name(e->name);
	x->norm = path_normalize(e->name, &dotdot);
	x->target = e->target ? strdup(e->target) : NULL;
	x->link = link_leader(img, e, x->name ? x->name : "");
	if (!x->name || !x->norm)
		return -1;
	dm->fmt = m->fmt;
	if ((e->h.mode & S_IFMT) == S_IFREG)
		return hash_data(s, x->sha);
	return 0;
}

static void free_value(void *ctx, void *val)
{
	(void)ctx;
	free(val);
}

static int collect_member_end(void *ctx, struct img_scan *s,
			      const struct img_member *m)
{
	struct dimage *img = ctx;

	(void)s;
	img->m[img->n - 1].fmt = m->fmt;
	inomap_clear(&img->first, free_value, NULL);
	return 0;
}

static int collect(const char *path, struct dimage *img, struct diag *d)
{
	struct img_visitor v = {
		.member_begin = collect_member,
		.entry = collect_entry,
		.member_end = collect_member_end,
		.ctx = img,
	};
	int rc = img_scan_path(path, &v, 0, d);

	inomap_clear(&img->first, free_value, NULL);
	if (rc && !diag_failed(d))
		diag_error(d, NULL, "out of memory reading '%s'", path);
	return rc;
}

static void release(struct dimage *img)
{
	size_t i, j;

	for (i = 0; i < img->n; i++) {
		for (j = 0; j < img->m[i].n; j++) {
			free(img->m[i].v[j].name);
			free(img->m[i].v[j].norm);
			free(img->m[i].v[j].target);
			free(img->m[i].v[j].link);
		}
		free(img->m[i].v);
	}
	free(img->m);
}

/* Are the two files the same bytes?  1 yes, 0 no, -1 unreadable. */
static int same_bytes(const char *a, const char *b)
{
	static char x[1 << 16], y[1 << 16];
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC);
	int rc = -1;

	while (fa >= 0 && fb >= 0) {
		ssize_t n = read(fa, x, sizeof(x)), m, got = 0;

		if (n < 0)
			break;
		while (got < n && (m = read(fb, y + got, (size_t)(n - got))) > 0)
			got += m;
		if (got != n || memcmp(x, y, (size_t)n)) {
			rc = 0;
			break;
		}
		if (!n) {
			rc = read(fb, y, 1) == 0;
			break;
		}
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return rc;
}

static const char *type_word(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "file";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "slink";
	case S_IFCHR: case S_IFBLK: return "nod";
	case S_IFIFO: return "pipe";
	case S_IFSOCK: return "sock";
	}
	return "unknown";
}

static void print_one(FILE *out, size_t member, char sign,
		      const struct summary *x)
{
	fprintf(out, "member %zu: %c %s %s %04o %u:%u %u\n", member, sign,
		x->name, type_word(x->h.mode), x->h.mode & 07777, x->h.uid,
		x->h.gid, x->h.filesize);
}

static void hex(char out[65], const unsigned char sha[32])
{
	int i;

	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", sha[i]);
}

/* One "field old -> new" item of a change line. */
struct changes {
	FILE *out;
	size_t member;
	const char *name;
	int n;
};

static void field(struct changes *c, const char *name)
{
	if (c->n++)
		fprintf(c->out, ", %s ", name);
	else
		fprintf(c->out, "member %zu: ~ %s: %s ", c->member, c->name, name);
}

static void num_field(struct changes *c, const char *name, const char *fmt,
		      uint32_t a, uint32_t b)
{
	if (a == b)
		return;
	field(c, name);
	fprintf(c->out, fmt, a);
	fputs(" -> ", c->out);
	fprintf(c->out, fmt, b);
}

static void str_field(struct changes *c, const char *name, const char *a,
		      const char *b)
{
	if (!a || !b || !strcmp(a, b))
		return;
	field(c, name);
	fprintf(c->out, "%s -> %s", a, b);
}

/* Print what changed between two entries of one name; 1 if anything. */
static int compare_entry(FILE *out, size_t member, const struct summary *a,
			 const struct summary *b)
{
	struct changes c = { out, member, b->name, 0 };
	char ha[65], hb[65];
	bool files = (a->h.mode & S_IFMT) == S_IFREG &&
		     (b->h.mode & S_IFMT) == S_IFREG;

	str_field(&c, "type", type_word(a->h.mode), type_word(b->h.mode));
	num_field(&c, "mode", "%04o", a->h.mode & 07777, b->h.mode & 07777);
	if (a->h.uid != b->h.uid || a->h.gid != b->h.gid) {
		field(&c, "owner");
		fprintf(out, "%u:%u -> %u:%u", a->h.uid, a->h.gid, b->h.uid,
			b->h.gid);
	}
	if (files) {
		num_field(&c, "size", "%u", a->h.filesize, b->h.filesize);
		hex(ha, a->sha);
		hex(hb, b->sha);
		str_field(&c, "sha256", ha, hb);
	}
	str_field(&c, "target", a->target, b->target);
	if (a->h.rdevmajor != b->h.rdevmajor || a->h.rdevminor != b->h.rdevminor) {
		field(&c, "rdev");
		fprintf(out, "%u:%u -> %u:%u", a->h.rdevmajor, a->h.rdevminor,
			b->h.rdevmajor, b->h.rdevminor);
	}
	num_field(&c, "mtime", "%u", a->h.mtime, b->h.mtime);
	num_field(&c, "nlink", "%u", a->h.nlink, b->h.nlink);
	if ((a->link || b->link) && (!a->link || !b->link || strcmp(a->link, b->link)))
		str_field(&c, "link", a->link ? a->link : "(none)",
			  b->link ? b->link : "(none)");
	if (c.n)
		fputc('\n', out);
	return c.n > 0;
}

/* Entries of member @i in both images; 1 if anything differs. */
static int compare_members(FILE *out, size_t i, const struct dmember *a,
			   const struct dmember *b)
{
	struct pathmap names = PATHMAP_INIT;
	bool *seen = calloc(a->n + 1, sizeof(*seen));
	/* A name defined twice: its entries chained, in archive order. */
	long *again = malloc((a->n + 1) * sizeof(*again));
	bool same_order = true, same_ino = true, same_pad = true;
	size_t j, next = 0;
	int differ = 0;

	if (!seen || !again) {
		free(seen);
		free(again);
		return -1;
	}
	for (j = 0; j < a->n; j++) {
		long k = pathmap_get_or_put(&names, a->v[j].norm, j);

		again[j] = -1;
		if (k == -2)
			differ = -1;
		while (k >= 0 && again[k] >= 0)
			k = again[k];
		if (k >= 0)
			again[k] = (long)j;
	}
	for (j = 0; j < b->n && differ >= 0; j++) {
		long k = pathmap_get(&names, b->v[j].norm);

		while (k >= 0 && seen[k] && again[k] >= 0)
			k = again[k];
		if (k < 0 || seen[k]) {
			print_one(out, i, '+', &b->v[j]);
			differ = 1;
			continue;
		}
		seen[k] = true;
		same_order &= (size_t)k == next;
		next = (size_t)k + 1;
		same_ino &= a->v[k].h.ino == b->v[j].h.ino;
		same_pad &= a->v[k].h.namesize == b->v[j].h.namesize;
		differ |= compare_entry(out, i, &a->v[k], &b->v[j]);
	}
	for (j = 0; j < a->n && differ >= 0; j++)
		if (!seen[j]) {
			print_one(out, i, '-', &a->v[j]);
			differ = 1;
		}
	if (!differ && !same_order)
		fprintf(out, "member %zu: the same entries in another order\n", i);
	else if (!differ && !same_ino)
		fprintf(out, "member %zu: the same entries, other inode numbers\n", i);
	else if (!differ && !same_pad)
		fprintf(out, "member %zu: the same entries, other name padding\n", i);
	if (!differ && (!same_order || !same_ino || !same_pad))
		differ = 1;
	pathmap_release(&names);
	free(seen);
	free(again);
	return differ;
}

static void only_in(FILE *out, size_t i, const char *which,
		    const struct dmember *m, char sign)
{
	size_t j;

	fprintf(out, "member %zu: only in %s (%s, %zu entries)\n", i, which,
		m->comp, m->n);
	for (j = 0; j < m->n; j++)
		print_one(out, i, sign, &m->v[j]);
}

/* Only the members @o selects, by their number in either image. */
static int compare_images(FILE *out, const char *pa, const struct dimage *a,
			  const char *pb, const struct dimage *b,
			  struct read_opts *o)
{
	size_t i, n = a->n > b->n ? a->n : b->n;
	int differ = 0, rc;

	for (i = 0; i < n; i++) {
		const struct dmember *x = i < a->n ? &a->m[i] : NULL;
		const struct dmember *y = i < b->n ? &b->m[i] : NULL;

		if (!sel_member(o, (unsigned int)(i + 1)))
			continue;
		if (!y || !x) {
			only_in(out, i + 1, x ? pa : pb, x ? x : y, x ? '-' : '+');
			differ = 1;
			continue;
		}
		if (strcmp(x->comp, y->comp) || x->continued != y->continued) {
			fprintf(out, "member %zu: compression %s%s -> %s%s\n", i + 1,
				x->comp, x->continued ? " (continued)" : "",
				y->comp, y->continued ? " (continued)" : "");
			differ = 1;
		}
		if (x->fmt != y->fmt) {
			fprintf(out, "member %zu: format %s -> %s\n", i + 1,
				x->fmt == CPIO_CRC ? "crc" : "newc",
				y->fmt == CPIO_CRC ? "crc" : "newc");
			differ = 1;
		}
		rc = compare_members(out, i + 1, x, y);
		if (rc < 0)
			return -1;
		differ |= rc;
	}
	/*
	 * Whole images that differ only where no entry shows; selected
	 * members are only compared by what they hold.
	 */
	if (!differ && !o->members)
		fprintf(out, "the same entries; the images differ in compression or padding\n");
	return differ || !o->members;
}

int diff_images_opts(const char *a, const char *b, struct read_opts *o,
		     FILE *out, struct diag *d)
{
	struct dimage x = { 0 }, y = { 0 };
	int rc = same_bytes(a, b);

	/* The same bytes: the same members, once one is known to be there. */
	if (rc == 1 && !o->members)
		return 0;
	rc = -1;
	if (!collect(a, &x, d) && !collect(b, &y, d)) {
		rc = compare_images(out, a, &x, b, &y, o);
		if (rc < 0)
			diag_oom(d, NULL);
		else if (sel_report(o, a, d))
			rc = -1;
	}
	release(&x);
	release(&y);
	return rc;
}

int diff_images(const char *a, const char *b, FILE *out, struct diag *d)
{
	struct read_opts o = { 0 };

	return diff_images_opts(a, b, &o, out, d);
}
