// SPDX-License-Identifier: GPL-2.0
/*
 * verify.c: the kernel's view of an image (see verify.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "image/cpio.h"
#include "image/imgread.h"
#include "select.h"
#include "verify.h"

/* What defined a path, for parents and overrides. */
struct defined {
	uint32_t type;		/* S_IFMT bits */
	bool has_children;
	unsigned int member;
	uint64_t offset;
};

/* The names of one inode within a member (hard links). */
struct link_group {
	char *first;		/* the first name, which the kernel links to */
	uint64_t first_offset;
	uint32_t mode, uid, gid, nlink;
	uint32_t names, with_data;
};

struct verifier {
	struct img_scan *s;
	struct diag *d;
	struct pathmap paths;
	struct defined *def;
	size_t ndef, capdef;
	struct inomap links;
	bool compressed_before;	/* the early loader stops at compressed data */
	unsigned long long entries;
	unsigned int members;
	char *name;		/* normal form of the current entry's name */
	const struct img_entry *e;
	struct read_opts *o;
	/*
	 * --member: a member not selected is still read, for what it defines
	 * (the parents, the names later members replace), but nothing in it
	 * is reported or counted.
	 */
	bool quiet;
};

#define warn_entry(v, ...) \
	((v)->quiet ? 0 : img_entry_report((v)->s, (v)->e, false, __VA_ARGS__))

static bool known_type(uint32_t type)
{
	return type == S_IFREG || type == S_IFDIR || type == S_IFLNK ||
	       type == S_IFCHR || type == S_IFBLK || type == S_IFIFO ||
	       type == S_IFSOCK;
}

static const char *type_name(uint32_t type)
{
	switch (type) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "character device";
	case S_IFBLK: return "block device";
	case S_IFIFO: return "FIFO";
	case S_IFSOCK: return "socket";
	}
	return "file of unknown type";
}

/* The crc format's c_check must match: the kernel stops if not. */
static int check_sum(struct verifier *v)
{
	uint32_t sum;

	if (img_data_sum(v->s, &sum))
		return -1;
	if (sum != v->e->h.check)
		img_entry_report(v->s, v->e, true,
				 "data checksum %08X, the header says %08X (the kernel stops at \"bad data checksum\")",
				 sum, v->e->h.check);
	return 0;
}

/* What the kernel skips without a word, by the header alone. */
static bool check_shape(struct verifier *v)
{
	const struct cpio_header *h = &v->e->h;
	uint32_t type = h->mode & S_IFMT;

	if (!known_type(type)) {
		warn_entry(v, "unknown file type in mode %o: the kernel skips it",
			   h->mode);
		return false;
	}
	if (type != S_IFREG && type != S_IFLNK && h->filesize) {
		warn_entry(v, "a %s with %u bytes of data: the kernel skips it",
			   type_name(type), h->filesize);
		return false;
	}
	if (type == S_IFLNK && (!v->e->target || !v->e->target[0])) {
		warn_entry(v, "a symlink target of %u bytes: the kernel skips it (1..%d)",
			   h->filesize, CPIO_PATH_MAX);
		return false;
	}
	if ((type == S_IFCHR || type == S_IFBLK) &&
	    (h->rdevmajor > 4095 || h->rdevminor > 1048575))
		warn_entry(v, "device %u:%u does not fit the kernel's dev_t (12:20 bits)",
			   h->rdevmajor, h->rdevminor);
	return true;
}

static struct defined *defined_at(struct verifier *v, const char *path)
{
	long i = pathmap_get(&v->paths, path);

	return i < 0 ? NULL : &v->def[i];
}

/* An -a filler: a directory entry repeating a directory defined before. */
static bool is_repeated_dir(struct verifier *v, const struct img_entry *e)
{
	const struct defined *old;

	if (!img_is_filler(e))
		return false;
	old = defined_at(v, v->name);
	return old && old->type == S_IFDIR;
}

/* The parent must exist as a directory (or a symlink the kernel follows). */
static void check_parent(struct verifier *v)
{
	char *parent = strdup(v->name);
	struct defined *p;

	if (!parent || !path_cut_to_parent(parent)) {
		free(parent);
		return;
	}
	p = defined_at(v, parent);
	if (!p)
		warn_entry(v, "parent directory '%s' is not defined earlier: the kernel cannot create it",
			   parent);
	else if (p->type != S_IFDIR && p->type != S_IFLNK)
		warn_entry(v, "parent '%s' is a %s, not a directory: the kernel cannot create it",
			   parent, type_name(p->type));
	else
		p->has_children = true;
	free(parent);
}

/*
 * An earlier entry of the name is replaced: say so, and say what kind of
 * replacement it is when the type changes (a directory that becomes a
 * symlink sends every later name below it where the symlink points).
 */
