// SPDX-License-Identifier: GPL-2.0
/*
 * cpio.c: encode newc/crc headers (see cpio.h).
 */
#include <endian.h>
#include <string.h>

#include "lib/array.h"
#include "cpio.h"

/*
 * Eight upper-case hex digits, all at once: spread the nibbles of @v into
 * the bytes of a 64-bit word (the first digit in the top byte), turn each
 * into its ASCII digit, and store the word big-endian.  Headers of trees
 * with tens of thousands of small files are written fast enough that a
 * digit at a time showed in profiles.
 */
static inline char *put_hex8(char *p, uint32_t v)
{
	uint64_t x = v, over9;

	x = (x & 0xFFFF0000ull) << 16 | (x & 0x0000FFFFull);
	x = (x & 0x0000FF000000FF00ull) << 8 | (x & 0x000000FF000000FFull);
	x = (x & 0x00F000F000F000F0ull) << 4 | (x & 0x000F000F000F000Full);
	/* 1 in each byte whose nibble is 10..15: those skip ':' to '@'. */
	over9 = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
	x += 0x3030303030303030ull + over9 * 7;
	x = htobe64(x);
	memcpy(p, &x, 8);
	return p + 8;
}

void cpio_encode_header(char out[CPIO_HDR_LEN], enum cpio_format fmt,
			const struct cpio_header *h)
{
	char *p = out;

	memcpy(p, fmt == CPIO_CRC ? "070702" : "070701", 6);
	p += 6;
	p = put_hex8(p, h->ino);
	p = put_hex8(p, h->mode);
	p = put_hex8(p, h->uid);
	p = put_hex8(p, h->gid);
	p = put_hex8(p, h->nlink);
	p = put_hex8(p, h->mtime);
	p = put_hex8(p, h->filesize);
	p = put_hex8(p, h->devmajor);
	p = put_hex8(p, h->devminor);
	p = put_hex8(p, h->rdevmajor);
	p = put_hex8(p, h->rdevminor);
	p = put_hex8(p, h->namesize);
	put_hex8(p, h->check);
}

static const char *const field_names[] = {
	"c_ino", "c_mode", "c_uid", "c_gid", "c_nlink", "c_mtime",
	"c_filesize", "c_devmajor", "c_devminor", "c_rdevmajor",
	"c_rdevminor", "c_namesize", "c_check",
};

static int get_hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint32_t)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (uint32_t)(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint32_t)(c - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

int cpio_decode_header(const char in[CPIO_HDR_LEN], enum cpio_format *fmt,
		       struct cpio_header *h, const char **bad)
{
	uint32_t *fields[] = {
		&h->ino, &h->mode, &h->uid, &h->gid, &h->nlink, &h->mtime,
		&h->filesize, &h->devmajor, &h->devminor, &h->rdevmajor,
		&h->rdevminor, &h->namesize, &h->check,
	};
	size_t i;

	if (!memcmp(in, "070701", 6)) {
		*fmt = CPIO_NEWC;
	} else if (!memcmp(in, "070702", 6)) {
		*fmt = CPIO_CRC;
	} else {
		*bad = "magic";
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (get_hex8(in + 6 + 8 * i, fields[i])) {
			*bad = field_names[i];
			return -1;
		}
	}
	return 0;
}
