/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_COMPRESS_H
#define OUT_COMPRESS_H

/*
 * out_compress: the stage that runs a member's compressors
 * (image/compress.h).  The stream is cut at entry boundaries the writer
 * names (out_compress_boundary()) into pieces of about the method's piece
 * size, each compressed by a process of its own, several at once; the
 * outputs follow each other in order, as a sequence of compressed
 * members.  The kernel unpacks such a sequence as the one archive: after
 * each member its reader is back at the start of a header (buffer-format
 * in the kernel's documentation; init/initramfs.c), and `gzip -dc` and
 * the like give the uncompressed stream unchanged.  Where the cuts fall
 * depends on the archive only, never on the number of jobs or on timing:
 * the bytes are the same on any machine.  A copy() is read by the stage
 * above and written in like the rest.
 *
 * Invariant: the stage below gets exactly the compressors' outputs (made
 * deterministic, see compressor_output()) in the order of the pieces,
 * and a compressor's
 * complaints are kept only when it failed on its own.  A compressor that
 * cannot be started, fails, dies, stops reading or writes nothing is
 * -ECHILD, with how it failed in the status its owner gave, for
 * out_compress_error(); one that we stop (release(): a build error, our
 * output failing; or a fatal signal, see out_signal.h) is not heard
 * from: it could only say that we went away ("Broken pipe").
 */

#include <stdint.h>

#include "image/compress.h"
#include "out.h"

/* How the last compressor failed, for messages. */
struct out_compress_status {
	enum {
		Z_OK, Z_START, Z_EXIT, Z_SIGNAL, Z_STOPPED, Z_EMPTY
	} fail;
	int code;		/* errno, exit status or signal */
	const char *prog;
	char messages[256];	/* what it wrote to its standard error */
};

/* Pieces compressed at once at most: memory is two pieces' worth each. */
#define OUT_COMPRESS_MAX_JOBS	16

/* The jobs to run for @asked (0: one per CPU we may run on), capped. */
unsigned int out_compress_jobs(unsigned int asked);

/*
 * Start @c's first compressor in front of @next, as *@out (freed by its
 * release()), to run up to @jobs (see out_compress_jobs()) at once;
 * -ECHILD with @st set, or -ENOMEM.
 */
int out_compress_start(struct out **out, const struct compression *c,
		       unsigned int jobs, struct out *next,
		       struct out_compress_status *st);

/*
 * An entry starts at @pos of the stream (bytes given to @o so far, or
 * more, as a stage above may hold some back): a place the stream may be
 * cut.  0 or -ENOMEM.
 */
int out_compress_boundary(struct out *o, uint64_t pos);

/* The message for -ECHILD: how it failed and what it said. */
const char *out_compress_error(const struct out_compress_status *st);

#endif
