/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SELECT_H
#define SELECT_H

/*
 * select: which members and entries of an image a reader looks at, and
 * the options the reader modes share.
 *
 * --member takes a range of member numbers as 3cpio's --parts does: "2",
 * "2-" (the second and all after it), "1,3", "2-4".  Patterns after the
 * image are shell globs (fnmatch(3), no flags: '*' matches '/' too, as
 * cpio -i takes them) matched against the archive name with its leading
 * "/" or "./" taken off; an entry is selected when one pattern matches.
 * Each mode reports, once it has read the image, when nothing matched.
 */

#include <stdbool.h>

#include "lib/diag.h"

struct read_opts {
	const char *members;	/* --member, NULL: every member */
	char *const *patterns;	/* after the image (--cat: the paths) */
	unsigned int npatterns;
	bool long_list;		/* --list -v: as cpio -tv */
	bool json;		/* --json */
	bool force;		/* --extract into a non-empty directory */
	bool split;		/* --extract: early/, early2/, ..., main/ */
	/* What the reading found, for the "nothing matched" errors. */
	unsigned long members_seen, entries_matched;
};

/* The range and the patterns well formed: 0, or -1 (reported). */
int sel_check(const struct read_opts *o, struct diag *d);

/* Member @index (1, 2, ...) is selected; counts it. */
bool sel_member(struct read_opts *o, unsigned int index);

/* The entry named @name is selected by the patterns; counts it. */
bool sel_name(struct read_opts *o, const char *name);

/* @name without its leading "/" and "./" (a pointer into it). */
const char *sel_bare_name(const char *name);

/*
 * After the reading: an error naming @image when --member or the
 * patterns selected nothing.  0, or -1 (reported).
 */
int sel_report(const struct read_opts *o, const char *image,
	       struct diag *d);

#endif
