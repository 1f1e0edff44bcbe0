// SPDX-License-Identifier: GPL-2.0
/*
 * cpio.c: encode newc/crc headers (see cpio.h).
 */
#include <string.h>

#include "cpio.h"

static char *put_hex8(char *p, uint32_t v)
{
	static const char digits[] = "0123456789ABCDEF";
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = digits[v & 0xF];
		v >>= 4;
	}
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
