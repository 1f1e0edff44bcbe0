/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LONGLIST_H
#define LONGLIST_H

/*
 * longlist: --list -v, one line per entry as `cpio -tv` and `lsinitramfs
 * -l` print it: mode string, links, owner, group (names where this system
 * has them), size (devices: major, minor), date (month, day and time
 * within the last six months, else the year; local time), name, and for
 * a symlink " -> target".  Each member starts with a comment line,
 * "# member N: <compression> at offset <n>", which no entry line can be
 * taken for.  With --json, one JSON object per line instead (the fields
 * are in the manual page).
 */

#include <stdio.h>

#include "lib/diag.h"
#include "select.h"

int long_list_image(const char *path, struct read_opts *o, FILE *out,
		    struct diag *d);

#endif
