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

bool check_name(const struct entry *e, char path[CPIO_PATH_MAX],
		struct diag *d)
{
	const char *name = entry_name(e);
	size_t len = strlen(name);
	int dotdot;
	bool root;

	if (!len) {
		diag_error(d, ENTRY_LOC(e),
			   "name '/' is the root directory, which always exists; it cannot be an entry");
		return false;
	}
	if (len + 1 > CPIO_PATH_MAX) {
		diag_error(d, ENTRY_LOC(e),
			   "name is %zu bytes long; the kernel accepts at most %u",
			   len, CPIO_PATH_MAX - 1);
		return false;
	}
	root = !path_normalize_into(name, path, &dotdot);
	if (dotdot) {
		diag_error(d, ENTRY_LOC(e), "name '%s' has a '..' component", name);
		return false;
	}
	if (root) {
		diag_error(d, ENTRY_LOC(e),
			   "name '%s' is the root directory, which always exists; it cannot be an entry",
			   name);
		return false;
	}
	return true;
}

/*
 * A name that is not its own normal form is stored again, followed by
 * its normal form, which is then the entry's key (see entry.h).
 */
static int keep_normal_form(struct entry *e, const char *path)
{
	const char *name = entry_name(e);
	size_t len = strlen(name) + 1, plen = strlen(path);
	uint32_t handle;
	char *p = str_alloc(len + plen, &handle);

	if (!p)
		return -1;
	memcpy(p, name, len);
	memcpy(p + len, path, plen);
	e->name = handle;
	return 0;
}

int check_names(struct entry_list *l, struct diag *d)
{
	char path[CPIO_PATH_MAX];	/* check_name() sees to the length */
	size_t i, kept = 0;
	int rc = 0;

	for (i = 0; i < l->len; i++) {
		struct entry *e = &l->v[i];

		if (rc || !check_name(e, path, d)) {
			node_put(e->node);
			continue;
		}
		e->normal = !strcmp(path, entry_name(e));
		if (!e->normal && keep_normal_form(e, path)) {
			diag_oom(d, NULL);
			rc = -1;
			node_put(e->node);
			continue;
		}
		l->v[kept++] = *e;
	}
	l->len = kept;
	return rc;
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
			  struct dircache *dirs, bool as_root, struct diag *d)
{
	const char *path = node_path(n), *name;
	int at = dircache_node_at(dirs, n, &name);
	struct stat st;


