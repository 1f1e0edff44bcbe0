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
 *    mtime, a symlink's target, or where a regular file's data is, and
 *    the source that made it;
 *  - an entry is one name in the archive, pointing at its node, and
 *    remembering where in its source it was defined (for messages).
 *
 * Sources (spec lists, directories, archives) create entries and nodes;
 * the checks fill in what they learn from the file system; the merge puts
 * the sources together (a later definition of a path replaces an earlier
 * one); the archive writer numbers the nodes and writes the entries.
 *
 * A build holds every name of the image at once (a million of them for a
 * large tree), so the model is kept small, and lives in memory that the
 * whole run shares:
 *
 *  - strings (names, locations, symlink targets) are copied into one
 *    arena and named by a 32-bit handle; they never move, and are not
 *    freed one by one;
 *  - nodes come from a pool of blocks: no malloc() header each, and a
 *    freed node is reused;
 *  - what all the nodes of one source share (its name for messages, the
 *    directory its files are opened from, its -u/-g rule, an archive's
 *    header offsets) is kept once, in a table of sources.
 *
 * All of it goes with the process (see release_build()); model_release()
 * frees it for leak checking and for a fuzzer's next input.
 *
 * Invariants:
 *  - an entry's name has no leading '/' beyond what a spec list wrote
 *    after dropping one (the kernel's tool drops exactly one);
 *  - once merged, an entry's normal form (pathmap.h) is its name when
 *    entry.normal is set, else the string that follows the name's NUL in
 *    the arena (the merge stores the two together);
 *  - node.mode holds both the type bits (S_IF*) and the permission bits;
 *  - node.refs counts the entries pointing at the node; a node goes back
 *    to the pool with its last entry;
 *  - of a node's union, only the member of its data kind (files) or type
 *    (symlinks, devices) is set;
 *  - a node's size fits newc (under 4 GiB): every source checks it.
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
			   (node_open_at(): a directory source's files are
			   opened from its top, not from /) */
	DATA_FD,	/* a range of an open file (an input archive, the
			   microcode) */
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

/*
 * --map-users/--map-groups: @count ids from @outside on the build machine
 * are @inside onwards in the image, as a user namespace's map shows them.
 */
struct idrange {
	uint32_t inside;
	uint32_t outside;
	uint32_t count;
};

struct idmap {
	enum id_rule uid_rule;
	enum id_rule gid_rule;
	uint32_t uid;
	uint32_t gid;
	/* With ranges, an id in none of them is the overflow id (65534),
	   as inside the namespace; then the rules above apply. */
	const struct idrange *uranges;	/* shared, never changed */
	const struct idrange *granges;
	uint32_t nuranges;
	uint32_t ngranges;
};

/*
 * The model's strings: each copied, with a NUL, into an arena of 1 MiB
 * chunks, where it stays put until model_release().  A string is named by
 * a handle, 12 bits of chunk and 20 of offset, half a pointer; 0 is none.
 * Without a malloc() header and rounding each, the 1M-line list's names,
 * locations and targets take 53.9 bytes an entry, not 76.3 (counted from
 * glibc's chunk sizes).
 */
uint32_t str_add(const char *s);
/* Room for a string of @len bytes, and for its NUL; NULL without memory. */
char *str_alloc(size_t len, uint32_t *handle);
const char *str_get(uint32_t handle);

/*
 * A source: what the nodes it made share.  A file's data is opened at
 * its path less the first @skip bytes, relative to @fd (AT_FDCWD for a
 * spec list, a directory source's top); an archive's or the microcode's
 * data is read from @fd.
 */
struct source {
	const char *name;	/* as the user named it, for messages */
	int fd;			/* not owned */
	uint32_t skip;
	const struct idmap *ids;	/* NODE_UNSTATED: for uid and gid */
	bool archive;		/* entries' where is a header's number: */
	uint64_t *offsets;	/* ... the offset of each header */
	uint32_t noffsets;
	size_t cap;
};

/* A new source; its number, or -1 when out of memory. */
long source_add(const char *name, int fd);
/* A source by its number; the pointer is good until the next source_add(). */
struct source *source_get(uint32_t source);

/*
 * The number of an archive source's next header, at @offset, to be an
 * entry's where; -1 when out of memory.
 */
long source_add_offset(uint32_t source, uint64_t offset);

/*
 * 56 bytes, from a pool (it was 160, in a 176-byte malloc() chunk).  On
 * a spec list of a million lines, one node a line, the pool saves 8
 * bytes an entry (measured) and the packing 104.  What each item of the
 * packing saves, in bytes a node as sizeof() counts them against this
 * layout, is noted at it ("saves N").
 */
struct node {
	uint16_t mode;		/* S_IF* | 07777; with the bit-fields, saves 8 */
	uint8_t type;		/* enum entry_type */
	uint8_t data : 2;	/* enum data_kind */
	uint8_t check : 2;	/* enum node_check; DATA_PATH */
	uint8_t has_mtime : 1;	/* else the build's default mtime applies */
	uint32_t uid;
	uint32_t gid;
	uint32_t refs;
	uint32_t source;	/* which made it (source_get()), for an fd, a
				   path within the path, an idmap *: saves 24 */
	/* Set by the archive writer, but for the mtime, which is computed
	   (node_archive_mtime()), not stored: saves 8. */
	uint32_t archive_ino;
	uint32_t last_entry;	/* the entry that carries the data (an image
				   has < 2^32), not a size_t: saves 8 */
	uint32_t size;		/* newc's 32 bits (sources check): saves 8 */
	int64_t mtime;
	/* What files, symlinks and devices keep, overlaid: saves 24. */
	union {
		struct {		/* DATA_PATH */
			uint32_t path;	/* as messages name it; a handle, not a
					   char * (so the target): saves 8 */
			uint32_t dev;	/* the file the checks saw; st_dev is
					   the kernel's 32-bit dev_t: saves 8 */
			uint64_t ino;
		};
		struct {		/* DATA_FD: a range of the source's fd */
			uint64_t offset;
			uint32_t data_align;	/* at least this alignment */
		};
		uint32_t target;	/* ENTRY_SLINK (a handle) */
		struct {		/* ENTRY_NOD */
			uint32_t rmajor;
			uint32_t rminor;
		};
		struct node *next_free;	/* in the pool, unused */
	};
};

/*
 * 16 bytes (it was 48, and while a list was merged its array and the
 * image's held each entry twice: merging the first source's array in
 * place saves 15.5 bytes an entry, measured).
 */
struct entry {
	struct node *node;
	uint32_t name;		/* a handle (str_get()), not a char *: saves 8 */
	/* Where, not a struct srcloc and a source number (the node's
	   source has the file and an archive's offsets): saves 32. */
	uint32_t where : 31;	/* the line of a list, an archive's header
				   number (source_add_offset()), else 0 */
	uint32_t normal : 1;	/* name is its own normal form (set by the
				   merge, so later checks need not redo it) */
};

/* Lines and headers beyond this cannot be an entry's where. */
#define ENTRY_WHERE_MAX 0x7fffffffu

/* A growable array of entries in archive order. */
struct entry_list {
	struct entry *v;
	size_t len;
	size_t cap;
};

#define ENTRY_LIST_INIT { NULL, 0, 0 }

/*
 * A new node of @source with one reference and no data, or NULL without
 * memory.
 */
struct node *node_new(enum entry_type type, uint32_t source);
void node_put(struct node *n);

/* A file's location, or a symlink's target; NULL for none. */
const char *node_path(const struct node *n);
const char *node_target(const struct node *n);

/* Where to open a DATA_PATH file: the path returned, relative to *@fd. */
const char *node_open_at(const struct node *n, int *fd);

/* The descriptor a DATA_FD node's data is read from. */
int node_fd(const struct node *n);

/* The alignment a file's data asks for itself (early microcode), or 0. */
uint32_t node_data_align(const struct node *n);

static inline const char *entry_name(const struct entry *e)
{
	return str_get(e->name);
}

/* The normal form of a merged entry's name (see the invariants above). */
const char *entry_path(const struct entry *e);

/* Where @e was defined, into @loc, for messages. */
const struct srcloc *entry_loc(const struct entry *e, struct srcloc *loc);

/* The same in a temporary that lives to the end of the caller's block. */
#define ENTRY_LOC(e) entry_loc((e), &(struct srcloc){ 0 })

/*
 * Append an entry named @name (copied) for @n at @where, taking a
 * reference to @n.  Returns the entry, or NULL when out of memory.
 */
struct entry *entry_list_add(struct entry_list *l, const char *name,
			     struct node *n, uint32_t where);

/* Room for @more entries more, at once; -1 when out of memory. */
int entry_list_reserve(struct entry_list *l, size_t more);

/* Remove the last entry (one whose line turned out to be bad). */
void entry_list_drop_last(struct entry_list *l);
void entry_list_release(struct entry_list *l);

/* Free every string, node and source (see above). */
void model_release(void);

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
