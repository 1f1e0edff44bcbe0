/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CPIOREAD_H
#define CPIOREAD_H

/*
 * cpioread: an existing archive as a source of entries.
 *
 * The archive may be newc or crc, several members one after the other
 * (each ending with its trailer, as the kernel accepts them), and as a
 * whole compressed with gzip, zstd, xz, lzma, bzip2, lz4 (legacy format)
 * or lzop: the compression is recognised by its magic bytes and undone by
 * the external program (decompressor_start()) into an unnamed temporary
 * file, so memory stays small whatever the size.  The archive's data is
 * copied from there when the image is written; its entries keep their
 * modes, owners and mtimes; inode numbers are given anew by the writer,
 * and hard links stay links.
 *
 * The archive is walked by imgread, the reader of --list and --verify,
 * with this file as its visitor.  Archives come from anywhere: imgread
 * checks every header (magic, hex digits, a name that is NUL-terminated
 * and fits PATH_MAX, sizes within the file) and names the member and the
 * byte offset of a bad one.  What the kernel would take but a source may
 * not be is refused here: a member without its trailer, zeros before the
 * first header, a compressed member after a stored one, a symlink target
 * the kernel would skip, a device number beyond its dev_t.
 *
 * The opening and decompression are shared with the tar and OCI sources
 * (archive_open(), archive_plain(), decompress_range()), and so is the
 * window a tar's headers are read through (struct archive_reader).
 */

#include <stddef.h>

#include "lib/diag.h"
#include "depfile.h"
#include "entry.h"

/* The compression of data starting with @buf, or NULL if none known. */
const char *compression_of(const unsigned char *buf, size_t len);

/* True when @buf starts like an archive source: cpio, or compressed. */
int looks_like_archive(const unsigned char *buf, size_t len);

/* A window over an archive, so that headers cost no system call each. */
struct archive_reader {
	int fd;
	uint64_t size;		/* where the archive ends in the file */
	uint64_t start;		/* file offset of buf[0] */
	size_t len;
	unsigned char buf[65536];
};

/* Point *@p at @n bytes at @off (n <= sizeof(buf)); -1 past the end. */
int archive_reader_get(struct archive_reader *r, uint64_t off, size_t n,
		       const unsigned char **p);

/*
 * Open the archive @path, compressed or not: a descriptor of its plain
 * bytes (a compressed one is undone into an unnamed temporary file), or
 * -1 (reported through @d).
 */
int archive_open(const char *path, struct diag *d);

/* The same for the open file @fd (taken over), named @name in messages. */
int archive_plain(int fd, const char *name, struct diag *d);

/* An unnamed temporary file, gone once closed; -1 (reported at @what). */
int archive_tmpfile(const char *what, struct diag *d);

/*
 * Undo the compression of the @len bytes at @off of @in (a layer inside
 * an image, say) into an unnamed temporary file: its descriptor; -2 when
 * those bytes are not compressed; -1 on failure (reported, at @what).
 */
int decompress_range(int in, uint64_t off, uint64_t len, const char *what,
		     struct diag *d);

/*
 * Append the entries of the plain cpio archive open as @fd (named @path
 * in messages) to @out; their data is read from @fd, which the caller
 * keeps open until the image is written.  Returns 0, or -1 (reported).
 */
int cpioread_fd(const char *path, int fd, struct entry_list *out,
		struct diag *d);

/*
 * The same for the archive @path, compressed or not: *@fd receives the
 * descriptor the entries' data is read from, for the caller to close
 * once the image is written.
 */
int cpioread_source(const char *path, struct entry_list *out,
		    struct deplist *deps, int *fd, struct diag *d);

#endif
