/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTRACT_H
#define EXTRACT_H

/*
 * extract: unpack an image into a directory, safely, as any user.
 *
 * The image may come from anywhere, so nothing is written outside the
 * directory: every name is taken apart and walked one component at a
 * time from the directory, without following symlinks (an entry cannot
 * plant a symlink and then write through it), and names that are
 * absolute, contain "..", or name the directory itself are refused;
 * and nothing is done through a name that extraction did not just create
 * (see extract.c).  Hard links stay links, of the file written for the
 * first name only; modes, owners and mtimes are applied, and device nodes
 * made, where the system allows it: what needs privileges it lacks is
 * counted in one warning.  Directory modes and mtimes are applied last,
 * so that a read-only directory can still be filled.
 *
 * Whatever was or was not created, the entries are printed as the spec
 * list --list prints: the extracted tree plus that list compile, without
 * root, back to the same archive.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

/*
 * 0, or -1 (every refused entry reported through @d; nothing of the
 * image left in the directory).  The directory is made, with its
 * parents, when it is missing, and removed again if the image is bad;
 * one that has entries is refused unless @o->force.
 * @o->split puts the members in early/, early2/, ..., main/ as
 * unmkinitramfs does; --member and patterns select what is extracted.
 */
int extract_image_opts(const char *path, const char *dir,
		       struct read_opts *o, FILE *out, struct diag *d);
/* Every entry, into a directory that may have entries (the fuzzer's). */
int extract_image(const char *path, const char *dir, FILE *out,
		  struct diag *d);

#endif
