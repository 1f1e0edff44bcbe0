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
 */

#include <stddef.h>

#include "lib/diag.h"
#include "depfile.h"
#include "entry.h"

/* The compression of data starting with @buf, or NULL if none known. */
const char *compression_of(const unsigned char *buf, size_t len);

/* True when @buf starts like an archive source: cpio, or compressed. */
int looks_like_archive(const unsigned char *buf, size_t len);

/*
 * Append the entries of the archive @path to @out.  *@fd receives the
 * descriptor the entries' data is read from; the caller closes it once
 * the image is written.  Returns 0, or -1 (reported through @d).
 */
int cpioread_source(const char *path, struct entry_list *out,
		    struct deplist *deps, int *fd, struct diag *d);

#endif
