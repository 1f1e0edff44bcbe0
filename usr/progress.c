// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c: -v and the progress line (see progress.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/escape.h"
#include "progress.h"

/* Show the line only for work that lasts, and redraw it only so often. */
#define SHOW_AFTER_NS	1000000000LL
#define REDRAW_NS	200000000LL

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

void progress_init(struct progress *p, bool verbose)
{
	p->verbose = verbose;
	p->tty = !verbose && isatty(STDERR_FILENO);
	p->shown = false;
	p->entries = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
	p->last = p->start;
}

static void draw(struct progress *p, uint64_t bytes, const struct timespec *now)
{
	double secs = (double)ns_between(&p->start, now) / 1e9;
	double mib = (double)bytes / (1024 * 1024);

	fprintf(stderr, "\r%llu entries, %.1f MiB, %.1f MiB/s\033[K",
		p->entries, mib, secs > 0 ? mib / secs : 0.0);
	p->shown = true;
	p->last = *now;
}

void progress_entry(struct progress *p, const char *name, uint64_t bytes)
{
	struct timespec now;

	p->entries++;
	if (p->verbose) {
		char *shown = escape_field(name);

		fprintf(stderr, "%s\n", shown ? shown : name);
		free(shown);
		return;
	}
	if (!p->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ns_between(&p->start, &now) > SHOW_AFTER_NS &&
	    ns_between(&p->last, &now) > REDRAW_NS)
		draw(p, bytes, &now);
}

void progress_done(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