static void warn_replaced(struct verifier *v, const struct img_member *m,
			  const struct defined *old, uint32_t type)
{
	bool same_member = old->member == m->index;
	const char *tail = "";
	char as[64] = "";

	if (old->type == S_IFDIR && type == S_IFLNK)
		tail = "; the kernel follows it for any later name below it";
	if (old->type != type)
		snprintf(as, sizeof(as), " %s a %s", same_member ? "as" : "with",
			 type_name(type));
	if (same_member)
		warn_entry(v, "defined again%s: replaces the %s of member %u at offset %llu%s",
			   as, type_name(old->type), old->member,
			   (unsigned long long)old->offset, tail);
	else
		warn_entry(v, "a later member replaces the %s of member %u at offset %llu%s%s",
			   type_name(old->type), old->member,
			   (unsigned long long)old->offset, as, tail);
}

/* Record the entry; say what happens to an earlier one of the same name. */
static int define(struct verifier *v, const struct img_member *m)
{
	uint32_t type = v->e->h.mode & S_IFMT;
	struct defined *old;
	long i;

	if (v->ndef == v->capdef) {
		size_t cap = v->capdef ? 2 * v->capdef : 1024;
		struct defined *def = realloc(v->def, cap * sizeof(*def));

		if (!def)
			return -1;
		v->def = def;
		v->capdef = cap;
	}
	i = pathmap_get_or_put(&v->paths, v->name, v->ndef);
	if (i == -2)
		return -1;
	if (i == -1) {
		v->def[v->ndef++] = (struct defined){ type, false, m->index,
						      v->e->offset };
		return 0;
	}
	old = &v->def[i];
	if (old->type == S_IFDIR && type != S_IFDIR && old->has_children)
		warn_entry(v, "replaces the directory of member %u at offset %llu, which has entries: the kernel cannot remove it and skips this %s",
			   old->member, (unsigned long long)old->offset,
			   type_name(type));
	else
		warn_replaced(v, m, old, type);
	*old = (struct defined){ type, type == S_IFDIR && old->has_children,
				 m->index, v->e->offset };
	return 0;
}

/*
 * A later name of an inode whose first name a later entry redefined: the
 * kernel links it to whatever the name is now (a FIFO, a device: and
 * writes the data into that), extraction makes it a file of its own.
 */
static bool link_broken(struct verifier *v, const struct link_group *g)
{
	const struct defined *now = defined_at(v, g->first);

	if (!now || now->offset == g->first_offset)
		return false;
	warn_entry(v, "a hard link of '%s' at offset %llu, which the entry at offset %llu defined again as a %s: the kernel links this name to that, extraction makes it a file of its own",
		   g->first, (unsigned long long)g->first_offset,
		   (unsigned long long)now->offset, type_name(now->type));
	return true;
}

/* Hard links: the kernel links names by (ino, dev) within one member. */
static int check_link(struct verifier *v)
{
	const struct cpio_header *h = &v->e->h;
	struct ino_key k = { h->ino, h->devmajor, h->devminor };
	struct link_group *g = inomap_get(&v->links, &k);

	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g || inomap_put(&v->links, &k, g)) {
			free(g);
			return -1;
		}
		*g = (struct link_group){ strdup(v->name), v->e->offset, h->mode,
					  h->uid, h->gid, h->nlink, 0, 0 };
		if (!g->first)
			return -1;
	} else if (link_broken(v, g)) {
		;
	} else if (g->mode != h->mode || g->uid != h->uid || g->gid != h->gid) {
		warn_entry(v, "a hard link of the entry at offset %llu with another mode or owner: the inode gets this one's",
			   (unsigned long long)g->first_offset);
	} else if (g->nlink != h->nlink) {
		warn_entry(v, "a hard link of the entry at offset %llu with another c_nlink (%u, not %u)",
			   (unsigned long long)g->first_offset, h->nlink, g->nlink);
	}
	g->names++;
	if (h->filesize && g->with_data++)
		warn_entry(v, "a second name of one inode carrying data: the kernel writes the file again");
	return 0;
}

/* Early microcode: uncompressed, before any compressed data, named exactly. */
static void check_microcode(struct verifier *v, const struct img_member *m)
{
	size_t dir_len = strlen(MICROCODE_DIR "/");
	const char *base;
	bool intel;

	if (strncmp(v->name, MICROCODE_DIR "/", dir_len))
		return;
	base = v->name + dir_len;
	intel = !strcmp(base, "GenuineIntel.bin");
	if (!intel && strcmp(base, "AuthenticAMD.bin"))
		return;
	if (m->comp || v->compressed_before)
		warn_entry(v, "early microcode %s: the early loader reads only the uncompressed members at the start of the image",
			   m->comp ? "in a compressed member" : "behind compressed data");
	else if (strcmp(v->e->name, v->name))
		warn_entry(v, "the early loader looks for exactly '%s'", v->name);
	else if (intel && (v->e->data_offset & 15))
		warn_entry(v, "Intel microcode data at offset %llu, not a multiple of 16",
			   (unsigned long long)v->e->data_offset);
}

