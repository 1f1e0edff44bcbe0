/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BUF_H
#define BUF_H

/*
 * buf: a growable byte string, in the spirit of git's strbuf.
 *
 * Invariants: @s is NULL while nothing was ever added (BUF_INIT), else it
 * holds @len bytes followed by a NUL, in @cap bytes of room; so a buf is
 * always a valid C string once non-empty, and may hold NULs of its own.
 * A function that fails (out of memory, or a read error) leaves the buf
 * as it was; its owner frees it with buf_release() or takes the string
 * with buf_detach().
 *
 *	struct buf b = BUF_INIT;
 *
 *	if (buf_addstr(&b, dir) || buf_add(&b, "/", 1) || buf_addstr(&b, name))
 *		goto oom;
 *	use(b.s);
 *	buf_release(&b);
 */

#include <stddef.h>

struct buf {
	char *s;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

/* Room for @extra more bytes (and the NUL): 0, or -1 without memory. */
int buf_grow(struct buf *b, size_t extra);

/* Append @n bytes at @p (or a string): 0, or -1 without memory. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);

/*
 * Append everything left to read from @fd, asking for @hint bytes at
 * first (its size, when known): 0, or a negative errno value.
 */
int buf_read_fd(struct buf *b, int fd, size_t hint);

/* The string (never NULL: "" when empty; NULL without memory), emptied. */
char *buf_detach(struct buf *b, size_t *len);

void buf_release(struct buf *b);

#endif
