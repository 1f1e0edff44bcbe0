// SPDX-License-Identifier: GPL-2.0
/*
 * out_clone.c: cloned data and holes in front of it (see out_clone.h).
 */
/* copy_file_range(): GNU and Linux. */
#define _GNU_SOURCE

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "image/cpio.h"
#include "out_buffer.h"
#include "out_clone.h"

static struct out_clone *to_clone(struct out *o)
{
	return (struct out_clone *)o;
}

static int clone_write(struct out *o, const void *p, size_t n)
{
	return out_write(o->next, p, n);
}

static int clone_zeros(struct out *o, uint64_t n)
{
	return out_zeros(o->next, n);
}

/*
 * Whether @len bytes of @fd could be cloned to @at: both files at a
 * block boundary, at least a block, and copy_file_range() not found
 * unable to copy into the file.
 */
static bool can_clone(const struct out_clone *c, int fd, const off_t *off,
		      uint64_t len, uint64_t at)
{
	off_t from;

	if (c->file->copy != OUT_COPY_RANGE || len < c->block || at % c->block)
		return false;
	/* Only now ask where the input is: one system call fewer otherwise. */
	from = off ? *off : lseek(fd, 0, SEEK_CUR);
	return from >= 0 && (uint64_t)from % c->block == 0;
}

/* Clone @len bytes of @fd to @at; how many the file system took. */
static uint64_t clone_at(struct out_clone *c, int fd, off_t *off,
			 uint64_t len, uint64_t at)
{
	loff_t to = (loff_t)at;
	uint64_t done = 0;

	while (done < len) {
		uint64_t left = len - done;
		ssize_t r = copy_file_range(fd, off, c->file->fd, &to,
					    left > (1u << 30) ? (1u << 30) : left,
					    0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += (uint64_t)r;
	}
	return done;
}

/*
 * The front, after its data has been cloned: its bytes, and its zeros up
 * to the first block boundary; the whole blocks after that are the hole.
 */
static int write_front(struct out_clone *c, const struct out_front *f,
		       uint64_t pos)
{
	uint64_t zeros = pos + f->len;
	uint64_t hole = zeros + cpio_pad(zeros, c->block);
	int rc = out_write_all(c->file->fd, f->p, f->len, (off_t)pos);

	if (!rc && hole > zeros + f->zeros)
		hole = zeros + f->zeros;
	if (!rc && hole > zeros)
		rc = out_write_all(c->file->fd, out_zero_page,
				   (size_t)(hole - zeros), (off_t)zeros);
	return rc;
}

/* See out_clone.h: clone first, then what is in front, leaving the hole. */
static int64_t clone_first(struct out_clone *c, const struct out_front *f,
			   int fd, off_t *off, uint64_t len)
{
	uint64_t pos = c->out.next->pos, at = pos + out_front_size(f), done;
	int rc;

	done = clone_at(c, fd, off, len, at);
	if (!done)	/* nothing cloned: no hole either */
		return out_copy(c->out.next, f, fd, off, len);
	rc = write_front(c, f, pos);
	if (!rc && lseek(c->file->fd, (off_t)(at + done), SEEK_SET) < 0)
		rc = -errno;
	if (rc)
		return rc;
	c->out.next->pos = at + done;
	return (int64_t)done;
}

static int64_t clone_copy(struct out *o, const struct out_front *front,
			  int fd, off_t *off, uint64_t len)
{
	struct out_clone *c = to_clone(o);
	uint64_t at = o->next->pos + out_front_size(front), whole;

	if (!can_clone(c, fd, off, len, at))
		return out_copy(o->next, front, fd, off, len);
	whole = len - len % c->block;
	if (c->holes && out_front_size(front))
		return clone_first(c, front, fd, off, whole);
	return out_copy(o->next, front, fd, off, whole);
}

static void clone_release(struct out *o)
{
	(void)o;
}

static const struct out_ops clone_ops = {
	.write = clone_write,
	.zeros = clone_zeros,
	.copy = clone_copy,
	.release = clone_release,
};

/*
 * The block size of a regular output file's file system, which a clone
 * must start and end on; 0 for anything else, or a size too large to
 * leave a partial block to the buffer (or for the zeros in front of a
 * hole to be written from out_zero_page).
 */
static uint32_t output_block(int fd)
{
	struct statfs fs;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || fstatfs(fd, &fs))
		return 0;
	if (fs.f_bsize <= 0 || fs.f_bsize > OUT_BUFFER_SIZE / 2 ||
	    fs.f_bsize > OUT_ZERO_PAGE)
		return 0;
	return (uint32_t)fs.f_bsize;
}

bool out_clone_init(struct out_clone *c, struct out_file *file)
{
	memset(c, 0, sizeof(*c));
	c->block = output_block(file->fd);
	if (!c->block)
		return false;
	c->out.ops = &clone_ops;
	c->out.next = &file->out;
	c->file = file;
	c->holes = out_file_is_new(file);
	c->out.pos = file->out.pos;
	return true;
}
