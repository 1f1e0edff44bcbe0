// SPDX-License-Identifier: GPL-2.0
/*
 * extract.c: unpack an image below a directory, safely (see extract.h).
 *
 * Two passes over the image: the first only reads, so that a broken or
 * hostile image (a bad header, a checksum, "../x", "/etc/x", a path
 * through a symlink an earlier entry planted) is refused before anything
 * is written; the second creates the entries, walking every name one
 * component at a time with O_NOFOLLOW, so that even a directory that
 * already held symlinks cannot lead it outside.
 */
/* O_PATH: GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "image/imgread.h"
#include "extract.h"
#include "listing.h"

/* A directory's mode, owner and mtime, applied once it is filled. */
struct dir_fixup {
	char *path;
	uint32_t mode, uid, gid, mtime;
	size_t depth;
};

struct extractor {
	int root;		/* the directory, O_PATH */
	bool as_root;		/* owners and device nodes only then */
	bool writing;		/* second pass */
	struct diag *d;
	struct img_scan *s;
	const struct img_entry *e;
	struct lister *l;
	struct pathmap types;	/* first pass: what each path is */
	uint32_t *type;
	size_t ntypes;
	struct inomap links;	/* second pass: first name of each inode */
	struct dir_fixup *dirs;
	size_t ndirs;
};

/* Report a problem with the current entry; -1 for an error, 0 else. */
#define refuse(x, is_error, ...) \
	img_entry_report((x)->s, (x)->e, (is_error), __VA_ARGS__)

/*
 * The name as a path below the directory, or NULL when it is refused
 * (reported) or is the directory itself (*@is_root).
 */
static char *safe_path(struct extractor *x, bool *is_root)
{
	const char *name = x->e->name;
	int dotdot;
	char *path;

	*is_root = false;
	if (name[0] == '/') {
		refuse(x, true, "an absolute name: refused");
		return NULL;
	}
	path = path_normalize(name, &dotdot);
	if (!path)
		return NULL;
	if (dotdot) {
		refuse(x, true, "'..' in the name: refused");
	} else if (!path[0] && (x->e->h.mode & S_IFMT) != S_IFDIR) {
		refuse(x, true, "names the extraction directory itself: refused");
	} else if (!path[0]) {
		*is_root = true;	/* "." : the directory stays as it is */
	} else {
		return path;
	}
	free(path);
	return NULL;
}

