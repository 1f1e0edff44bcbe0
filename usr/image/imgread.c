// SPDX-License-Identifier: GPL-2.0
/*
 * imgread.c: walk an image, member by member, entry by entry (imgread.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imgread.h"

#define IN_BUF (256 * 1024)
#define IN_READ (64 * 1024)

/*
 * The bytes being parsed: the image file itself (read with pread, so a
 * skip costs nothing), or a decompressor's output (read, skips read too).
 */
struct instream {
	int fd;
	bool is_pipe;
	uint64_t base;		/* file: where the stream starts in it */
	uint64_t pos;		/* stream offset of buf[head] */
	uint64_t size;		/* file: its size; pipe: unknown (UINT64_MAX) */
	bool eof;		/* pipe: no more bytes will come */
	struct img_sparse *tee;	/* pipe: where to keep what was read */
	int tee_errno;		/* why keeping it failed (it stopped) */
	size_t head, tail;
	unsigned char buf[IN_BUF];
};

/* One compressed part, decompressed into the spool at [at, at + len). */
struct spool_part {
	uint64_t from, end;	/* the compressed stream in the image */
	uint64_t at, len;
};

struct img_spool {
	int fd;			/* -1 until the first compressed part */
	const char *dir;	/* where it is */
	bool replay;		/* after the first scan: read parts from fd */
	size_t nparts, next;
	struct spool_part *part;
	struct img_sparse w;
};

struct img_scan {
	const char *path;
	const struct img_visitor *v;
	unsigned int flags;
	struct diag *d;
	struct instream *in;
	struct img_spool *spool;
	struct img_member m;
	bool in_part;		/* parsing a compressed part's bytes */
	bool carry;		/* m goes on in the next compressed part */
	uint64_t data_left;	/* of the current entry */
	char where[4200];
	char name[CPIO_PATH_MAX + 1];
	char target[CPIO_PATH_MAX + 1];
};

static size_t in_avail(const struct instream *in)
{
	return in->tail - in->head;
}

/* A pipe's new bytes at buf[tail], @n of them, into the spool if it has one. */
static void keep(struct instream *in, size_t n)
{
	if (!in->tee || in->tee_errno || !n)
		return;
	if (img_sparse_write(in->tee, in->buf + in->tail, n))
		in->tee_errno = errno ? errno : EIO;
}

/* Make @n (<= IN_BUF) bytes available; fewer only at the end of the input. */
static int in_fill(struct instream *in, size_t n)
{
	if (in_avail(in) >= n)
		return 0;
	memmove(in->buf, in->buf + in->head, in_avail(in));
	in->tail -= in->head;
	in->head = 0;
	while (in->tail < n && !in->eof) {
		/*
		 * Read ahead a little, not a whole buffer: after a file's
		 * data is skipped, the next header is all that is wanted.
		 */
		size_t want = n - in->tail > IN_READ ? n - in->tail : IN_READ;
		ssize_t got;

		if (in->is_pipe)	/* a pipe gives what it has anyway */
			want = IN_BUF - in->tail;
		if (want > IN_BUF - in->tail)
			want = IN_BUF - in->tail;
		if (!in->is_pipe && want > in->size - in->pos - in->tail)
			want = (size_t)(in->size - in->pos - in->tail);
		if (in->is_pipe)
			got = read(in->fd, in->buf + in->tail, want);
		else
			got = want ? pread(in->fd, in->buf + in->tail, want,
					   (off_t)(in->base + in->pos + in->tail)) : 0;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -1;
		if (got == 0)
			in->eof = true;
		keep(in, (size_t)got);
		in->tail += (size_t)got;
	}
	return 0;
}

static void in_consume(struct instream *in, size_t n)
{
	in->head += n;
	in->pos += n;
}

