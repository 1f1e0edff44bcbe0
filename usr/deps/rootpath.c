// SPDX-License-Identifier: GPL-2.0
/*
 * rootpath.c: resolve paths inside a root, print them as spec lines (see
 * rootpath.h).
 */
/* asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/buf.h"
#include "lib/escape.h"
#include "rootpath.h"

/* The kernel's limit on symlinks followed in one lookup. */
#define MAX_SYMLINKS 40

int root_init(struct root *r, const char *dir, FILE *out)
{
	size_t len = strlen(dir);
	struct stat st;

	if (stat(dir, &st))
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	while (len && dir[len - 1] == '/')
		len--;
	r->dir = strndup(dir, len);
	if (!r->dir)
		return -1;
	r->out = out;
	r->printed = (struct strmap)STRMAP_INIT;
	return 0;
}

void root_release(struct root *r)
{
	free(r->dir);
	r->dir = NULL;
	strmap_release(&r->printed);
}

char *root_location(const struct root *r, const char *path)
{
	char *p;

	if (asprintf(&p, "%s%s", r->dir, path) < 0)
		return NULL;
	return p;
}

void resolved_release(struct resolved *res)
{
	size_t i;

	for (i = 0; i < res->nsteps; i++) {
		free(res->steps[i].path);
		free(res->steps[i].target);
	}
	free(res->steps);
	free(res->path);
	*res = (struct resolved)RESOLVED_INIT;
}

/* Takes @path and @target (which may be NULL), even when it fails. */
static int add_step(struct resolved *res, enum step_kind kind, char *path,
		    char *target, unsigned int mode)
{
	struct step *s;

	if (ARRAY_GROW(res->steps, res->cap, res->nsteps + 1, 8)) {
		free(path);
		free(target);
		return -ENOMEM;
	}
	s = &res->steps[res->nsteps++];
	s->kind = kind;
	s->path = path;
	s->target = target;
	s->mode = mode;
	return 0;
}

/* A symlink's text; st_size is only a hint (procfs says 0). */
static int read_link(const char *host, size_t hint, char **out)
{
	size_t size = hint + 1 > 64 ? hint + 1 : 64;

	for (;;) {
		char *buf = malloc(size);
		ssize_t len;

		if (!buf)
			return -ENOMEM;
		len = readlink(host, buf, size);
		if (len < 0) {
			int err = errno;

			free(buf);
			return -err;
		}
		if ((size_t)len < size) {
			buf[len] = '\0';
			*out = buf;
			return 0;
		}
		free(buf);
		size *= 2;
	}
}

/* The walk's state: the canonical prefix, and the text still to walk. */
struct walk {
	char *cur;		/* "" at the top, else "/a/b" */
	char *todo;
	size_t pos;		/* next byte of todo to look at */
	unsigned int links;
	bool have_st;
};

/* "@a/@b", or NULL without memory. */
static char *join2(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

/* Go on with @target followed by what was left of the path. */
static int follow(struct walk *w, const char *target)
{
	char *todo = join2(target, w->todo + w->pos);

	if (!todo)
		return -ENOMEM;
	free(w->todo);
	w->todo = todo;
	w->pos = 0;
	if (target[0] == '/')
		w->cur[0] = '\0';
	return 0;
}

/* @cand is a symlink: go on from its target (the step takes @cand). */
static int walk_symlink(struct walk *w, char *cand, const char *host,
			struct resolved *res)
{
	char *target = NULL;
	int rc;

	w->have_st = false;
	if (++w->links > MAX_SYMLINKS)
		rc = -ELOOP;
	else
		rc = read_link(host, (size_t)res->st.st_size, &target);
	if (!rc)
		rc = follow(w, target);
	if (rc) {
		free(cand);
		free(target);
		return rc;
	}
	return add_step(res, STEP_SLINK, cand, target, 0);
}

/* @cand is a directory or a file: it becomes the new canonical prefix. */
static int walk_into(struct walk *w, char *cand, bool last,
		     struct resolved *res)
{
	char *copy;

	if (!S_ISDIR(res->st.st_mode) && !last) {
		free(cand);
		return -ENOTDIR;
	}
	free(w->cur);
	w->cur = cand;
	w->have_st = true;
	if (last || !S_ISDIR(res->st.st_mode))
		return 0;
	copy = strdup(cand);
	if (!copy)
		return -ENOMEM;
	return add_step(res, STEP_DIR, copy, NULL, res->st.st_mode & 07777);
}

/* One component @name, the last one when @last, below w->cur. */
static int walk_component(const struct root *r, struct walk *w,
			  const char *name, bool last, struct resolved *res)
{
	char *cand = join2(w->cur, name), *host;
	int rc;

	if (!cand)
		return -ENOMEM;
	host = root_location(r, cand);
	if (!host) {
		free(cand);
		return -ENOMEM;
	}
	if (lstat(host, &res->st)) {
		rc = -errno;
		free(cand);
	} else if (S_ISLNK(res->st.st_mode)) {
		rc = walk_symlink(w, cand, host, res);
	} else {
		rc = walk_into(w, cand, last, res);
	}
	free(host);
	return rc;
}

/* The next component of w->todo into @name (cut in place); false at end. */
static bool next_component(struct walk *w, char **name, bool *last)
{
	char *s = w->todo + w->pos, *end;

	while (*s == '/')
		s++;
	if (!*s)
		return false;
	end = s + strcspn(s, "/");
	w->pos = (size_t)(end - w->todo);
	*last = !end[strspn(end, "/")];
	if (*end) {
		*end = '\0';
		w->pos++;
	}
	*name = s;
	return true;
}

static void go_up(struct walk *w)
{
	char *slash = strrchr(w->cur, '/');

	if (slash)
		*slash = '\0';
	w->have_st = false;
}

/* Nothing was looked at for the end of the walk (the top, or a ".."). */
static int stat_end(const struct root *r, struct walk *w,
		    struct resolved *res)
{
	char *host = root_location(r, *w->cur ? w->cur : "/");
	int rc;

	if (!host)
		return -ENOMEM;
	rc = lstat(host, &res->st) ? -errno : 0;
	free(host);
	return rc;
}

int root_resolve(const struct root *r, const char *path, struct resolved *res)
{
	struct walk w = { .cur = strdup(""), .todo = strdup(path) };
	int rc = 0;

	*res = (struct resolved)RESOLVED_INIT;
	if (!w.cur || !w.todo)
		rc = -ENOMEM;
	while (!rc) {
		bool last;
		char *name;

		if (!next_component(&w, &name, &last))
			break;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, ".."))
			go_up(&w);
		else
			rc = walk_component(r, &w, name, last, res);
	}
	if (!rc && !w.have_st)
		rc = stat_end(r, &w, res);
	if (!rc) {
		res->path = strdup(*w.cur ? w.cur : "/");
		if (!res->path)
			rc = -ENOMEM;
	}
	free(w.cur);
	free(w.todo);
	return rc;
}

