/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VERIFY_H
#define VERIFY_H

/*
 * verify: will the kernel unpack this image as its author meant?
 *
 * The checks follow what init/initramfs.c and the x86 early microcode
 * loader do with each entry.  Errors are what stops the kernel's unpacker
 * (a bad header, a checksum that does not match, a member it cannot
 * find); warnings are what it does without a word: it skips entries
 * (a parent that does not exist, data on a directory, a symlink target
 * beyond 4096 bytes, an unknown file type), replaces earlier entries, or
 * misses early microcode.  Each names the member and the byte offset.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

/* Check @path, report through @d, summarise on @out; 0, or -1. */
int verify_image(const char *path, FILE *out, struct diag *d);
/*
 * The same for the members @o->members selects (--member): the others
 * are read for what they define, as the kernel would, but nothing in
 * them is reported or counted.
 */
int verify_image_opts(const char *path, struct read_opts *o, FILE *out,
		      struct diag *d);

#endif
