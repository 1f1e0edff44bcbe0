/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_BUFFER_H
#define OUT_BUFFER_H

/*
 * out_buffer: the stage that gathers small writes (headers, names,
 * padding) into one fixed buffer, so that what goes below comes in few,
 * large pieces, and memory never grows with the archive.
 *
 * Invariant: the bytes taken in and not yet passed on are buf[0, len)
 * followed by `zeros` zero bytes.  A run of zeros from OUT_ZERO_RUN bytes
 * on is only counted, not stored, so that the stage below sees padding as
 * zeros (which in front of a clone may become a hole): a copy() passes
 * both on as its front.  Anything else written after counted zeros makes
 * them bytes first.  A copy's bytes that the stage below does not take
 * (see out.h) are read into the buffer, so a file's partial last block
 * goes out with the next header.
 */

#include "out.h"

#define OUT_BUFFER_SIZE	(128 * 1024)
#define OUT_ZERO_RUN	512	/* no block of a file system is smaller */

struct out_buffer {
	struct out out;
	char *buf;		/* OUT_BUFFER_SIZE bytes */
	size_t len;
	uint64_t zeros;
};

/* A buffer in front of @next; -ENOMEM. */
int out_buffer_init(struct out_buffer *b, struct out *next);

/* Pass on everything held. */
int out_buffer_flush(struct out_buffer *b);

/*
 * Room for @n bytes (at most OUT_BUFFER_SIZE) at the end of the buffer,
 * for a caller that reads a file straight into the output: *@p points
 * there, and out_buffer_advance() says how many were filled.
 */
int out_buffer_reserve(struct out_buffer *b, size_t n, unsigned char **p);
void out_buffer_advance(struct out_buffer *b, size_t n);

#endif
