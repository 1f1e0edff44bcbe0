// SPDX-License-Identifier: GPL-2.0
/*
 * dirtree.c: directory sources (see dirtree.h).
 *
 * Two passes: first walk the tree, one directory at a time, keeping for
 * every path the few stat fields the archive needs; then put the paths in
 * byte order and turn them into entries.  The order is that of the whole
 * paths, not a directory's entries each followed by its subtree: "a-b"
 * comes between "a" and "a/x".  It is found one directory at a time all
 * the same, without comparing whole paths: among the entries of one
 * directory, a subdirectory "a" sorts as itself and its subtree as "a/"
 * (see order_dir()).
 */
/* getdents64(), asprintf(), vasprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/hashmap.h"
#include "image/cpio.h"
#include "dircache.h"
#include "dirtree.h"

#define DIRBUF_SIZE (64 * 1024)

/* What the archive needs of one path's lstat(). */
struct rec {
	char *rel;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t nlink;
	int64_t mtime;
	uint64_t size;
	dev_t dev;
	ino_t ino;
	dev_t rdev;
	long parent;		/* index of the directory holding it, or -1 */
	/*
	 * A directory's entries are records first..first + count - 1
	 * (read_dir() adds them one directory at a time).
	 */
	size_t first;
	size_t count;
	size_t name;		/* offset of the last component in rel */
	/* A regular file known from readdir alone: mode S_IFREG, dev, ino. */
	bool unstated;
};

struct walk {
	const char *root;	/* without trailing slashes */
	int rootfd;
	bool check_access;
	bool stat_late;		/* leave regular files to the writer */
	dev_t root_dev;
	dev_t fs_dev;		/* the file system last asked about.. */
	bool fs_known;
	bool fs_real_inos;	/* ..and whether its d_ino is st_ino */
	char *dirbuf;		/* DIRBUF_SIZE bytes for getdents64() */
	struct dircache dirs;	/* the parent of the latest directory read */
	struct rec *v;
	size_t len;
	size_t cap;
	size_t top;		/* records 0..top-1 are the root's entries */
	struct diag *d;
	uint32_t source;	/* the tree's (source_add()) */
};

/* Report a problem with one path of the walk (@rel below the root). */
__attribute__((format(printf, 3, 4)))
static void path_error(struct walk *w, const char *rel, const char *fmt, ...)
{
	char *path = NULL;
	va_list ap;

	if (asprintf(&path, "%s/%s", w->root, rel) < 0)
		path = NULL;
	va_start(ap, fmt);
	diag_path_verror(w->d, path ? path : w->root, fmt, ap);
	va_end(ap);
	free(path);
}

/* "@dir/@name", or @name alone when @dir is "": in a new string. */
static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + 1 + nl + 1);

	if (!p)
		return NULL;
	if (dl) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* What the archive needs of @st, into @r. */
static void fill_rec(struct rec *r, const struct stat *st)
{
	r->mode = st->st_mode;
	r->uid = st->st_uid;
	r->gid = st->st_gid;
	r->nlink = (uint32_t)st->st_nlink;
	r->mtime = st->st_mtime;
	r->size = (uint64_t)st->st_size;
	r->dev = st->st_dev;
	r->ino = st->st_ino;
	r->rdev = st->st_rdev;
	r->unstated = false;
}

static struct rec *add_rec(struct walk *w, const char *dir, const char *name,
			   const struct stat *st, long parent)
{
	struct rec *r;

	if (ARRAY_GROW(w->v, w->cap, w->len + 1, 1024))
		return NULL;
	r = &w->v[w->len];
	r->rel = join_path(dir, name);
	if (!r->rel)
		return NULL;
	r->name = *dir ? strlen(dir) + 1 : 0;
	r->first = r->count = 0;
	fill_rec(r, st);
	r->parent = parent;
	w->len++;
	return r;
}

/*
 * Whether readdir's inode numbers are the ones stat() gives, on the file
 * system of directory @fd (device @dev).  They are on the local file
 * systems below, where a regular file then need not be stat()ed by the
 * walk to be told apart from, or linked to, the others.  Elsewhere
 * (overlayfs without xino, FUSE, network file systems) they may not be,
 * and every file is stat()ed.
 */
