// SPDX-License-Identifier: GPL-2.0
/*
 * listing.c: an image as a spec list, or as a table of members (listing.h).
 */
/* asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/escape.h"
#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "json.h"
#include "listing.h"
#include "longlist.h"

/* The names of one inode, held back until the last of them is seen. */
struct link_group {
	char *line;		/* "file <name> <location> <mode> <uid> <gid>" */
	char *more;		/* " <name>" for each further name */
	uint32_t nlink;
	uint32_t seen;		/* 0: printed already */
};

/* What the image says about the options it was built with. */
struct build_facts {
	bool crc;
	bool any_entry, any_nonfile;
	bool one_mtime;			/* every entry has mtime */
	bool one_nonfile_mtime;		/* every non-file entry has nonfile_mtime */
	uint32_t mtime, nonfile_mtime, newest_file;
	bool padded;			/* some file's name was padded (-a) */
	bool align_bad[31];		/* -a 2^k would not give these bytes */
	const char *first_comp;
	unsigned int members;
};

struct lister {
	FILE *out;
	struct inomap links;
	struct build_facts facts;
};

struct lister *lister_new(FILE *out)
{
	struct lister *l = calloc(1, sizeof(*l));

	if (l)
		l->out = out;
	return l;
}

static const char *comp_name(const struct img_member *m)
{
	return m->comp ? m->comp->name : "none";
}

int lister_member_begin(struct lister *l, const struct img_member *m)
{
	if (m->index == 1)
		l->facts.first_comp = comp_name(m);
	else
		fprintf(l->out, "segment %s\n", comp_name(m));
	if (m->comp)
		fprintf(l->out, "# member %u: %s data at offset %llu%s\n",
			m->index, m->comp->name,
			(unsigned long long)m->comp_offset,
			m->continued ? " (the same stream as the member before)" : "");
	else
		fprintf(l->out, "# member %u: uncompressed at offset %llu\n",
			m->index, (unsigned long long)m->offset);
	l->facts.members = m->index;
	return 0;
}

char *listing_name(const char *name)
{
	char *esc = escape_field(name), *s = NULL;

	if (esc && asprintf(&s, "%s%s", name[0] == '/' ? "" : "/", esc) < 0)
		s = NULL;
	free(esc);
	return s;
}

/*
 * Which -a reproduces the padding: with -a A, exactly the files larger
 * than A have their data at multiples of A, the others have no padding.
 */
static void note_alignment(struct build_facts *f, const struct img_entry *e,
			   bool padded)
{
	int k;

	uint64_t natural = e->offset + CPIO_HDR_LEN + strlen(e->name) + 1;

	natural += cpio_pad(natural, 4);
	f->padded |= padded;
	for (k = 2; k <= 30; k++) {
		uint64_t a = 1ull << k;

		/* Padded: larger than A, and just enough to reach a multiple. */
		if (padded && (e->h.filesize <= a ||
			       e->data_offset != natural + cpio_pad(natural, (uint32_t)a)))
			f->align_bad[k] = true;
		if (!padded && e->h.filesize > a && e->data_offset % a)
			f->align_bad[k] = true;
	}
}

static void note_facts(struct build_facts *f, const struct img_entry *e)
{
	bool is_file = (e->h.mode & S_IFMT) == S_IFREG;
	size_t len = strlen(e->name) + 1;

	if (e->fmt == CPIO_CRC)
		f->crc = true;
	if (!f->any_entry) {
		f->any_entry = f->one_mtime = true;
		f->mtime = e->h.mtime;
	} else if (e->h.mtime != f->mtime) {
		f->one_mtime = false;
	}
	if (is_file && e->h.mtime > f->newest_file)
		f->newest_file = e->h.mtime;
	if (!is_file && !f->any_nonfile) {
		f->any_nonfile = f->one_nonfile_mtime = true;
		f->nonfile_mtime = e->h.mtime;
	} else if (!is_file && e->h.mtime != f->nonfile_mtime) {
		f->one_nonfile_mtime = false;
	}
	if (is_file && e->h.filesize)
		note_alignment(f, e, e->h.namesize > len);
}

/* "<mode> <uid> <gid>" as a spec line ends. */
static void print_owner(FILE *out, const struct cpio_header *h)
{
	fprintf(out, " %04o %u %u", h->mode & 07777, h->uid, h->gid);
}

static int print_link(struct lister *l, const struct img_entry *e,
		      const char *name, const char *loc)
{
	struct ino_key k = { e->h.ino, e->h.devmajor, e->h.devminor };
	struct link_group *g = inomap_get(&l->links, &k);
	char *more;

	if (!g || !g->seen) {
		g = g ? g : calloc(1, sizeof(*g));
		if (!g || inomap_put(&l->links, &k, g))
			return -1;
		if (asprintf(&g->line, "file %s %s %04o %u %u", name, loc,
			     e->h.mode & 07777, e->h.uid, e->h.gid) < 0)
			return -1;
		g->more = strdup("");
		g->nlink = e->h.nlink;
	} else if (asprintf(&more, "%s %s", g->more, name) >= 0) {
		free(g->more);
		g->more = more;
	}
	if (!g->line || !g->more)
		return -1;
	if (++g->seen < g->nlink)
		return 0;
	fprintf(l->out, "%s%s\n", g->line, g->more);
	free(g->line);
	free(g->more);
	g->line = g->more = NULL;
	g->seen = 0;
	return 0;
}

