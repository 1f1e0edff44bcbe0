// SPDX-License-Identifier: GPL-2.0
/*
 * compress.c: compression methods, compressor and decompressor processes
 * (compress.h).
 */
/*
 * pipe2(), memfd_create(), F_SETPIPE_SZ, O_TMPFILE, mkostemp(), environ:
 * GNU and Linux, beyond POSIX.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compress.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * The default levels are what a user who only names an output (-o
 * initrd.zst) should wait for: each no slower than twice the command
 * initramfs-tools runs for its method on the same bytes, measured by
 * scripts/bench (the level table in README.md).  The kernel build's own,
 * stronger levels are one ":<level>" away (gzip:9, zstd:22, lzma:9).
 *
 * The piece size is how much of the archive one compressor process
 * gets: the output is a sequence of compressed members, cut at the first
 * entry boundary at least this far into each (see usr/out_compress.c),
 * so that pieces compress in parallel.  Each is at least a few times the
 * method's window, where a cut costs next to nothing (gzip's 32 KiB,
 * xz's 1 MiB dictionary): on the Debian initrd tree the cuts cost 0.03%
 * for gzip -9, 0.2% for xz and 1.3% for zstd -19, whose 8 MiB window is
 * the piece.  lzma and lzo are never cut (0): the kernel would unpack the
 * pieces, but their programs do not read a sequence back (xz
 * --format=lzma stops after the first stream, lzop calls it a multipart
 * archive and fails), and `xz -dc initrd.lzma | cpio -t` must still work.
 */
#define MiB (1024 * 1024)
static const struct method methods[] = {
	{ "gzip", ".gz", "\x1f\x8b", 2, 6, 1, 9, 4 * MiB,
	  ARGV("gzip", "-dc") },
	{ "zstd", ".zst", "\x28\xb5\x2f\xfd", 4, 2, 1, 22, 8 * MiB,
	  ARGV("zstd", "-dcq") },
	{ "xz", ".xz", "\xfd" "7zXZ\0", 6, 6, 0, 9, 8 * MiB,
	  ARGV("xz", "-dc") },
	{ "lzma", ".lzma", "\x5d\0\0", 3, 6, 0, 9, 0,
	  ARGV("xz", "--format=lzma", "-dc") },
	{ "bzip2", ".bz2", "BZh", 3, 9, 1, 9, 4 * MiB,
	  ARGV("bzip2", "-dc") },
	{ "lz4", ".lz4", "\x02\x21\x4c\x18", 4, 9, 1, 12, 4 * MiB,
	  ARGV("lz4", "-dc") },
	{ "lzo", ".lzo", "\x89" "LZO\0\r\n\x1a\n", 9,
	  3, 1, 9, 0, ARGV("lzop", "-dc") },
};

#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

static const struct method *method_named(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_METHODS; i++)
		if (strlen(methods[i].name) == len &&
		    !strncmp(methods[i].name, name, len))
			return &methods[i];
	return NULL;
}

int compression_parse(const char *arg, struct compression *c)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : strlen(arg);
	char *end;
	long level;

	if (len == 4 && !strncmp(arg, "none", 4) && !colon) {
		c->method = NULL;
		c->level = 0;
		return 0;
	}
	c->method = method_named(arg, len);
	if (!c->method)
		return -1;
	c->level = c->method->default_level;
	if (!colon)
		return 0;
	/* Digits only: no sign, no blanks. */
	if (colon[1] < '0' || colon[1] > '9')
		return -1;
	errno = 0;
	level = strtol(colon + 1, &end, 10);
	if (*end || errno || level < c->method->min_level ||
	    level > c->method->max_level)
		return -1;
	c->level = (int)level;
	return 0;
}

const struct method *method_for_suffix(const char *path)
{
	size_t len = strlen(path), i;

	for (i = 0; i < N_METHODS; i++) {
		size_t n = strlen(methods[i].suffix);

		if (len > n && !strcmp(path + len - n, methods[i].suffix))
			return &methods[i];
	}
	return NULL;
}

const struct method *method_for_magic(const unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < N_METHODS; i++)
		if (len >= methods[i].magic_len &&
		    !memcmp(buf, methods[i].magic, methods[i].magic_len))
			return &methods[i];
	return NULL;
}

const char *compressor_program(const struct compression *c)
{
	const char *name = c->method->name;

	if (!strcmp(name, "lzma"))
		return "xz";
	if (!strcmp(name, "lzo"))
		return "lzop";
	return name;
}

