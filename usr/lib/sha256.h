/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SHA256_H
#define SHA256_H

/*
 * sha256: the SHA-256 digest (FIPS 180-4), for content hashes that users
 * can compare with sha256sum(1).  libc has none, and this is all --diff
 * needs: streaming updates and the final 32 bytes.
 */

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed */
	unsigned char block[64];
	size_t used;		/* bytes waiting in block */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
void sha256_final(struct sha256 *c, unsigned char out[32]);

#endif