static bool real_inos(struct walk *w, int fd, dev_t dev)
{
	static const unsigned long trusted[] = {
		0xEF53,		/* ext2, ext3, ext4 */
		0x58465342,	/* xfs */
		0x9123683E,	/* btrfs */
		0x01021994,	/* tmpfs */
		0xF2F52010,	/* f2fs */
	};
	struct statfs sf;
	size_t i;

	if (w->fs_known && w->fs_dev == dev)
		return w->fs_real_inos;
	w->fs_known = true;
	w->fs_dev = dev;
	w->fs_real_inos = false;
	if (fstatfs(fd, &sf))
		return false;
	for (i = 0; i < ARRAY_SIZE(trusted); i++)
		if ((unsigned long)sf.f_type == trusted[i])
			w->fs_real_inos = true;
	return w->fs_real_inos;
}

/*
 * A regular file as readdir gives it, when the writer will stat it (it
 * opens the file anyway, and fstat() of an open file costs less than a
 * lookup by name): a stat() of 55,000 files in /usr/share was a tenth
 * of the run.  Its inode number still finds its hard links (see
 * stat_shared_inos()).
 */
static struct rec *add_unstated(struct walk *w, const char *dir,
				const struct dirent64 *de, dev_t dev, long parent)
{
	struct stat st = { .st_mode = S_IFREG, .st_dev = dev,
			   .st_ino = de->d_ino };
	struct rec *r = add_rec(w, dir, de->d_name, &st, parent);

	if (r)
		r->unstated = true;
	return r;
}

/* A directory that is its own ancestor (a bind mount) would never end. */
static bool is_loop(const struct walk *w, size_t i)
{
	long a;

	for (a = w->v[i].parent; a >= 0; a = w->v[a].parent)
		if (w->v[a].dev == w->v[i].dev && w->v[a].ino == w->v[i].ino)
			return true;
	return false;
}

/* One name a directory holds, into a record; -1: out of memory. */
static int add_entry(struct walk *w, int fd, const char *rel,
		     const struct dirent64 *de, dev_t dev, long self,
		     bool unstated)
{
	struct stat st;

	if (unstated && de->d_type == DT_REG)
		return add_unstated(w, rel, de, dev, self) ? 0 : -1;
	if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) {
		int err = errno;
		char *child = NULL;

		if (*rel && asprintf(&child, "%s/%s", rel, de->d_name) < 0)
			child = NULL;
		path_error(w, child ? child : de->d_name, "cannot stat: %s",
			   strerror(err));
		free(child);
		return 0;
	}
	return add_rec(w, rel, de->d_name, &st, self) ? 0 : -1;
}

/*
 * Read one directory (record @self, or -1 for the root) into records.
 * getdents64() straight into one buffer for the whole walk: opendir()
 * would add an fstat() and an fcntl() per directory, and allocate.
 */
static int read_dir(struct walk *w, long self)
{
	const char *rel = self < 0 ? "" : w->v[self].rel;
	dev_t dev = self < 0 ? w->root_dev : w->v[self].dev;
	size_t first = w->len;
	const char *name = ".";
	bool unstated;
	ssize_t got;
	int at = w->rootfd, fd, rc = 0;

	/* Subdirectories are read one parent after another: open from it. */
	if (*rel)
		at = dircache_at(&w->dirs, w->rootfd, rel, &name);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		path_error(w, rel, "cannot read directory: %s", strerror(errno));
		return 0;
	}
	unstated = w->stat_late && real_inos(w, fd, dev);
	while (!rc && (got = getdents64(fd, w->dirbuf, DIRBUF_SIZE)) > 0) {
		ssize_t pos = 0;

		while (pos < got && !rc) {
			const struct dirent64 *de = (void *)(w->dirbuf + pos);
			const char *n = de->d_name;

			pos += de->d_reclen;
			if (n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2])))
				continue;
			rc = add_entry(w, fd, rel, de, dev, self, unstated);
		}
	}
	if (!rc && got < 0)
		path_error(w, rel, "cannot read directory: %s", strerror(errno));
	close(fd);
	if (self >= 0) {
		w->v[self].first = first;
		w->v[self].count = w->len - first;
	}
	return rc;
}

/* Breadth first: the records array is also the queue of directories. */
static int walk_tree(struct walk *w)
{
	size_t i;

	if (read_dir(w, -1))
		return -1;
	w->top = w->len;
	for (i = 0; i < w->len; i++) {
		if (!S_ISDIR(w->v[i].mode))
			continue;
		if (is_loop(w, i)) {
			path_error(w, w->v[i].rel,
				   "directory loop: this is one of its own parents (a bind mount?)");
			continue;
		}
		if (read_dir(w, (long)i))
			return -1;
	}
	return 0;
}

/* The hash of an inode: 32 bits of its device, as a node keeps them. */
static uint32_t hash_ino(dev_t dev, ino_t ino)
{
	return hash_words((uint32_t)dev, (uint32_t)ino, (uint32_t)(ino >> 32));
}

