// SPDX-License-Identifier: GPL-2.0
/*
 * sink.c: the output chain, assembled per member (see sink.h).
 */
#include <errno.h>
#include <string.h>

#include "image/compress.h"
#include "image/cpio.h"
#include "sink.h"

/* buffer -> [clone] -> file */
static int assemble(struct sink *s)
{
	s->base = &s->file.out;
	if (out_clone_init(&s->clone, &s->file))
		s->base = &s->clone.out;
	s->head = &s->buf.out;
	return out_buffer_init(&s->buf, s->base);
}

int sink_open_fd(struct sink *s, int fd, bool do_fsync)
{
	memset(s, 0, sizeof(*s));
	out_file_open_fd(&s->file, fd, do_fsync);
	return assemble(s);
}

int sink_open_path(struct sink *s, const char *path, bool do_fsync)
{
	int rc;

	memset(s, 0, sizeof(*s));
	rc = out_file_open_path(&s->file, path, do_fsync);
	return rc ? rc : assemble(s);
}

void sink_open_null(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->dry = true;
	out_null_init(&s->null);
	s->head = &s->null;
}

int sink_write(struct sink *s, const void *p, size_t n)
{
	s->offset += n;
	return out_write(s->head, p, n);
}

int sink_zeros(struct sink *s, size_t n)
{
	s->offset += n;
	return out_zeros(s->head, n);
}

int sink_reserve(struct sink *s, size_t n, unsigned char **p)
{
	if (s->dry)
		return -EINVAL;
	return out_buffer_reserve(&s->buf, n, p);
}

void sink_advance(struct sink *s, size_t n)
{
	out_buffer_advance(&s->buf, n);
	s->offset += n;
}

int64_t sink_copy_fd(struct sink *s, int fd, off_t *off, uint64_t len)
{
	int64_t done = out_copy(s->head, NULL, fd, off, len);

	if (done > 0)
		s->offset += (uint64_t)done;
	return done;
}

int sink_entry_start(struct sink *s)
{
	return s->z ? out_compress_boundary(s->z, s->offset) : 0;
}

uint64_t sink_position(const struct sink *s)
{
	return s->z ? s->base->pos : s->offset;
}

/* Where the next member starts: the kernel looks at multiples of 4. */
static int pad_image(struct sink *s)
{
	uint64_t pad = cpio_pad(s->image, 4);

	s->image += pad;
	s->offset = s->image;
	return s->dry ? 0 : out_zeros(s->head, pad);
}

/* Put the member's compressor under the buffer. */
static int insert_compressor(struct sink *s, const struct compression *c)
{
	int rc = out_buffer_flush(&s->buf);

	if (!rc)
		rc = out_compress_start(&s->z, c, s->jobs, s->base,
					&s->zstatus);
	if (rc)
		return rc;
	s->buf.out.next = s->z;
	return 0;
}

int sink_begin_member(struct sink *s, const struct compression *c)
{
	bool compressed = c && c->method;
	int rc = pad_image(s);

	if (rc)
		return rc;
	if (compressed)
		s->offset = 0;
	if (s->dry) {
		s->dry_compressed = compressed;
		return 0;
	}
	return compressed ? insert_compressor(s, c) : 0;
}

/* Flush into the compressor, let it end, and take it out again. */
static int remove_compressor(struct sink *s)
{
	int rc = out_buffer_flush(&s->buf);

	if (!rc)
		rc = out_finish(s->z);
	out_release(s->z);
	s->z = NULL;
	s->buf.out.next = s->base;
	if (!rc)
		s->image = s->base->pos;
	return rc;
}

int sink_end_member(struct sink *s)
{
	if (s->z)
		return remove_compressor(s);
	if (!s->dry_compressed)
		s->image = s->offset;
	s->dry_compressed = false;
	return 0;
}

const char *sink_error(const struct sink *s, int rc)
{
	if (rc == -ECHILD && s->zstatus.fail)
		return out_compress_error(&s->zstatus);
	return strerror(-rc);
}

int sink_commit(struct sink *s)
{
	int rc;

	if (s->dry)
		return 0;
	rc = out_buffer_flush(&s->buf);
	if (!rc)
		rc = out_finish(&s->file.out);
	out_release(&s->buf.out);
	return rc;
}

void sink_abort(struct sink *s)
{
	if (s->dry)
		return;
	out_release(s->z);
	s->z = NULL;
	out_release(&s->buf.out);
	out_release(&s->file.out);
}