/* First pass: would a component of @path be something an entry planted? */
static int check_components(struct extractor *x, char *path)
{
	char *slash;
	long i;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		i = pathmap_get(&x->types, path);
		if (i >= 0 && x->type[i] != S_IFDIR) {
			refuse(x, true, "'%s' is a %s in this image: refused to go through it",
			       path, x->type[i] == S_IFLNK ? "symlink" : "non-directory");
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

static int note_type(struct extractor *x, const char *path)
{
	uint32_t *t = realloc(x->type, (x->ntypes + 1) * sizeof(*t));
	long i;

	if (!t)
		return -1;
	x->type = t;
	i = pathmap_get_or_put(&x->types, path, x->ntypes);
	if (i == -2)
		return -1;
	if (i == -1)
		i = (long)x->ntypes++;
	x->type[i] = x->e->h.mode & S_IFMT;
	return 0;
}

/*
 * Open the directory that holds @path (walked from the root without
 * following symlinks); *@base points at the last component.  -1 if a
 * component is missing or not a directory (reported).
 */
static int open_parent(struct extractor *x, char *path, const char **base)
{
	int fd = dup(x->root);
	char *comp = path, *slash;

	while (fd >= 0 && (slash = strchr(comp, '/'))) {
		int next;

		*slash = '\0';
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int err = errno;

			*slash = '\0';
			refuse(x, err != ENOENT, "cannot enter '%s' (%s)%s", path,
			       err == ENOTDIR || err == ELOOP ?
			       "not a directory: a symlink is never followed" : strerror(err),
			       err == ENOENT ? ": skipped, as the kernel skips it" : "");
		}
		*slash = '/';
		close(fd);
		fd = next;
		comp = slash + 1;
	}
	*base = comp;
	return fd;
}

/*
 * Make room for the new entry: remove what is there, unless both are
 * dirs (1).  A directory that still has entries cannot go: the kernel
 * skips the new entry then, and so does this (2, with a warning).
 */
static int clear_place(struct extractor *x, int dir, const char *base)
{
	struct stat st;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : refuse(x, true, "cannot stat: %s", strerror(errno));
	if (S_ISDIR(st.st_mode) && (x->e->h.mode & S_IFMT) == S_IFDIR)
		return 1;
	if (!unlinkat(dir, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		return 0;
	if (S_ISDIR(st.st_mode) && (errno == ENOTEMPTY || errno == EEXIST)) {
		refuse(x, false, "replaces a directory that has entries: skipped, as the kernel skips it");
		return 2;
	}
	return refuse(x, true, "cannot replace what is there: %s", strerror(errno));
}

static int set_owner_mode_time(struct extractor *x, int dir, const char *base,
			       bool is_link)
{
	const struct cpio_header *h = &x->e->h;
	struct timespec t[2] = { { h->mtime, 0 }, { h->mtime, 0 } };

	if (x->as_root && fchownat(dir, base, h->uid, h->gid, AT_SYMLINK_NOFOLLOW))
		return refuse(x, true, "cannot change the owner: %s", strerror(errno));
	if (!is_link && fchmodat(dir, base, h->mode & 07777, 0))
		return refuse(x, true, "cannot change the mode: %s", strerror(errno));
	if (utimensat(dir, base, t, AT_SYMLINK_NOFOLLOW))
		return refuse(x, true, "cannot set the mtime: %s", strerror(errno));
	return 0;
}

static int write_data(struct extractor *x, int fd)
{
	static char buf[1 << 16];
	long n;

	while ((n = img_read_data(x->s, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return refuse(x, true, "cannot write: %s", strerror(errno));
	return n < 0 ? -1 : 0;
}

/*
 * Another name of an inode made earlier: open it to write the data it
 * carries.  Its mode is already applied and may forbid writing to a user
 * who is not root; it is applied again after the data.
 */
static int open_link_for_data(struct extractor *x, int dir, const char *base)
{
	int fd;

	if (!x->e->h.filesize)
		return openat(dir, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	fd = openat(dir, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && !fchmodat(dir, base, 0600, 0))
		fd = openat(dir, base, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	return fd;
}

/* A regular file, or another name of an inode made earlier in the member. */
static int make_file(struct extractor *x, int dir, const char *base,
		     const char *path)
{
	const struct cpio_header *h = &x->e->h;
	struct ino_key k = { h->ino, h->devmajor, h->devminor };
	char *first = h->nlink > 1 ? inomap_get(&x->links, &k) : NULL;
	int fd, rc;

	if (first) {
		char *copy = strdup(first);
		const char *fbase;
		int fdir = copy ? open_parent(x, copy, &fbase) : -1;

		rc = fdir < 0 ? -1 : linkat(fdir, fbase, dir, base, 0);
		if (fdir >= 0)
			close(fdir);
		free(copy);
		if (rc)
			return refuse(x, true, "cannot link to '%s': %s", first,
				      strerror(errno));
		fd = open_link_for_data(x, dir, base);
	} else {
		fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
		if (fd >= 0 && h->nlink > 1) {
			char *dup_path = strdup(path);

			if (!dup_path || inomap_put(&x->links, &k, dup_path)) {
				free(dup_path);
				close(fd);
				return -1;
			}
		}
	}
	if (fd < 0)
		return refuse(x, true, "cannot create: %s", strerror(errno));
	rc = write_data(x, fd);
	if (close(fd) && !rc)
		rc = refuse(x, true, "cannot write: %s", strerror(errno));
	return rc ? rc : set_owner_mode_time(x, dir, base, false);
}

static int remember_dir(struct extractor *x, const char *path)
{
	struct dir_fixup *v = realloc(x->dirs, (x->ndirs + 1) * sizeof(*v));
	const struct cpio_header *h = &x->e->h;
	const char *p;
	size_t depth = 0;

	if (!v)
		return -1;
	x->dirs = v;
	for (p = path; *p; p++)
		depth += *p == '/';
	v[x->ndirs] = (struct dir_fixup){ strdup(path), h->mode & 07777,
					  h->uid, h->gid, h->mtime, depth };
	if (!v[x->ndirs].path)
		return -1;
	x->ndirs++;
	return 0;
}

static int make_node(struct extractor *x, int dir, const char *base)
{
	const struct cpio_header *h = &x->e->h;
	uint32_t type = h->mode & S_IFMT;

	if ((type == S_IFCHR || type == S_IFBLK) && !x->as_root)
		return 0;	/* recorded in the printed list only */
	if (mknodat(dir, base, type | 0600, makedev(h->rdevmajor, h->rdevminor))) {
		if (errno == EPERM && !x->as_root)
			return 0;
		return refuse(x, true, "cannot create: %s", strerror(errno));
	}
	return set_owner_mode_time(x, dir, base, false);
}

/* Second pass: create one entry below the directory. */
static int create_entry(struct extractor *x, char *path)
{
	uint32_t type = x->e->h.mode & S_IFMT;
	char *walk = strdup(path);
	const char *base;
	int dir, rc;

	if (!walk)
		return -1;
	dir = open_parent(x, walk, &base);
	if (dir < 0) {
		free(walk);
		return diag_failed(x->d) ? -1 : 0;
	}
	rc = clear_place(x, dir, base);
	if (rc == 2)
		rc = 0;
	else if (rc >= 0 && type == S_IFREG)
		rc = make_file(x, dir, base, path);
	else if (rc >= 0 && type == S_IFDIR) {
		if (!rc && mkdirat(dir, base, 0700))
			rc = refuse(x, true, "cannot create: %s", strerror(errno));
		else
			rc = remember_dir(x, path);
	} else if (rc >= 0 && type == S_IFLNK) {
		if (symlinkat(x->e->target, dir, base))
			rc = refuse(x, true, "cannot create: %s", strerror(errno));
		else
			rc = set_owner_mode_time(x, dir, base, true);
	} else if (rc >= 0) {
		rc = make_node(x, dir, base);
	}
	close(dir);
	free(walk);
	return rc;
}

/* First pass: a crc archive's data must match its checksums. */
static int check_sum(struct extractor *x)
{
	uint32_t sum;

	if (img_data_sum(x->s, &sum))
		return -1;
	if (sum != x->e->h.check)
		refuse(x, true, "data checksum %08X, the header says %08X", sum,
		       x->e->h.check);
	return 0;
}

/* What the kernel skips is skipped here too (--verify says why). */
static bool kernel_keeps(const struct img_entry *e)
{
	uint32_t type = e->h.mode & S_IFMT;

	switch (type) {
	case S_IFREG:
		return e->name[0];
	case S_IFLNK:
		return e->target && e->target[0];
	case S_IFDIR: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return !e->h.filesize;
	}
	return false;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct extractor *x = ctx;
	bool is_root;
	char *path;
	int rc = 0;

	x->s = s;
	x->e = e;
	if (!kernel_keeps(e))
		return x->writing ? lister_entry(x->l, m, e) : 0;
	path = safe_path(x, &is_root);
	if (!path)
		return is_root && x->writing ? lister_entry(x->l, m, e) : 0;
	if (!x->writing) {
		if (!check_components(x, path) && note_type(x, path))
			rc = -1;
		if (!rc && e->fmt == CPIO_CRC && (e->h.mode & S_IFMT) == S_IFREG)
			rc = check_sum(x);
	} else {
		rc = create_entry(x, path);
		if (!rc)
			rc = lister_entry(x->l, m, e);
	}
	free(path);
	return rc;
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct extractor *x = ctx;

	(void)s;
	return x->writing ? lister_member_begin(x->l, m) : 0;
}

static void free_value(void *ctx, void *val)
{
	(void)ctx;
	free(val);
}

static int on_member_end(void *ctx, struct img_scan *s,
			 const struct img_member *m)
{
	struct extractor *x = ctx;

	(void)s;
	inomap_clear(&x->links, free_value, NULL);
	return x->writing ? lister_member_end(x->l, m) : 0;
}

static int deepest_first(const void *a, const void *b)
{
	const struct dir_fixup *p = a, *q = b;

	if (p->depth != q->depth)
		return p->depth < q->depth ? 1 : -1;
	return p < q ? -1 : 1;	/* later definitions last: they win */
}

/* Directory modes and mtimes, now that nothing more goes into them. */
static void fix_dirs(struct extractor *x)
{
	size_t i;

	if (x->ndirs)
		qsort(x->dirs, x->ndirs, sizeof(*x->dirs), deepest_first);
	for (i = 0; i < x->ndirs; i++) {
		struct dir_fixup *f = &x->dirs[i];
		struct timespec t[2] = { { f->mtime, 0 }, { f->mtime, 0 } };
		struct srcloc loc = { .file = f->path };
		const char *base;
		int dir = open_parent(x, f->path, &base);

		if (dir < 0)
			continue;
		if ((x->as_root && fchownat(dir, base, f->uid, f->gid,
					    AT_SYMLINK_NOFOLLOW)) ||
		    fchmodat(dir, base, f->mode, 0) ||
		    utimensat(dir, base, t, AT_SYMLINK_NOFOLLOW))
			diag_error(x->d, &loc, "cannot set the directory's owner, mode or mtime: %s",
				   strerror(errno));
		close(dir);
	}
}

static void release(struct extractor *x)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++)
		free(x->dirs[i].path);
	free(x->dirs);
	free(x->type);
	pathmap_release(&x->types);
	inomap_clear(&x->links, free_value, NULL);
	lister_free(x->l);
	if (x->root >= 0)
		close(x->root);
}

int extract_image(const char *path, const char *dir, FILE *out,
		  struct diag *d)
{
	struct extractor x = { .d = d, .as_root = geteuid() == 0 };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.member_end = on_member_end,
		.ctx = &x,
	};
	struct srcloc loc = { .file = dir };
	int rc = -1;

	x.root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	x.l = lister_new(out);
	if (x.root < 0) {
		diag_error(d, &loc, "cannot open the directory: %s", strerror(errno));
	} else if (!x.l) {
		diag_error(d, NULL, "out of memory");
	} else if (!img_scan_path(path, &v, 0, d) && !diag_failed(d)) {
		x.writing = true;
		rc = img_scan_path(path, &v, 0, d);
		fix_dirs(&x);
		if (!rc)
			lister_finish(x.l);
	}
	release(&x);
	return rc || diag_failed(d) ? -1 : 0;
}
