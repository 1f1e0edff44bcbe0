/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IMGREAD_H
#define IMGREAD_H

/*
 * imgread: walk an existing image the way the kernel's unpacker does.
 *
 * An initrd is a sequence of members: cpio archives, each ending with its
 * TRAILER!!! entry, possibly separated by zero bytes, and compressed
 * streams, whose decompressed bytes are again such a sequence.  The
 * kernel (init/initramfs.c, unpack_to_rootfs) looks at each position:
 * zeros are skipped, "07070" at a multiple of 4 starts a cpio member,
 * anything else must be the magic of a compression it was built with.
 *
 * img_scan() follows the same rules and hands every member and every
 * entry to a visitor, in order, without keeping the image in memory:
 * an uncompressed image is read through one buffer, a compressed part is
 * decompressed by the external program (gzip, zstd, xz, lzma, bzip2, lz4
 * legacy, lzop) through a pipe (decompressor_start(), compress.h).  The
 * data of each entry is offered to the visitor, who may read it
 * (img_read_data) or leave it to be skipped.  It is the one cpio reader:
 * archive sources (usr/cpioread.c), --list, --examine, --verify,
 * --extract and --diff are its visitors.
 *
 * The input may be anything: every header is checked (magic, hex digits,
 * a name size within 1..4096 with the NUL where it belongs, data that
 * fits the input) before it is used, and a bad one stops the scan with an
 * error naming the member and the byte offset.  Memory stays bounded by
 * the buffer, whatever the header says.
 *
 * What the kernel would skip without a word (a symlink target beyond
 * 4096 bytes, data on a directory) is not an error here: the entry is
 * handed over as it is and the visitors decide (verify.c warns).
 *
 * Where a compressed stream ends is known only to its decompressor.  zstd
 * and lz4 (legacy) streams say it in their framing, so members may follow
 * them; gzip, xz, bzip2, lzop and lzma streams are taken to run to the end
 * of the image: their programs read concatenated streams of their own
 * kind (so `segment gzip` members each show up), but a member of another
 * kind after one of them is reported as the decompressor's failure, or,
 * after bzip2 and lzma, whose programs stop quietly, not seen at all.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "compress.h"
#include "cpio.h"

struct img_member {
	unsigned int index;		/* 1, 2, ... in image order */
	const struct method *comp;	/* NULL: stored as it is */
	uint64_t comp_offset;		/* image offset of its compressed stream */
	uint64_t comp_length;		/* bytes of that stream in the image */
	bool continued;			/* shares that stream with the previous */
	uint64_t offset;		/* of its first header: in the image, or in
					   the decompressed stream */
	uint64_t size;			/* bytes up to the end of its trailer */
	enum cpio_format fmt;		/* of its first header */
	uint64_t entries;		/* headers, the trailer not counted */
	bool trailer;			/* ended with TRAILER!!! */
};

struct img_entry {
	struct cpio_header h;
	enum cpio_format fmt;
	const char *name;		/* NUL-terminated, h.namesize - 1 bytes
					   at most (padding NULs after it) */
	uint64_t offset;		/* of the header, like img_member.offset */
	uint64_t data_offset;
	/* Symlinks only: the target, read up to 4096 bytes (else NULL). */
	const char *target;
};

struct img_scan;

/*
 * A directory entry with a padded name is an alignment filler: gen_init_cpio
 * -a repeats a directory (same mode, owner, mtime) to move the next file's
 * data to an aligned offset when that file's own name field could not
 * hold the padding.  Readers treat it as the directory seen before.
 */
static inline bool img_is_filler(const struct img_entry *e)
{
	return (e->h.mode & 0170000) == 0040000 &&
	       e->h.namesize > __builtin_strlen(e->name) + 1;
}

struct img_visitor {
	/* Each returns 0 to go on, or -1 to stop the scan (after reporting). */
	int (*member_begin)(void *ctx, struct img_scan *s,
			    const struct img_member *m);
	int (*entry)(void *ctx, struct img_scan *s, const struct img_member *m,
		     const struct img_entry *e);
	int (*member_end)(void *ctx, struct img_scan *s,
			  const struct img_member *m);
	void *ctx;
};

enum img_flags {
	/* Treat compressed parts as opaque: report them, do not run anything
	   (fuzzing, and --examine on a machine without the program). */
	IMG_NO_DECOMPRESS = 1 << 0,
};

/*
 * Walk the image at @path (the name used in messages); problems go to @d.
 * Returns 0, -1 after an error in the image or a system call, or what a
 * visitor returned.
 */
int img_scan_path(const char *path, const struct img_visitor *v,
		  unsigned int flags, struct diag *d);

/* The same for an open descriptor of a regular file, read from offset 0. */
int img_scan_fd(int fd, const char *path, const struct img_visitor *v,
		unsigned int flags, struct diag *d);

/*
 * A spool keeps what the decompressors gave during one scan, so that the
 * next scan of the same image reads that instead of running them again:
 * the first img_scan_spooled() writes the decompressed bytes of every
 * compressed part into one unlinked file in $TMPDIR (or /tmp), whole
 * blocks of zeros left as holes; every later one reads them back.
 */
struct img_spool;

struct img_spool *img_spool_new(void);
void img_spool_free(struct img_spool *sp);
int img_scan_spooled(const char *path, const struct img_visitor *v,
		     struct img_spool *sp, struct diag *d);

/*
 * Writing a file that ends at @pos (a new file: 0) from @pos on, at
 * increasing offsets, leaving whole blocks of zeros unwritten: holes read
 * back as zeros and take no space.  The spool writes so, and so does
 * --extract.  Each returns 0, or -1 with errno.
 */
#define IMG_SPARSE_MAX_BLOCK 65536

struct img_sparse {
	int fd;
	uint64_t pos;		/* where the next byte goes */
	uint64_t size;		/* the file's size: written up to here */
	uint32_t block;		/* st_blksize: the hole granularity */
	size_t held;		/* bytes of an unfinished block, before pos */
	unsigned char hold[IMG_SPARSE_MAX_BLOCK];
};

int img_sparse_start(struct img_sparse *w, int fd, uint64_t pos);
int img_sparse_write(struct img_sparse *w, const void *buf, size_t n);
/* The file's size up to pos (holes at the end), with ftruncate(). */
int img_sparse_finish(struct img_sparse *w);

/*
 * Up to @n bytes of the current entry's data into @buf; 0 at its end,
 * -1 on error (reported: the input ended early, or a read failed).
 */
long img_read_data(struct img_scan *s, void *buf, unsigned long n);

/*
 * The crc format's c_check of the rest of the current entry's data: the
 * sum of its bytes, mod 2^32, into *@sum.  0, or -1 (reported).
 */
int img_data_sum(struct img_scan *s, uint32_t *sum);

/*
 * Where the current entry is, for a visitor's own messages: "<image>:
 * member N" plus ", <method> data" when it came out of a compressed stream.
 * The offset to print is the entry's.
 */
const char *img_where(const struct img_scan *s);

/* The diagnostics of the scan, for visitors to report through. */
struct diag *img_diag(struct img_scan *s);

/*
 * Report a problem with entry @e, at its header: "<where>: offset N:
 * error|warning: '<name>': <message>".  Returns -1 for an error, else 0.
 */
__attribute__((format(printf, 4, 5)))
int img_entry_report(struct img_scan *s, const struct img_entry *e,
		      bool is_error, const char *fmt, ...);

#endif
