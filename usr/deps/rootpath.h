/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ROOTPATH_H
#define ROOTPATH_H

/*
 * rootpath: paths of a system image, looked up the way its kernel will,
 * and printed as the spec lines that recreate them in an archive.
 *
 * The resolvers look at a system installed below a directory of the build
 * machine (its "root": / by default, or a chroot, a sysroot, a mounted
 * image).  A path such as /lib64/ld-linux-x86-64.so.2 means that path as
 * seen from inside, so it cannot be handed to the host's open(): an
 * absolute symlink would lead out of the root.  root_resolve() walks it one
 * component at a time instead, reading each symlink and continuing from its
 * target inside the root, and keeps what it passed on the way: every
 * directory it entered and every symlink it followed.  For the same path
 * to work in the archive, all of them must be there too; root_print()
 * prints them, parents first, each path once over the whole run:
 *
 *	slink /lib64 usr/lib64 0777 0 0
 *	dir /usr 0755 0 0
 *	dir /usr/lib64 0755 0 0
 *	slink /usr/lib64/ld-linux-x86-64.so.2 ../lib/x86_64-linux-gnu/... 0777 0 0
 *	dir /usr/lib 0755 0 0
 *	...
 *	file /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 <root>/usr/lib/... 0755 0 0
 *
 * Owners are always 0: an initramfs is root's.  Names, targets and
 * locations are written as spec fields (escape_field()), so any byte
 * survives.  ".." at the top stays at the top, as in a chroot.
 */

#include <stdio.h>
#include <sys/stat.h>

#include "lib/strmap.h"

struct root {
	char *dir;		/* host directory of "/": "" for / itself, else
				   as given, without trailing slashes */
	FILE *out;		/* where the spec lines go */
	struct strmap printed;	/* paths printed so far */
};

enum step_kind {
	STEP_DIR,		/* a directory entered */
	STEP_SLINK,		/* a symlink followed */
};

struct step {
	enum step_kind kind;
	char *path;		/* inside the root, "/..." */
	char *target;		/* STEP_SLINK: the link's own text */
	unsigned int mode;	/* STEP_DIR: permission bits */
};

/* Where a path led, and what was passed on the way. */
struct resolved {
	char *path;		/* canonical: no symlink, ".", ".." or "//" */
	struct stat st;		/* lstat() of the object itself */
	struct step *steps;
	size_t nsteps;
	size_t cap;
};

#define RESOLVED_INIT { .path = NULL }

/* -1 when @dir is not a directory (errno says why); 0 otherwise. */
int root_init(struct root *r, const char *dir, FILE *out);
void root_release(struct root *r);

/*
 * Look @path (absolute; a relative one is taken from /) up inside the
 * root.  Returns 0, or a negative errno: -ENOENT, -ENOTDIR, -ELOOP (more
 * than 40 symlinks), -EACCES, -ENOMEM...  @res is reset first and must be
 * released after, whatever the result.
 */
int root_resolve(const struct root *r, const char *path,
		 struct resolved *res);
void resolved_release(struct resolved *res);

/*
 * Print what @res passed and the object itself (a regular file or a
 * directory; anything else is -EINVAL and prints nothing), leaving out
 * every path printed before.  Returns 0 or a negative errno.
 */
int root_print(struct root *r, const struct resolved *res);

/*
 * Read the whole regular file at @path inside the root into *@buf (NUL
 * added, not counted in *@len).  Returns 0 or a negative errno (-EISDIR,
 * -EINVAL for what is not a regular file).
 */
int root_read_file(const struct root *r, const char *path, char **buf,
		   size_t *len);

/* The host path of @path (inside the root), in a new string or NULL. */
char *root_location(const struct root *r, const char *path);

/*
 * Path strings, without looking at any file; each returns a new string,
 * or NULL without memory.  A relative path is taken from / (the working
 * directory of a process at boot).
 */

/* The directory part of @path: "/" for "/x" and for a bare name. */
char *path_dirname(const char *path);

/* @dir made absolute, without trailing slashes ("" is "/"). */
char *path_absolute(const char *dir);

/* "@dir/@name", without doubling the slash of "/". */
char *path_join(const char *dir, const char *name);

#endif
