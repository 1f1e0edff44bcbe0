/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_COMPRESS_H
#define OUT_COMPRESS_H

/*
 * out_compress: the stage that runs a member's compressor
 * (image/compress.h): what it is given goes into the compressor's
 * standard input while its output is read back and passed to the next
 * stage, both from one poll loop, so that neither blocks the other and
 * no uncompressed copy is ever stored.  A copy() is read by the stage
 * above and written in like the rest.
 *
 * Invariant: the stage below gets exactly the compressor's output (made
 * deterministic, see compressor_output()), and the compressor's
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

/*
 * Start @c's compressor in front of @next, as *@out (freed by its
 * release()); -ECHILD with @st set, or -ENOMEM.
 */
int out_compress_start(struct out **out, const struct compression *c,
		       struct out *next, struct out_compress_status *st);

/* The message for -ECHILD: how it failed and what it said. */
const char *out_compress_error(const struct out_compress_status *st);

#endif
