// SPDX-License-Identifier: GPL-2.0
/*
 * check.c: whole-list checks (see check.h).
 *
 * Paths are compared in a normal form (no leading, trailing or repeated
 * slashes, no "." components), kept in an open-addressing hash table that
 * maps each path to the entry that defined it.  The archive itself keeps
 * each name exactly as written, so valid specs give the kernel's bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cpio.h"

struct path_slot {
	char *path;			/* normal form; NULL if free */
	const struct entry *entry;	/* the entry that defined it */
};

struct path_set {
	struct path_slot *slot;
	size_t cap;			/* a power of two */
	size_t used;
};

static uint64_t hash_path(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct path_slot *path_set_find(struct path_set *set, const char *path)
{
	size_t i = hash_path(path) & (set->cap - 1);

	while (set->slot[i].path && strcmp(set->slot[i].path, path))
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

static int path_set_grow(struct path_set *set)
{
	struct path_set bigger = { .cap = set->cap ? 2 * set->cap : 1024 };
	size_t i;

	bigger.slot = calloc(bigger.cap, sizeof(*bigger.slot));
	if (!bigger.slot)
		return -1;
	for (i = 0; i < set->cap; i++)
		if (set->slot[i].path)
			*path_set_find(&bigger, set->slot[i].path) = set->slot[i];
	bigger.used = set->used;
	free(set->slot);
	*set = bigger;
	return 0;
}

static void path_set_release(struct path_set *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->slot[i].path);
	free(set->slot);
}

/*
 * The normal form of @name in a new string, "" for the root; NULL when out
 * of memory.  *@dotdot is set when a component is "..".
 */
static char *normalize_path(const char *name, int *dotdot)
{
	char *out = malloc(strlen(name) + 1);
	size_t n = 0;

	*dotdot = 0;
	if (!out)
		return NULL;
	while (*name) {
		size_t len = strcspn(name, "/");

		if (len == 2 && !strncmp(name, "..", 2))
			*dotdot = 1;
		if (len && !(len == 1 && name[0] == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, name, len);
			n += len;
		}
		name += len;
		name += strspn(name, "/");
	}
	out[n] = '\0';
	return out;
}

/* The parent of a normal-form path, in place; false for top-level names. */
static bool cut_to_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

static void check_parent(struct path_set *set, const struct entry *e,
			 const char *name, char *path, struct diag *d)
{
	const struct path_slot *p;
	char *parent = strdup(path);

	if (!parent || !cut_to_parent(parent))
		goto out;
	p = path_set_find(set, parent);
	if (!p->path)
		diag_warn(d, &e->loc,
			  "parent directory '%s' of '%s' is not defined earlier; the kernel will drop '%s' at boot",
			  parent, name, name);
	else if (p->entry->type != ENTRY_DIR && p->entry->type != ENTRY_SLINK)
		diag_warn(d, &e->loc,
			  "parent '%s' of '%s' is a %s (line %u), not a directory; the kernel will drop '%s' at boot",
			  parent, name, entry_type_name(p->entry->type),
			  p->entry->loc.line, name);
out:
	free(parent);
}

static bool name_is_valid(const struct entry *e, const char *name,
			  const char *path, int dotdot, struct diag *d)
{
	size_t len = strlen(name);

	if (!len) {
		diag_error(d, &e->loc,
			   "name '/' is the root directory, which always exists; it cannot be an entry");
		return false;
	}
	if (dotdot) {
		diag_error(d, &e->loc, "name '%s' has a '..' component", name);
		return false;
	}
	if (!path[0]) {
		diag_error(d, &e->loc,
			   "name '%s' is the root directory, which always exists; it cannot be an entry",
			   name);
		return false;
	}
	if (len + 1 > CPIO_PATH_MAX) {
		diag_error(d, &e->loc,
			   "name is %zu bytes long; the kernel accepts at most %u",
			   len, CPIO_PATH_MAX - 1);
		return false;
	}
	return true;
}

/* Validate one name of @e and claim its path.  -1 only when out of memory. */
static int check_name(struct path_set *set, const struct entry *e,
		      const char *name, struct diag *d)
{
	struct path_slot *slot;
	int dotdot;
	char *path = normalize_path(name, &dotdot);

	if (!path)
		return -1;
	if (!name_is_valid(e, name, path, dotdot, d))
		goto done;
	check_parent(set, e, name, path, d);
	slot = path_set_find(set, path);
	if (slot->path) {
		diag_error(d, &e->loc, "'%s' is already defined at %s:%u", name,
			   slot->entry->loc.file, slot->entry->loc.line);
		goto done;
	}
	slot->path = path;
	slot->entry = e;
	set->used++;
	return 0;
done:
	free(path);
	return 0;
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

/* A file's location: a readable regular file that newc can hold. */
static void check_location(struct entry *e, struct diag *d)
{
	struct stat st;
	int fd;

	if (stat(e->location, &st)) {
		diag_error(d, &e->loc, "cannot use '%s': %s", e->location,
			   strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_error(d, &e->loc, "'%s' is a %s, not a regular file",
			   e->location, file_type_name(st.st_mode));
		return;
	}
	if ((uint64_t)st.st_size > CPIO_FIELD_MAX) {
		diag_error(d, &e->loc,
			   "'%s' is %llu bytes; newc cannot hold files of 4 GiB or more",
			   e->location, (unsigned long long)st.st_size);
		return;
	}
	/* O_NONBLOCK: should it have become a FIFO since, never hang. */
	fd = open(e->location, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(d, &e->loc, "cannot read '%s': %s", e->location,
			   strerror(errno));
		return;
	}
	close(fd);
	e->size = (uint64_t)st.st_size;
	e->mtime = st.st_mtime;
	e->dev = st.st_dev;
	e->ino = st.st_ino;
}

static void check_target(const struct entry *e, struct diag *d)
{
	size_t len = strlen(e->target);

	if (len + 1 > CPIO_PATH_MAX)
		diag_error(d, &e->loc,
			   "symlink target is %zu bytes long; the kernel accepts at most %u",
			   len, CPIO_PATH_MAX - 1);
}

int check_entries(struct entry_list *l, struct diag *d)
{
	struct path_set set = { 0 };
	size_t i;
	unsigned int j;
	int rc = 0;

	for (i = 0; i < l->len && !rc; i++) {
		struct entry *e = &l->v[i];

		for (j = 0; j < e->nnames && !rc; j++) {
			if (2 * (set.used + 1) > set.cap && path_set_grow(&set))
				rc = -1;
			else
				rc = check_name(&set, e, e->names[j], d);
		}
		if (e->type == ENTRY_SLINK)
			check_target(e, d);
		if (e->type == ENTRY_FILE)
			check_location(e, d);
	}
	if (rc)
		diag_error(d, NULL, "out of memory");
	path_set_release(&set);
	return rc;
}
