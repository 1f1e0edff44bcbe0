// SPDX-License-Identifier: GPL-2.0
/*
 * sink.c: buffered, atomic archive output (see sink.h).
 */
/*
 * O_TMPFILE, AT_EMPTY_PATH, copy_file_range(), mkostemp(), asprintf(),
 * program_invocation_short_name: GNU and Linux, beyond POSIX.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "image/compress.h"
#include "image/cpio.h"
#include "sink.h"

#define DRAIN_SIZE (64 * 1024)

/*
 * The process-wide state a fatal signal needs: the temporary file to
 * remove, the compressor to stop, and what to say.  A signal handler can
 * reach nothing else, and there is at most one sink per process.
 */
static char *volatile signal_cleanup_path;
static volatile pid_t signal_compressor;
static volatile sig_atomic_t signal_uncommitted;
static char signal_target[PATH_MAX + 32];	/* "'<path>' not written" */

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGHUP:	return "SIGHUP";
	case SIGINT:	return "SIGINT";
	case SIGTERM:	return "SIGTERM";
	default:	return "SIGXFSZ";
	}
}

/* write() and strlen() are async-signal-safe; stdio is not. */
static void say(const char *msg)
{
	ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));

	(void)ignored;
}

/*
 * Stop the compressor ourselves: once we are gone it would only find
 * its pipes closed and say so.  A SIGPIPE has closed our output, and
 * tells nobody.
 */
static void on_fatal_signal(int sig)
{
	char *path = signal_cleanup_path;
	pid_t z = signal_compressor;

	if (path)
		unlink(path);
	if (z > 0)
		kill(z, SIGTERM);
	if (sig != SIGPIPE) {
		say(program_invocation_short_name);
		say(": error: stopped by ");
		say(signal_name(sig));
		if (signal_uncommitted) {
			say(": ");
			say(signal_target);
		}
		say("\n");
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* SIGPIPE only before a compressor starts, which has it ignored. */
static void arm_signals(bool with_sigpipe)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGXFSZ };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_fatal_signal);
	if (with_sigpipe)
		signal(SIGPIPE, on_fatal_signal);
}

/* A temporary file (@path, or NULL: unnamed) that a signal must undo. */
static void arm_signal_cleanup(const struct sink *s, char *path)
{
	snprintf(signal_target, sizeof(signal_target), "'%s' not written",
		 s->name);
	signal_cleanup_path = path;
	signal_uncommitted = 1;
	arm_signals(true);
}

static void disarm_signal_cleanup(void)
{
	signal_uncommitted = 0;
	signal_cleanup_path = NULL;
}

/* Hold off the fatal signals while a hidden name exists; @old: the mask. */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &set, old);
}

static int sink_init(struct sink *s, int fd, bool do_fsync)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->do_fsync = do_fsync;
	s->copy = SINK_COPY_RANGE;
	s->name = "standard output";
	s->buf = malloc(SINK_BUF_SIZE);
	return s->buf ? 0 : -ENOMEM;
}

/*
 * The block size of a regular output file's file system, which a clone
 * must start and end on; 0 for anything else, or a size too large to
 * keep a partial block in the buffer.
 */
static uint32_t output_block(int fd)
{
	struct statfs fs;
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || fstatfs(fd, &fs))
		return 0;
	if (fs.f_bsize <= 0 || fs.f_bsize > SINK_BUF_SIZE / 2)
		return 0;
	return (uint32_t)fs.f_bsize;
}

int sink_open_fd(struct sink *s, int fd, bool do_fsync)
{
	int rc = sink_init(s, fd, do_fsync);

	if (!rc)
		s->block = output_block(fd);
	return rc;
}

void sink_open_null(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->discard = true;
	s->name = "nothing";
}

