// SPDX-License-Identifier: GPL-2.0
/*
 * dircache.c: files reached through their parent directory (see
 * dircache.h).
 */
/* O_PATH: GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dircache.h"

static void forget(struct dircache *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->last = NULL;
}

/* Keep @len bytes of @path as the directory's name. */
static int keep_name(struct dircache *c, const char *path, size_t len)
{
	if (len + 1 > c->cap) {
		char *bigger = realloc(c->dir, len + 1);

		if (!bigger)
			return -1;
		c->dir = bigger;
		c->cap = len + 1;
	}
	memcpy(c->dir, path, len);
	c->dir[len] = '\0';
	return 0;
}

int dircache_at(struct dircache *c, int base, const char *path,
		const char **name)
{
	const char *slash;
	size_t len;

	if (path == c->last && c->fd >= 0 && c->base == base) {
		*name = c->last_name;
		return c->fd;
	}
	c->last = NULL;
	slash = strrchr(path, '/');
	*name = path;
	/* No parent to cache, or no last component ("a/b/"). */
	if (!slash || !slash[1])
		return base;
	len = slash == path ? 1 : (size_t)(slash - path);	/* "/x": "/" */
	if (!(c->fd >= 0 && c->base == base && !strncmp(c->dir, path, len) &&
	      c->dir[len] == '\0')) {
		forget(c);
		if (keep_name(c, path, len))
			return base;
		c->fd = openat(base, c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->fd < 0)
			return base;
		c->base = base;
	}
	c->last = path;
	c->last_name = slash + 1;
	*name = slash + 1;
	return c->fd;
}

void dircache_release(struct dircache *c)
{
	forget(c);
	free(c->dir);
	c->dir = NULL;
	c->cap = 0;
}

int dircache_node_at(struct dircache *c, const struct node *n,
		     const char **name)
{
	int fd;
	const char *at_path = node_open_at(n, &fd);

	return dircache_at(c, fd, at_path, name);
}
