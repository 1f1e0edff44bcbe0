// SPDX-License-Identifier: GPL-2.0
/*
 * check.c: per-entry and whole-archive checks (see check.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/cpio.h"
#include "check.h"
#include "dircache.h"
#include "dirtree.h"

bool check_name(const struct entry *e, char path[CPIO_PATH_MAX],
		struct diag *d)
{
	size_t len = strlen(e->name);
	int dotdot;
	bool root;

	if (!len) {
		diag_error(d, &e->loc,
			   "name '/' is the root directory, which always exists; it cannot be an entry");
		return false;
	}
	if (len + 1 > CPIO_PATH_MAX) {
		diag_error(d, &e->loc,
			   "name is %zu bytes long; the kernel accepts at most %u",
			   len, CPIO_PATH_MAX - 1);
		return false;
	}
	root = !path_normalize_into(e->name, path, &dotdot);
	if (dotdot) {
		diag_error(d, &e->loc, "name '%s' has a '..' component", e->name);
		return false;
	}
	if (root) {
		diag_error(d, &e->loc,
			   "name '%s' is the root directory, which always exists; it cannot be an entry",
			   e->name);
		return false;
	}
	return true;
}

static const char *file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISFIFO(mode))
		return "FIFO";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISSOCK(mode))
		return "socket";
	return "special file";
}

/*
 * A file's location: a readable regular file that newc can hold.
 * Readability is asked of the kernel (faccessat) rather than tried with
 * open(), which would cost a second open per file; root is not asked, as
 * the answer would be yes.  A file that still cannot be opened later is
 * reported then, and nothing is left behind.
 */
static int check_location(struct node *n, const struct srcloc *loc,
			  struct file_checks *c, struct diag *d)
{
	const char *name;
	int at = dircache_at(&c->dirs, AT_FDCWD, n->path, &name);
	struct stat st;

	n->check = NODE_BAD;
	if (fstatat(at, name, &st, 0)) {
		diag_error(d, loc, "cannot use '%s': %s", n->path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, loc, "'%s' is a %s, not a regular file", n->path,
			   file_type_name(st.st_mode));
		return -1;
	}
	if ((uint64_t)st.st_size > CPIO_FIELD_MAX) {
		diag_error(d, loc,
			   "'%s' is %llu bytes; newc cannot hold files of 4 GiB or more",
			   n->path, (unsigned long long)st.st_size);
		return -1;
	}
	if (!c->as_root && faccessat(at, name, R_OK, AT_EACCESS)) {
		diag_error(d, loc, "cannot read '%s': %s", n->path,
			   strerror(errno));
		return -1;
	}
	n->size = (uint64_t)st.st_size;
	n->has_mtime = true;
	n->mtime = st.st_mtime;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	n->check = NODE_CHECKED;
	return 0;
}

void file_checks_init(struct file_checks *c)
{
	c->dirs = (struct dircache)DIRCACHE_INIT;
	c->as_root = geteuid() == 0;	/* root reads anything: no access checks */
}

void file_checks_release(struct file_checks *c)
{
	dircache_release(&c->dirs);
}

void check_list_nodes(struct entry_list *l, bool files_late, struct diag *d)
{
	const struct node *prev = NULL;
	struct file_checks c;
	size_t i;

	file_checks_init(&c);

	for (i = 0; i < l->len; i++) {
		struct node *n = l->v[i].node;

		/* A file line's names are consecutive and share the node. */
		if (n == prev)
			continue;
		prev = n;
		if (n->type == ENTRY_SLINK && strlen(n->target) + 1 > CPIO_PATH_MAX)
			diag_error(d, &l->v[i].loc,
				   "symlink target is %zu bytes long; the kernel accepts at most %u",
				   strlen(n->target), CPIO_PATH_MAX - 1);
		if (n->type != ENTRY_FILE || n->data != DATA_PATH)
			continue;
		if (files_late)
			n->check = NODE_UNCHECKED;
		else
			check_location(n, &l->v[i].loc, &c, d);
	}
	file_checks_release(&c);
}

/* The entry that defines @path before entry @before of member @i, or NULL. */
static const struct entry *defined_before(const struct member *m, size_t i,
					  size_t before, const char *path)
{
	size_t j = i + 1;

	while (j--) {
		long k = pathmap_get(&m[j].img.paths, path);

		if (k >= 0 && (j < i || (size_t)k < before))
			return &m[j].img.entries.v[k];
	}
	return NULL;
}

/* Warn unless @p, which defines @e's @parent, is where the kernel can go. */
static void check_parent(const struct entry *e, const struct entry *p,
			 const char *parent, struct diag *d)
{
	if (!p) {
		diag_warn(d, &e->loc,
			  "parent directory '%s' of '%s' is not defined earlier; the kernel will drop '%s' at boot",
			  parent, e->name, e->name);
		return;
	}
	if (p->node->type == ENTRY_DIR || p->node->type == ENTRY_SLINK)
		return;
	if (p->loc.line)
		diag_warn(d, &e->loc,
			  "parent '%s' of '%s' is a %s (line %u), not a directory; the kernel will drop '%s' at boot",
			  parent, e->name, entry_type_name(p->node->type),
			  p->loc.line, e->name);
	else
		diag_warn(d, &e->loc,
			  "parent '%s' of '%s' is a %s (from %s), not a directory; the kernel will drop '%s' at boot",
			  parent, e->name, entry_type_name(p->node->type),
			  p->loc.file, e->name);
}

