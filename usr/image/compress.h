/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COMPRESS_H
#define COMPRESS_H

/*
 * compress: the compressions the kernel can unpack, done by their usual
 * programs.
 *
 * For each method: its name (as -z and `segment` spell it), the -o suffix
 * that implies it, the magic its streams start with, and the command
 * lines that compress and decompress through standard input and output.
 * Compression is made deterministic and readable by the kernel's own
 * decompressors: gzip without name and time (-n), xz with CRC32 checks, a
 * 1 MiB dictionary and one thread (as the kernel's build uses it), lz4 in
 * the legacy frame format (-l) the kernel reads, zstd single-threaded;
 * lzop, which writes the time into its header even for standard input,
 * has that time set to 0 and its header checksum fixed (compress.c).
 *
 * A compressor runs as a child process: the archive goes into its
 * standard input and its output is read back, both at once, by the
 * output's compressor stage (usr/out_compress.c).
 * Its standard error goes into memory (a memfd, which never fills up the
 * way a pipe would), read once it has ended: what it says is shown with
 * the error when it fails by itself, and not at all otherwise; above all
 * not when we stopped it (a build error, a signal), when all it could
 * say is that we went away ("gzip: stdout: Broken pipe").  It starts with
 * SIGPIPE at its default, whatever its parent does with it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct method {
	const char *name;
	const char *suffix;		/* of an output file that implies it */
	const char *magic;		/* magic_len bytes, NULs among them */
	size_t magic_len;
	int default_level;		/* with no level given: see compress.c */
	int min_level, max_level;
	uint64_t piece_size;		/* compressed apart (0: never cut) */
	const char *const *decompress;	/* argv */
};

/* A method and level, as -z gives them; method NULL: no compression. */
struct compression {
	const struct method *method;
	int level;
};

/* "gzip", "zstd:19", "none": 0, or -1 when not a method or level. */
int compression_parse(const char *arg, struct compression *c);

/* The method an output file's name implies, or NULL. */
const struct method *method_for_suffix(const char *path);

/* The method whose stream starts @buf, or NULL. */
const struct method *method_for_magic(const unsigned char *buf, size_t len);

/* "gzip -9" and the like, for messages. */
const char *compression_name(const struct compression *c);

/* A running compressor: write to @in, read from @out. */
struct compressor {
	const struct compression *c;
	pid_t pid;
	int in;
	int out;
	int in_read_end;	/* kept, to see what it left unread */
	int err;		/* its standard error, or -1: inherited */
	bool fixing;		/* lzop: header still being held back */
	size_t held;
	unsigned char header[512];
	char messages[256];	/* its standard error, once it has ended */
};

/* Where the compressor's (fixed) output goes. */
typedef int (*compressor_emit_fn)(void *ctx, const void *p, size_t n);

/* Start @c's program.  Returns 0, or -errno (ENOENT: not installed). */
int compressor_start(struct compressor *z, const struct compression *c);

/*
 * Pass @len bytes read back from the compressor to @emit, made
 * deterministic where its program is not (lzop's header time): bytes are
 * held back until the header is complete.  Returns what @emit returned,
 * or -EPROTO for output that does not start like the method's stream.
 */
int compressor_output(struct compressor *z, const unsigned char *buf,
		      size_t len, compressor_emit_fn emit, void *ctx);

/*
 * Wait for the compressor to end (its input must be closed).  Returns 0,
 * or a positive exit status, or -signal.  *@unread (if not NULL) is set
 * when it ended without reading all of its input.  What it wrote to its
 * standard error is then in z->messages: its lines joined by "; ", cut
 * short if need be, "" if nothing.
 */
int compressor_wait(struct compressor *z, bool *unread);

/* The program's name, for messages. */
const char *compressor_program(const struct compression *c);

/*
 * Decompression: the one way every reader runs a decompressor.  The
 * program reads a range of an open file: straight from the file when the
 * range runs to its end, else through a pipe from a child that copies
 * exactly the range (the feeder).  Its output goes into a pipe the caller
 * reads (streaming), or into a file the caller gives (an unlinked one from
 * decompressed_file(), or /dev/null to learn only whether it succeeds).
 */
struct decompressor {
	const struct method *m;
	pid_t pid;
	pid_t feeder;		/* copies the range to it; 0: none */
	int out;		/* the read end of its output pipe, or -1 */
};

enum decompressor_flags {
	DEC_QUIET = 1 << 0,	/* its standard error to /dev/null */
	/* Stop at the end of the first stream where the program can
	   (lzma: xz --single-stream), as more members may follow. */
	DEC_ONE_STREAM = 1 << 1,
};

/*
 * Start @m's decompressor on [@from, @to) of @fd, writing to @out, or,
 * when @out is -1, to a pipe whose read end is z->out.  Returns 0, or
 * -errno (ENOENT: the program is not installed); nothing is left running.
 */
int decompressor_start(struct decompressor *z, const struct method *m,
		       int fd, uint64_t from, uint64_t to, int out,
		       unsigned int flags);

/*
 * Wait for the decompressor and its feeder; the program's wait status.
 * A caller that stops reading early closes z->out first, which stops it.
 */
int decompressor_wait(struct decompressor *z);

/*
 * An unlinked file in $TMPDIR (or /tmp) for decompressed data: nothing is
 * left behind whatever happens.  Its descriptor, or -1 with errno; *@dir
 * names the directory, for messages.
 */
int decompressed_file(const char **dir);

#endif
