// SPDX-License-Identifier: GPL-2.0
/*
 * cpioread.c: archive sources (see cpioread.h): a visitor of imgread that
 * turns the archive's entries into the compiler's entries and nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "image/compress.h"
#include "image/cpio.h"
#include "image/imgread.h"
#include "cpioread.h"

const char *compression_of(const unsigned char *buf, size_t len)
{
	const struct method *m = method_for_magic(buf, len);

	return m ? m->name : NULL;
}

int looks_like_archive(const unsigned char *buf, size_t len)
{
	return (len >= 5 && !memcmp(buf, "07070", 5)) ||
	       method_for_magic(buf, len);
}

/*
 * [@from, @to) of @in undone by @m's program into an unlinked temporary
 * file, which the image's data is copied from when it is written: its
 * descriptor, or -1 (reported at @what).
 */
static int decompress(const struct method *m, int in, uint64_t from,
		      uint64_t to, const char *what, struct diag *d)
{
	struct srcloc loc = { .file = what };
	struct decompressor z;
	int out = archive_tmpfile(what, d), rc, status;

	if (out < 0)
		return -1;
	rc = decompressor_start(&z, m, in, from, to, out, 0);
	if (rc) {
		diag_error(d, &loc, "cannot run '%s' to undo its %s compression: %s",
			   m->decompress[0], m->name, strerror(-rc));
		goto fail;
	}
	status = decompressor_wait(&z);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		diag_error(d, &loc, "'%s' failed to decompress it (%s %d)",
			   m->decompress[0],
			   WIFEXITED(status) ? "exit status" : "signal",
			   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		goto fail;
	}
	return out;
fail:
	close(out);
	return -1;
}

int archive_tmpfile(const char *what, struct diag *d)
{
	struct srcloc loc = { .file = what };
	const char *dir;
	int fd = decompressed_file(&dir);

	if (fd < 0)
		diag_error(d, &loc, "cannot create a temporary file in %s: %s",
			   dir, strerror(errno));
	return fd;
}

int decompress_range(int in, uint64_t off, uint64_t len, const char *what,
		     struct diag *d)
{
	unsigned char magic[16];
	const struct method *m;
	ssize_t n = pread(in, magic, len < 16 ? (size_t)len : 16, (off_t)off);

	m = n > 0 ? method_for_magic(magic, (size_t)n) : NULL;
	if (!m)
		return -2;
	return decompress(m, in, off, off + len, what, d);
}

int archive_reader_get(struct archive_reader *r, uint64_t off, size_t n,
		       const unsigned char **p)
{
	if (off + n > r->size)
		return -1;
	if (off < r->start || off + n > r->start + r->len) {
		ssize_t got = pread(r->fd, r->buf, sizeof(r->buf), (off_t)off);

		if (got < (ssize_t)n)
			return -1;
		r->start = off;
		r->len = (size_t)got;
	}
	*p = r->buf + (off - r->start);
	return 0;
}

/* What the visitor needs while imgread walks the (decompressed) archive. */
struct parser {
	int fd;			/* the file walked: entries' data is in it */
	unsigned int members;
	struct entry_list *out;
	struct inomap links;	/* hard links within one member -> node */
	struct diag *d;
	struct srcloc loc;	/* at the header being read */
	uint32_t source;	/* the archive's (source_add()) */
};

/* A symlink's target: its data, up to a NUL if the writer added one. */
static int read_target(struct parser *p, struct node *n,
		       const struct img_entry *e)
{
	if (!e->target) {
		diag_error(p->d, &p->loc,
			   "symlink target of %u bytes; the kernel accepts %u with its NUL",
			   e->h.filesize, CPIO_PATH_MAX);
		return -1;
	}
	size_t len = strlen(e->target);
	char *target = str_alloc(len, &n->target);

	if (!target)
		return -1;
	memcpy(target, e->target, len);
	if (!target[0] || len + 1 > CPIO_PATH_MAX) {
		diag_error(p->d, &p->loc, "symlink target is empty or longer than %u bytes",
			   CPIO_PATH_MAX - 1);
		return -1;
	}
	return 0;
}

/* A new node with the header's metadata; NULL (reported) if it is bad. */
static struct node *new_node(struct parser *p, const struct cpio_header *h,
			     enum entry_type type)
{
	struct node *n = node_new(type, p->source);

	if (!n)
		return NULL;
	n->mode = h->mode & (S_IFMT | 07777);
	n->uid = h->uid;
	n->gid = h->gid;
	n->has_mtime = true;
	n->mtime = h->mtime;
	if (type == ENTRY_NOD) {
		n->rmajor = h->rdevmajor;
		n->rminor = h->rdevminor;
		if (n->rmajor > 4095 || n->rminor > 1048575) {
			diag_error(p->d, &p->loc,
				   "device %u:%u does not fit the kernel's dev_t (12:20 bits)",
				   n->rmajor, n->rminor);
			node_put(n);
			return NULL;
		}
	}
	return n;
}

/*
 * The node for one entry: new, or for a hard link seen earlier in the
 * member, that one (the name with data gives it its data).
 */
static struct node *entry_node(struct parser *p, const struct img_entry *e)
{
	const struct cpio_header *h = &e->h;
	int type = entry_type_of_mode(h->mode);
	struct ino_key key = { h->ino, h->devmajor, h->devminor };
	struct node *n = NULL;

