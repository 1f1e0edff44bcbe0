/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TARSRC_H
#define TARSRC_H

/*
 * tarsrc: a tar archive as a source of entries.
 *
 * What root-less builders hand over (mmdebstrap --mode=unshare, podman
 * and docker export, Buildroot, Yocto, the layers of an OCI image) is a
 * tar whose headers carry the real owners, modes and device numbers.
 * Read here: POSIX ustar, pax (extended and global headers: path,
 * linkpath, uid, gid, size, mtime with fractions), GNU (././@LongLink
 * names and link names, base-256 numbers), and old v7 headers; every
 * type newc can hold.  A regular file's data stays where it is, a range
 * of the (decompressed) tar file read when the image is written; a hard
 * link shares its target's node, so the names are one newc link group.
 *
 * Tars come from anywhere: every header's checksum is checked, and a
 * truncated or corrupt archive, an absolute name, a '..' component, a
 * sparse or multi-volume member are errors that name the member (its
 * number, from 1) and its header's byte offset.  What newc cannot carry
 * (extended attributes, ACLs, file capabilities, sockets) is a warning
 * naming the entry.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "entry.h"

/* True when the 512-byte block @buf is a tar header (ustar, GNU, v7). */
bool looks_like_tar(const unsigned char *buf, size_t len);

/* A whiteout of an OCI layer: a normal-form path, or a directory made opaque. */
struct tar_whiteout {
	char *path;
	bool opaque;		/* .wh..wh..opq: everything below @path */
};

struct tar_opts {
	const struct idmap *ids;	/* -u/-g and --map-users/--map-groups */
	/*
	 * An OCI layer: entries are named by their normal form, and
	 * whiteouts (.wh.<name>, .wh..wh..opq) go to @whiteouts instead
	 * of being entries.
	 */
	bool layer;
	struct tar_whiteout *whiteouts;	/* grown with realloc(); caller frees */
	size_t nwhiteouts;
};

/*
 * Append the entries of the tar at @base..@base+@size of @fd (named
 * @name in messages) to @out; their data is read from @fd, which the
 * caller keeps open until the image is written.  Returns 0, or -1
 * (reported through @d; @out may hold some entries).
 */
int tarsrc_read(const char *name, int fd, uint64_t base, uint64_t size,
		struct tar_opts *o, struct entry_list *out, struct diag *d);

#endif