/* Skip @n bytes; returns how many could not be skipped (input too short). */
static uint64_t in_skip(struct instream *in, uint64_t n)
{
	size_t now = in_avail(in) < n ? in_avail(in) : (size_t)n;

	in_consume(in, now);
	n -= now;
	if (!n)
		return 0;
	if (!in->is_pipe) {
		uint64_t room = in->size > in->pos ? in->size - in->pos : 0;
		uint64_t step = n < room ? n : room;

		in->head = in->tail = 0;
		in->pos += step;
		return n - step;
	}
	while (n) {
		if (in_fill(in, 1) || !in_avail(in))
			return n;
		now = in_avail(in) < n ? in_avail(in) : (size_t)n;
		in_consume(in, now);
		n -= now;
	}
	return 0;
}

/* Skip zero bytes; false at the end of the input. */
static bool in_skip_zeros(struct instream *in)
{
	for (;;) {
		unsigned char *p, *end;

		if (in_fill(in, 1) || !in_avail(in))
			return false;
		p = in->buf + in->head;
		end = in->buf + in->tail;
		while (p < end && !*p)
			p++;
		in_consume(in, (size_t)(p - (in->buf + in->head)));
		if (p < end)
			return true;
	}
}

const char *img_where(const struct img_scan *s)
{
	return s->where;
}

struct diag *img_diag(struct img_scan *s)
{
	return s->d;
}

