// SPDX-License-Identifier: GPL-2.0
/*
 * out_compress.c: the compressor stage (see out_compress.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out_compress.h"
#include "out_signal.h"

#define DRAIN_SIZE (64 * 1024)

struct out_compress {
	struct out out;
	struct compressor z;
	bool running;		/* not reaped yet */
	uint64_t emitted;	/* bytes it wrote */
	struct out_compress_status *st;
	unsigned char drain[DRAIN_SIZE];
};

static struct out_compress *to_compress(struct out *o)
{
	return (struct out_compress *)o;
}

/*
 * Wait for the compressor and let it go; its status.  It is no longer
 * the signal handler's to stop from before it is reaped.
 */
static int reap(struct out_compress *zc, bool *unread)
{
	out_signal_guard_child(0);
	zc->running = false;
	return compressor_wait(&zc->z, unread);
}

/*
 * Reap the compressor; 0, or -ECHILD with how it failed noted, and what
 * it said about it.  @early: it went while still being fed.
 */
static int compressor_end(struct out_compress *zc, bool early)
{
	struct out_compress_status *st = zc->st;
	bool unread = false;
	int status = reap(zc, &unread);

	snprintf(st->messages, sizeof(st->messages), "%s", zc->z.messages);
	if (status > 0) {
		st->fail = Z_EXIT;
		st->code = status;
	} else if (status < 0) {
		st->fail = Z_SIGNAL;
		st->code = -status;
	} else if (early || unread) {
		st->fail = Z_STOPPED;	/* it ended before its input did */
	} else if (!zc->emitted) {
		st->fail = Z_EMPTY;	/* no compressor writes nothing */
	} else {
		return 0;
	}
	return -ECHILD;
}

static int pass_on(void *ctx, const void *p, size_t n)
{
	struct out_compress *zc = ctx;
	int rc = out_write(zc->out.next, p, n);

	if (!rc)
		zc->emitted += n;
	return rc;
}

/* Read what the compressor has written so far.  0 at its end. */
static int drain_some(struct out_compress *zc)
{
	ssize_t r = read(zc->z.out, zc->drain, DRAIN_SIZE);
	int rc;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (r == 0)
		return 0;
	rc = compressor_output(&zc->z, zc->drain, (size_t)r, pass_on, zc);
	return rc ? rc : 1;
}

/* Wait until it can take input or has output; 1 when it can take input. */
static int wait_ready(struct out_compress *zc)
{
	struct pollfd pf[2] = {
		{ .fd = zc->z.in, .events = POLLOUT },
		{ .fd = zc->z.out, .events = POLLIN },
	};
	int rc;

	if (poll(pf, 2, -1) < 0)
		return errno == EINTR ? 0 : -errno;
	if (pf[1].revents) {
		rc = drain_some(zc);
		if (rc <= 0)
			return rc ? rc : compressor_end(zc, true);
	}
	return pf[0].revents ? 1 : 0;
}

/*
 * Write into the compressor, reading its output whenever it has some:
 * with both ends served from one loop, neither can block the other.
 */
static int compress_write(struct out *o, const void *p, size_t n)
{
	struct out_compress *zc = to_compress(o);
	const char *c = p;

	while (n) {
		int ready = wait_ready(zc);
		ssize_t w;

		if (ready <= 0) {
			if (ready < 0)
				return ready;
			continue;
		}
		w = write(zc->z.in, c, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno == EPIPE ? compressor_end(zc, true) : -errno;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int compress_zeros(struct out *o, uint64_t n)
{
	return out_zeros_by_write(o, n);
}

/* The stage above reads the data and writes it in. */
static int64_t compress_copy(struct out *o, const struct out_front *front,
			     int fd, off_t *off, uint64_t len)
{
	(void)fd;
	(void)off;
	(void)len;
	return out_put_front(o, front);
}

/* Its input ends: read the rest of its output, and reap it. */
static int compress_finish(struct out *o)
{
	struct out_compress *zc = to_compress(o);
	int rc;

	close(zc->z.in);
	zc->z.in = -1;
	do
		rc = drain_some(zc);
	while (rc > 0);
	if (!rc && zc->z.fixing)
		rc = -EPROTO;	/* it wrote less than its own header */
	if (!rc)
		return compressor_end(zc, false);
	/* Ours to report: what it says is about our end of its pipe. */
	reap(zc, NULL);
	return rc;
}

/*
 * We are giving up (an error of ours, the output failing): stop the
 * compressor, and drop what it says, as it can only be about us having
 * gone (a broken pipe, a write error).
 */
static void compress_release(struct out *o)
{
	struct out_compress *zc = to_compress(o);

	if (zc->running) {
		kill(zc->z.pid, SIGTERM);
		reap(zc, NULL);
	}
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
		       struct out *next, struct out_compress_status *st)
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
	rc = compressor_start(&zc->z, c);
	if (rc) {
		free(zc);
		st->fail = Z_START;
		st->code = -rc;
		return -ECHILD;
	}
	fcntl(zc->z.in, F_SETFL, O_NONBLOCK);
	/* A signal that ends us stops it first: see out_signal.h. */
	out_signal_guard_child(zc->z.pid);
	zc->running = true;
	zc->st = st;
	zc->out.ops = &compress_ops;
	zc->out.next = next;
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
