/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LDCONF_H
#define LDCONF_H

/*
 * ldconf: the library directories a system lists in /etc/ld.so.conf.
 *
 * ldconfig(8) reads /etc/ld.so.conf, one directory per line, '#'
 * comments, and "include <glob>..." lines naming more such files
 * (relative patterns beside the including file; Debian has
 * "include /etc/ld.so.conf.d/\*.conf"), and caches what it finds there
 * for ld.so.  The same list, in the same order, read inside a root; the
 * cache itself is not read, as it may be stale or missing in a root that
 * is being assembled.  libc5's "dir=type" suffixes are dropped, "hwcap"
 * lines ignored.  A root without /etc/ld.so.conf lists nothing.
 */

#include <stddef.h>

#include "lib/diag.h"
#include "rootpath.h"

struct ldconf {
	char **dirs;		/* absolute, without trailing slashes */
	size_t len;
	size_t cap;
};

/*
 * Read the list of @r into @c (emptied first).  A file that cannot be
 * read is reported through @d and skipped; a file included again (files
 * may include each other) is not read again.  Returns 0, or -1 without
 * memory.
 */
int ldconf_read(struct ldconf *c, const struct root *r, struct diag *d);
void ldconf_release(struct ldconf *c);

#endif