/* A regular file: its location is where --extract puts it. */
static int print_file(struct lister *l, const struct img_entry *e,
		      const char *name)
{
	int dotdot;
	char *rel = path_normalize(e->name, &dotdot), *loc;
	int rc = 0;

	if (!rel)
		return -1;
	if (!rel[0] || dotdot) {
		fprintf(l->out, "# %s: a file name that cannot be extracted\n", name);
		free(rel);
		return 0;
	}
	loc = escape_field(rel);
	free(rel);
	if (!loc)
		return -1;
	if (e->h.nlink > 1) {
		rc = print_link(l, e, name, loc);
	} else {
		fprintf(l->out, "file %s %s", name, loc);
		print_owner(l->out, &e->h);
		fputc('\n', l->out);
	}
	free(loc);
	return rc;
}

static int print_entry(struct lister *l, const struct img_entry *e,
		       const char *name)
{
	uint32_t type = e->h.mode & S_IFMT;
	char *target;

	switch (type) {
	case S_IFREG:
		return print_file(l, e, name);
	case S_IFDIR:
		fprintf(l->out, "dir %s", name);
		break;
	case S_IFLNK:
		if (!e->target || !e->target[0]) {
			fprintf(l->out, "# %s: a symlink target of %u bytes (the kernel drops it)\n",
				name, e->h.filesize);
			return 0;
		}
		target = escape_field(e->target);
		if (!target)
			return -1;
		fprintf(l->out, "slink %s %s", name, target);
		free(target);
		break;
	case S_IFCHR:
	case S_IFBLK:
		fprintf(l->out, "nod %s", name);
		print_owner(l->out, &e->h);
		fprintf(l->out, " %c %u %u\n", type == S_IFCHR ? 'c' : 'b',
			e->h.rdevmajor, e->h.rdevminor);
		return 0;
	case S_IFIFO:
		fprintf(l->out, "pipe %s", name);
		break;
	case S_IFSOCK:
		fprintf(l->out, "sock %s", name);
		break;
	default:
		fprintf(l->out, "# %s: unknown file type in mode %o\n", name,
			e->h.mode);
		return 0;
	}
	print_owner(l->out, &e->h);
	fputc('\n', l->out);
	return 0;
}

int lister_entry(struct lister *l, const struct img_member *m,
		 const struct img_entry *e)
{
	char *name;
	int dotdot, rc;
	char *norm = path_normalize(e->name, &dotdot);

	(void)m;
	if (!norm)
		return -1;
	if (!norm[0] && !dotdot) {
		fprintf(l->out, "# \"%s\": the root, not an entry\n", e->name);
		free(norm);
		return 0;
	}
	free(norm);
	if (img_is_filler(e)) {
		fprintf(l->out, "# an alignment filler: '%s' again\n", e->name);
		return 0;
	}
	note_facts(&l->facts, e);
	name = listing_name(e->name);
	if (!name)
		return -1;
	rc = print_entry(l, e, name);
	free(name);
	return rc;
}

/* Hard links whose other names never came: printed with what there is. */
static void flush_link(void *ctx, void *val)
{
	struct lister *l = ctx;
	struct link_group *g = val;

	if (g->seen)
		fprintf(l->out, "%s%s\n# (the links above name %u of %u names)\n",
			g->line, g->more, g->seen, g->nlink);
	free(g->line);
	free(g->more);
	free(g);
}

int lister_member_end(struct lister *l, const struct img_member *m)
{
	inomap_clear(&l->links, flush_link, l);
	fprintf(l->out, "# member %u: %llu entries, %s%s\n", m->index,
		(unsigned long long)m->entries,
		m->fmt == CPIO_CRC ? "crc" : "newc",
		m->trailer ? "" : ", no trailer");
	return 0;
}

void lister_finish(struct lister *l)
{
	const struct build_facts *f = &l->facts;
	int k;

	fprintf(l->out, "# To compile this list back, in the directory --extract filled:\n#   gen_init_cpio");
	if (f->crc)
		fprintf(l->out, " -c");
	if (f->one_mtime && f->any_entry)
		fprintf(l->out, " -t %u", f->mtime);
	for (k = 2; f->padded && k <= 30; k++)
		if (!f->align_bad[k]) {
			fprintf(l->out, " -a %u", 1u << k);
			break;
		}
	fprintf(l->out, " -z %s -o <image> <this list>\n",
		f->first_comp ? f->first_comp : "none");
	if (f->one_mtime || !f->any_nonfile)
		return;
	if (f->one_nonfile_mtime && f->newest_file <= f->nonfile_mtime)
		fprintf(l->out, "#   with SOURCE_DATE_EPOCH=%u in the environment\n",
			f->nonfile_mtime);
	else
		fprintf(l->out, "# (the entries that are not files have different mtimes: a spec list cannot give them)\n");
}

