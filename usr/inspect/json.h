/* SPDX-License-Identifier: GPL-2.0 */
#ifndef JSON_H
#define JSON_H

/*
 * json: --json, one JSON object a line (JSON lines), for pipelines.
 *
 * --list -v --json, an entry:
 *   {"member":1,"offset":0,"name":"bin","type":"dir","mode":"0755",
 *    "nlink":2,"uid":0,"gid":0,"size":0,"mtime":1700000000,"ino":721}
 * plus "target" for a symlink and "rdev":[major,minor] for a device.
 * "offset" is the header's, in the member's image or decompressed bytes;
 * "type" is one of file, dir, symlink, char, block, fifo, socket, unknown.
 *
 * --examine --json, a member:
 *   {"member":1,"offset":0,"length":512,"compression":"none",
 *    "continued":false,"format":"newc","entries":3,"size":512,
 *    "trailer":true}
 * "offset" and "length" are of the compressed stream in the image for a
 * compressed member (a member that shares the stream before it says
 * "continued":true), of the cpio bytes for a stored one; "size" is the
 * member's uncompressed bytes.
 *
 * Strings are escaped as JSON needs (", \, control characters as \uXXXX);
 * bytes that are not UTF-8 are written as \u00XX of their value.
 */

#include <stdio.h>

#include "image/imgread.h"

int json_entry(FILE *out, const struct img_member *m,
	       const struct img_entry *e);
int json_member(FILE *out, const struct img_member *m);

#endif