/* Whether record @ref (its index + 1) is the inode of record @key. */
static bool rec_same_ino(const void *ctx, uint32_t ref, const void *key)
{
	const struct rec *r = &((const struct walk *)ctx)->v[ref - 1];
	const struct rec *k = key;

	return r->ino == k->ino && r->dev == k->dev;
}

/* Stat the record of a file the walk did not; 0, or -1 if it is gone. */
static int stat_rec(struct walk *w, struct rec *r)
{
	struct stat st;

	if (fstatat(w->rootfd, r->rel, &st, AT_SYMLINK_NOFOLLOW)) {
		path_error(w, r->rel, "cannot stat: %s", strerror(errno));
		return -1;
	}
	fill_rec(r, &st);
	return 0;
}

/*
 * Files the walk did not stat that share an inode number are hard links
 * of each other (or, with a file mounted over one of them, are not):
 * stat() them after all, so that the links are grouped, and their
 * number counted, as stat() says.  A gone one becomes mode 0.
 */
static int stat_shared_inos(struct walk *w)
{
	struct hashmap seen = HASHMAP_INIT;
	size_t i;

	if (hashmap_reserve(&seen, w->len))
		return -1;
	for (i = 0; i < w->len; i++) {
		struct rec *r = &w->v[i];
		uint32_t hash = hash_ino(r->dev, r->ino);
		struct hashmap_slot *s;
		struct rec *first;

		if (!r->unstated)
			continue;
		s = hashmap_find(&seen, hash, r, rec_same_ino, w);
		if (!s->ref) {
			hashmap_fill(&seen, s, hash, (uint32_t)i + 1);
			continue;
		}
		first = &w->v[s->ref - 1];
		if (first->unstated && stat_rec(w, first))
			first->mode = 0;
		if (stat_rec(w, r))
			r->mode = 0;
	}
	hashmap_release(&seen);
	return 0;
}

/*
 * One directory's part of the order: each entry, and each non-empty
 * subdirectory's subtree, which sorts as its name followed by '/'.
 */
struct order_item {
	uint64_t head;		/* the key's first 8 bytes, big-endian */
	const char *name;
	size_t rec;
	bool subtree;
};

/*
 * The first 8 bytes of a key (@name, and '/' after it for a subtree),
 * NUL-padded, as a number that compares as the bytes do: most pairs are
 * told apart without reading the names, which lie all over the heap.
 */
