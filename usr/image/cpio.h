/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CPIO_H
#define CPIO_H

/*
 * cpio: the newc ("070701") and crc ("070702") header codec.
 *
 * The format, as the kernel's Documentation/driver-api/early-userspace/
 * buffer-format.rst and cpio(5) describe it: a 110-byte ASCII header (the
 * 6-byte magic, then 13 fields of 8 hexadecimal digits), the name with its
 * terminating NUL, zero padding so that the next thing starts at a
 * multiple of 4 bytes from the start of the archive, the data, and again
 * padding to 4.  The archive ends with an entry named "TRAILER!!!".
 *
 * This header is shared by everything that writes or reads archives, so
 * the layout rules live in one place.
 */

#include <stdint.h>

#define CPIO_HDR_LEN	110
#define CPIO_TRAILER	"TRAILER!!!"
/* The kernel's unpacker rejects names (with NUL) and symlinks beyond this. */
#define CPIO_PATH_MAX	4096
/* newc's 8 hex digits: sizes and times stop here. */
#define CPIO_FIELD_MAX	0xFFFFFFFFu
/*
 * Where x86's early loader looks for microcode, in an uncompressed member
 * at the start of the image (Documentation/arch/x86/microcode.rst).
 */
#define MICROCODE_DIR	"kernel/x86/microcode"

enum cpio_format {
	CPIO_NEWC,	/* "070701" */
	CPIO_CRC,	/* "070702": c_check holds the sum of the data bytes */
};

struct cpio_header {
	uint32_t ino;
	uint32_t mode;
	uint32_t uid;
	uint32_t gid;
	uint32_t nlink;
	uint32_t mtime;
	uint32_t filesize;
	uint32_t devmajor;
	uint32_t devminor;
	uint32_t rdevmajor;
	uint32_t rdevminor;
	uint32_t namesize;	/* with the NUL (and any alignment padding) */
	uint32_t check;
};

/* Format @h as the 110 header bytes, uppercase hex as the kernel writes. */
void cpio_encode_header(char out[CPIO_HDR_LEN], enum cpio_format fmt,
			const struct cpio_header *h);

/*
 * Parse the 110 header bytes at @in.  Returns 0, or -1 with *@bad naming
 * what is wrong ("magic", or the field with a non-hex digit).
 */
int cpio_decode_header(const char in[CPIO_HDR_LEN], enum cpio_format *fmt,
		       struct cpio_header *h, const char **bad);

/* Zero bytes needed after offset @off to reach a multiple of @align (2^n). */
static inline uint32_t cpio_pad(uint64_t off, uint32_t align)
{
	return (uint32_t)(-off & (align - 1));
}

#endif
