// SPDX-License-Identifier: GPL-2.0
/*
 * out_compress.c: the compressor stage (see out_compress.h).
 *
 * The stream is cut into pieces, each compressed by a process of its
 * own.  A piece ends at the first entry boundary at least the method's
 * piece size after its start, so where the cuts fall depends on the
 * archive alone: one job or sixteen, a loaded machine or an idle one,
 * the same pieces, the same programs, the same bytes.
 *
 * Each piece's input is kept in memory (up to the piece size) and fed
 * to its compressor from the one poll loop here, so that the writer can
 * go on to the next piece while the earlier ones are still compressing:
 * that is where the parallelism comes from.  A piece longer than the
 * piece size (a big file, with no boundary inside it) is fed as it
 * comes, the writer waiting for its compressor.  The output of the
 * oldest piece goes straight on; a later piece's is held in memory until
 * the pieces before it have ended.  With at most jobs compressors
 * running, each holding at most a piece of input, and twice that many
 * pieces alive, each holding its output, memory stays bounded.
 */
/* F_SETPIPE_SZ, splice(), sched_getaffinity(), CPU_COUNT: Linux and GNU. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/buf.h"
#include "out_compress.h"
#include "out_signal.h"

#define DRAIN_SIZE	(64 * 1024)
/* A bigger pipe lets a compressor run longer between our visits. */
#define PIPE_SIZE	(1024 * 1024)

struct piece {
	struct compressor z;
	char *in;		/* in_cap bytes: its input, not written to it */
	size_t in_off, in_len;	/* yet at [in_off, in_len) */
	struct buf held;	/* its output, while an older piece runs */
	uint64_t emitted;	/* bytes of output it wrote */
	bool sealed;		/* all of its input is in @in or written */
	bool running;		/* started, not reaped */
};

struct out_compress {
	struct out out;
	const struct compression *c;
	struct out_compress_status *st;
	uint64_t piece_size;	/* UINT64_MAX: one piece */
	size_t in_cap;		/* input held for a piece at most */
	uint64_t start;		/* where the newest piece starts */
	uint64_t taken;		/* bytes of the stream taken in so far */
	unsigned int jobs;	/* compressors running at most */
	unsigned int slots;	/* pieces alive at most: 2 * jobs */
	unsigned int first;	/* the oldest piece, in ring[] */
	unsigned int alive;	/* pieces in ring[], oldest first */
	struct piece ring[2 * OUT_COMPRESS_MAX_JOBS];
	uint64_t *cuts;		/* entry boundaries not yet passed */
	size_t ncuts, cuts_cap, cut0;
	unsigned char drain[DRAIN_SIZE];
};

static struct out_compress *to_compress(struct out *o)
{
	return (struct out_compress *)o;
}

static struct piece *piece_at(struct out_compress *zc, unsigned int k)
{
	return &zc->ring[(zc->first + k) % zc->slots];
}

static struct piece *newest(struct out_compress *zc)
{
	return zc->alive ? piece_at(zc, zc->alive - 1) : NULL;
}

static size_t pending(const struct piece *p)
{
	return p->in_len - p->in_off;
}

unsigned int out_compress_jobs(unsigned int asked)
{
	cpu_set_t set;
	int n = 0;

	if (!asked && !sched_getaffinity(0, sizeof(set), &set))
		n = CPU_COUNT(&set);
	if (asked)
		n = (int)asked;
	if (n < 1)
		n = 1;
	return n > OUT_COMPRESS_MAX_JOBS ? OUT_COMPRESS_MAX_JOBS : (unsigned int)n;
}

/*
 * Wait for a piece's compressor and let it go; its status.  It is no
 * longer the signal handler's to stop once reaped.
 */
static int reap(struct piece *p, bool *unread)
{
	out_signal_release_child(p->z.pid);
	p->running = false;
	return compressor_wait(&p->z, unread);
}

/*
 * Reap a piece whose output ended: 0, or -ECHILD with how it failed
 * noted, and what it said about it.
 */
static int piece_end(struct out_compress *zc, struct piece *p)
{
	struct out_compress_status *st = zc->st;
	bool early = !p->sealed || pending(p) || p->z.in >= 0;
	bool unread = false;
	int status = reap(p, &unread);

	snprintf(st->messages, sizeof(st->messages), "%s", p->z.messages);
	if (status > 0) {
		st->fail = Z_EXIT;
		st->code = status;
	} else if (status < 0) {
		st->fail = Z_SIGNAL;
		st->code = -status;
	} else if (early || unread) {
		st->fail = Z_STOPPED;	/* it ended before its input did */
	} else if (p->z.fixing) {
		return -EPROTO;		/* it wrote less than its own header */
	} else if (!p->emitted) {
		st->fail = Z_EMPTY;	/* no compressor writes nothing */
	} else {
		return 0;
	}
	return -ECHILD;
}