void lister_free(struct lister *l)
{
	if (!l)
		return;
	inomap_clear(&l->links, flush_link, l);
	free(l);
}

/* A lister, and the selection it prints. */
struct list_ctx {
	struct lister *l;
	struct read_opts *o;
	bool skip_member;
	/*
	 * With patterns, a member is shown from its first selected entry
	 * on: nothing at all is printed when nothing matches.
	 */
	bool pending;
};

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct list_ctx *c = ctx;

	(void)s;
	c->skip_member = !sel_member(c->o, m->index);
	c->pending = false;
	if (!c->skip_member && c->o->npatterns)
		c->pending = true;
	else if (!c->skip_member)
		return lister_member_begin(c->l, m);
	return 0;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct list_ctx *c = ctx;

	(void)s;
	if (c->skip_member || !sel_name(c->o, e->name))
		return 0;
	if (c->pending && lister_member_begin(c->l, m))
		return -1;
	c->pending = false;
	return lister_entry(c->l, m, e);
}

static int on_member_end(void *ctx, struct img_scan *s,
			 const struct img_member *m)
{
	struct list_ctx *c = ctx;

	(void)s;
	if (c->skip_member || c->pending)
		return 0;
	return lister_member_end(c->l, m);
}

int list_image_opts(const char *path, struct read_opts *o, FILE *out,
		    struct diag *d)
{
	struct list_ctx c = { .l = lister_new(out), .o = o };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.member_end = on_member_end,
		.ctx = &c,
	};
	int rc;

	if (o->long_list) {
		lister_free(c.l);
		return long_list_image(path, o, out, d);
	}
	if (!c.l) {
		diag_oom(d, NULL);
		return -1;
	}
	rc = img_scan_path(path, &v, 0, d);
	if (!rc)
		rc = sel_report(o, path, d);
	if (!rc && (!o->npatterns || o->entries_matched))
		lister_finish(c.l);
	lister_free(c.l);
	return rc;
}

int list_image(const char *path, FILE *out, struct diag *d)
{
	struct read_opts o = { 0 };

	return list_image_opts(path, &o, out, d);
}

/* --examine: one row per member, printed when the member is done. */
static int examine_header(void *ctx, struct img_scan *s,
			  const struct img_member *m)
{
	(void)s;
	FILE *out = ctx;

	(void)m;
	fprintf(out, "%-6s %12s %12s %-11s %-6s %8s %12s %s\n",
		"member", "offset", "length", "compression", "format",
		"entries", "size", "trailer");
	return 0;
}

static int examine_row(void *ctx, struct img_scan *s,
		       const struct img_member *m)
{
	(void)s;
	FILE *out = ctx;
	char off[32], len[32];

	if (m->comp && m->continued) {
		snprintf(off, sizeof(off), "+%llu", (unsigned long long)m->offset);
		snprintf(len, sizeof(len), "-");
	} else if (m->comp) {
		snprintf(off, sizeof(off), "%llu", (unsigned long long)m->comp_offset);
		snprintf(len, sizeof(len), "%llu", (unsigned long long)m->comp_length);
	} else {
		snprintf(off, sizeof(off), "%llu", (unsigned long long)m->offset);
		snprintf(len, sizeof(len), "%llu", (unsigned long long)m->size);
	}
	fprintf(out, "%-6u %12s %12s %-11s %-6s %8llu %12llu %s\n", m->index,
		off, len, comp_name(m), m->fmt == CPIO_CRC ? "crc" : "newc",
		(unsigned long long)m->entries, (unsigned long long)m->size,
		m->trailer ? "yes" : "no");
	return 0;
}

struct examine_ctx {
	FILE *out;
	struct read_opts *o;
	bool header_done;
};

static int examine_member(void *ctx, struct img_scan *s,
			  const struct img_member *m)
{
	struct examine_ctx *c = ctx;

	if (!sel_member(c->o, m->index))
		return 0;
	if (c->o->json)
		return json_member(c->out, m);
	if (!c->header_done)
		examine_header(c->out, s, m);
	c->header_done = true;
	return examine_row(c->out, s, m);
}

int examine_image_opts(const char *path, struct read_opts *o, FILE *out,
		       struct diag *d)
{
	struct examine_ctx c = { .out = out, .o = o };
	struct img_visitor v = {
		.member_end = examine_member,
		.ctx = &c,
	};

	if (img_scan_path(path, &v, 0, d))
		return -1;
	return sel_report(o, path, d);
}

int examine_image(const char *path, FILE *out, struct diag *d)
{
	struct read_opts o = { 0 };

	return examine_image_opts(path, &o, out, d);
}