const char *compression_name(const struct compression *c)
{
	static char buf[32];

	if (!c->method)
		return "none";
	snprintf(buf, sizeof(buf), "%s -%d", c->method->name, c->level);
	return buf;
}

/*
 * The command line for @c, in @argv (room for 10).  Each asks for one
 * thread where the program could use more, so that the bytes never depend
 * on the machine.
 */
static void compress_argv(const struct compression *c, char level[16],
			  char xz_opt[48], const char **argv)
{
	const char *name = c->method->name;
	int n = 0;

	snprintf(level, 16, "-%d", c->level);
	argv[n++] = compressor_program(c);
	argv[n++] = "-c";
	if (!strcmp(name, "gzip")) {
		argv[n++] = "-n";
		argv[n++] = level;
	} else if (!strcmp(name, "zstd")) {
		argv[n++] = "-q";
		argv[n++] = "-T1";
		argv[n++] = level;
		if (c->level > 19)
			argv[n++] = "--ultra";
	} else if (!strcmp(name, "xz")) {
		/* The kernel's own choice: CRC32 and a 1 MiB dictionary. */
		snprintf(xz_opt, 48, "--lzma2=preset=%d,dict=1MiB", c->level);
		argv[n++] = "--check=crc32";
		argv[n++] = "-T1";
		argv[n++] = xz_opt;
	} else if (!strcmp(name, "lzma")) {
		argv[n++] = "--format=lzma";
		argv[n++] = "-T1";
		argv[n++] = level;
	} else if (!strcmp(name, "lz4")) {
		argv[n++] = "-l";	/* the legacy frame, the kernel's */
		argv[n++] = level;
	} else if (!strcmp(name, "lzo")) {
		argv[n++] = "--no-name";
		argv[n++] = "--no-mode";
		argv[n++] = level;
	} else {
		argv[n++] = level;
	}
	argv[n] = NULL;
}

/*
 * The environment for a compressor: ours, less the variables through which
 * these programs take options (GZIP=--rsyncable, XZ_OPT=-e, ...), which
 * would make the bytes depend on the caller's environment.
 */
static char **compressor_environ(void)
{
	static const char *const drop[] = {
		"GZIP=", "XZ_OPT=", "XZ_DEFAULTS=", "BZIP=", "BZIP2=", "LZOP=",
		"ZSTD_CLEVEL=", "ZSTD_NBTHREADS=", "LZ4_CLEVEL=",
	};
	size_t n = 0, k = 0, i;
	char **env;

	while (environ[n])
		n++;
	env = malloc((n + 1) * sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < sizeof(drop) / sizeof(drop[0]); j++)
			if (!strncmp(environ[i], drop[j], strlen(drop[j])))
				break;
		if (j == sizeof(drop) / sizeof(drop[0]))
			env[k++] = environ[i];
	}
	env[k] = NULL;
	return env;
}

/*
 * Where the compressor's standard error goes: memory, read when it has
 * ended.  A pipe would need serving in the feeding loop, or fill up and
 * stall it.  Where memfd_create() is refused, -1: it inherits ours.
 */
static int messages_fd(void)
{
	return memfd_create("compressor-stderr", MFD_CLOEXEC);
}

/*
 * How the compressor starts: its standard streams, and SIGPIPE at its
 * default, as its parent may ignore it (a child inherits that), and a
 * compressor that ignores it complains of a broken pipe instead of
 * dying quietly when we stop reading.
 */