/* A piece is done with; its slot keeps the input buffer for the next. */
static void piece_free(struct piece *p)
{
	char *in = p->in;

	buf_release(&p->held);
	memset(p, 0, sizeof(*p));
	p->in = in;
}

struct emit_ctx {
	struct out_compress *zc;
	struct piece *p;
};

/* The oldest piece's output goes on; a later one's waits its turn. */
static int emit(void *ctx, const void *b, size_t n)
{
	struct emit_ctx *e = ctx;
	int rc;

	if (e->p == piece_at(e->zc, 0))
		rc = out_write(e->zc->out.next, b, n);
	else
		rc = buf_add(&e->p->held, b, n);
	if (!rc)
		e->p->emitted += n;
	return rc;
}

/* Read what a piece's compressor has written.  0 at its end. */
static int drain_piece(struct out_compress *zc, struct piece *p)
{
	struct emit_ctx e = { zc, p };
	ssize_t r = read(p->z.out, zc->drain, DRAIN_SIZE);
	int rc;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (r == 0)
		return 0;
	rc = compressor_output(&p->z, zc->drain, (size_t)r, emit, &e);
	return rc ? rc : 1;
}

/* Write what a piece can take of its input; close it after the last. */
static int feed_piece(struct piece *p)
{
	ssize_t w = pending(p) ?
		write(p->z.in, p->in + p->in_off, pending(p)) : 0;

	if (w < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	p->in_off += (size_t)w;
	if (!pending(p))
		p->in_len = p->in_off = 0;
	if (p->sealed && !pending(p)) {
		close(p->z.in);
		p->z.in = -1;
	}
	return 0;
}

/* The oldest piece is done: the next one's held output goes on. */
static int pop_oldest(struct out_compress *zc)
{
	struct piece *p;
	int rc = 0;

	piece_free(piece_at(zc, 0));
	zc->first = (zc->first + 1) % zc->slots;
	zc->alive--;
	while (zc->alive && !rc) {
		p = piece_at(zc, 0);
		if (p->held.len)
			rc = out_write(zc->out.next, p->held.s, p->held.len);
		buf_release(&p->held);
		if (p->running)
			break;
		piece_free(p);
		zc->first = (zc->first + 1) % zc->slots;
		zc->alive--;
	}
	return rc;
}

/* A piece's output has ended: reap it, and move on if it was oldest. */
static int piece_done(struct out_compress *zc, struct piece *p)
{
	int rc = piece_end(zc, p);

	if (!rc && p == piece_at(zc, 0))
		rc = pop_oldest(zc);
	return rc;
}

/*
 * One round of serving every running piece: input where it can take
 * some, output where it has some.  @block: wait for one of them.
 */
static int pump(struct out_compress *zc, bool block)
{
	struct pollfd pf[2 * OUT_COMPRESS_MAX_JOBS];
	struct piece *who[2 * OUT_COMPRESS_MAX_JOBS];
	unsigned int k, n = 0, i;
	int rc = 0;

	for (k = 0; k < zc->alive; k++) {
		struct piece *p = piece_at(zc, k);

		if (!p->running)
			continue;
		if (p->z.in >= 0) {
			pf[n] = (struct pollfd){ .fd = p->z.in, .events = POLLOUT };
			who[n++] = p;
		}
		pf[n] = (struct pollfd){ .fd = p->z.out, .events = POLLIN };
		who[n++] = p;
	}
	if (!n)
		return 0;
	if (poll(pf, n, block ? -1 : 0) < 0)
		return errno == EINTR ? 0 : -errno;
	/* An input's events come before its piece's output's, as above. */
	for (i = 0; i < n && !rc; i++) {
		struct piece *p = who[i];

		if (!pf[i].revents || !p->running)
			continue;
		if (pf[i].events == POLLOUT) {
			if (p->z.in >= 0)
				rc = feed_piece(p);
			continue;
		}
		rc = drain_piece(zc, p);
		if (!rc)
			rc = piece_done(zc, p);
		else if (rc > 0)
			rc = 0;
	}
	return rc;
}

static unsigned int running(struct out_compress *zc)
{
	unsigned int k, n = 0;

	for (k = 0; k < zc->alive; k++)
		n += piece_at(zc, k)->running;
	return n;
}

/*
 * Start the next piece once fewer than jobs compressors run.  A piece
 * that ended before an older one waits with its output, not holding a
 * CPU: up to twice jobs pieces are alive, so that one slow piece does
 * not keep the others' CPUs idle.
 */
static int open_piece(struct out_compress *zc)
{
	struct piece *p;
	int rc;

	while (zc->alive == zc->slots || running(zc) == zc->jobs) {
		rc = pump(zc, true);
		if (rc)
			return rc;
	}
	p = &zc->ring[(zc->first + zc->alive) % zc->slots];
	/*
	 * Only the pages used are memory: a small archive takes a few.  A
	 * slot keeps its buffer, whose pages need not be found again.
	 */
	if (!p->in)
		p->in = malloc(zc->in_cap);
	if (!p->in)
		return -ENOMEM;
	rc = compressor_start(&p->z, zc->c);
	if (rc) {
		piece_free(p);
		zc->st->fail = Z_START;
		zc->st->code = -rc;
		return -ECHILD;
	}
	fcntl(p->z.in, F_SETFL, O_NONBLOCK);
	fcntl(p->z.in, F_SETPIPE_SZ, PIPE_SIZE);
	/* A signal that ends us stops it first: see out_signal.h. */
	out_signal_guard_child(p->z.pid);
	p->running = true;
	zc->alive++;
	return 0;
}

/*
 * The next cut: the first entry boundary at least a piece size past the
 * newest piece's start, 0 if none is known yet.
 */
static uint64_t next_cut(struct out_compress *zc)
{
	while (zc->cut0 < zc->ncuts) {
		uint64_t c = zc->cuts[zc->cut0];

		if (c - zc->start >= zc->piece_size)
			return c;
		zc->cut0++;
	}
	zc->ncuts = zc->cut0 = 0;
	return 0;
}

/* Seal the newest piece at a cut and start the next. */
static int cut_here(struct out_compress *zc, uint64_t at)
{
	struct piece *p = newest(zc);
	int rc;

	p->sealed = true;
	zc->start = at;
	zc->cut0++;
	rc = feed_piece(p);
	return rc ? rc : open_piece(zc);
}

/*
 * Queue @n bytes for the newest piece, waiting while it holds enough.
 * What its pipe takes at once is not copied: a fast compressor keeps up.
 */
static int queue_input(struct out_compress *zc, const char *c, size_t n)
{
	struct piece *p = newest(zc);
	int rc;

	if (!pending(p)) {
		ssize_t w = write(p->z.in, c, n);

		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (w > 0) {
			c += w;
			n -= (size_t)w;
		}
	}
	while (n) {
		size_t room = zc->in_cap > pending(p) ?
			zc->in_cap - pending(p) : 0;
		size_t k = n < room ? n : room;

		if (!k) {
			rc = pump(zc, true);
			if (rc)
				return rc;
			continue;
		}
		if (p->in_len + k > zc->in_cap) {
			memmove(p->in, p->in + p->in_off, pending(p));
			p->in_len -= p->in_off;
			p->in_off = 0;
		}
		memcpy(p->in + p->in_len, c, k);
		p->in_len += k;
		c += k;
		n -= k;
	}
	return pump(zc, false);
}

/*
 * Its own count of what it took, not o->pos: zeros() and a copy's front
 * come in through several write() calls before o->pos moves.
 */
static int compress_write(struct out *o, const void *p, size_t n)
{
	struct out_compress *zc = to_compress(o);
	const char *c = p;
	int rc;

	while (n) {
		uint64_t cut = next_cut(zc);
		size_t take = n;

		if (cut && cut - zc->taken < take)
			take = (size_t)(cut - zc->taken);
		rc = take ? queue_input(zc, c, take) : 0;
		if (rc)
			return rc;
		c += take;
		n -= take;
		zc->taken += take;
		if (cut && zc->taken == cut) {
			rc = cut_here(zc, cut);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int compress_zeros(struct out *o, uint64_t n)
{
	return out_zeros_by_write(o, n);
}

/*
 * File data goes from the file straight into the newest piece's pipe
 * (splice(): the kernel moves the pages, no copy through us) while the
 * pipe takes it at once and nothing is queued before it; the rest the
 * stage above reads and writes in, into the piece's buffer, so that a
 * slow compressor still lets the writer go on to the next piece.  No cut
 * falls within a file's data: cuts are where entries start.
 */
static int64_t compress_copy(struct out *o, const struct out_front *front,
			     int fd, off_t *off, uint64_t len)
{
	struct out_compress *zc = to_compress(o);
	struct piece *p = newest(zc);
	uint64_t done = 0;
	int rc = out_put_front(o, front);

	if (rc)
		return rc;
	while (done < len && !pending(p)) {
		loff_t at = off ? *off : 0;
		size_t want = len - done > PIPE_SIZE ? PIPE_SIZE :
			      (size_t)(len - done);
		ssize_t n = splice(fd, off ? &at : NULL, p->z.in, NULL, want,
				   SPLICE_F_NONBLOCK);

		if (n <= 0)
			break;	/* full, or a file splice() cannot read */
		if (off)
			*off = (off_t)at;
		done += (uint64_t)n;
		zc->taken += (uint64_t)n;
	}
	return (int64_t)done;
}

int out_compress_boundary(struct out *o, uint64_t pos)
{
	struct out_compress *zc = to_compress(o);

	/* Not a cut of the newest piece, nor of any later one. */
	if (pos < zc->taken || pos - zc->start < zc->piece_size)
		return 0;
	if (zc->cut0 && zc->cut0 == zc->ncuts)
		zc->cut0 = zc->ncuts = 0;
	if (ARRAY_GROW(zc->cuts, zc->cuts_cap, zc->ncuts + 1, 64))
		return -ENOMEM;
	zc->cuts[zc->ncuts++] = pos;
	return 0;
}

/* The input ends: let every piece finish, in order. */
static int compress_finish(struct out *o)
{
	struct out_compress *zc = to_compress(o);
	struct piece *p = newest(zc);
	int rc = 0;

	if (p && !p->sealed) {
		p->sealed = true;
		rc = feed_piece(p);
	}
	while (!rc && zc->alive)
		rc = pump(zc, true);
	return rc;
}

/*
 * We are giving up (an error of ours, the output failing): stop every
 * compressor, and drop what they say, as it can only be about us having
 * gone (a broken pipe, a write error).
 */
static void compress_release(struct out *o)
{
	struct out_compress *zc = to_compress(o);
	unsigned int k;

	for (k = 0; k < zc->alive; k++) {
		struct piece *p = piece_at(zc, k);

		if (p->running) {
			kill(p->z.pid, SIGTERM);
			reap(p, NULL);
		}
		piece_free(p);
	}
	for (k = 0; k < zc->slots; k++)
		free(zc->ring[k].in);
	free(zc->cuts);
	free(zc);
}

static const struct out_ops compress_ops = {
	.write = compress_write,
	.zeros = compress_zeros,
	.copy = compress_copy,
	.finish = compress_finish,
	.release = compress_release,
};

int out_compress_start(struct out **out, const struct compression *c,
		       unsigned int jobs, struct out *next,
		       struct out_compress_status *st)
{
	struct out_compress *zc = calloc(1, sizeof(*zc));
	int rc;

	*out = NULL;
	if (!zc)
		return -ENOMEM;
	memset(st, 0, sizeof(*st));
	st->prog = compressor_program(c);
	/* A compressor that dies must be an error here, not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	zc->c = c;
	zc->st = st;
	zc->jobs = out_compress_jobs(jobs);
	zc->slots = 2 * zc->jobs;
	zc->piece_size = c->method->piece_size ? c->method->piece_size :
						 UINT64_MAX;
	zc->in_cap = c->method->piece_size ? c->method->piece_size : PIPE_SIZE;
	zc->out.ops = &compress_ops;
	zc->out.next = next;
	rc = open_piece(zc);
	if (rc) {
		free(zc->ring[0].in);
		free(zc);
		return rc;
	}
	*out = &zc->out;
	return 0;
}

/* @msg, then ": " and what the compressor said, if it said anything. */
static const char *with_messages(const struct out_compress_status *st,
				 char *msg, size_t size)
{
	size_t len = strlen(msg);

	if (st->messages[0] && len < size)
		snprintf(msg + len, size - len, ": %s", st->messages);
	return msg;
}

const char *out_compress_error(const struct out_compress_status *st)
{
	static char msg[160 + sizeof(st->messages)];

	switch (st->fail) {
	case Z_START:
		snprintf(msg, sizeof(msg), "cannot run '%s': %s%s", st->prog,
			 strerror(st->code),
			 st->code == ENOENT ? " (is it installed?)" : "");
		break;
	case Z_EXIT:
		snprintf(msg, sizeof(msg), "'%s' failed (exit status %d)",
			 st->prog, st->code);
		break;
	case Z_SIGNAL:
		snprintf(msg, sizeof(msg), "'%s' was killed by signal %d (%s)",
			 st->prog, st->code, strsignal(st->code));
		break;
	case Z_STOPPED:
		snprintf(msg, sizeof(msg), "'%s' stopped reading its input",
			 st->prog);
		break;
	case Z_EMPTY:
		snprintf(msg, sizeof(msg), "'%s' wrote nothing", st->prog);
		break;
	default:
		return strerror(ECHILD);
	}
	return with_messages(st, msg, sizeof(msg));
}
