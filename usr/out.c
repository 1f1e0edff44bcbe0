// SPDX-License-Identifier: GPL-2.0
/*
 * out.c: what every output stage shares (see out.h), and the null stage
 * of a dry run, which takes everything and keeps nothing but its count.
 */
#include <stdbool.h>

#include "out.h"

const unsigned char out_zero_page[OUT_ZERO_PAGE];

int out_zeros_by_write(struct out *o, uint64_t n)
{
	while (n) {
		size_t chunk = n < OUT_ZERO_PAGE ? (size_t)n : OUT_ZERO_PAGE;
		int rc = o->ops->write(o, out_zero_page, chunk);

		if (rc)
			return rc;
		n -= chunk;
	}
	return 0;
}

int out_put_front(struct out *o, const struct out_front *f)
{
	int rc = 0;

	if (f && f->len)
		rc = o->ops->write(o, f->p, f->len);
	if (!rc && f && f->zeros)
		rc = o->ops->zeros(o, f->zeros);
	return rc;
}

static int null_write(struct out *o, const void *p, size_t n)
{
	(void)o;
	(void)p;
	(void)n;
	return 0;
}

static int null_zeros(struct out *o, uint64_t n)
{
	(void)o;
	(void)n;
	return 0;
}

/* A dry run reads no file: it takes the whole range as copied. */
static int64_t null_copy(struct out *o, const struct out_front *front, int fd,
			 off_t *off, uint64_t len)
{
	(void)o;
	(void)front;
	(void)fd;
	(void)off;
	return (int64_t)len;
}

static void null_release(struct out *o)
{
	(void)o;
}

static const struct out_ops null_ops = {
	.write = null_write,
	.zeros = null_zeros,
	.copy = null_copy,
	.release = null_release,
};

void out_null_init(struct out *o)
{
	o->ops = &null_ops;
	o->next = NULL;
	o->pos = 0;
}
