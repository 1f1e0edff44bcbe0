// SPDX-License-Identifier: GPL-2.0
/*
 * entry.c: the model's memory (strings, nodes, sources), the entry list,
 * and the facts about entry types (see entry.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/array.h"
#include "entry.h"

#define STR_CHUNK_BITS 20
#define STR_CHUNK (1u << STR_CHUNK_BITS)
#define STR_CHUNKS 4096		/* the 12 bits a handle has left */

/* The arena of strings: full chunks, and the latest, filling up. */
static struct {
	char *chunk[STR_CHUNKS];
	uint32_t nchunks;
	size_t used;		/* bytes of the latest chunk taken */
} strs;

/* A string longer than a chunk has one of its own, at offset 0. */
static int new_chunk(size_t need)
{
	char *p;

	if (strs.nchunks == STR_CHUNKS)
		return -1;
	p = malloc(need > STR_CHUNK ? need : STR_CHUNK);
	if (!p)
		return -1;
	strs.chunk[strs.nchunks] = p;
	/* Chunk 0 leaves out its first byte: handle 0 is no string. */
	strs.used = strs.nchunks++ ? 0 : 1;
	return 0;
}

char *str_alloc(size_t len, uint32_t *handle)
{
	size_t need = len + 1;
	char *p;

	if ((!strs.nchunks || strs.used + need > STR_CHUNK) && new_chunk(need))
		return NULL;
	p = strs.chunk[strs.nchunks - 1] + strs.used;
	*handle = (strs.nchunks - 1) << STR_CHUNK_BITS | (uint32_t)strs.used;
	strs.used += need;
	p[len] = '\0';
	return p;
}

uint32_t str_add(const char *s)
{
	size_t len = strlen(s);
	uint32_t h;
	char *p = str_alloc(len, &h);

	if (!p)
		return 0;
	memcpy(p, s, len);
	return h;
}

const char *str_get(uint32_t handle)
{
	if (!handle)
		return NULL;
	return strs.chunk[handle >> STR_CHUNK_BITS] + (handle & (STR_CHUNK - 1));
}

/* The table of sources; an entry's node finds its own through it. */
static struct {
	struct source *v;
	uint32_t len;
	size_t cap;
} sources;

long source_add(const char *name, int fd)
{
	if (ARRAY_GROW(sources.v, sources.cap, sources.len + 1, 16))
		return -1;
	sources.v[sources.len] = (struct source){ .name = name, .fd = fd };
	return sources.len++;
}

struct source *source_get(uint32_t source)
{
	return &sources.v[source];
}

long source_add_offset(uint32_t source, uint64_t offset)
{
	struct source *s = source_get(source);

	if (s->noffsets == ENTRY_WHERE_MAX)
		return -1;
	if (ARRAY_GROW(s->offsets, s->cap, s->noffsets + 1, 64))
		return -1;
	s->archive = true;
	s->offsets[s->noffsets] = offset;
	return s->noffsets++;
}

/* Nodes are handed out from blocks; freed ones are kept for reuse. */
#define NODE_BLOCK 1024

struct node_block {
	struct node_block *next;
	struct node v[NODE_BLOCK];
};

static struct {
	struct node_block *blocks;	/* the newest first */
	size_t used;			/* nodes of the newest block taken */
	struct node *free;
} pool;

static struct node *node_alloc(void)
{
	struct node *n = pool.free;

	if (n) {
		pool.free = n->next_free;
		return n;
	}
	if (!pool.blocks || pool.used == NODE_BLOCK) {
		struct node_block *b = malloc(sizeof(*b));

		if (!b)
			return NULL;
		b->next = pool.blocks;
		pool.blocks = b;
		pool.used = 0;
	}
	return &pool.blocks->v[pool.used++];
}

struct node *node_new(enum entry_type type, uint32_t source)
{
	struct node *n = node_alloc();

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->mode = entry_type_bits(type, 'c');
	n->source = source;
	n->refs = 1;
	return n;
}

void node_put(struct node *n)
{
	if (!n || --n->refs)
		return;
	n->next_free = pool.free;
	pool.free = n;
}

const char *node_path(const struct node *n)
{
	return n->data == DATA_PATH ? str_get(n->path) : NULL;
}

const char *node_target(const struct node *n)
{
	return n->type == ENTRY_SLINK ? str_get(n->target) : NULL;
}

const char *node_open_at(const struct node *n, int *fd)
{
	const struct source *s = source_get(n->source);

	*fd = s->fd;
	return str_get(n->path) + s->skip;
}

int node_fd(const struct node *n)
{
	return source_get(n->source)->fd;
}

uint32_t node_data_align(const struct node *n)
{
	return n->data == DATA_FD ? n->data_align : 0;
}

const char *entry_path(const struct entry *e)
{
	const char *name = entry_name(e);

	return e->normal ? name : name + strlen(name) + 1;
}

const struct srcloc *entry_loc(const struct entry *e, struct srcloc *loc)
{
	const struct source *s = source_get(e->node->source);

	*loc = (struct srcloc){ .file = s->name };
	if (s->archive) {
		loc->at_offset = true;
		loc->offset = s->offsets[e->where];
	} else {
		loc->line = e->where;
	}
	return loc;
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

struct entry *entry_list_add(struct entry_list *l, const char *name,
			     struct node *n, uint32_t where)
{
	uint32_t handle;
	struct entry *e;

	/* One at a time, the room doubles. */
	if (l->len == l->cap && entry_list_reserve(l, l->cap ? l->cap : 64))
		return NULL;
	handle = str_add(name);
	if (!handle)
		return NULL;
	e = &l->v[l->len++];
	*e = (struct entry){ .node = n, .name = handle, .where = where };
	n->refs++;
	return e;
}

void entry_list_drop_last(struct entry_list *l)
{
	if (!l->len)
		return;
	l->len--;
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

void model_release(void)
{
	uint32_t i;

	for (i = 0; i < strs.nchunks; i++)
		free(strs.chunk[i]);
	strs.nchunks = 0;
	while (pool.blocks) {
		struct node_block *b = pool.blocks;

		pool.blocks = b->next;
		free(b);
	}
	pool.free = NULL;
	for (i = 0; i < sources.len; i++)
		free(sources.v[i].offsets);
	free(sources.v);
	sources.v = NULL;
	sources.len = sources.cap = 0;
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

/* An id through a user namespace's map, as seen from inside it. */
static uint32_t map_range(const struct idrange *r, uint32_t n, uint32_t id)
{
	uint32_t i;

	if (!n)
		return id;
	for (i = 0; i < n; i++)
		if (id >= r[i].outside && id - r[i].outside < r[i].count)
			return r[i].inside + (id - r[i].outside);
	return 65534;
}

uint32_t idmap_uid(const struct idmap *ids, uint32_t uid)
{
	uid = map_range(ids->uranges, ids->nuranges, uid);
	return map_id(ids->uid_rule, ids->uid, uid);
}

uint32_t idmap_gid(const struct idmap *ids, uint32_t gid)
{
	gid = map_range(ids->granges, ids->ngranges, gid);
	return map_id(ids->gid_rule, ids->gid, gid);
}
