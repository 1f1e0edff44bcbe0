/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ENTRY_H
#define ENTRY_H

/*
 * entry: the model between the spec and the archive.
 *
 * An entry is one line of the spec after its fields have been parsed: a
 * type, one or more archive names, the metadata the archive will carry,
 * and where it came from.  The spec reader creates entries, the checks
 * complete them (a file's size and mtime), the archive writer turns them
 * into bytes.  Nothing here touches the file system.
 *
 * Invariants once the spec reader has produced an entry:
 *  - names[0..nnames-1] are non-NULL, without the one leading '/' that the
 *    spec may carry; only ENTRY_FILE has more than one name (hard links);
 *  - mode holds both the type bits (S_IF*) and the permission bits;
 *  - target is set for ENTRY_SLINK only, location for ENTRY_FILE only.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"

enum entry_type {
	ENTRY_FILE,
	ENTRY_DIR,
	ENTRY_NOD,
	ENTRY_SLINK,
	ENTRY_PIPE,
	ENTRY_SOCK,
};

struct entry {
	enum entry_type type;
	struct srcloc loc;
	char **names;
	unsigned int nnames;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t rmajor;	/* ENTRY_NOD */
	uint32_t rminor;
	char *target;		/* ENTRY_SLINK */
	char *location;		/* ENTRY_FILE, ${VAR} already expanded */

	/* ENTRY_FILE, filled in by the checks from the file itself. */
	uint64_t size;
	int64_t mtime;
	dev_t dev;
	ino_t ino;
};

/* A growable array of entries in spec order; owns the entries' strings. */
struct entry_list {
	struct entry *v;
	size_t len;
	size_t cap;
};

#define ENTRY_LIST_INIT { NULL, 0, 0 }

/* Append a zeroed entry and return it, or NULL when out of memory. */
struct entry *entry_list_add(struct entry_list *l);
/* Remove the last entry (one whose line turned out to be bad). */
void entry_list_drop_last(struct entry_list *l);
void entry_list_release(struct entry_list *l);

/* "file", "dir", ... as the spec spells the type. */
const char *entry_type_name(enum entry_type t);

/* The S_IF* bits the archive stores for a type (nod: by its b/c kind). */
uint32_t entry_type_bits(enum entry_type t, char devtype);

#endif
