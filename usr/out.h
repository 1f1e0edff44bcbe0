/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUT_H
#define OUT_H

/*
 * out: one stage of the output chain.
 *
 * The archive writer's bytes pass down a chain of stages, each with one
 * concern, assembled by the sink (sink.c):
 *
 *	writer -> buffer -> [compressor] -> [clone] -> file
 *
 * (out_buffer.c, out_compress.c, out_clone.c, out_file.c); a dry run
 * writes into the null stage alone (out.c).  A stage takes bytes, runs
 * of zeros and ranges of a file, and hands on what it makes of them to
 * the stage below (next), which it knows only through this interface,
 * as a format writer knows nothing of the compression under it.
 *
 * Every call says how the stream continues: write() with @n bytes (used
 * before it returns), zeros() with @n zero bytes, copy() with @front (the
 * bytes a stage above held back: front->len bytes, then front->zeros
 * zeros; NULL for none), then up to @len bytes of @fd from *@off (advanced)
 * or, @off NULL, from its file position.  copy() returns how many bytes
 * of @fd it took, fewer than @len where the file ended or where the stage
 * takes no more (a compressor what its pipe takes at once, a clone leaves
 * the partial last block): the caller goes on with read().  The front is
 * always taken whole.  finish() ends a stage's own work (a compressor's
 * process, a file's commit), not the stages below; release() gives up and
 * frees.
 * Calls return 0 (or a count) or a negative errno value.
 *
 * pos counts the bytes of the stream a stage has taken in, kept by the
 * out_*() calls below, so a stage need not count them itself.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest run of zeros written in one call: see out_zero_page. */
#define OUT_ZERO_PAGE	(64 * 1024)

struct out;

struct out_front {
	const void *p;
	size_t len;
	uint64_t zeros;
};

struct out_ops {
	int (*write)(struct out *o, const void *p, size_t n);
	int (*zeros)(struct out *o, uint64_t n);
	int64_t (*copy)(struct out *o, const struct out_front *front, int fd,
			off_t *off, uint64_t len);
	int (*finish)(struct out *o);
	void (*release)(struct out *o);
};

struct out {
	const struct out_ops *ops;
	struct out *next;
	uint64_t pos;		/* bytes taken in */
};

/* OUT_ZERO_PAGE zero bytes, for stages that write runs of zeros. */
extern const unsigned char out_zero_page[OUT_ZERO_PAGE];

static inline uint64_t out_front_size(const struct out_front *f)
{
	return f ? f->len + f->zeros : 0;
}

static inline int out_write(struct out *o, const void *p, size_t n)
{
	int rc = o->ops->write(o, p, n);

	if (!rc)
		o->pos += n;
	return rc;
}

static inline int out_zeros(struct out *o, uint64_t n)
{
	int rc = n ? o->ops->zeros(o, n) : 0;

	if (!rc)
		o->pos += n;
	return rc;
}

static inline int64_t out_copy(struct out *o, const struct out_front *front,
			       int fd, off_t *off, uint64_t len)
{
	int64_t done = o->ops->copy(o, front, fd, off, len);

	if (done >= 0)
		o->pos += out_front_size(front) + (uint64_t)done;
	return done;
}

static inline int out_finish(struct out *o)
{
	return o->ops->finish ? o->ops->finish(o) : 0;
}

static inline void out_release(struct out *o)
{
	if (o && o->ops)
		o->ops->release(o);
}

/* Write @n zeros into @o through its write(), a page at a time. */
int out_zeros_by_write(struct out *o, uint64_t n);

/* Write @f into @o through its own write() and zeros(). */
int out_put_front(struct out *o, const struct out_front *f);

/* The null stage: it counts what it is given and writes nothing. */
void out_null_init(struct out *o);

#endif
