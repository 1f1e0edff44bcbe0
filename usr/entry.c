// SPDX-License-Identifier: GPL-2.0
/*
 * entry.c: nodes, the entry list, and the facts about entry types
 * (see entry.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "entry.h"

struct node *node_new(enum entry_type type)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->type = type;
	n->mode = entry_type_bits(type, 'c');
	n->fd = -1;
	n->refs = 1;
	return n;
}

void node_put(struct node *n)
{
	if (!n || --n->refs)
		return;
	free(n->target);
	free(n->path);
	free(n);
}

int entry_list_reserve(struct entry_list *l, size_t more)
{
	struct entry *v;

	if (l->cap - l->len >= more)
		return 0;
	v = realloc(l->v, (l->len + more) * sizeof(*v));
	if (!v)
		return -1;
	l->v = v;
	l->cap = l->len + more;
	return 0;
}

struct entry *entry_list_add_owned(struct entry_list *l, char *name,
				   struct node *n, const struct srcloc *loc)
{
	struct entry *e;

	/* One at a time, the room doubles. */
	if (l->len == l->cap && entry_list_reserve(l, l->cap ? l->cap : 64)) {
		free(name);
		return NULL;
	}
	e = &l->v[l->len];
	e->name = name;
	e->node = n;
	e->loc = *loc;
	e->source = 0;
	e->normal = false;
	n->refs++;
	l->len++;
	return e;
}

struct entry *entry_list_add(struct entry_list *l, const char *name,
			     struct node *n, const struct srcloc *loc)
{
	char *copy = strdup(name);

	return copy ? entry_list_add_owned(l, copy, n, loc) : NULL;
}

void entry_list_drop_last(struct entry_list *l)
{
	if (!l->len)
		return;
	l->len--;
	free(l->v[l->len].name);
	node_put(l->v[l->len].node);
}

void entry_list_release(struct entry_list *l)
{
	while (l->len)
		entry_list_drop_last(l);
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

const char *entry_type_name(enum entry_type t)
{
	static const char *const names[] = {
		[ENTRY_FILE] = "file",
		[ENTRY_DIR] = "dir",
		[ENTRY_NOD] = "nod",
		[ENTRY_SLINK] = "slink",
		[ENTRY_PIPE] = "pipe",
		[ENTRY_SOCK] = "sock",
	};

	return names[t];
}

uint32_t entry_type_bits(enum entry_type t, char devtype)
{
	switch (t) {
	case ENTRY_FILE:
		return S_IFREG;
	case ENTRY_DIR:
		return S_IFDIR;
	case ENTRY_NOD:
		return devtype == 'b' ? S_IFBLK : S_IFCHR;
	case ENTRY_SLINK:
		return S_IFLNK;
	case ENTRY_PIPE:
		return S_IFIFO;
	case ENTRY_SOCK:
		return S_IFSOCK;
	}
	return 0;
}

int entry_type_of_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return ENTRY_FILE;
	case S_IFDIR:
		return ENTRY_DIR;
	case S_IFCHR:
	case S_IFBLK:
		return ENTRY_NOD;
	case S_IFLNK:
		return ENTRY_SLINK;
	case S_IFIFO:
		return ENTRY_PIPE;
	case S_IFSOCK:
		return ENTRY_SOCK;
	}
	return -1;
}

static uint32_t map_id(enum id_rule rule, uint32_t from, uint32_t id)
{
	if (rule == ID_SQUASH || (rule == ID_MAP && id == from))
		return 0;
	return id;
}

uint32_t idmap_uid(const struct idmap *ids, uint32_t uid)
{
	return map_id(ids->uid_rule, ids->uid, uid);
}

uint32_t idmap_gid(const struct idmap *ids, uint32_t gid)
{
	return map_id(ids->gid_rule, ids->gid, gid);
}
