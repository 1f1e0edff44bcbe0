/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_FILE_H
#define OUT_FILE_H

/*
 * out_file: the stage at the bottom of the chain, which writes the
 * output itself: standard output (or another open descriptor) or a named
 * file, replaced atomically.
 *
 * Invariant: a named output is never written in place.  The bytes go to
 * a temporary file beside it, which finish() flushes to disk and renames
 * over the target, and release() (or a fatal signal, out_signal.c)
 * removes: so a failed run leaves no new file and an existing image
 * untouched, and a crash leaves either the old image or the complete new
 * one (images live in /boot).  The temporary file has no name (O_TMPFILE)
 * where the file system allows and /proc can link it at commit, so that
 * even a SIGKILL or a crash during the build leaves nothing: only in the
 * two system calls that put it in place does it have a (hidden) name.
 * Elsewhere it is a hidden named file from the start.  An output that is
 * not a regular file (a device, a FIFO) is written directly.
 *
 * copy() moves file data in the kernel: copy_file_range() where it can
 * (it may share extents instead of copying), else sendfile(); where
 * neither can it takes nothing, and the stage above reads and writes.
 * pos is the descriptor's file position: the clone stage (out_clone.c),
 * which writes at positions of its own, sets it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "out.h"

enum out_copy {
	OUT_COPY_RANGE,		/* copy_file_range(): reflinks, in-kernel copy */
	OUT_COPY_SENDFILE,	/* sendfile(): in-kernel copy into pipes too */
	OUT_COPY_NONE,		/* read()/write(), by the stage above */
};

struct out_file {
	struct out out;
	int fd;
	const char *name;	/* for messages: the path, or "standard output" */
	char *path;		/* the target to rename over, if any */
	char *tmp_path;		/* the named temporary file being written */
	bool unnamed;		/* fd is a file without a name (O_TMPFILE) */
	bool own_fd;		/* opened here, so closed here */
	bool do_fsync;
	enum out_copy copy;
};

/* Write to an already open descriptor (standard output). */
void out_file_open_fd(struct out_file *f, int fd, bool do_fsync);

/* Write to @path through a temporary file renamed at finish(). */
int out_file_open_path(struct out_file *f, const char *path, bool do_fsync);

/* Whether the output is a temporary file of ours: new, so zeros may be holes. */
static inline bool out_file_is_new(const struct out_file *f)
{
	return f->unnamed || f->tmp_path;
}

/* All of @n bytes to @fd, at @at or, where @at < 0, at its position. */
int out_write_all(int fd, const void *p, size_t n, off_t at);

#endif
