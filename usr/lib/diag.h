/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DIAG_H
#define DIAG_H

/*
 * diag: the one place that reports problems.
 *
 * Every stage that finds a problem hands it here together with where it
 * came from (a spec list and a line), and this module prints it in the
 * form compilers use, so that editors and make can jump to it:
 *
 *	<list>:<line>: error: <what>
 *	<list>:<line>: warning: <what>
 *	<archive>: offset <n>: error: <what>
 *	<path>: error: <what>			(a directory source's entry)
 *	gen_init_cpio: error: <what>		(no location: options, output)
 *
 * Stages never exit; they report and return a failure, and the command
 * line decides what to do from the counts kept here.  With --werror a
 * warning is counted (and printed) as an error.
 */

#include <stdarg.h>
#include <stdbool.h>

struct srcloc {
	const char *file;	/* the source (or path) as named by the user */
	unsigned int line;	/* 1-based; 0 when not a line of a list */
	bool at_offset;		/* in an archive: at byte @offset */
	unsigned long long offset;
};

struct diag {
	const char *prog;	/* program name for unlocated messages */
	bool werror;		/* treat warnings as errors */
	unsigned int errors;
	unsigned int warnings;
};

#define DIAG_INIT(name) { .prog = (name) }

__attribute__((format(printf, 3, 4)))
void diag_error(struct diag *d, const struct srcloc *loc, const char *fmt, ...);

__attribute__((format(printf, 3, 4)))
void diag_warn(struct diag *d, const struct srcloc *loc, const char *fmt, ...);

/* The one message for memory that ran out, at @loc (may be NULL). */
void diag_oom(struct diag *d, const struct srcloc *loc);

/*
 * An error located by a path (a directory source's file), the path
 * escaped as a spec list writes it: a newline in a name stays on the
 * message's line.
 */
__attribute__((format(printf, 3, 4)))
void diag_path_error(struct diag *d, const char *path, const char *fmt, ...);

__attribute__((format(printf, 3, 0)))
void diag_path_verror(struct diag *d, const char *path, const char *fmt,
		      va_list ap);

/* True once anything counted as an error has been reported. */
static inline bool diag_failed(const struct diag *d)
{
	return d->errors > 0;
}

#endif
