/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DU_H
#define DU_H

/*
 * du: --du, what takes the space in an image.
 *
 * For each member read, and then for all of them together, the largest
 * directories and the largest files by uncompressed data bytes (a
 * directory counts the files below it; each inode's data once, on the
 * name that carries it), with their share of all the data read.  Lines
 * are sorted by size, then by name, and do not depend on the terminal,
 * so that a pipe or a diff sees the same text:
 *
 *   member 3 (zstd): 53336524 bytes in 270 files, 100.0%
 *     dir      38439724  72.1%  usr/lib/modules
 *     ...
 *     file      4742424   8.9%  usr/lib/x86_64-linux-gnu/libcrypto.so.3
 *   all members: ...
 *
 * Patterns and --member select what is counted; the shares are of what
 * was selected.
 *
 * The total adds the members up: a file defined in two members counts
 * twice, though the kernel keeps only the last.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

/* How many directories and files each part names. */
#define DU_TOP 10

int du_image(const char *path, struct read_opts *o, FILE *out,
	     struct diag *d);

#endif
