/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IMGDIFF_H
#define IMGDIFF_H

/*
 * imgdiff: what differs between two images, for reproducible builds.
 *
 * Member by member (the first of one with the first of the other, ...):
 * the member's compression and format, then its entries by name: added,
 * removed, and changed in type, mode, owner, size, content (SHA-256),
 * symlink target, device numbers, mtime or hard links.  When the entries
 * agree but the bytes do not, it says so too (inode numbers, padding,
 * order, compression), so "no difference" means byte-identical images.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

/* 0: the same; 1: different (printed on @out); -1: trouble (reported). */
int diff_images(const char *a, const char *b, FILE *out, struct diag *d);
/* Only the members @o->members selects (--member), in both images. */
int diff_images_opts(const char *a, const char *b, struct read_opts *o,
		     FILE *out, struct diag *d);

#endif
