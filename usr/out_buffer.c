// SPDX-License-Identifier: GPL-2.0
/*
 * out_buffer.c: the buffering stage (see out_buffer.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out_buffer.h"

static struct out_buffer *to_buffer(struct out *o)
{
	return (struct out_buffer *)o;
}

int out_buffer_flush(struct out_buffer *b)
{
	int rc = 0;

	if (b->len)
		rc = out_write(b->out.next, b->buf, b->len);
	if (!rc)
		rc = out_zeros(b->out.next, b->zeros);
	b->len = 0;
	b->zeros = 0;
	return rc;
}

/* Make room for @n more bytes after buf[0, len) (no zeros counted). */
static int make_room(struct out_buffer *b, size_t n)
{
	return b->len + n > OUT_BUFFER_SIZE ? out_buffer_flush(b) : 0;
}

/* Counted zeros become bytes where they fit, else go below. */
static int settle_zeros(struct out_buffer *b)
{
	if (!b->zeros)
		return 0;
	if (b->len + b->zeros > OUT_BUFFER_SIZE)
		return out_buffer_flush(b);
	memset(b->buf + b->len, 0, (size_t)b->zeros);
	b->len += (size_t)b->zeros;
	b->zeros = 0;
	return 0;
}

static int buffer_write(struct out *o, const void *p, size_t n)
{
	struct out_buffer *b = to_buffer(o);
	int rc = settle_zeros(b);

	if (!rc)
		rc = make_room(b, n);
	if (rc)
		return rc;
	if (n > OUT_BUFFER_SIZE)
		return out_write(o->next, p, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

static int buffer_zeros(struct out *o, uint64_t n)
{
	struct out_buffer *b = to_buffer(o);
	int rc;

	if (b->zeros || n >= OUT_ZERO_RUN) {
		b->zeros += n;
		return 0;
	}
	rc = make_room(b, (size_t)n);
	if (rc)
		return rc;
	memset(b->buf + b->len, 0, (size_t)n);
	b->len += (size_t)n;
	return 0;
}

/* Read up to @len bytes into the buffer, passing it on when full. */
static int64_t read_in(struct out_buffer *b, int fd, off_t *off, uint64_t len)
{
	uint64_t got = 0;

	while (got < len) {
		size_t room = OUT_BUFFER_SIZE - b->len;
		size_t want = len - got < room ? (size_t)(len - got) : room;
		ssize_t r;
		int rc;

		if (!want) {
			rc = out_buffer_flush(b);
			if (rc)
				return rc;
			continue;
		}
		r = off ? pread(fd, b->buf + b->len, want, *off) :
		    read(fd, b->buf + b->len, want);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		if (off)
			*off += r;
		b->len += (size_t)r;
		got += (uint64_t)r;
	}
	return (int64_t)got;
}

/* What is held goes in front of the copy, which the stage below may reorder. */
static int64_t buffer_copy(struct out *o, const struct out_front *front,
			   int fd, off_t *off, uint64_t len)
{
	struct out_buffer *b = to_buffer(o);
	struct out_front held = { .p = b->buf, .len = b->len, .zeros = b->zeros };
	int64_t done, more;
	int rc = out_put_front(o, front);

	if (rc)
		return rc;
	done = out_copy(o->next, &held, fd, off, len);
	if (done < 0)
		return done;
	b->len = 0;
	b->zeros = 0;
	more = read_in(b, fd, off, len - (uint64_t)done);
	return more < 0 ? more : done + more;
}

static int buffer_finish(struct out *o)
{
	return out_buffer_flush(to_buffer(o));
}

static void buffer_release(struct out *o)
{
	struct out_buffer *b = to_buffer(o);

	free(b->buf);
	b->buf = NULL;
}

static const struct out_ops buffer_ops = {
	.write = buffer_write,
	.zeros = buffer_zeros,
	.copy = buffer_copy,
	.finish = buffer_finish,
	.release = buffer_release,
};

int out_buffer_init(struct out_buffer *b, struct out *next)
{
	memset(b, 0, sizeof(*b));
	b->out.ops = &buffer_ops;
	b->out.next = next;
	b->buf = malloc(OUT_BUFFER_SIZE);
	return b->buf ? 0 : -ENOMEM;
}

int out_buffer_reserve(struct out_buffer *b, size_t n, unsigned char **p)
{
	int rc;

	if (n > OUT_BUFFER_SIZE)
		return -EINVAL;
	rc = settle_zeros(b);
	if (!rc)
		rc = make_room(b, n);
	*p = (unsigned char *)b->buf + b->len;
	return rc;
}

void out_buffer_advance(struct out_buffer *b, size_t n)
{
	b->len += n;
	b->out.pos += n;
}
