/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAT_H
#define CAT_H

/*
 * cat: --cat <image> <path>..., the bytes of files of the image on
 * standard output, in the order of the paths.  A path names an entry as
 * the archive does, with or without its leading "/" or "./" (no
 * patterns).  When several members define it, the copy the kernel keeps
 * is the last one, so that is what is printed; a path that the image
 * does not define as a regular file, or whose last definition is of
 * another type, is an error, and then nothing is printed.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

int cat_image(const char *path, struct read_opts *o, FILE *out,
	      struct diag *d);

#endif
