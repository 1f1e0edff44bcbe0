/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SINK_H
#define SINK_H

/*
 * sink: where the archive bytes go, as the writer (archive.c) sees it.
 *
 * The sink assembles the output chain of out.h and keeps the positions
 * the writer aligns to:
 *
 *	buffer (out_buffer.c) -> [compressor (out_compress.c)]
 *	       -> [clone and holes (out_clone.c)] -> file (out_file.c)
 *
 * The clone stage is there for a regular output file; a dry run has the
 * null stage alone (out.c).  Standard output or a named file, replaced
 * atomically: see out_file.h.  File data is moved by sink_copy_fd() in
 * the kernel where it can, through the fixed buffer otherwise, so memory
 * never grows with file size.
 *
 * An image can hold several members, each a complete archive, possibly
 * compressed: sink_begin_member() starts one (padding the output to 4
 * bytes, where the kernel looks for the next member) and, for a
 * compressed one, puts a compressor stage under the buffer;
 * sink_end_member() finishes it and takes it out again.  Within a member,
 * offset counts the member's own (uncompressed) bytes for a compressed
 * member, and the image's bytes otherwise: that is what alignment is
 * relative to when the kernel unpacks it.  A dry run cannot know a
 * compressed member's size: it counts nothing for it in the image.
 *
 * Functions return 0 (or a count) on success and a negative errno value on
 * failure; the caller reports, naming sink_name() and sink_error().
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "out_buffer.h"
#include "out_clone.h"
#include "out_compress.h"
#include "out_file.h"

struct sink {
	uint64_t offset;	/* position in the current member's stream */
	uint64_t image;		/* image bytes before the current member */
	struct out *head;	/* where the writer's bytes go in */
	struct out *base;	/* under the compressor: clone or file */
	struct out *z;		/* the current member's compressor, if any */
	bool dry;
	bool dry_compressed;	/* in a dry run, the member is compressed */
	struct out_buffer buf;
	struct out_clone clone;
	struct out_file file;
	struct out null;
	struct out_compress_status zstatus;
	unsigned int jobs;	/* compressors at once; 0: one per CPU */
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
 * Room for @n bytes (at most OUT_BUFFER_SIZE) at the end of the buffer:
 * *@p points there, for a caller that reads a file straight into the
 * output.  The bytes count once sink_advance() says how many were filled.
 */
int sink_reserve(struct sink *s, size_t n, unsigned char **p);
void sink_advance(struct sink *s, size_t n);

/*
 * Copy up to @len bytes from @fd, at *@off (advanced) or, when @off is
 * NULL, at its file position.  Returns the number of bytes copied (less
 * than @len only at end of file) or -errno.
 */
int64_t sink_copy_fd(struct sink *s, int fd, off_t *off, uint64_t len);

/*
 * An entry starts here: where a compressed member may be cut into pieces
 * compressed in parallel (see out_compress.h).  0 or -ENOMEM.
 */
int sink_entry_start(struct sink *s);

/* The image bytes written so far (compressed ones, in a compressed member). */
uint64_t sink_position(const struct sink *s);

struct compression;

/* Start a member (@c NULL or without method: uncompressed). */
int sink_begin_member(struct sink *s, const struct compression *c);

/* End the member: flush, and let its compressor finish. */
int sink_end_member(struct sink *s);

/* A message for a failure @rc of this sink (the compressor's, if so). */
const char *sink_error(const struct sink *s, int rc);

/* Flush, sync (unless disabled) and, for a path, rename into place. */
int sink_commit(struct sink *s);

/* Give up: remove the temporary file.  Safe after a failed commit. */
void sink_abort(struct sink *s);

static inline const char *sink_name(const struct sink *s)
{
	return s->dry ? "nothing" : s->file.name;
}

#endif