/*
 * Print "<kind> <path> [<field> ]<mode> 0 0" unless @path was printed
 * before.
 */
static int print_once(struct root *r, const char *kind, const char *path,
		      const char *field, unsigned int mode)
{
	char *name, *escaped = NULL;
	int rc = strmap_put(&r->printed, path, 0);

	if (rc)
		return rc < 0 ? -ENOMEM : 0;
	name = escape_field(path);
	if (field)
		escaped = escape_field(field);
	if (!name || (field && !escaped))
		rc = -ENOMEM;
	else
		fprintf(r->out, "%s %s %s%s%04o 0 0\n", kind, name,
			field ? escaped : "", field ? " " : "", mode);
	free(name);
	free(escaped);
	return rc;
}

int root_print(struct root *r, const struct resolved *res)
{
	unsigned int mode = res->st.st_mode & 07777;
	char *location;
	size_t i;
	int rc = 0;

	if (!S_ISREG(res->st.st_mode) && !S_ISDIR(res->st.st_mode))
		return -EINVAL;
	for (i = 0; i < res->nsteps && !rc; i++) {
		const struct step *s = &res->steps[i];

		if (s->kind == STEP_DIR)
			rc = print_once(r, "dir", s->path, NULL, s->mode);
		else
			rc = print_once(r, "slink", s->path, s->target, 0777);
	}
	if (rc || !strcmp(res->path, "/"))
		return rc;
	if (S_ISDIR(res->st.st_mode))
		return print_once(r, "dir", res->path, NULL, mode);
	location = root_location(r, res->path);
	if (!location)
		return -ENOMEM;
	rc = print_once(r, "file", res->path, location, mode);
	free(location);
	return rc;
}

/* All of @fd's bytes, however the file reports its size. */
static int read_all(int fd, size_t hint, char **buf, size_t *len)
{
	struct buf b = BUF_INIT;
	int rc = buf_read_fd(&b, fd, hint);

	if (rc)
		return rc;
	*buf = buf_detach(&b, len);
	return *buf ? 0 : -ENOMEM;
}

int root_read_file(const struct root *r, const char *path, char **buf,
		   size_t *len)
{
	struct resolved res;
	char *host = NULL;
	int fd, rc = root_resolve(r, path, &res);

	if (!rc && S_ISDIR(res.st.st_mode))
		rc = -EISDIR;
	else if (!rc && !S_ISREG(res.st.st_mode))
		rc = -EINVAL;
	if (!rc && !(host = root_location(r, res.path)))
		rc = -ENOMEM;
	if (!rc) {
		fd = open(host, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
		} else {
			rc = read_all(fd, (size_t)res.st.st_size, buf, len);
			close(fd);
		}
	}
	free(host);
	resolved_release(&res);
	return rc;
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

char *path_absolute(const char *dir)
{
	size_t len = strlen(dir);
	char *p;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (dir[0] == '/')
		return strndup(dir, len);
	if (asprintf(&p, "/%.*s", (int)len, dir) < 0)
		return NULL;
	return p;
}

char *path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", strcmp(dir, "/") ? dir : "", name) < 0)
		return NULL;
	return p;
}
