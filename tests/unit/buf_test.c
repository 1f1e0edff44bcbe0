// SPDX-License-Identifier: GPL-2.0
/*
 * buf_test.c: the growable byte string (usr/lib/buf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/buf.h"
#include "tap.h"

static void test_add(void)
{
	struct buf b = BUF_INIT;
	char *s;
	size_t len;
	int i, bad = 0;

	ok(!b.s && !b.len, "a new buf holds nothing");
	is_long(buf_addstr(&b, "usr"), 0, "add a string");
	is_long(buf_add(&b, "/\0x", 3), 0, "add bytes with a NUL among them");
	is_long((long)b.len, 6, "... the length counts them all");
	is_mem(b.s, "usr/\0x", 7, "... and a NUL follows them");
	for (i = 0; i < 10000; i++)
		bad |= buf_add(&b, "ab", 2);
	ok(!bad && b.len == 20006 && !b.s[b.len] && b.cap > b.len,
	   "20000 bytes more: length %zu, room %zu, still NUL-terminated",
	   b.len, b.cap);
	s = buf_detach(&b, &len);
	ok(s && len == 20006 && !b.s && !b.len, "detach hands the string over");
	free(s);
	s = buf_detach(&b, &len);
	is_str(s, "", "an empty buf detaches as \"\"");
	free(s);
	is_long(buf_grow(&b, 100), 0, "room in a new buf, nothing added");
	is_str(b.s, "", "... it holds the empty string");
	s = buf_detach(&b, &len);
	ok(s && !*s && !len, "... and detaches as \"\"");
	free(s);
	is_long(buf_grow(&b, (size_t)-1), -1, "growing past SIZE_MAX is refused");
	ok(!b.s && !b.cap, "... and the buf is as it was");
}

static void test_read(void)
{
	struct buf b = BUF_INIT;
	int p[2];

	is_long(buf_addstr(&b, "x"), 0, "a buf with one byte");
	ok(!pipe(p) && write(p[1], "hello, ", 7) == 7 &&
	   write(p[1], "world", 5) == 5 && !close(p[1]), "a pipe with 12 bytes");
	is_long(buf_read_fd(&b, p[0], 1), 0, "read it all, from a hint of 1");
	is_str(b.s, "xhello, world", "... appended after what was there");
	close(p[0]);
	is_long(buf_read_fd(&b, -1, 0), -EBADF, "a bad descriptor: -EBADF");
	is_str(b.s, "xhello, world", "... and the buf is as it was");
	buf_release(&b);
}

int main(void)
{
	test_add();
	test_read();
	return tap_done();
}
