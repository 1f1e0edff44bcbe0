/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PROGRESS_H
#define PROGRESS_H

/*
 * progress: feedback on long work, on standard error.
 *
 * With -v each entry is named as it is written, as `cpio -v` does (in the
 * spec's escape syntax, so that every name stays on one line).  Without
 * -v, when standard error is a terminal and the image takes more than a
 * second, one line shows the entries and bytes written and the rate; it
 * is redrawn a few times a second and erased at the end.  When standard
 * error is not a terminal, nothing of the kind is printed.
 */

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct progress {
	bool verbose;
	bool tty;		/* the one-line display may be shown */
	bool shown;		/* it is on the screen now */
	struct timespec start;
	struct timespec last;
	unsigned long long entries;
};

void progress_init(struct progress *p, bool verbose);

/* Entry @name has been written; @bytes have gone out so far. */
void progress_entry(struct progress *p, const char *name, uint64_t bytes);

/* Erase the display, if shown. */
void progress_done(struct progress *p);

#endif
