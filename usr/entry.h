/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ENTRY_H
#define ENTRY_H

/*
 * entry: the model between the sources and the archive.
 *
 * An archive is a sequence of names; several names may share one inode
 * (hard links).  So the model has two parts:
 *
 *  - a node is what an inode holds: type, mode, owner, device numbers,
 *    mtime, a symlink's target, or where a regular file's data is;
 *  - an entry is one name in the archive, pointing at its node, and
 *    remembering where it was defined (for messages).
 *
 * Sources (spec lists, directories, archives) create entries and nodes;
 * the checks fill in what they learn from the file system; the merge puts
 * the sources together (a later definition of a path replaces an earlier
 * one); the archive writer numbers the nodes and writes the entries.
 *
 * Invariants:
 *  - entry.name has no leading '/' beyond what a spec list wrote after
 *    dropping one (the kernel's tool drops exactly one);
 *  - node.mode holds both the type bits (S_IF*) and the permission bits;
 *  - node.refs counts the entries pointing at the node; a node is freed
 *    with its last entry.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/diag.h"

enum entry_type {
	ENTRY_FILE,
	ENTRY_DIR,
	ENTRY_NOD,
	ENTRY_SLINK,
	ENTRY_PIPE,
	ENTRY_SOCK,
};

/* Where a regular file's bytes come from. */
enum data_kind {
	DATA_NONE,	/* no data: not a file, or an empty one */
	DATA_PATH,	/* a file on the build machine, opened when written
			   (openat(fd, at_path): a directory source's files
			   are opened from its top, not from /) */
	DATA_FD,	/* a range of an open file (an input archive) */
};

/*
 * Whether a file's location has been checked (and size, mtime and
 * identity recorded).  A spec list's files are checked before writing,
 * or, when the output is a temporary file that a failure throws away, by
 * the writer just before it opens each one (see check_location_late()).
 * Likewise a directory source's files need not be stat()ed by the walk:
 * the directory says they are regular files and gives their inode
 * numbers, and the writer learns the rest from the file it opens (see
 * open_unstated_late()).
 */
enum node_check {
	NODE_CHECKED,		/* or nothing to check */
	NODE_UNCHECKED,		/* the writer checks it */
	NODE_UNSTATED,		/* the writer fstat()s it once open */
	NODE_BAD,		/* the writer's check failed: skip it */
};

/* Owners as a source gives them (-u, -g): ids of the build user become 0. */
enum id_rule {
	ID_KEEP,	/* ids as they are */
	ID_MAP,		/* one id becomes 0 */
	ID_SQUASH,	/* every id becomes 0 */
};

struct idmap {
	enum id_rule uid_rule;
	enum id_rule gid_rule;
	uint32_t uid;
	uint32_t gid;
};

struct node {
	enum entry_type type;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t rmajor;	/* ENTRY_NOD */
	uint32_t rminor;
	bool has_mtime;		/* else the build's default mtime applies */
	int64_t mtime;
	char *target;		/* ENTRY_SLINK */

	enum data_kind data;
	char *path;		/* DATA_PATH, as messages name it */
	const char *at_path;	/* DATA_PATH, relative to fd (within path) */
	int fd;			/* DATA_FD; DATA_PATH: a directory; not owned */
	uint64_t offset;	/* DATA_FD */
	uint64_t size;
	uint32_t data_align;	/* at least this alignment for the data */
	dev_t dev;		/* DATA_PATH: the file the checks saw */
	ino_t ino;
	enum node_check check;	/* DATA_PATH: whether the checks saw it */
	const struct idmap *ids;	/* NODE_UNSTATED: for uid and gid */

	unsigned int refs;
	/* Set by the archive writer. */
	uint32_t archive_ino;
	uint32_t archive_mtime;
	size_t last_entry;	/* the entry that carries the data */
};

struct entry {
	char *name;
	struct node *node;
	struct srcloc loc;
	unsigned int source;	/* which source defined it (0, 1, ...) */
	bool normal;		/* name is its own normal form (set by the
				   merge, so later checks need not redo it) */
};

/* A growable array of entries in archive order. */
struct entry_list {
	struct entry *v;
	size_t len;
	size_t cap;
};

#define ENTRY_LIST_INIT { NULL, 0, 0 }

/* A new node with one reference and no data, or NULL without memory. */
struct node *node_new(enum entry_type type);
void node_put(struct node *n);

/*
 * Append an entry named @name (copied) for @n, taking a reference to @n.
 * Returns the entry, or NULL when out of memory.
 */
struct entry *entry_list_add(struct entry_list *l, const char *name,
			     struct node *n, const struct srcloc *loc);

/* The same, taking ownership of @name (freed on failure). */
struct entry *entry_list_add_owned(struct entry_list *l, char *name,
				   struct node *n, const struct srcloc *loc);

/* Room for @more entries more, at once; -1 when out of memory. */
int entry_list_reserve(struct entry_list *l, size_t more);

/* Remove the last entry (one whose line turned out to be bad). */
void entry_list_drop_last(struct entry_list *l);
void entry_list_release(struct entry_list *l);

/* "file", "dir", ... as the spec spells the type. */
const char *entry_type_name(enum entry_type t);

/* The S_IF* bits of a type (nod: by its b/c kind). */
uint32_t entry_type_bits(enum entry_type t, char devtype);

/* The type of an S_IF* mode, or -1 for one the archive cannot hold. */
int entry_type_of_mode(uint32_t mode);

/* A file's uid and gid as they go into the archive under @ids. */
uint32_t idmap_uid(const struct idmap *ids, uint32_t uid);
uint32_t idmap_gid(const struct idmap *ids, uint32_t gid);

#endif
