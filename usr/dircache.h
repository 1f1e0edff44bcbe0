/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DIRCACHE_H
#define DIRCACHE_H

/*
 * dircache: reach files through their parent directory, kept open.
 *
 * Every stat() or open() of a path looks up each of its components, and
 * a tree of many small files pays that twice per file (the checks stat
 * it, the writer opens it).  But spec lists and directory walks name the
 * files of one directory one after another, so keeping the latest parent
 * open (O_PATH) and asking for the last component alone makes each
 * lookup one step.  When the parent cannot be opened, the whole path is
 * handed back, so that the real call fails with its own error.
 */

#include <stddef.h>

#include "entry.h"

struct dircache {
	int base;	/* what the cached directory is relative to */
	int fd;		/* the cached directory, or -1 */
	char *dir;	/* its path, relative to base */
	size_t cap;
	const char *last;	/* the latest path asked for (the writer */
	const char *last_name;	/* asks twice: to check, then to open) */
};

#define DIRCACHE_INIT { -1, -1, NULL, 0, NULL, NULL }

/*
 * For @path relative to directory @base (or AT_FDCWD): the directory
 * descriptor to use with *@name, the last component of @path, or @base
 * with the whole @path.  The same string asked for twice in a row is
 * known by its address: paths must not change while the cache is used.
 */
int dircache_at(struct dircache *c, int base, const char *path,
		const char **name);

/* The same for the file of node @n (node_open_at()). */
int dircache_node_at(struct dircache *c, const struct node *n,
		     const char **name);

void dircache_release(struct dircache *c);

#endif