static uint64_t key_head(const char *name, bool subtree)
{
	unsigned char b[8] = { 0 };
	size_t i;

	for (i = 0; i < 8 && name[i]; i++)
		b[i] = (unsigned char)name[i];
	if (i < 8 && subtree)
		b[i] = '/';
	return (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 |
	       (uint64_t)b[2] << 40 | (uint64_t)b[3] << 32 |
	       (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 |
	       (uint64_t)b[6] << 8 | (uint64_t)b[7];
}

static bool item_before(const struct order_item *x,
			const struct order_item *y)
{
	const unsigned char *p = (const unsigned char *)x->name;
	const unsigned char *q = (const unsigned char *)y->name;
	int cp, cq;

	if (x->head != y->head)
		return x->head < y->head;
	while (*p && *p == *q) {
		p++;
		q++;
	}
	/* Where a name ends, a subtree's key goes on with '/'. */
	cp = *p ? *p : x->subtree ? '/' : 0;
	cq = *q ? *q : y->subtree ? '/' : 0;
	return cp < cq;
}

/*
 * Sort @v[0..n-1], using @tmp (as long) for merging: a merge sort with
 * the comparison inline, as most directories hold few entries and
 * qsort()'s calls through a pointer were most of the time it took.
 */
static void sort_items(struct order_item *v, size_t n, struct order_item *tmp)
{
	size_t i, j, k, half = n / 2;

	if (n <= 8) {
		for (i = 1; i < n; i++) {
			struct order_item x = v[i];

			for (j = i; j && item_before(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	sort_items(v, half, tmp);
	sort_items(v + half, n - half, tmp);
	if (!item_before(&v[half], &v[half - 1]))
		return;		/* already in order */
	for (i = 0, j = half, k = 0; i < half && j < n; )
		tmp[k++] = item_before(&v[j], &v[i]) ? v[j++] : v[i++];
	while (i < half)
		tmp[k++] = v[i++];
	memcpy(v, tmp, k * sizeof(*v));
}

/* Append to @order, in byte order of their paths, records first.. */
static int order_dir(const struct walk *w, size_t first, size_t count,
		     size_t *order, size_t *n)
{
	struct order_item *items;
	size_t i, k = 0;
	int rc = 0;

	if (!count)
		return 0;
	/* Twice: an entry and its subtree; twice again: room for merging. */
	items = malloc(4 * count * sizeof(*items));
	if (!items)
		return -1;
	for (i = first; i < first + count; i++) {
		const struct rec *r = &w->v[i];
		const char *name = r->rel + r->name;

		items[k++] = (struct order_item){
			key_head(name, false), name, i, false
		};
		if (S_ISDIR(r->mode) && r->count)
			items[k++] = (struct order_item){
				key_head(name, true), name, i, true
			};
	}
	sort_items(items, k, items + k);
	for (i = 0; i < k && !rc; i++) {
		const struct rec *r = &w->v[items[i].rec];

		if (items[i].subtree)
			rc = order_dir(w, r->first, r->count, order, n);
		else
			order[(*n)++] = items[i].rec;
	}
	free(items);
	return rc;
}

/* Hard links: regular files seen before, by (dev, ino). */
struct linkmap {
	struct hashmap index;
	struct node **v;
	size_t len;
	size_t cap;
};

/* Whether node @ref (its index + 1) is the inode of record @key. */
static bool node_same_ino(const void *ctx, uint32_t ref, const void *key)
{
	const struct node *n = ((const struct linkmap *)ctx)->v[ref - 1];
	const struct rec *r = key;

	/* A node keeps 32 bits of st_dev (see struct node). */
	return n->dev == (uint32_t)r->dev && n->ino == r->ino;
}

/* The node made earlier for @r's inode, or NULL. */
static struct node *link_find(const struct linkmap *m, const struct rec *r)
{
	uint32_t ref = hashmap_get(&m->index, hash_ino(r->dev, r->ino), r,
				   node_same_ino, m);

	return ref ? m->v[ref - 1] : NULL;
}

static int link_add(struct linkmap *m, const struct rec *r, struct node *n)
{
	uint32_t hash = hash_ino(r->dev, r->ino);
	struct hashmap_slot *s;

	if (hashmap_reserve(&m->index, 1) ||
	    ARRAY_GROW(m->v, m->cap, m->len + 1, 256))
		return -1;
	s = hashmap_find(&m->index, hash, r, node_same_ino, m);
	m->v[m->len++] = n;
	hashmap_fill(&m->index, s, hash, (uint32_t)m->len);
	return 0;
}

/*
 * Fill @n from a regular file's record; -1 (reported) if it cannot be used.
 * An ordinary user is told before anything is written that a file cannot
 * be read; root can read everything (faccessat() would say yes to each of
 * many thousands of files), so there the open before copying tells.  A
 * file the walk did not stat is checked by the writer, as it opens it.
 */
static int file_node(struct walk *w, const struct rec *r, struct node *n)
{
	char *path;

	if (r->unstated) {
		n->check = NODE_UNSTATED;
	} else if (r->size > CPIO_FIELD_MAX) {
		path_error(w, r->rel,
			   "%llu bytes: newc cannot hold files of 4 GiB or more",
			   (unsigned long long)r->size);
		return -1;
	} else if (w->check_access &&
		   faccessat(w->rootfd, r->rel, R_OK, AT_EACCESS)) {
		path_error(w, r->rel, "cannot read: %s", strerror(errno));
		return -1;
	}
	path = join_path(w->root, r->rel);
	n->path = path ? str_add(path) : 0;
	free(path);
	if (!n->path)
		return -1;
	n->data = DATA_PATH;
	n->size = (uint32_t)r->size;
	n->dev = (uint32_t)r->dev;
	n->ino = r->ino;
	return 0;
}

static int symlink_node(struct walk *w, const struct rec *r, struct node *n)
{
	char buf[CPIO_PATH_MAX + 1];
	ssize_t len = readlinkat(w->rootfd, r->rel, buf, sizeof(buf));

	if (len < 0) {
		path_error(w, r->rel, "cannot read symlink: %s", strerror(errno));
		return -1;
	}
	if (len >= CPIO_PATH_MAX) {
		path_error(w, r->rel,
			   "symlink target is longer than the kernel's %u bytes",
			   CPIO_PATH_MAX - 1);
		return -1;
	}
	buf[len] = '\0';
	n->target = str_add(buf);
	return n->target ? 0 : -1;
}

static int special_node(struct walk *w, const struct rec *r, struct node *n)
{
	if (n->type != ENTRY_NOD)
		return 0;
	n->rmajor = major(r->rdev);
	n->rminor = minor(r->rdev);
	if (n->rmajor > 4095 || n->rminor > 1048575) {
		path_error(w, r->rel,
			   "device %u:%u does not fit the kernel's dev_t (12:20 bits)",
			   n->rmajor, n->rminor);
		return -1;
	}
	return 0;
}

/* The node for one record: new, or the one its hard link made earlier. */
static struct node *make_node(struct walk *w, const struct rec *r,
			      const struct idmap *ids, struct linkmap *links)
{
	int type = entry_type_of_mode(r->mode);
	bool linked = type == ENTRY_FILE && r->nlink > 1;
	struct node *n, *seen;
	int rc;

	if (!r->mode)
		return NULL;	/* gone since the walk: reported */
	if (type < 0) {
		path_error(w, r->rel, "a file type cpio cannot hold (mode %o)",
			   r->mode);
		return NULL;
	}
	seen = linked ? link_find(links, r) : NULL;
	if (seen) {
		seen->refs++;
		return seen;
	}
	n = node_new((enum entry_type)type, w->source);
	if (!n)
		return NULL;
	n->mode = r->mode & (S_IFMT | 07777);
	n->uid = idmap_uid(ids, r->uid);
	n->gid = idmap_gid(ids, r->gid);
	n->has_mtime = true;
	n->mtime = r->mtime;
	if (type == ENTRY_FILE)
		rc = file_node(w, r, n);
	else if (type == ENTRY_SLINK)
		rc = symlink_node(w, r, n);
	else
		rc = special_node(w, r, n);
	if (!rc && linked && link_add(links, r, n))
		rc = -1;
	if (rc) {
		node_put(n);
		return NULL;
	}
	return n;
}

static int make_entries(struct walk *w, const size_t *order,
			const struct idmap *ids, struct entry_list *out,
			struct deplist *deps)
{
	struct linkmap links = { HASHMAP_INIT, NULL, 0, 0 };
	size_t i;
	int rc = 0;

	for (i = 0; i < w->len && !rc; i++) {
		struct rec *r = &w->v[order[i]];
		struct node *n = make_node(w, r, ids, &links);

		if (!n)
			continue;
		if (!S_ISLNK(r->mode) && deplist_add2(deps, w->root, r->rel))
			rc = -1;
		if (!entry_list_add(out, r->rel, n, 0))
			rc = -1;
		/* The record's path is not needed again: the entry has a copy. */
		free(r->rel);
		r->rel = NULL;
		node_put(n);
	}
	free(links.v);
	hashmap_release(&links.index);
	return rc;
}

int dirtree_read(const char *root, const struct idmap *ids, bool stat_late,
		 struct entry_list *out, struct deplist *deps, int *fd,
		 struct diag *d)
{
	struct walk w = {
		.d = d, .check_access = geteuid() != 0, .dirs = DIRCACHE_INIT,
	};
	struct srcloc loc = { .file = root };
	struct stat st;
	size_t i, n = 0, len = strlen(root), *order = NULL;
	char *trimmed;
	long source;
	int rc = -1;

	while (len > 1 && root[len - 1] == '/')
		len--;
	trimmed = strndup(root, len);
	if (!trimmed) {
		diag_oom(d, &loc);
		return -1;
	}
	w.root = trimmed;
	w.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*fd = -1;
	if (w.rootfd < 0) {
		diag_error(d, &loc, "cannot read directory: %s", strerror(errno));
		free(trimmed);
		return -1;
	}
	source = source_add(root, w.rootfd);
	if (source < 0)
		goto oom;
	w.source = (uint32_t)source;
	source_get(w.source)->skip = (uint32_t)len + 1;
	source_get(w.source)->ids = ids;
	w.stat_late = stat_late && !fstat(w.rootfd, &st);
	w.root_dev = w.stat_late ? st.st_dev : 0;
	w.dirbuf = malloc(DIRBUF_SIZE);
	if (!w.dirbuf || deplist_add(deps, w.root) || walk_tree(&w) ||
	    stat_shared_inos(&w))
		goto oom;
	order = malloc((w.len ? w.len : 1) * sizeof(*order));
	if (!order || order_dir(&w, 0, w.top, order, &n))
		goto oom;
	if (make_entries(&w, order, ids, out, deps))
		goto oom;
	rc = 0;
	goto out;
oom:
	diag_oom(d, &loc);
out:
	for (i = 0; i < w.len; i++)
		free(w.v[i].rel);
	free(w.v);
	free(w.dirbuf);
	dircache_release(&w.dirs);
	free(order);
	*fd = w.rootfd;		/* files are opened from it when written */
	free(trimmed);
	return rc;
}