int img_entry_report(struct img_scan *s, const struct img_entry *e,
		     bool is_error, const char *fmt, ...)
{
	struct srcloc loc = { .file = s->where, .at_offset = true,
			      .offset = e->offset };
	char msg[8400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (is_error)
		diag_error(s->d, &loc, "'%s': %s", e->name, msg);
	else
		diag_warn(s->d, &loc, "'%s': %s", e->name, msg);
	return is_error ? -1 : 0;
}

static void set_where(struct img_scan *s)
{
	if (s->m.comp)
		snprintf(s->where, sizeof(s->where),
			 "%s: member %u (%s data from offset %llu)", s->path,
			 s->m.index, s->m.comp->name,
			 (unsigned long long)s->m.comp_offset);
	else
		snprintf(s->where, sizeof(s->where), "%s: member %u", s->path,
			 s->m.index);
}

__attribute__((format(printf, 3, 4)))
static int scan_error(struct img_scan *s, uint64_t off, const char *fmt, ...)
{
	struct srcloc loc = { .file = s->where, .at_offset = true,
			      .offset = off };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error(s->d, &loc, "%s", msg);
	return -1;
}

long img_read_data(struct img_scan *s, void *buf, unsigned long n)
{
	struct instream *in = s->in;
	size_t now;

	if (n > s->data_left)
		n = (unsigned long)s->data_left;
	if (!n)
		return 0;
	if (!in_avail(in) && n >= IN_BUF / 2 && !in->is_pipe) {
		ssize_t got = pread(in->fd, buf, n, (off_t)(in->base + in->pos));

		if (got <= 0)
			goto short_read;
		in->pos += (uint64_t)got;
		s->data_left -= (uint64_t)got;
		return got;
	}
	if (in_fill(in, 1) || !in_avail(in))
		goto short_read;
	now = in_avail(in) < n ? in_avail(in) : n;
	memcpy(buf, in->buf + in->head, now);
	in_consume(in, now);
	s->data_left -= now;
	return (long)now;
short_read:
	return scan_error(s, in->pos, "truncated: %llu bytes of data missing",
			  (unsigned long long)s->data_left);
}

int img_data_sum(struct img_scan *s, uint32_t *sum)
{
	static unsigned char buf[65536];
	long n, i;

	*sum = 0;
	while ((n = img_read_data(s, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			*sum += buf[i];
	return n < 0 ? -1 : 0;
}

/* The header at the current position, checked; -1 after reporting. */
static int read_header(struct img_scan *s, struct img_entry *e)
{
	struct instream *in = s->in;
	const char *bad;
	size_t n;

	e->offset = in->pos;
	if (in_fill(in, CPIO_HDR_LEN))
		return scan_error(s, in->pos, "cannot read: %s", strerror(errno));
	if (in_avail(in) < CPIO_HDR_LEN)
		return scan_error(s, in->pos, "truncated: a header needs %d bytes, %zu left",
				  CPIO_HDR_LEN, in_avail(in));
	if (!memcmp(in->buf + in->head, "070707", 6))
		return scan_error(s, in->pos, "an old binary-portable (odc) header: the kernel reads only newc/crc (cpio -H newc)");
	if (cpio_decode_header((const char *)in->buf + in->head, &e->fmt,
			       &e->h, &bad))
		return scan_error(s, in->pos, "not a newc/crc header (bad %s)", bad);
	n = e->h.namesize;
	if (n == 0 || n > CPIO_PATH_MAX)
		return scan_error(s, in->pos, "name size %zu is not within 1..%d",
				  n, CPIO_PATH_MAX);
	if (in_fill(in, CPIO_HDR_LEN + n))
		return scan_error(s, in->pos, "cannot read: %s", strerror(errno));
	if (in_avail(in) < CPIO_HDR_LEN + n)
		return scan_error(s, in->pos, "truncated: the name is cut off");
	memcpy(s->name, in->buf + in->head + CPIO_HDR_LEN, n);
	if (s->name[n - 1] != '\0')
		return scan_error(s, in->pos, "the name is not NUL-terminated");
	e->name = s->name;
	in_consume(in, CPIO_HDR_LEN + n);
	in_skip(in, cpio_pad(in->pos, 4));	/* within the buffer or short: */
	e->data_offset = in->pos;		/* checked with the data */
	return 0;
}

/* A symlink's target, when the kernel would read it (<= 4096 bytes). */
static int read_target(struct img_scan *s, struct img_entry *e)
{
	struct instream *in = s->in;
	size_t n = e->h.filesize;

	e->target = NULL;
	if ((e->h.mode & S_IFMT) != S_IFLNK || n > CPIO_PATH_MAX)
		return 0;
	if (in_fill(s->in, n) || in_avail(in) < n)
		return scan_error(s, in->pos, "truncated: the symlink target is cut off");
	memcpy(s->target, in->buf + in->head, n);
	s->target[n] = '\0';
	e->target = s->target;
	return 0;
}

/* Past the rest of the entry's data and its padding. */
static int skip_data(struct img_scan *s)
{
	struct instream *in = s->in;
	uint64_t left = in_skip(in, s->data_left);

	if (left)
		return scan_error(s, in->pos, "truncated: %llu bytes of data missing",
				  (unsigned long long)left);
	s->data_left = 0;
	in_skip(in, cpio_pad(in->pos, 4));
	return 0;
}

/* One entry; 1 after the trailer. */
static int scan_entry(struct img_scan *s)
{
	struct img_entry e = { 0 };
	int rc;

	if (read_header(s, &e))
		return -1;
	if (!s->m.entries && !s->m.trailer)
		s->m.fmt = e.fmt;
	s->data_left = e.h.filesize;
	if (!s->in->is_pipe && e.data_offset + e.h.filesize > s->in->size)
		return scan_error(s, e.offset,
				  "truncated: %u bytes of data run past the end (%llu bytes)",
				  e.h.filesize, (unsigned long long)s->in->size);
	if (!strcmp(e.name, CPIO_TRAILER)) {
		s->m.trailer = true;
		return skip_data(s) ? -1 : 1;
	}
	s->m.entries++;
	if (read_target(s, &e))
		return -1;
	rc = s->v->entry ? s->v->entry(s->v->ctx, s, &s->m, &e) : 0;
	if (rc)
		return rc;
	return skip_data(s);
}

/*
 * A member carried over the end of its compressed part ends after all:
 * what follows is no compressed part, or nothing.
 */
static int end_carried(struct img_scan *s)
{
	int rc;

	if (!s->carry)
		return 0;
	s->carry = false;
	rc = s->v->member_end ? s->v->member_end(s->v->ctx, s, &s->m) : 0;
	s->m.comp = NULL;
	return rc;
}

/* A new member starts at @in's position. */
static int begin_member(struct img_scan *s, struct instream *in)
{
	s->m.index++;
	s->m.offset = in->pos;
	s->m.entries = 0;
	s->m.size = 0;
	s->m.trailer = false;
	s->m.fmt = CPIO_NEWC;
	set_where(s);
	if (in->pos & 3)
		return scan_error(s, in->pos,
				  "a member starts at an offset that is not a multiple of 4: the kernel does not find it");
	return s->v->member_begin ? s->v->member_begin(s->v->ctx, s, &s->m) : 0;
}

/*
 * One member from its first header to its trailer (or the input's end).
 * A compressed part that ends before the trailer leaves the kernel's
 * reader within the member, and the next compressed part goes on with it
 * (the pieces of a compressor stage: usr/out_compress.h): so the member
 * is carried on, its end deferred, and it starts no new member there.
 */
static int scan_member(struct img_scan *s)
{
	struct instream *in = s->in;
	uint64_t start = in->pos;
	int rc = 0;

	if (s->carry && !s->in_part)
		rc = end_carried(s);
	if (!rc && s->carry) {
		s->carry = false;
		set_where(s);
	} else if (!rc) {
		rc = begin_member(s, in);
	}
	if (rc)
		return rc;
	for (;;) {
		if (in_fill(in, 1))
			return scan_error(s, in->pos, "cannot read: %s", strerror(errno));
		/* Zeros or the end before a trailer: the member just stops. */
		if (!in_avail(in) || !in->buf[in->head])
			break;
		rc = scan_entry(s);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;
	}
	s->m.size += in->pos - start;
	if (!s->m.trailer && s->in_part && !in_avail(in)) {
		s->carry = true;
		return 0;
	}
	rc = s->v->member_end ? s->v->member_end(s->v->ctx, s, &s->m) : 0;
	s->m.continued = s->m.comp != NULL;
	return rc;
}

/* Members one after the other in @s->in, until something else comes. */
static int scan_members(struct img_scan *s)
{
	struct instream *in = s->in;
	int rc;

	while (in_skip_zeros(in)) {
		if (in_fill(in, 5) || in_avail(in) < 5 ||
		    memcmp(in->buf + in->head, "07070", 5))
			return 0;
		rc = scan_member(s);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- writing with holes, and the spool ------------------------------------ */

static bool all_zero(const unsigned char *p, size_t n)
{
	return !n || (!p[0] && !memcmp(p, p + 1, n - 1));
}

int img_sparse_start(struct img_sparse *w, int fd, uint64_t pos)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	w->fd = fd;
	w->pos = w->size = pos;
	w->held = 0;
	w->block = 4096;
	if (st.st_blksize >= 512 && st.st_blksize <= IMG_SPARSE_MAX_BLOCK &&
	    !(st.st_blksize & (st.st_blksize - 1)))
		w->block = (uint32_t)st.st_blksize;
	return 0;
}

/* [@p, @end) goes at @off: all of it, however pwrite() splits it. */
static int write_at(struct img_sparse *w, const unsigned char *p,
		    const unsigned char *end, uint64_t off)
{
	while (p < end) {
		ssize_t n = pwrite(w->fd, p, (size_t)(end - p), (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!n)
				errno = ENOSPC;
			return -1;
		}
		p += n;
		off += (uint64_t)n;
		if (off > w->size)
			w->size = off;
	}
	return 0;
}

/*
 * The held bytes (a block's start, or its end, or both): written unless
 * they are zeros, which, past the file's old end, read back as such anyway.
 */
static int flush_held(struct img_sparse *w)
{
	size_t n = w->held;

	w->held = 0;
	if (all_zero(w->hold, n))
		return 0;
	return write_at(w, w->hold, w->hold + n, w->pos - n);
}

/* Bytes up to the next block boundary into the held part of a block. */
static int hold(struct img_sparse *w, const unsigned char **p, size_t *n)
{
	size_t take = w->block - (size_t)(w->pos % w->block);

	if (take > *n)
		take = *n;
	memcpy(w->hold + w->held, *p, take);
	w->held += take;
	w->pos += take;
	*p += take;
	*n -= take;
	return w->pos % w->block ? 0 : flush_held(w);
}

/*
 * Whole blocks go straight from @buf, runs of them in one pwrite(), zero
 * ones skipped; a partial block at either end is held until it is whole
 * (buffers do not end on block boundaries: a pipe's reads, an entry's
 * data after its header).
 */
int img_sparse_write(struct img_sparse *w, const void *buf, size_t n)
{
	const unsigned char *p = buf, *data, *q, *end;

	if ((w->held || w->pos % w->block) && hold(w, &p, &n))
		return -1;
	end = p + (n - n % w->block);
	for (data = q = p; q < end; q += w->block) {
		if (!all_zero(q, w->block))
			continue;
		if (write_at(w, data, q, w->pos + (uint64_t)(data - p)))
			return -1;
		data = q + w->block;
	}
	if (write_at(w, data, end, w->pos + (uint64_t)(data - p)))
		return -1;
	w->pos += (uint64_t)(end - p);
	n -= (size_t)(end - p);
	p = end;
	return n ? hold(w, &p, &n) : 0;
}

int img_sparse_finish(struct img_sparse *w)
{
	if (flush_held(w))
		return -1;
	if (w->pos > w->size && ftruncate(w->fd, (off_t)w->pos))
		return -1;
	w->size = w->pos;
	return 0;
}

struct img_spool *img_spool_new(void)
{
	struct img_spool *sp = calloc(1, sizeof(*sp));

	if (sp)
		sp->fd = -1;
	return sp;
}

void img_spool_free(struct img_spool *sp)
{
	if (!sp)
		return;
	if (sp->fd >= 0)
		close(sp->fd);
	free(sp->part);
	free(sp);
}

/* Start keeping the part at [@from, @to) of the image, as read from @in. */
static int spool_begin(struct img_scan *s, struct instream *in, uint64_t from,
		       uint64_t to)
{
	struct img_spool *sp = s->spool;
	struct spool_part *v;

	if (sp->fd < 0)
		sp->fd = decompressed_file(&sp->dir);
	if (sp->fd < 0 || img_sparse_start(&sp->w, sp->fd, sp->w.size))
		return scan_error(s, from, "cannot make a temporary file in %s for the %s data: %s",
				  sp->dir, s->m.comp->name, strerror(errno));
	v = realloc(sp->part, (sp->nparts + 1) * sizeof(*v));
	if (!v)
		return scan_error(s, from, "out of memory");
	sp->part = v;
	v[sp->nparts] = (struct spool_part){ from, to, sp->w.pos, 0 };
	in->tee = &sp->w;
	return 0;
}

/* The part kept through @in is complete: 0, or -1 (reported). */
static int spool_end(struct img_scan *s, struct instream *in)
{
	struct img_spool *sp = s->spool;
	struct spool_part *p = &sp->part[sp->nparts];

	if (!in->tee_errno && img_sparse_finish(&sp->w))
		in->tee_errno = errno;
	if (in->tee_errno)
		return scan_error(s, p->from, "cannot keep the %s data in a temporary file: %s",
				  s->m.comp->name, strerror(in->tee_errno));
	p->len = sp->w.pos - p->at;
	sp->nparts++;
	return 0;
}

/* The second scan: the next part, decompressed by the first. */
static struct spool_part *spool_next(struct img_scan *s, uint64_t from)
{
	struct img_spool *sp = s->spool;

	if (!sp || !sp->replay || sp->next >= sp->nparts ||
	    sp->part[sp->next].from != from)
		return NULL;
	return &sp->part[sp->next];
}

/* Did the decompressor fail by itself (not because we stopped reading)? */
static bool decompressor_failed(int status, bool we_stopped)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status) != 0;
	return !(we_stopped && WTERMSIG(status) == SIGPIPE);
}

/*
 * The compressed stream at [@from, @to) of @fd: its decompressed bytes,
 * read through a pipe, parsed as members.
 */
static int scan_compressed(struct img_scan *s, int fd, uint64_t from,
			   uint64_t to)
{
	const struct method *m = s->m.comp;
	/* bzip2 calls the zero padding after its stream garbage, aloud. */
	unsigned int flags = DEC_ONE_STREAM |
			     (strcmp(m->name, "bzip2") ? 0 : DEC_QUIET);
	struct instream *pipe_in = NULL;
	struct decompressor z;
	int rc, status;

	rc = decompressor_start(&z, m, fd, from, to, -1, flags);
	if (rc)
		return scan_error(s, from, "cannot run '%s' to undo its %s compression: %s",
				  m->decompress[0], m->name, strerror(-rc));
	pipe_in = malloc(sizeof(*pipe_in));
	if (!pipe_in) {
		rc = scan_error(s, from, "out of memory");
		goto out;
	}
	*pipe_in = (struct instream){ .fd = z.out, .is_pipe = true,
				      .size = UINT64_MAX };
	s->in = pipe_in;
	s->m.index += !s->carry;	/* what comes out is the next member */
	set_where(s);
	s->m.index -= !s->carry;
	rc = s->spool ? spool_begin(s, pipe_in, from, to) : 0;
	s->in_part = true;
	if (!rc)
		rc = scan_members(s);
	s->in_part = false;
	if (!rc && in_avail(pipe_in))
		rc = scan_error(s, pipe_in->pos,
				"junk within the %s data: neither zeros nor a cpio member",
				m->name);
	if (!rc && s->spool)
		rc = spool_end(s, pipe_in);
out:
	close(z.out);	/* stops both children if they are still busy */
	status = decompressor_wait(&z);
	free(pipe_in);
	if (decompressor_failed(status, rc != 0)) {
		snprintf(s->where, sizeof(s->where), "%s", s->path);
		rc = scan_error(s, from, "'%s' failed on the %s data (%s %d)",
				m->decompress[0], m->name,
				WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	return rc;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The end of the zstd frames (RFC 8878) from @off, by their headers. */
static uint64_t zstd_end(int fd, uint64_t off, uint64_t size)
{
	static const unsigned char dict_len[4] = { 0, 1, 2, 4 };
	unsigned char b[8];

	while (off + 8 <= size && pread(fd, b, 8, (off_t)off) == 8) {
		uint32_t magic = le32(b);
		unsigned int fhd = b[4], fcs = fhd >> 6;
		bool single = fhd & 0x20;

		if ((magic & 0xFFFFFFF0u) == 0x184D2A50u) {	/* skippable */
			off += 8 + (uint64_t)le32(b + 4);
			continue;
		}
		if (magic != 0xFD2FB528u)
			break;
		off += 5 + !single + dict_len[fhd & 3] +
		       (fcs ? 1u << fcs : single);
		for (;;) {
			uint32_t hdr;

			if (off + 3 > size || pread(fd, b, 3, (off_t)off) != 3)
				return size;	/* cut off: zstd will say so */
			hdr = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
			      (uint32_t)b[2] << 16;
			off += 3 + (((hdr >> 1) & 3) == 1 ? 1 : hdr >> 3);
			if (hdr & 1)
				break;
		}
		off += fhd & 4 ? 4 : 0;		/* content checksum */
	}
	return off < size ? off : size;
}

/* The end of lz4 legacy frames: 4-byte sizes, until one is implausible. */
static uint64_t lz4_legacy_end(int fd, uint64_t off, uint64_t size)
{
	const uint32_t bound = 8u << 20 | ((8u << 20) / 255 + 16);
	unsigned char b[4];

	while (off + 4 <= size && pread(fd, b, 4, (off_t)off) == 4) {
		uint32_t n = le32(b);

		if (n == 0x184C2102u)
			off += 4;
		else if (n && n <= bound)
			off += 4 + (uint64_t)n;
		else
			break;
	}
	return off < size ? off : size;
}

/*
 * Could what follows a stream start at @p (offset @off)?  A cpio member
 * at a multiple of 4, or another stream, whose magic is checked a little
 * further than method_for_magic() does, to make false starts rare.
 */
static bool looks_like_start(const unsigned char *p, uint64_t off)
{
	const struct method *m;

	if (off & 3)
		return false;		/* writers pad members to 4 */
	if (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6))
		return true;
	m = method_for_magic(p, 16);
	if (!m)
		return false;
	if (!strcmp(m->name, "gzip"))
		return p[2] == 8 && p[3] < 0x20;	/* deflate, known flags */
	if (!strcmp(m->name, "bzip2"))
		return p[3] >= '1' && p[3] <= '9';
	if (!strcmp(m->name, "lzma"))
		return p[4] || p[3];			/* a dictionary size */
	return true;
}

/* Does @m's program take [@from, @to) of @fd whole, without complaint? */
static bool decompresses(int fd, const struct method *m, uint64_t from,
			 uint64_t to)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), status;
	struct decompressor z;
	bool ok;

	if (null < 0)
		return false;
	ok = !decompressor_start(&z, m, fd, from, to, null,
				DEC_QUIET | DEC_ONE_STREAM);
	close(null);
	if (!ok)
		return false;
	status = decompressor_wait(&z);
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

#define MAX_TRIALS 16

/*
 * gzip, xz, bzip2, lzop and lzma streams do not say where they end
 * before they are decoded, and their programs reject or ignore what
 * follows.  So look for where something else could start, and ask the
 * program whether the stream is complete there; else it runs to the end.
 */
static uint64_t stream_end_by_trial(int fd, const struct method *m,
				    uint64_t from, uint64_t size)
{
	static unsigned char buf[65536 + 16];
	uint64_t off = (from + 4) & ~3ull;
	int trials = 0;

	while (off + 6 <= size && trials < MAX_TRIALS) {
		size_t n = size - off < sizeof(buf) ? (size_t)(size - off) : sizeof(buf);
		ssize_t got = pread(fd, buf, n, (off_t)off);
		size_t i;

		if (got < 22)
			break;
		memset(buf + got, 0, sizeof(buf) - (size_t)got);
		for (i = 0; i + 16 <= (size_t)got && trials < MAX_TRIALS; i += 4) {
			if (!looks_like_start(buf + i, off + i))
				continue;
			trials++;
			if (decompresses(fd, m, from, off + i))
				return off + i;
		}
		off += i;
	}
	return size;
}

/*
 * Where the compressed stream at @from ends: zstd and lz4 say it in
 * their framing; for the others, see stream_end_by_trial().
 */
static uint64_t stream_end(int fd, const struct method *m, uint64_t from,
			   uint64_t size)
{
	if (!strcmp(m->name, "zstd"))
		return zstd_end(fd, from, size);
	if (!strcmp(m->name, "lz4"))
		return lz4_legacy_end(fd, from, size);
	return stream_end_by_trial(fd, m, from, size);
}

/*
 * A compressed part, the second time: its decompressed bytes are read
 * from the spool, where the first scan left them.
 */
static int scan_spooled(struct img_scan *s, const struct spool_part *p)
{
	struct instream *in = malloc(sizeof(*in));
	int rc;

	if (!in)
		return scan_error(s, p->from, "out of memory");
	*in = (struct instream){ .fd = s->spool->fd, .base = p->at,
				 .size = p->len };
	s->spool->next++;
	s->in = in;
	s->m.index += !s->carry;
	set_where(s);
	s->m.index -= !s->carry;
	s->in_part = true;
	rc = scan_members(s);
	s->in_part = false;
	free(in);
	return rc;
}

/* A compressed part: a member (or several) of its own. */
static int scan_compressed_part(struct img_scan *s, const struct method *m,
				uint64_t end)
{
	struct instream *file = s->in;
	uint64_t from = file->pos;
	int rc;

	if (s->carry) {
		s->m.comp_length = end - s->m.comp_offset;
	} else {
		s->m.comp = m;
		s->m.comp_offset = from;
		s->m.comp_length = end - from;
		s->m.continued = false;
	}
	if (s->flags & IMG_NO_DECOMPRESS) {
		s->m.index++;
		s->m.offset = 0;
		s->m.size = s->m.entries = 0;
		s->m.trailer = false;
		set_where(s);
		rc = s->v->member_begin ? s->v->member_begin(s->v->ctx, s, &s->m) : 0;
		if (!rc && s->v->member_end)
			rc = s->v->member_end(s->v->ctx, s, &s->m);
	} else if (spool_next(s, from)) {
		rc = scan_spooled(s, spool_next(s, from));
		s->in = file;
	} else {
		rc = scan_compressed(s, file->fd, from, end);
		s->in = file;
	}
	in_skip(file, end - from);
	if (!s->carry)
		s->m.comp = NULL;
	return rc;
}

static int scan_fd(int fd, const char *path, const struct img_visitor *v,
		   unsigned int flags, struct img_spool *sp, struct diag *d)
{
	struct img_scan s = { .path = path, .v = v, .flags = flags,
			      .spool = sp, .d = d };
	struct instream *file = malloc(sizeof(*file));
	struct stat st;
	uint64_t end;
	int rc = -1;

	snprintf(s.where, sizeof(s.where), "%s", path);
	if (!file) {
		scan_error(&s, 0, "out of memory");
		return -1;
	}
	*file = (struct instream){ .fd = fd };
	s.in = file;
	if (fstat(fd, &st)) {
		scan_error(&s, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	file->size = (uint64_t)st.st_size;
	rc = 0;
	while (file->pos < file->size) {
		const struct method *m;

		rc = scan_members(&s);
		if (rc || !in_skip_zeros(file))
			break;
		snprintf(s.where, sizeof(s.where), "%s", path);
		in_fill(file, 16);
		m = method_for_magic(file->buf + file->head, in_avail(file));
		if (!m) {
			rc = scan_error(&s, file->pos,
					"neither a cpio member (at a multiple of 4) nor compressed data the kernel knows (bytes %02x %02x %02x %02x)",
					file->buf[file->head],
					in_avail(file) > 1 ? file->buf[file->head + 1] : 0,
					in_avail(file) > 2 ? file->buf[file->head + 2] : 0,
					in_avail(file) > 3 ? file->buf[file->head + 3] : 0);
			break;
		}
		if (spool_next(&s, file->pos))
			end = spool_next(&s, file->pos)->end;
		else
			end = stream_end(fd, m, file->pos, file->size);
		if (end <= file->pos)	/* framing cut off: all the rest */
			end = file->size;
		rc = scan_compressed_part(&s, m, end);
		if (rc)
			break;
	}
	if (!rc)
		rc = end_carried(&s);
out:
	free(file);
	return rc;
}

int img_scan_fd(int fd, const char *path, const struct img_visitor *v,
		unsigned int flags, struct diag *d)
{
	return scan_fd(fd, path, v, flags, NULL, d);
}

static int scan_path(const char *path, const struct img_visitor *v,
		     unsigned int flags, struct img_spool *sp, struct diag *d)
{
	struct srcloc loc = { .file = path };
	struct stat st;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_error(d, &loc, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		diag_error(d, &loc, "not a regular file");
		close(fd);
		return -1;
	}
	rc = scan_fd(fd, path, v, flags, sp, d);
	close(fd);
	return rc;
}

int img_scan_path(const char *path, const struct img_visitor *v,
		  unsigned int flags, struct diag *d)
{
	return scan_path(path, v, flags, NULL, d);
}

int img_scan_spooled(const char *path, const struct img_visitor *v,
		     struct img_spool *sp, struct diag *d)
{
	int rc = scan_path(path, v, 0, sp, d);

	sp->replay = true;
	sp->next = 0;
	return rc;
}
