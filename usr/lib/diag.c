// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c: print located errors and warnings and count them (see diag.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "escape.h"

static void diag_print(struct diag *d, const struct srcloc *loc,
		       const char *level, const char *fmt, va_list ap)
{
	if (loc && loc->file && loc->line)
		fprintf(stderr, "%s:%u: %s: ", loc->file, loc->line, level);
	else if (loc && loc->file && loc->at_offset)
		fprintf(stderr, "%s: offset %llu: %s: ", loc->file, loc->offset,
			level);
	else if (loc && loc->file)
		fprintf(stderr, "%s: %s: ", loc->file, level);
	else
		fprintf(stderr, "%s: %s: ", d->prog, level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void diag_error(struct diag *d, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_print(d, loc, "error", fmt, ap);
	va_end(ap);
	d->errors++;
}

void diag_warn(struct diag *d, const struct srcloc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_print(d, loc, d->werror ? "error" : "warning", fmt, ap);
	va_end(ap);
	if (d->werror)
		d->errors++;
	else
		d->warnings++;
}

void diag_oom(struct diag *d, const struct srcloc *loc)
{
	diag_error(d, loc, "out of memory");
}

void diag_path_verror(struct diag *d, const char *path, const char *fmt,
		      va_list ap)
{
	char *shown = escape_field(path);
	struct srcloc loc = { .file = shown ? shown : path };

	diag_print(d, &loc, "error", fmt, ap);
	d->errors++;
	free(shown);
}

void diag_path_error(struct diag *d, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_path_verror(d, path, fmt, ap);
	va_end(ap);
}