	if (type < 0) {
		diag_error(p->d, &p->loc, "unknown file type in mode %o", h->mode);
		return NULL;
	}
	if (type == ENTRY_FILE && h->nlink > 1)
		n = inomap_get(&p->links, &key);
	if (n) {
		n->refs++;
	} else {
		n = new_node(p, h, (enum entry_type)type);
		if (!n)
			return NULL;
		if (type == ENTRY_FILE && h->nlink > 1 &&
		    inomap_put(&p->links, &key, n)) {
			node_put(n);
			return NULL;
		}
	}
	if (type == ENTRY_FILE && h->filesize) {
		n->data = DATA_FD;	/* in the source's file */
		n->offset = e->data_offset;
		n->size = h->filesize;
	}
	if (type == ENTRY_SLINK && read_target(p, n, e)) {
		node_put(n);
		return NULL;
	}
	return n;
}

/*
 * Is @name the archive's root ("." or "./", as find | cpio writes it)?
 * It is not an entry here: the root always exists.  ".." is not the root;
 * the checks refuse it with the other bad names.
 */
static int names_root(const char *name)
{
	int dotdot;
	char *path = path_normalize(name, &dotdot);
	int root = path && !path[0] && !dotdot;

	free(path);
	return root;
}

/* One entry of the archive, the trailers aside: added to p->out. */
static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct parser *p = ctx;
	struct node *n;
	long where;
	int rc = 0;

	(void)s;
	(void)m;
	p->loc.offset = e->offset;
	if (names_root(e->name))
		return 0;
	n = entry_node(p, e);
	where = n ? source_add_offset(p->source, p->loc.offset) : -1;
	if (where < 0 || !entry_list_add(p->out, e->name, n, (uint32_t)where))
		rc = -1;
	node_put(n);
	return rc;
}

/*
 * A member begins.  The archive is read as it is, or decompressed as a
 * whole: it starts with a header, and a compressed member cannot follow
 * (its data would be in no file).
 */
static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct parser *p = ctx;

	(void)s;
	p->members++;
	inomap_clear(&p->links, NULL, NULL);
	p->loc.offset = m->comp ? m->comp_offset : 0;
	if (m->comp && m->comp_offset) {
		diag_error(p->d, &p->loc,
			   "data after the trailer is not another cpio member (a compressed member after an uncompressed one is not supported as a source)");
		return -1;
	}
	if (m->comp || (m->index == 1 && m->offset)) {
		diag_error(p->d, &p->loc, "not a newc/crc header (bad magic)");
		return -1;
	}
	return 0;
}

/*
 * A member ends.  The kernel takes one that stops (at zeros, or at the
 * end) before its trailer; a source must be whole.
 */
static int on_member_end(void *ctx, struct img_scan *s,
			 const struct img_member *m)
{
	struct parser *p = ctx;
	struct srcloc loc = { .file = img_where(s), .at_offset = true,
			      .offset = m->offset + m->size };

	if (m->trailer || m->comp)
		return 0;
	diag_error(p->d, &loc, "truncated: the member ends without its TRAILER!!! entry");
	return -1;
}

/* Nothing but zeros (or nothing at all) came out of the decompressor. */
static int no_member(struct parser *p)
{
	struct stat st;

	p->loc.offset = 0;
	if (!fstat(p->fd, &st) && st.st_size > 0)
		diag_error(p->d, &p->loc, "not a newc/crc header (bad magic)");
	else
		diag_error(p->d, &p->loc, "truncated: no room for a header");
	return -1;
}

int archive_plain(int fd, const char *name, struct diag *d)
{
	const struct method *m;
	unsigned char magic[16];
	ssize_t n;
	int out;

	n = pread(fd, magic, sizeof(magic), 0);
	m = n > 0 ? method_for_magic(magic, (size_t)n) : NULL;
	if (!m)
		return fd;
	out = decompress(m, fd, 0, UINT64_MAX, name, d);
	close(fd);
	return out;
}

int archive_open(const char *path, struct diag *d)
{
	struct srcloc loc = { .file = path };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		diag_error(d, &loc, "cannot open: %s", strerror(errno));
		return -1;
	}
	return archive_plain(fd, path, d);
}

int cpioread_fd(const char *path, int fd, struct entry_list *out,
		struct diag *d)
{
	struct parser p = {
		.fd = fd, .out = out, .d = d,
		.loc = { .file = path, .at_offset = true },
	};
	struct img_visitor v = {
		.member_begin = on_member_begin, .entry = on_entry,
		.member_end = on_member_end, .ctx = &p,
	};
	long source = source_add(path, fd);
	int rc;

	if (source < 0) {
		diag_oom(d, &p.loc);
		return -1;
	}
	p.source = (uint32_t)source;
	/* Compressed parts are not run again: see on_member_begin(). */
	rc = img_scan_fd(fd, path, &v, IMG_NO_DECOMPRESS, d);
	inomap_clear(&p.links, NULL, NULL);
	if (!rc && !p.members)
		rc = no_member(&p);
	return rc;
}

int cpioread_source(const char *path, struct entry_list *out,
		    struct deplist *deps, int *fd, struct diag *d)
{
	struct srcloc loc = { .file = path };

	*fd = -1;
	if (deplist_add(deps, path)) {
		diag_oom(d, &loc);
		return -1;
	}
	*fd = archive_open(path, d);
	return *fd < 0 ? -1 : cpioread_fd(path, *fd, out, d);
}
