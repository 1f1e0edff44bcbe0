/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LISTING_H
#define LISTING_H

/*
 * listing: an image printed back as text.
 *
 * --list prints every entry as the spec line that makes it, in archive
 * order, so that the listing is itself a source: extracted files are
 * named by their path relative to the extraction directory, names and
 * targets are escaped as spec fields, hard links become one `file` line
 * with its extra names, and each member after the first starts with a
 * `segment <method>` line.  Comments mark the members (index, offset,
 * compression) and say, at the end, with which options the listing
 * compiles back to the same bytes (-c, -t or SOURCE_DATE_EPOCH, -a, -z).
 *
 * --examine prints one line per member: offset and length in the image,
 * compression, format, number of entries, uncompressed size.
 */

#include <stdio.h>

#include "lib/diag.h"
#include "image/imgread.h"
#include "select.h"

struct lister;

/*
 * An archive name as a spec list names it: "/" in front (unless there is
 * one), escaped as a field.  A new string; NULL without memory.
 */
char *listing_name(const char *name);

/* A lister printing to @out; NULL without memory. */
struct lister *lister_new(FILE *out);
int lister_member_begin(struct lister *l, const struct img_member *m);
int lister_entry(struct lister *l, const struct img_member *m,
		 const struct img_entry *e);
int lister_member_end(struct lister *l, const struct img_member *m);
/* The closing comments: how to compile the listing back. */
void lister_finish(struct lister *l);
void lister_free(struct lister *l);

/* --list and --examine: 0, or -1 (reported through @d). */
int list_image(const char *path, FILE *out, struct diag *d);
int examine_image(const char *path, FILE *out, struct diag *d);
/* The same for the members and entries @o selects; --list -v, --json. */
int list_image_opts(const char *path, struct read_opts *o, FILE *out,
		    struct diag *d);
int examine_image_opts(const char *path, struct read_opts *o, FILE *out,
		       struct diag *d);

#endif
