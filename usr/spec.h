/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SPEC_H
#define SPEC_H

/*
 * spec: read a spec list (the kernel's gen_init_cpio language) into entries.
 *
 * One line, one entry:
 *
 *	file <name> <location> <mode> <uid> <gid> [<hard links>...]
 *	dir <name> <mode> <uid> <gid>
 *	nod <name> <mode> <uid> <gid> <b|c> <maj> <min>
 *	slink <name> <target> <mode> <uid> <gid>
 *	pipe <name> <mode> <uid> <gid>
 *	sock <name> <mode> <uid> <gid>
 *
 * plus '#' comments and blank lines.  This stage checks the syntax of each
 * field (octal modes within 07777, 32-bit decimal ids, device numbers that
 * fit the kernel's dev_t, the number of fields) and expands ${VAR} in
 * locations; it reports every bad line with its location and goes on, so
 * one run shows all the mistakes.  Whether names clash, parents exist or
 * locations can be read is for the checks that follow (check.h).
 */

#include <stdio.h>

#include "lib/diag.h"
#include "entry.h"

/* Longest line accepted, newline excluded; longer lines are an error. */
#define SPEC_LINE_MAX 65536

/*
 * An extension the kernel's tool does not read: "segment [<method>]"
 * starts a new member of the image.  The reader hands the entries read so
 * far to @segment (which takes them from the list) with the line's
 * argument (NULL without one); a non-zero return stops the reading.
 */
struct spec_hooks {
	int (*segment)(void *ctx, const char *method, const struct srcloc *loc,
		       struct entry_list *so_far);
	void *ctx;
};

/*
 * Read every line of @f, named @name in messages, appending one entry per
 * spec line to @out.  Problems are reported through @d.  Returns 0, or -1
 * when reading failed or memory ran out (also reported).
 */
int spec_read(FILE *f, const char *name, struct entry_list *out,
	      const struct spec_hooks *hooks, struct diag *d);

#endif
