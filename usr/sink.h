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
 * in /boot.  The temporary file has no name (O_TMPFILE) where the file
 * system allows and /proc can link it at commit, so that even a SIGKILL
 * or a crash during the build leaves nothing: only in the two system
 * calls that put it in place does it have a (hidden) name.  Elsewhere it
 * is a hidden named file from the start.  Output that is not a regular
 * file (a device, a FIFO) is written directly.
 *
 * Small writes (headers, names, padding) are buffered; file data is moved
 * by sink_copy_fd() with copy_file_range() where the kernel allows it (it
 * may share extents instead of copying), else sendfile(), else read/write
 * through a fixed buffer, so memory never grows with file size.  Where
 * the output is a regular file, a copy that starts on a block boundary
 * of both files hands the kernel whole blocks only and reads the last,
 * partial block into the buffer: a file system that shares extents then
 * clones every block it can, and the next header never lands in a block
 * just cloned (which would read it back from the disk and unshare it).
 * In the temporary file of a named output, zeros that cover whole
 * blocks (the alignment padding in front of such data) are skipped
 * rather than written: holes read back as zeros and take no space.  The
 * data after a hole is cloned before the bytes in front of it are
 * written (pwrite): a write at the file's end would make XFS reserve
 * blocks past it, which the hole would keep.  For the same reason, zeros
 * that no clone follows are written after all.
 *
 * An image can hold several members, each a complete archive, possibly
 * compressed: sink_begin_member() starts one (padding the output to 4
 * bytes, where the kernel looks for the next member) and, for a
 * compressed one, a compressor process that the archive bytes are written
 * into while its output is read back and written out, both at once, so
 * that no uncompressed copy is ever stored; sink_end_member() finishes it.
 * Within a member, offset counts the member's own (uncompressed) bytes
 * for a compressed member, and the image's bytes otherwise: that is what
 * alignment is relative to when the kernel unpacks it.
 *
 * Functions return 0 (or a count) on success and a negative errno value on
 * failure; the caller reports, naming sink_name().  A compressor that
 * cannot be started, fails, dies, stops reading or writes nothing is
 * -ECHILD, and sink_error() tells which, naming the program and adding
 * what it wrote to its standard error.  A compressor that we stop (a
 * build error, our output failing, a fatal signal, which stops it before
 * ending us) is not heard from: it could only say that we went away.
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

struct compressor;

struct sink {
	int fd;
	uint64_t offset;	/* position in the current member's stream */
	uint64_t out_offset;	/* bytes written to fd */
	struct compressor *z;	/* the current member's compressor, if any */
	unsigned char *drain;	/* for reading the compressor's output */
	const char *name;	/* for messages: the path, or "standard output" */
	char *path;		/* the target to rename over, if any */
	char *tmp_path;		/* the named temporary file being written */
	bool unnamed;		/* fd is a file without a name (O_TMPFILE) */
	bool do_fsync;
	bool own_fd;		/* opened here, so closed here */
	bool discard;		/* count bytes, write nothing (a dry run) */
	bool dry_compressed;	/* in a dry run, the member is compressed */
	enum sink_copy copy;
	uint32_t block;		/* the output file system's block size, or 0 */
	bool sparse;		/* whole blocks of zeros may be left as holes */
	size_t len;		/* bytes waiting in buf */
	uint64_t gap;		/* then a hole to leave (sparse) */
	char *buf;
	/* How the last compressor failed, for sink_error(). */
	enum {
		Z_OK, Z_START, Z_EXIT, Z_SIGNAL, Z_STOPPED, Z_EMPTY
	} zfail;
	int zcode;		/* errno, exit status or signal */
	const char *zprog;
	char zmsg[256];		/* what it wrote to its standard error */
	uint64_t zstart;	/* out_offset when the member began */
};

/* Write to an already open descriptor (standard output). */
int sink_open_fd(struct sink *s, int fd, bool do_fsync);

/* Count what would be written and write nothing. */
void sink_open_null(struct sink *s);

/* Write to @path through a temporary file renamed at commit. */
int sink_open_path(struct sink *s, const char *path, bool do_fsync);

int sink_write(struct sink *s, const void *p, size_t n);

/*
 * Room for @n bytes (at most SINK_BUF_SIZE) at the end of the buffer,
 * flushing it first if need be: *@p points there, for a caller that reads
 * a file straight into the output.  The bytes count once sink_advance()
 * says how many were filled.
 */
int sink_reserve(struct sink *s, size_t n, unsigned char **p);
void sink_advance(struct sink *s, size_t n);
int sink_zeros(struct sink *s, size_t n);

/*
 * Copy up to @len bytes from @fd, at *@off (advanced) or, when @off is
 * NULL, at its file position.  Returns the number of bytes copied (less
 * than @len only at end of file) or -errno.
 */
int64_t sink_copy_fd(struct sink *s, int fd, off_t *off, uint64_t len);

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
	return s->name;
}

#endif