/* "<dir>/.<base>.XXXXXX": beside the target, so rename() stays atomic. */
static char *tmp_path_for(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *tmp = NULL;

	if (d && b && asprintf(&tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
		tmp = NULL;
	free(d);
	free(b);
	return tmp;
}

/*
 * Whether /proc/self/fd/@fd is @fd's file, through which a file without a
 * name can be linked by anyone (linkat() of the descriptor itself,
 * AT_EMPTY_PATH, needs privilege on many kernels): /proc may not be
 * mounted, or be another PID namespace's.
 */
static bool linkable(int fd)
{
	char proc[32];
	struct stat st, via;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return !stat(proc, &via) && !fstat(fd, &st) && via.st_dev == st.st_dev &&
	       via.st_ino == st.st_ino;
}

/*
 * A file without a name in the directory of @path (O_TMPFILE): whatever
 * ends the run before commit, SIGKILL and crashes included, it leaves
 * nothing behind.  -ENOTSUP where the file system (EOPNOTSUPP) or the
 * kernel (EISDIR, EINVAL: it does not know the flag) cannot make one, or
 * it could not be linked later: then a named temporary file it is.
 */
static int open_unnamed(const char *path)
{
	char *d = strdup(path);
	int fd;

	if (!d)
		return -ENOMEM;
	fd = open(dirname(d), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(d);
	if (fd < 0)
		return errno == EOPNOTSUPP || errno == EISDIR ||
		       errno == EINVAL ? -ENOTSUP : -errno;
	if (!linkable(fd)) {
		close(fd);
		return -ENOTSUP;
	}
	return fd;
}

/*
 * An existing device or FIFO is written in place: renaming over /dev/null
 * would be a disaster.  A symlink is followed, so the image it points to
 * is the one replaced, as when the kernel's tool opens it.
 */
static int open_target(struct sink *s, const char *path)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		char *real = realpath(path, NULL);

		if (real) {
			s->path = real;
			if (stat(real, &st))
				st.st_mode = S_IFREG;
		}
	}
	if (!s->path)
		s->path = strdup(path);
	if (!s->path)
		return -ENOMEM;
	if (stat(s->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		fd = open(s->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		free(s->path);
		s->path = NULL;
		if (fd < 0)
			return -errno;
		s->fd = fd;
		s->own_fd = true;
		return 0;
	}
	fd = open_unnamed(s->path);
	if (fd == -ENOTSUP) {
		s->tmp_path = tmp_path_for(s->path);
		if (!s->tmp_path)
			return -ENOMEM;
		fd = mkostemp(s->tmp_path, O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else if (fd < 0) {
		return fd;
	}
	s->unnamed = !s->tmp_path;
	arm_signal_cleanup(s, s->tmp_path);
	/* Keep the permissions of the image being replaced. */
	if (stat(s->path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	s->fd = fd;
	s->block = output_block(fd);
	s->sparse = s->block != 0;	/* a new file: what is skipped is zeros */
	return 0;
}

int sink_open_path(struct sink *s, const char *path, bool do_fsync)
{
	int rc = sink_init(s, -1, do_fsync);

	s->name = path;
	if (!rc)
		rc = open_target(s, path);
	return rc;
}

/* All of @n bytes, at offset @at, or, where @at < 0, at the position. */
static int write_all(int fd, const char *p, size_t n, off_t at)
{
	while (n) {
		ssize_t w = at < 0 ? write(fd, p, n) : pwrite(fd, p, n, at);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
		if (at >= 0)
			at += w;
	}
	return 0;
}

/* Bytes that leave for the output itself. */
static int put_out(void *ctx, const void *p, size_t n)
{
	struct sink *s = ctx;
	int rc = write_all(s->fd, p, n, -1);

	if (!rc)
		s->out_offset += n;
	return rc;
}

/*
 * Wait for the compressor and let it go; its status, and what it said
 * into @messages (if not NULL).  It is no longer the signal handler's to
 * stop from before it is reaped: its pid may then be another process's.
 */
static int reap_compressor(struct sink *s, bool *unread, char *messages,
			   size_t size)
{
	int status;

	signal_compressor = 0;
	status = compressor_wait(s->z, unread);
	if (messages)
		snprintf(messages, size, "%s", s->z->messages);
	free(s->z);
	s->z = NULL;
	return status;
}

/*
 * We are giving up (an error of ours, the output failing): stop the
 * compressor, and keep what it says to itself, as it can only be about
 * us having gone (a broken pipe, a write error).
 */
static void stop_compressor(struct sink *s)
{
	kill(s->z->pid, SIGTERM);
	reap_compressor(s, NULL, NULL, 0);
}

/*
 * Reap the compressor; 0, or -ECHILD with how it failed noted, and what
 * it said about it.
 */
static int compressor_end(struct sink *s, bool early)
{
	bool unread = false;
	int status = reap_compressor(s, &unread, s->zmsg, sizeof(s->zmsg));

	if (status > 0) {
		s->zfail = Z_EXIT;
		s->zcode = status;
	} else if (status < 0) {
		s->zfail = Z_SIGNAL;
		s->zcode = -status;
	} else if (early || unread) {
		s->zfail = Z_STOPPED;	/* it ended before its input did */
	} else if (s->out_offset == s->zstart) {
		s->zfail = Z_EMPTY;	/* no compressor writes nothing */
	} else {
		return 0;
	}
	return -ECHILD;
}

/* The compressor has gone while still being fed. */
static int compressor_gone(struct sink *s)
{
	return compressor_end(s, true);
}

/* Read what the compressor has written so far.  0 at its end. */
static int drain_some(struct sink *s)
{
	ssize_t r = read(s->z->out, s->drain, DRAIN_SIZE);
	int rc;

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (r == 0)
		return 0;
	rc = compressor_output(s->z, s->drain, (size_t)r, put_out, s);
	return rc ? rc : 1;
}

/*
 * Write into the compressor, reading its output whenever it has some:
 * with both ends served from one loop, neither can block the other.
 */
static int feed_compressor(struct sink *s, const char *p, size_t n)
{
	while (n) {
		struct pollfd pf[2] = {
			{ .fd = s->z->in, .events = POLLOUT },
			{ .fd = s->z->out, .events = POLLIN },
		};
		ssize_t w;
		int rc;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pf[1].revents) {
			rc = drain_some(s);
			if (rc <= 0)
				return rc ? rc : compressor_gone(s);
		}
		if (!pf[0].revents)
			continue;
		w = write(s->z->in, p, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return errno == EPIPE ? compressor_gone(s) : -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Bytes that leave the buffer: into the compressor, or out. */
static int emit(struct sink *s, const void *p, size_t n)
{
	return s->z ? feed_compressor(s, p, n) : put_out(s, p, n);
}

static int fill_gap(struct sink *s);

/* Write out the buffer (and a hole no clone followed, as zeros). */
static int sink_flush(struct sink *s)
{
	int rc = fill_gap(s);

	if (!rc && s->len)
		rc = emit(s, s->buf, s->len);
	s->len = 0;
	return rc;
}

int sink_write(struct sink *s, const void *p, size_t n)
{
	int rc = fill_gap(s);

	if (rc)
		return rc;
	s->offset += n;
	if (s->discard)
		return 0;
	if (s->len + n > SINK_BUF_SIZE) {
		rc = sink_flush(s);
		if (rc || n > SINK_BUF_SIZE)
			return rc ? rc : emit(s, p, n);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

int sink_reserve(struct sink *s, size_t n, unsigned char **p)
{
	int rc = 0;

	if (n > SINK_BUF_SIZE)
		return -EINVAL;
	rc = fill_gap(s);
	if (!rc && s->len + n > SINK_BUF_SIZE)
		rc = sink_flush(s);
	*p = (unsigned char *)s->buf + s->len;
	return rc;
}

void sink_advance(struct sink *s, size_t n)
{
	s->len += n;
	s->offset += n;
}

static int put_zeros(struct sink *s, size_t n)
{
	while (n) {
		size_t chunk = n < SINK_BUF_SIZE ? n : SINK_BUF_SIZE;
		int rc;

		rc = fill_gap(s);
		if (!rc && s->len + chunk > SINK_BUF_SIZE)
			rc = sink_flush(s);
		if (rc)
			return rc;
		memset(s->buf + s->len, 0, chunk);
		s->len += chunk;
		s->offset += chunk;
		n -= chunk;
	}
	return 0;
}

/*
 * A hole that no cloned data follows (a filler's padding, data that
 * cannot be cloned) is zeros after all: to pass over it, the bytes in
 * front would have to be written at the end of the file, where XFS
 * reserves blocks past the end, which the hole would then keep (see
 * clone_first()).  So a hole is only ever left in front of a clone.
 */
static int fill_gap(struct sink *s)
{
	uint64_t gap = s->gap;

	if (!gap)
		return 0;
	s->gap = 0;
	s->offset -= gap;
	return put_zeros(s, (size_t)gap);
}

/*
 * Zeros that cover whole blocks of the new file we write need not be
 * written: a hole reads back as zeros and takes no space.  They are the
 * alignment padding (-a) before data whose blocks are cloned, which
 * would otherwise be new blocks of nothing between them.  The hole is
 * only noted here (gap): it stays one if the data after it is cloned
 * (see clone_first()), and becomes zeros otherwise (fill_gap()).
 */
int sink_zeros(struct sink *s, size_t n)
{
	uint64_t at, from, to;
	int rc;

	if (s->discard) {
		s->offset += n;
		return 0;
	}
	if (!s->sparse || s->z || n < s->block)
		return put_zeros(s, n);
	rc = fill_gap(s);
	if (rc)
		return rc;
	at = s->out_offset + s->len;
	from = at + cpio_pad(at, s->block);
	to = (at + n) / s->block * s->block;
	if (to <= from)
		return put_zeros(s, n);
	rc = put_zeros(s, (size_t)(from - at));
	if (rc)
		return rc;
	s->gap = to - from;
	s->offset += s->gap;
	return put_zeros(s, (size_t)(at + n - to));
}

/* The portable path: through the (flushed, so free) buffer. */
static ssize_t copy_rw(struct sink *s, int fd, off_t *off, size_t n)
{
	size_t want = n < SINK_BUF_SIZE ? n : SINK_BUF_SIZE;
	ssize_t r = off ? pread(fd, s->buf, want, *off) : read(fd, s->buf, want);
	int rc;

	if (r <= 0)
		return r;
	if (off)
		*off += r;
	rc = emit(s, s->buf, (size_t)r);
	if (rc) {
		errno = -rc;
		return -1;
	}
	return r;
}

/* Errors that mean "this method cannot do it here", not "the copy failed". */
static bool copy_unsupported(int err)
{
	return err == EXDEV || err == EINVAL || err == ENOSYS ||
	       err == EOPNOTSUPP || err == EBADF || err == ETXTBSY;
}

static ssize_t copy_some(struct sink *s, int fd, off_t *off, size_t n)
{
	ssize_t r;

	/* A compressor is fed through the buffer and the poll loop. */
	if (s->z)
		return copy_rw(s, fd, off, n);
	switch (s->copy) {
	case SINK_COPY_RANGE:
		r = copy_file_range(fd, off, s->fd, NULL, n, 0);
		break;
	case SINK_COPY_SENDFILE:
		r = sendfile(s->fd, fd, off, n);
		break;
	default:
		return copy_rw(s, fd, off, n);
	}
	if (r < 0 && copy_unsupported(errno)) {
		s->copy++;
		return copy_some(s, fd, off, n);
	}
	/* Some file systems report 0 where they cannot copy: ask read(). */
	if (r == 0)
		return copy_rw(s, fd, off, n);
	if (r > 0)
		s->out_offset += (uint64_t)r;
	return r;
}

static int64_t copy_range(struct sink *s, int fd, off_t *off, uint64_t len)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t left = len - done;
		ssize_t r = copy_some(s, fd, off,
				      left > (1u << 30) ? (1u << 30) : left);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		done += (uint64_t)r;
		s->offset += (uint64_t)r;
	}
	return (int64_t)done;
}

/* Read up to @len bytes (less than a block) into the buffer. */
static int64_t buffer_tail(struct sink *s, int fd, off_t *off, size_t len)
{
	unsigned char *p;
	size_t got = 0;
	int rc = sink_reserve(s, len, &p);

	if (rc)
		return rc;
	while (got < len) {
		ssize_t r = off ? pread(fd, p + got, len - got, *off) :
			    read(fd, p + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
		if (off)
			*off += r;
	}
	sink_advance(s, got);
	return (int64_t)got;
}

/*
 * Whether a copy of @len bytes to @at could be a clone: both files at a
 * block boundary, at least a block, into a regular file, no compressor.
 */
static bool can_clone(const struct sink *s, int fd, const off_t *off,
		      uint64_t len, uint64_t at)
{
	off_t from;

	if (!s->block || s->z || s->copy != SINK_COPY_RANGE || len < s->block ||
	    at % s->block)
		return false;
	/* Only now ask where the input is: one system call fewer otherwise. */
	from = off ? *off : lseek(fd, 0, SEEK_CUR);
	return from >= 0 && (uint64_t)from % s->block == 0;
}

/*
 * Clone data before writing the bytes in front of it (and of its hole).
 * A write at the end of a file makes XFS reserve blocks past the end,
 * which a hole left behind would keep (as unwritten extents: space);
 * written after the clone, the same bytes are no longer at the end, and
 * reserve nothing.  Returns the bytes cloned, maybe fewer than @len (0
 * where the file system cannot): the caller copies the rest.
 */
static int64_t clone_first(struct sink *s, int fd, off_t *off, uint64_t len)
{
	uint64_t at = s->out_offset + s->len + s->gap, done = 0;
	int rc;

	if (lseek(s->fd, (off_t)at, SEEK_SET) < 0)
		return -errno;
	while (done < len) {
		uint64_t left = len - done;
		ssize_t r = copy_file_range(fd, off, s->fd, NULL,
					    left > (1u << 30) ? (1u << 30) : left, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += (uint64_t)r;
	}
	rc = write_all(s->fd, s->buf, s->len, (off_t)s->out_offset);
	if (rc)
		return rc;
	s->len = 0;
	s->gap = 0;
	s->out_offset = at + done;
	s->offset += done;
	return (int64_t)done;
}

int64_t sink_copy_fd(struct sink *s, int fd, off_t *off, uint64_t len)
{
	uint64_t at = s->out_offset + s->len + s->gap, tail = 0;
	int64_t done = 0, more;
	bool clone;
	int rc;

	/*
	 * A clone takes whole blocks; the last, partial one goes through the
	 * buffer, so the next header never lands in a block just cloned
	 * (which would read it back from the disk and unshare it).
	 */
	clone = can_clone(s, fd, off, len, at);
	if (clone)
		tail = len % s->block;
	if (clone && s->sparse && (s->len || s->gap)) {
		done = clone_first(s, fd, off, len - tail);
	} else {
		rc = sink_flush(s);
		if (rc)
			return rc;
	}
	if (done < 0)
		return done;
	more = copy_range(s, fd, off, len - tail - (uint64_t)done);
	if (more < 0)
		return more;
	done += more;
	if ((uint64_t)done < len - tail || !tail)
		return done;
	more = buffer_tail(s, fd, off, (size_t)tail);
	return more < 0 ? more : done + more;
}

int sink_begin_member(struct sink *s, const struct compression *c)
{
	int rc = sink_flush(s);

	if (s->discard) {
		/* A dry run cannot know a compressed member's size. */
		s->out_offset += cpio_pad(s->out_offset, 4);
		s->dry_compressed = c && c->method;
		s->offset = s->dry_compressed ? 0 : s->out_offset;
		return 0;
	}
	/* The kernel looks for the next member at a multiple of 4. */
	if (!rc)
		rc = sink_zeros(s, cpio_pad(s->out_offset, 4));
	if (!rc)
		rc = sink_flush(s);
	if (rc || !c || !c->method) {
		s->offset = s->out_offset;
		return rc;
	}
	s->z = calloc(1, sizeof(*s->z));
	if (!s->drain)
		s->drain = malloc(DRAIN_SIZE);
	if (!s->z || !s->drain)
		return -ENOMEM;
	/* A compressor that dies must be an error here, not a SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	s->zprog = compressor_program(c);
	s->zstart = s->out_offset;
	rc = compressor_start(s->z, c);
	if (rc) {
		free(s->z);
		s->z = NULL;
		s->zfail = Z_START;
		s->zcode = -rc;
		return -ECHILD;
	}
	fcntl(s->z->in, F_SETFL, O_NONBLOCK);
	/* A signal that ends us stops it first: see on_fatal_signal(). */
	signal_compressor = s->z->pid;
	arm_signals(false);
	s->offset = 0;
	return 0;
}

int sink_end_member(struct sink *s)
{
	int rc = sink_flush(s);

	if (s->discard) {
		if (!s->dry_compressed)
			s->out_offset = s->offset;
		return 0;
	}
	if (rc || !s->z) {
		s->offset = s->out_offset;
		return rc;
	}
	close(s->z->in);
	s->z->in = -1;
	while ((rc = drain_some(s)) > 0)
		;
	if (!rc && s->z->fixing)
		rc = -EPROTO;	/* it wrote less than its own header */
	if (rc) {
		/* Ours to report: what it says is about our end of its pipe. */
		reap_compressor(s, NULL, NULL, 0);
	} else {
		rc = compressor_end(s, false);
	}
	s->offset = s->out_offset;
	return rc;
}

/* @msg, then ": " and what the compressor said, if it said anything. */
static const char *with_messages(const struct sink *s, char *msg, size_t size)
{
	size_t len = strlen(msg);

	if (s->zmsg[0] && len < size)
		snprintf(msg + len, size - len, ": %s", s->zmsg);
	return msg;
}

const char *sink_error(const struct sink *s, int rc)
{
	static char msg[160 + sizeof(s->zmsg)];

	if (rc != -ECHILD)
		return strerror(-rc);
	switch (s->zfail) {
	case Z_START:
		snprintf(msg, sizeof(msg), "cannot run '%s': %s%s", s->zprog,
			 strerror(s->zcode),
			 s->zcode == ENOENT ? " (is it installed?)" : "");
		break;
	case Z_EXIT:
		snprintf(msg, sizeof(msg), "'%s' failed (exit status %d)",
			 s->zprog, s->zcode);
		break;
	case Z_SIGNAL:
		snprintf(msg, sizeof(msg), "'%s' was killed by signal %d (%s)",
			 s->zprog, s->zcode, strsignal(s->zcode));
		break;
	case Z_STOPPED:
		snprintf(msg, sizeof(msg), "'%s' stopped reading its input",
			 s->zprog);
		break;
	case Z_EMPTY:
		snprintf(msg, sizeof(msg), "'%s' wrote nothing", s->zprog);
		break;
	default:
		return strerror(-rc);
	}
	return with_messages(s, msg, sizeof(msg));
}

static int sync_dir_of(const char *path)
{
	char *d = strdup(path);
	int fd, rc = 0;

	if (!d)
		return -ENOMEM;
	fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd < 0)
		return -errno;
	if (fsync(fd) && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

/* The X's at the end of @tmp, made anew: letters and digits. */
static void fill_name(char *tmp)
{
	static const char digits[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static uint64_t state;
	char *x = tmp + strlen(tmp) - 6;
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	state ^= (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		 (uint64_t)getpid() << 44;
	for (i = 0; i < 6; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = digits[(state >> 33) % (sizeof(digits) - 1)];
	}
}

/* Link the unnamed file as @tmp: through /proc, else the descriptor. */
static int link_unnamed(int fd, const char *tmp)
{
	char proc[32];
	int err;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
		return 0;
	err = errno;
	/* /proc gone since the file was opened: AT_EMPTY_PATH, if allowed. */
	if (err == ENOENT && !linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH))
		return 0;
	return -err;
}

/*
 * Put the unnamed file in place of the target.  linkat() cannot replace
 * a file, so the file gets a hidden name beside the target first
 * (".<name>.XXXXXX"), which rename() then moves over it, atomically.
 * Between those two system calls the hidden name exists: a SIGKILL or a
 * crash just then leaves it behind; the window is two system calls, not
 * the whole build.  The signals we catch are held off meanwhile (one that
 * comes is taken once the image is in place), and a failed rename()
 * removes the name again.
 */
static int link_into_place(struct sink *s)
{
	char *tmp = tmp_path_for(s->path);
	int rc, tries = 0;
	sigset_t old;

	if (!tmp)
		return -ENOMEM;
	hold_signals(&old);
	do {
		fill_name(tmp);
		rc = link_unnamed(s->fd, tmp);
	} while (rc == -EEXIST && ++tries < 100);
	if (!rc && rename(tmp, s->path)) {
		rc = -errno;
		unlink(tmp);
	}
	if (!rc)
		disarm_signal_cleanup();
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return rc;
}

/* The temporary file, synced, takes the target's place. */
static int replace_target(struct sink *s)
{
	int rc = 0;

	if (s->unnamed) {
		/*
		 * Its descriptor is all there is of it until it is linked, so
		 * it is closed after: a close() that fails then (it reports
		 * delayed write errors, which fsync() has already had) fails
		 * the run with the image in place.
		 */
		rc = link_into_place(s);
		if (close(s->fd) && !rc)
			rc = -errno;
		s->fd = -1;
		return rc;
	}
	if (close(s->fd))
		rc = -errno;
	s->fd = -1;
	if (!rc && rename(s->tmp_path, s->path))
		rc = -errno;
	if (!rc)
		disarm_signal_cleanup();
	return rc;
}

int sink_commit(struct sink *s)
{
	int rc = sink_flush(s);

	free(s->drain);
	s->drain = NULL;
	/* A pipe or terminal cannot be synced (EINVAL); that is fine. */
	if (!rc && s->do_fsync && fsync(s->fd) && errno != EINVAL &&
	    errno != EROFS)
		rc = -errno;
	if (!s->tmp_path && !s->unnamed) {
		if (s->own_fd && close(s->fd) && !rc)
			rc = -errno;
		s->fd = -1;
		free(s->buf);
		s->buf = NULL;
		return rc;
	}
	if (rc)
		return rc;
	rc = replace_target(s);
	if (rc)
		return rc;
	s->unnamed = false;
	free(s->tmp_path);
	s->tmp_path = NULL;
	if (s->do_fsync)
		rc = sync_dir_of(s->path);
	free(s->path);
	s->path = NULL;
	free(s->buf);
	s->buf = NULL;
	return rc;
}

void sink_abort(struct sink *s)
{
	if (s->z)
		stop_compressor(s);
	free(s->drain);
	s->drain = NULL;
	if ((s->own_fd || s->unnamed) && s->fd >= 0)
		close(s->fd);	/* an unnamed file goes with it */
	s->unnamed = false;
	if (s->tmp_path) {
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		unlink(s->tmp_path);
	}
	disarm_signal_cleanup();
	free(s->tmp_path);
	s->tmp_path = NULL;
	free(s->path);
	s->path = NULL;
	free(s->buf);
	s->buf = NULL;
}