static int verify_entry(void *ctx, struct img_scan *s,
			const struct img_member *m, const struct img_entry *e)
{
	struct verifier *v = ctx;
	uint32_t type = e->h.mode & S_IFMT;
	int dotdot, rc = 0;

	v->s = s;
	v->e = e;
	v->entries += !v->quiet;
	v->name = path_normalize(e->name, &dotdot);
	if (!v->name)
		return -1;
	if (e->fmt == CPIO_CRC && type == S_IFREG && !v->quiet && check_sum(v))
		rc = -1;
	else if (!e->name[0])
		warn_entry(v, "an empty name: the kernel skips it");
	else if (!v->name[0] && !dotdot && type != S_IFDIR)
		warn_entry(v, "the root as a %s: the kernel cannot make it one",
			   type_name(type));
	else if (!v->name[0] && !dotdot)
		;	/* the root: the kernel applies its mode and owner */
	else if (is_repeated_dir(v, e))
		;	/* -a's repeat of a directory: nothing changes */
	else if (check_shape(v)) {
		if (dotdot)
			warn_entry(v, "'..' in the name: the kernel stops at the root, extraction refuses it");
		else
			check_parent(v);
		check_microcode(v, m);
		if (type == S_IFREG && e->h.nlink > 1 && check_link(v))
			rc = -1;
		if (!rc && define(v, m))
			rc = -1;
	}
	free(v->name);
	v->name = NULL;
	return rc;
}

struct link_ctx {
	struct verifier *v;
	const struct img_member *m;
};

static void check_link_count(void *ctx, void *val)
{
	struct link_ctx *c = ctx;
	struct link_group *g = val;

	if (c->m && !c->v->quiet && g->names != g->nlink) {
		struct srcloc loc = { .file = img_where(c->v->s),
				      .at_offset = true,
				      .offset = g->first_offset };

		diag_warn(c->v->d, &loc,
			  "c_nlink is %u but member %u has %u names for this inode",
			  g->nlink, c->m->index, g->names);
	}
	free(g->first);
	free(g);
}

static int verify_member_begin(void *ctx, struct img_scan *s,
			       const struct img_member *m)
{
	struct verifier *v = ctx;

	v->s = s;
	v->quiet = !sel_member(v->o, m->index);
	v->members += !v->quiet;
	return 0;
}

static int verify_member_end(void *ctx, struct img_scan *s,
			     const struct img_member *m)
{
	struct verifier *v = ctx;
	struct link_ctx c = { v, m };

	v->s = s;
	inomap_clear(&v->links, check_link_count, &c);
	if (m->comp)
		v->compressed_before = true;
	if (!m->trailer && (m->entries || !m->comp) && !v->quiet) {
		struct srcloc loc = { .file = img_where(v->s), .at_offset = true,
				      .offset = m->offset + m->size };

		diag_warn(v->d, &loc, "member %u ends without a TRAILER!!! entry",
			  m->index);
	}
	return 0;
}

int verify_image_opts(const char *path, struct read_opts *o, FILE *out,
		      struct diag *d)
{
	struct verifier v = { .d = d, .o = o };
	struct img_visitor vis = {
		.member_begin = verify_member_begin,
		.entry = verify_entry,
		.member_end = verify_member_end,
		.ctx = &v,
	};
	struct link_ctx c = { &v, NULL };
	int rc = img_scan_path(path, &vis, 0, d);

	if (!rc && !diag_failed(d) && sel_report(o, path, d))
		rc = -1;
	inomap_clear(&v.links, check_link_count, &c);
	pathmap_release(&v.paths);
	free(v.def);
	fprintf(out, "%s: %u member%s%s%s, %llu entries: %s (%u error%s, %u warning%s)\n",
		path, v.members, v.members == 1 ? "" : "s",
		o->members ? " selected by --member " : "",
		o->members ? o->members : "", v.entries,
		diag_failed(d) ? "FAILED" : "ok", d->errors,
		d->errors == 1 ? "" : "s", d->warnings,
		d->warnings == 1 ? "" : "s");
	return rc;
}

int verify_image(const char *path, FILE *out, struct diag *d)
{
	struct read_opts o = { 0 };

	return verify_image_opts(path, &o, out, d);
}
