// SPDX-License-Identifier: GPL-2.0
/*
 * entry.c: the entry list and the facts about entry types (see entry.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "entry.h"

struct entry *entry_list_add(struct entry_list *l)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	memset(&l->v[l->len], 0, sizeof(l->v[0]));
	return &l->v[l->len++];
}

static void entry_release(struct entry *e)
{
	unsigned int i;

	for (i = 0; i < e->nnames; i++)
		free(e->names[i]);
	free(e->names);
	free(e->target);
	free(e->location);
}

void entry_list_drop_last(struct entry_list *l)
{
	if (l->len)
		entry_release(&l->v[--l->len]);
}

void entry_list_release(struct entry_list *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		entry_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->len = l->cap = 0;
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
