/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SINK_H
#define SINK_H

/*
 * sink: where the archive bytes go.
 *
 * A sink is either standard output (or another descriptor) or a named
 * output file.  A named file is never written in place: the bytes go to a
 * temporary file beside it, which sink_commit() flushes to disk and renames
 * over the target, and sink_abort() (or a fatal signal) removes.  So a
 * failed run leaves no new file and an existing image untouched, and a
 * crash leaves either the old image or the complete new one: images live
 * in /boot.  Output that is not a regular file (a device, a FIFO) is
 * written directly.
 *
 * Small writes (headers, names, padding) are buffered; file data is moved
 * by sink_copy_fd() with copy_file_range() where the kernel allows it (it
 * may share extents instead of copying), else sendfile(), else read/write
 * through a fixed buffer, so memory never grows with file size.
 *
 * Functions return 0 (or a count) on success and a negative errno value on
 * failure; the caller reports, naming sink_name().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SINK_BUF_SIZE	(128 * 1024)

enum sink_copy {
	SINK_COPY_RANGE,	/* copy_file_range(): reflinks, in-kernel copy */
	SINK_COPY_SENDFILE,	/* sendfile(): in-kernel copy into pipes too */
	SINK_COPY_RW,		/* read()/write() through buf */
};

struct sink {
	int fd;
	uint64_t offset;	/* bytes accepted so far */
	const char *name;	/* for messages: the path, or "standard output" */
	char *path;		/* the target to rename over, if any */
	char *tmp_path;		/* the temporary file being written */
	bool do_fsync;
	bool own_fd;		/* opened here, so closed here */
	bool discard;		/* count bytes, write nothing (a dry run) */
	enum sink_copy copy;
	size_t len;		/* bytes waiting in buf */
	char *buf;
};

/* Write to an already open descriptor (standard output). */
int sink_open_fd(struct sink *s, int fd, bool do_fsync);

/* Count what would be written and write nothing. */
void sink_open_null(struct sink *s);

/* Write to @path through a temporary file renamed at commit. */
int sink_open_path(struct sink *s, const char *path, bool do_fsync);

int sink_write(struct sink *s, const void *p, size_t n);
int sink_zeros(struct sink *s, size_t n);

/*
 * Copy up to @len bytes from @fd, at *@off (advanced) or, when @off is
 * NULL, at its file position.  Returns the number of bytes copied (less
 * than @len only at end of file) or -errno.
 */
int64_t sink_copy_fd(struct sink *s, int fd, off_t *off, uint64_t len);

/* Flush, sync (unless disabled) and, for a path, rename into place. */
int sink_commit(struct sink *s);

/* Give up: remove the temporary file.  Safe after a failed commit. */
void sink_abort(struct sink *s);

static inline const char *sink_name(const struct sink *s)
{
	return s->name;
}

#endif
