// SPDX-License-Identifier: GPL-2.0
/*
 * cpio_test.c: the newc/crc header codec (usr/image/cpio.c).
 *
 * The expected headers are written out by hand from the format
 * (buffer-format.rst): the magic, then ino, mode, uid, gid, nlink, mtime,
 * filesize, devmajor, devminor, rdevmajor, rdevminor, namesize and check,
 * each as 8 uppercase hexadecimal digits.
 */
#include <stdlib.h>

#include "image/cpio.h"
#include "tap.h"

static const struct cpio_header console = {
	.ino = 0x2d1, .mode = 020600, .uid = 0, .gid = 5, .nlink = 1,
	.mtime = 1700000000, .filesize = 0, .devmajor = 0, .devminor = 0,
	.rdevmajor = 5, .rdevminor = 1, .namesize = 12, .check = 0,
};

static const char console_newc[] =
	"070701" "000002D1" "00002180" "00000000" "00000005" "00000001"
	"6553F100" "00000000" "00000000" "00000000" "00000005" "00000001"
	"0000000C" "00000000";

static void test_encode(void)
{
	struct cpio_header all_ones;
	char out[CPIO_HDR_LEN];
	char want[CPIO_HDR_LEN + 1];
	int i;

	cpio_encode_header(out, CPIO_NEWC, &console);
	is_mem(out, console_newc, CPIO_HDR_LEN, "newc: /dev/console's header");

	memcpy(want, console_newc, sizeof(want));
	want[5] = '2';
	cpio_encode_header(out, CPIO_CRC, &console);
	is_mem(out, want, CPIO_HDR_LEN, "crc: the same fields after 070702");

	memset(&all_ones, 0xff, sizeof(all_ones));
	cpio_encode_header(out, CPIO_NEWC, &all_ones);
	memcpy(want, "070701", 6);
	for (i = 6; i < CPIO_HDR_LEN; i++)
		want[i] = 'F';
	is_mem(out, want, CPIO_HDR_LEN, "every field at its largest: FFFFFFFF");
}

static void test_decode(void)
{
	struct cpio_header h;
	enum cpio_format fmt = CPIO_CRC;
	const char *bad = NULL;
	char in[CPIO_HDR_LEN + 1];

	is_long(cpio_decode_header(console_newc, &fmt, &h, &bad), 0,
		"decode: a valid newc header");
	ok(fmt == CPIO_NEWC && !memcmp(&h, &console, sizeof(h)),
	   "decode: every field back as it was encoded");

	memcpy(in, console_newc, sizeof(in));
	in[5] = '7';
	is_long(cpio_decode_header(in, &fmt, &h, &bad), -1,
		"decode: magic 070707 (odc) is refused");
	is_str(bad, "magic", "decode: ... and named as the magic");

	memcpy(in, console_newc, sizeof(in));
	in[6 + 8 * 6 + 3] = 'g';
	is_long(cpio_decode_header(in, &fmt, &h, &bad), -1,
		"decode: a non-hex digit in a field is refused");
	ok(bad && strstr(bad, "filesize"),
	   "decode: ... naming the field (filesize): '%s'", bad ? bad : "");

	memcpy(in, console_newc, sizeof(in));
	in[6 + 6] = 'd';
	is_long(cpio_decode_header(in, &fmt, &h, &bad), 0,
		"decode: lowercase hex is hex too");
	is_long(h.ino, 0x2d1, "decode: ... with its value");
}

static void test_pad(void)
{
	is_long(cpio_pad(110 + 12, 4), 2, "pad: header and name of 12 to 124");
	is_long(cpio_pad(124, 4), 0, "pad: nothing at a multiple of 4");
	is_long(cpio_pad(4097, 4096), 4095, "pad: to 4096 (-a)");
	is_long(cpio_pad(0x100000001ULL, 4), 3, "pad: offsets past 4 GiB");
}

int main(void)
{
	test_encode();
	test_decode();
	test_pad();
	return tap_done();
}
