// SPDX-License-Identifier: GPL-2.0
/*
 * buf.c: a growable byte string (see buf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "buf.h"

int buf_grow(struct buf *b, size_t extra)
{
	if (extra > (size_t)-1 - b->len - 1 ||
	    ARRAY_GROW(b->s, b->cap, b->len + extra + 1, 64))
		return -1;
	b->s[b->len] = '\0';	/* a buf never grown before holds "" now */
	return 0;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n))
		return -1;
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_read_fd(struct buf *b, int fd, size_t hint)
{
	size_t start = b->len;

	if (buf_grow(b, hint ? hint : 4096))
		return -ENOMEM;
	for (;;) {
		ssize_t n = read(fd, b->s + b->len, b->cap - b->len - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			b->len = start;
			b->s[b->len] = '\0';
			return -err;
		}
		if (!n)
			break;
		b->len += (size_t)n;
		if (b->len + 1 == b->cap && buf_grow(b, b->cap)) {
			b->len = start;
			b->s[b->len] = '\0';
			return -ENOMEM;
		}
	}
	b->s[b->len] = '\0';
	return 0;
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s = b->s ? b->s : strdup("");

	if (len)
		*len = b->len;
	*b = (struct buf)BUF_INIT;
	return s;
}

void buf_release(struct buf *b)
{
	free(b->s);
	*b = (struct buf)BUF_INIT;
}