static int spawn(struct compressor *z, const char *const *argv, char **env,
		 int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (z->err >= 0)
		posix_spawn_file_actions_adddup2(&fa, z->err, 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(&z->pid, argv[0], &fa, &attr, (char *const *)argv,
			  env);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static void close_pipe(int p[2])
{
	close(p[0]);
	close(p[1]);
}

int compressor_start(struct compressor *z, const struct compression *c)
{
	char level[16], xz_opt[48];
	const char *argv[10];
	int in[2], out[2], rc;
	char **env = compressor_environ();

	memset(z, 0, sizeof(*z));
	z->c = c;
	z->in = z->out = z->in_read_end = z->err = -1;
	if (!env)
		return -ENOMEM;
	z->fixing = !strcmp(c->method->name, "lzo");
	if (pipe2(in, O_CLOEXEC)) {
		free(env);
		return -errno;
	}
	if (pipe2(out, O_CLOEXEC)) {
		rc = -errno;
		close_pipe(in);
		free(env);
		return rc;
	}
	z->err = messages_fd();
	compress_argv(c, level, xz_opt, argv);
	rc = spawn(z, argv, env, in[0], out[1]);
	free(env);
	close(out[1]);
	if (rc) {
		close_pipe(in);
		close(out[0]);
		if (z->err >= 0)
			close(z->err);
		z->err = -1;
		return -rc;
	}
	/*
	 * Keeping the read end of its input tells, once it has exited,
	 * whether it left input unread.  Its death still shows: its output
	 * ends, which the feeding loop watches.
	 */
	z->in_read_end = in[0];
	z->in = in[1];
	z->out = out[0];
	return 0;
}

static uint32_t adler32(const unsigned char *p, size_t n)
{
	uint32_t a = 1, b = 0;

	while (n--) {
		a = (a + *p++) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static uint32_t get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/*
 * lzop's file header (lzop 1.x, version >= 0x0940): magic[9], version,
 * library version, version needed (16 bits each), method, level, flags
 * (32), a filter (32, if flags & 0x800), mode, mtime low, mtime high (32
 * each), the name's length and the name, and the Adler-32 of everything
 * after the magic (CRC-32 if flags & 0x1000, which lzop does not set by
 * default).  Returns the header's length once @n bytes hold all of it, 0
 * while more are needed, -1 if it is not such a header.
 */
static long lzop_header_len(const unsigned char *h, size_t n)
{
	size_t at = 9 + 2 + 2 + 2 + 1 + 1;	/* up to the flags */

	if (n < at + 4)
		return 0;
	if (get_be32(h + 9) >> 16 < 0x0940 || (get_be32(h + at) & 0x1000))
		return -1;
	at += 4 + ((get_be32(h + at) & 0x800) ? 4 : 0);
	at += 4 + 4 + 4;			/* mode, mtime low and high */
	if (n < at + 1)
		return 0;
	at += 1 + h[at] + 4;
	return n < at ? 0 : (long)at;
}

/* Zero lzop's mtime and fix the header checksum. */
static void lzop_fix_header(unsigned char *h, size_t len)
{
	size_t mtime = 9 + 2 + 2 + 2 + 1 + 1 + 4 +
		       ((get_be32(h + 17) & 0x800) ? 4 : 0) + 4;

	memset(h + mtime, 0, 8);
	put_be32(h + len - 4, adler32(h + 9, len - 9 - 4));
}

int compressor_output(struct compressor *z, const unsigned char *buf,
		      size_t len, compressor_emit_fn emit, void *ctx)
{
	size_t take;
	long hlen;
	int rc;

	if (!z->fixing)
		return emit(ctx, buf, len);
	take = sizeof(z->header) - z->held < len ?
	       sizeof(z->header) - z->held : len;
	memcpy(z->header + z->held, buf, take);
	z->held += take;
	hlen = lzop_header_len(z->header, z->held);
	if (hlen < 0 || (!hlen && z->held == sizeof(z->header)))
		return -EPROTO;
	if (!hlen)
		return 0;
	lzop_fix_header(z->header, (size_t)hlen);
	z->fixing = false;
	rc = emit(ctx, z->header, z->held);
	return rc ? rc : emit(ctx, buf + take, len - take);
}

/*
 * The compressor's standard error, as one line: its lines joined by
 * "; ", blank ones left out, cut short with "..." where it is long.
 */
static void read_messages(struct compressor *z)
{
	char buf[sizeof(z->messages)], *m = z->messages;
	size_t room = sizeof(z->messages) - 4, len = 0;
	ssize_t r = pread(z->err, buf, sizeof(buf), 0), i;
	bool line_start = true;

	for (i = 0; i < r; i++) {
		bool sep = line_start && len;

		if (buf[i] == '\n') {
			line_start = true;
			continue;
		}
		if (len + (sep ? 3 : 1) > room) {
			memcpy(m + len, "...", 3);
			len += 3;
			break;
		}
		if (sep) {
			m[len++] = ';';
			m[len++] = ' ';
		}
		line_start = false;
		m[len++] = buf[i];
	}
	m[len] = '\0';
}

int compressor_wait(struct compressor *z, bool *unread)
{
	int status, left = 0;

	if (z->in >= 0)
		close(z->in);
	if (z->out >= 0)
		close(z->out);
	z->in = z->out = -1;
	while (waitpid(z->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -SIGCHLD;
	if (z->in_read_end >= 0) {
		if (ioctl(z->in_read_end, FIONREAD, &left))
			left = 0;
		close(z->in_read_end);
		z->in_read_end = -1;
	}
	z->messages[0] = '\0';
	if (z->err >= 0) {
		read_messages(z);
		close(z->err);
		z->err = -1;
	}
	if (unread)
		*unread = left > 0;
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* --- decompressors -------------------------------------------------------- */

int decompressed_file(const char **dir)
{
	char path[4096];
	int fd;

	*dir = getenv("TMPDIR");
	if (!*dir || !**dir)
		*dir = "/tmp";
	fd = open(*dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	if (snprintf(path, sizeof(path), "%s/gen_init_cpio.XXXXXX", *dir) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/*
 * The decompressor's command line.  lzma's stream has an end marker but
 * xz calls what follows it corrupt data, unless told to stop there.
 */
static char *const *decompress_argv(const struct method *m,
				    unsigned int flags)
{
	static const char *const lzma[] = {
		"xz", "--format=lzma", "--single-stream", "-dc", NULL,
	};

	if ((flags & DEC_ONE_STREAM) && !strcmp(m->name, "lzma"))
		return (char *const *)lzma;
	return (char *const *)m->decompress;
}

/*
 * Copy [@from, @to) of @fd into the pipe @feed, in a child process (the
 * feeder).  It keeps no read end of that pipe open: when the program
 * stops reading, its writes fail and it ends.
 */
static pid_t start_feeder(int fd, uint64_t from, uint64_t to, int feed[2])
{
	static char buf[65536];
	pid_t pid = fork();
	int out = feed[1];

	if (pid)
		return pid;
	close(feed[0]);
	while (from < to) {
		size_t n = to - from < sizeof(buf) ? (size_t)(to - from) :
			   sizeof(buf);
		ssize_t got = pread(fd, buf, n, (off_t)from);
		size_t done = 0;

		if (got <= 0)
			_exit(1);
		while (done < (size_t)got) {
			ssize_t put = write(out, buf + done, (size_t)got - done);

			if (put <= 0)
				_exit(1);
			done += (size_t)put;
		}
		from += (uint64_t)got;
	}
	_exit(0);
}

/*
 * Its standard input: a stream that runs to the end of the file is read
 * by the program straight from it; one that stops earlier (more follows)
 * is copied to it exactly by a child process, through a pipe.
 */
static int decompressor_input(struct decompressor *z, int fd, uint64_t from,
			      uint64_t to, int feed[2])
{
	struct stat st;

	feed[0] = feed[1] = -1;
	if (!fstat(fd, &st) && to >= (uint64_t)st.st_size &&
	    lseek(fd, (off_t)from, SEEK_SET) == (off_t)from)
		return fd;
	if (pipe2(feed, O_CLOEXEC))
		return -1;
	z->feeder = start_feeder(fd, from, to, feed);
	return z->feeder < 0 ? -1 : feed[0];
}

int decompressor_start(struct decompressor *z, const struct method *m,
		       int fd, uint64_t from, uint64_t to, int out,
		       unsigned int flags)
{
	posix_spawn_file_actions_t fa;
	int feed[2], dec[2] = { -1, -1 }, in, rc;

	*z = (struct decompressor){ .m = m, .pid = -1, .out = -1 };
	/* The feeder first: it should hold no end of the output pipe. */
	in = decompressor_input(z, fd, from, to, feed);
	rc = in < 0 ? errno : 0;
	if (!rc && out < 0) {
		if (pipe2(dec, O_CLOEXEC))
			rc = errno;
		/* A larger pipe: fewer wakeups of both sides (best effort). */
		else
			fcntl(dec[0], F_SETPIPE_SZ, 1 << 20);
		out = dec[1];
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (flags & DEC_QUIET)
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (!rc)
		rc = posix_spawnp(&z->pid, m->decompress[0], &fa, NULL,
				  decompress_argv(m, flags), environ);
	posix_spawn_file_actions_destroy(&fa);
	if (feed[0] >= 0)
		close_pipe(feed);
	if (dec[1] >= 0)
		close(dec[1]);
	if (rc) {
		z->pid = -1;
		if (dec[0] >= 0)
			close(dec[0]);
		decompressor_wait(z);
		return -rc;
	}
	z->out = dec[0];
	return 0;
}

static int reap(pid_t pid)
{
	int status = 0;

	if (pid <= 0)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	return status;
}

int decompressor_wait(struct decompressor *z)
{
	int status = reap(z->pid);

	reap(z->feeder);
	z->pid = z->feeder = -1;
	return status;
}