void check_parents(const struct member *m, size_t i, struct diag *d)
{
	const struct entry_list *l = &m[i].img.entries;
	/* Entries of one directory follow each other: one lookup for all. */
	char path[CPIO_PATH_MAX], prev[CPIO_PATH_MAX];	/* check_name() saw to it */
	const struct entry *found = NULL;
	size_t k;

	for (k = 0; k < l->len; k++) {
		const struct entry *p;
		int dotdot;

		if (l->v[k].normal)
			strcpy(path, l->v[k].name);
		else
			path_normalize_into(l->v[k].name, path, &dotdot);
		if (!path_cut_to_parent(path))
			continue;
		if (found && !strcmp(path, prev)) {
			p = found;	/* defined before k - 1, so before k */
		} else {
			p = defined_before(m, i, k, path);
			found = p;
			if (p)
				strcpy(prev, path);
		}
		check_parent(&l->v[k], p, path, d);
	}
}

/* A node's own mtime as newc can hold it: clipped to 0..2^32-1. */
static uint32_t own_mtime(const struct node *n, const struct entry *e,
			  const struct archive_opts *o, struct diag *d)
{
	int64_t t = n->mtime;

	if (o->mtime_files == MTIME_FILES_CLAMPED && t > (int64_t)o->mtime_base)
		return o->mtime_base;
	if (t < 0) {
		diag_warn(d, &e->loc, "mtime of '%s' is before 1970; stored as 0",
			  e->name);
		return 0;
	}
	if (t > (int64_t)CPIO_FIELD_MAX) {
		diag_warn(d, &e->loc,
			  "mtime of '%s' is after 2106; stored as 4294967295",
			  e->name);
		return CPIO_FIELD_MAX;
	}
	return (uint32_t)t;
}

static void decide_mtime(struct node *n, const struct entry *e,
			 const struct archive_opts *o, struct diag *d)
{
	if (o->mtime_files == MTIME_FILES_BASE || !n->has_mtime)
		n->archive_mtime = o->mtime_base;
	else
		n->archive_mtime = own_mtime(n, e, o, d);
}

void check_mtimes(struct entry_list *l, const struct archive_opts *o,
		  struct diag *d)
{
	size_t i;

	/* A file the writer checks gets its mtime then. */
	for (i = 0; i < l->len; i++)
		if (l->v[i].node->check == NODE_CHECKED)
			decide_mtime(l->v[i].node, &l->v[i], o, d);
}

int check_location_late(struct node *n, const struct entry *e,
			const struct archive_opts *o, struct file_checks *c,
			struct diag *d)
{
	if (check_location(n, &e->loc, c, d))
		return -1;
	decide_mtime(n, e, o, d);
	return 0;
}

/* What the walk would have recorded of the file, from the open file. */
static int record_opened(struct node *n, int fd, struct diag *d)
{
	struct stat st;

	if (fstat(fd, &st)) {
		dirtree_error(d, n->path, "cannot stat: %s", strerror(errno));
		return -1;
	}
	/*
	 * Another inode than readdir said is fine (a file mounted over this
	 * one: stat() would have gone to it too), another type is not.
	 */
	if (!S_ISREG(st.st_mode)) {
		dirtree_error(d, n->path, "was replaced while being archived");
		return -1;
	}
	if ((uint64_t)st.st_size > CPIO_FIELD_MAX) {
		dirtree_error(d, n->path,
			   "%llu bytes: newc cannot hold files of 4 GiB or more",
			   (unsigned long long)st.st_size);
		return -1;
	}
	n->mode = st.st_mode & (S_IFMT | 07777);
	n->uid = idmap_uid(n->ids, st.st_uid);
	n->gid = idmap_gid(n->ids, st.st_gid);
	n->size = (uint64_t)st.st_size;
	n->has_mtime = true;
	n->mtime = st.st_mtime;
	n->dev = st.st_dev;
	n->ino = st.st_ino;
	return 0;
}

int open_unstated_late(struct node *n, const struct entry *e,
		       const struct archive_opts *o, struct file_checks *c,
		       struct diag *d)
{
	const char *name;
	int at = dircache_at(&c->dirs, n->fd, n->at_path, &name);
	/* Never through a symlink, never hanging on a FIFO: it was a file. */
	int fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC);

	n->check = NODE_BAD;
	if (fd < 0) {
		if (errno == ELOOP)
			dirtree_error(d, n->path, "was replaced while being archived");
		else
			dirtree_error(d, n->path, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (record_opened(n, fd, d)) {
		close(fd);
		return -1;
	}
	n->check = NODE_CHECKED;
	decide_mtime(n, e, o, d);
	return fd;
}