	n->check = NODE_BAD;
	if (fstatat(at, name, &st, 0)) {
		diag_error(d, loc, "cannot use '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, loc, "'%s' is a %s, not a regular file", path,
			   file_type_name(st.st_mode));
		return -1;
	}
	if ((uint64_t)st.st_size > CPIO_FIELD_MAX) {
		diag_error(d, loc,
			   "'%s' is %llu bytes; newc cannot hold files of 4 GiB or more",
			   path, (unsigned long long)st.st_size);
		return -1;
	}
	if (!as_root && faccessat(at, name, R_OK, AT_EACCESS)) {
		diag_error(d, loc, "cannot read '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	n->size = (uint32_t)st.st_size;
	n->has_mtime = true;
	n->mtime = st.st_mtime;
	n->dev = (uint32_t)st.st_dev;
	n->ino = st.st_ino;
	n->check = NODE_CHECKED;
	return 0;
}

void check_list_nodes(struct entry_list *l, bool files_late, struct diag *d)
{
	struct dircache dirs = DIRCACHE_INIT;
	bool as_root = geteuid() == 0;	/* root reads anything */
	const struct node *prev = NULL;
	size_t i;

	for (i = 0; i < l->len; i++) {
		struct node *n = l->v[i].node;

		/* A file line's names are consecutive and share the node. */
		if (n == prev)
			continue;
		prev = n;
		if (n->type == ENTRY_SLINK &&
		    strlen(node_target(n)) + 1 > CPIO_PATH_MAX)
			diag_error(d, ENTRY_LOC(&l->v[i]),
				   "symlink target is %zu bytes long; the kernel accepts at most %u",
				   strlen(node_target(n)), CPIO_PATH_MAX - 1);
		if (n->type != ENTRY_FILE || n->data != DATA_PATH)
			continue;
		if (files_late)
			n->check = NODE_UNCHECKED;
		else
			check_location(n, ENTRY_LOC(&l->v[i]), &dirs, as_root, d);
	}
	dircache_release(&dirs);
}

/* The entry that defines @path before entry @before of member @i, or NULL. */
static const struct entry *defined_before(const struct member *m, size_t i,
					  size_t before, const char *path)
{
	size_t j = i + 1;

	while (j--) {
		long k = image_find(&m[j].img, path);

		if (k >= 0 && (j < i || (size_t)k < before))
			return &m[j].img.entries.v[k];
	}
	return NULL;
}

/* Warn unless @p, which defines @e's @parent, is where the kernel can go. */
static void check_parent(const struct entry *e, const struct entry *p,
			 const char *parent, struct diag *d)
{
	const char *name = entry_name(e);
	struct srcloc at;

	if (!p) {
		diag_warn(d, ENTRY_LOC(e),
			  "parent directory '%s' of '%s' is not defined earlier; the kernel will drop '%s' at boot",
			  parent, name, name);
		return;
	}
	if (p->node->type == ENTRY_DIR || p->node->type == ENTRY_SLINK)
		return;
	entry_loc(p, &at);
	if (at.line)
		diag_warn(d, ENTRY_LOC(e),
			  "parent '%s' of '%s' is a %s (line %u), not a directory; the kernel will drop '%s' at boot",
			  parent, name, entry_type_name(p->node->type),
			  at.line, name);
	else
		diag_warn(d, ENTRY_LOC(e),
			  "parent '%s' of '%s' is a %s (from %s), not a directory; the kernel will drop '%s' at boot",
			  parent, name, entry_type_name(p->node->type),
			  at.file, name);
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

		strcpy(path, entry_path(&l->v[k]));
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

/* The archive mtime of @n, with a warning at @e where it is clipped. */
static void warn_mtime(const struct node *n, const struct entry *e,
		       const struct archive_opts *o, struct diag *d)
{
	int clipped;

	node_archive_mtime(n, o, &clipped);
	if (clipped < 0)
		diag_warn(d, ENTRY_LOC(e),
			  "mtime of '%s' is before 1970; stored as 0",
			  entry_name(e));
	else if (clipped > 0)
		diag_warn(d, ENTRY_LOC(e),
			  "mtime of '%s' is after 2106; stored as 4294967295",
			  entry_name(e));
}

void check_mtimes(struct entry_list *l, const struct archive_opts *o,
		  struct diag *d)
{
	size_t i;

	/* A file the writer checks is warned about then. */
	for (i = 0; i < l->len; i++)
		if (l->v[i].node->check == NODE_CHECKED)
			warn_mtime(l->v[i].node, &l->v[i], o, d);
}

/* What the walk would have recorded of the file, from the open file. */
static int record_opened(struct node *n, int fd, struct diag *d)
{
	struct stat st;

	const struct idmap *ids = source_get(n->source)->ids;
	const char *path = node_path(n);

	if (fstat(fd, &st)) {
		diag_path_error(d, path, "cannot stat: %s", strerror(errno));
		return -1;
	}
	/*
	 * Another inode than readdir said is fine (a file mounted over this
	 * one: stat() would have gone to it too), another type is not.
	 */
	if (!S_ISREG(st.st_mode)) {
		diag_path_error(d, path, "was replaced while being archived");
		return -1;
	}
	if ((uint64_t)st.st_size > CPIO_FIELD_MAX) {
		diag_path_error(d, path,
			   "%llu bytes: newc cannot hold files of 4 GiB or more",
			   (unsigned long long)st.st_size);
		return -1;
	}
	n->mode = st.st_mode & (S_IFMT | 07777);
	n->uid = idmap_uid(ids, st.st_uid);
	n->gid = idmap_gid(ids, st.st_gid);
	n->size = (uint32_t)st.st_size;
	n->has_mtime = true;
	n->mtime = st.st_mtime;
	n->dev = (uint32_t)st.st_dev;
	n->ino = st.st_ino;
	return 0;
}

static int open_unstated(struct node *n, struct dircache *dirs,
			 struct diag *d)
{
	const char *name;
	int at = dircache_node_at(dirs, n, &name);
	/* Never through a symlink, never hanging on a FIFO: it was a file. */
	int fd = openat(at, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC);

	n->check = NODE_BAD;
	if (fd < 0) {
		if (errno == ELOOP)
			diag_path_error(d, node_path(n),
				      "was replaced while being archived");
		else
			diag_path_error(d, node_path(n), "cannot read: %s",
				      strerror(errno));
		return -1;
	}
	if (record_opened(n, fd, d)) {
		close(fd);
		return -1;
	}
	n->check = NODE_CHECKED;
	return fd;
}

int check_file_late(void *ctx, struct node *n, const struct entry *e,
		    struct dircache *dirs, struct diag *d)
{
	const struct late_checker *c = ctx;
	int fd = -2;

	if (n->check == NODE_UNSTATED)
		fd = open_unstated(n, dirs, d);
	else if (check_location(n, ENTRY_LOC(e), dirs, c->as_root, d))
		fd = -1;
	if (fd != -1)
		warn_mtime(n, e, c->opts, d);
	return fd;
}

void late_checker_init(struct late_checker *c, struct archive_opts *o)
{
	c->opts = o;
	c->as_root = geteuid() == 0;	/* root reads anything: no access checks */
	o->late = (struct late_check){ check_file_late, c };
}
