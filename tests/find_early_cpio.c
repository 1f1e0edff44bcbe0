// SPDX-License-Identifier: GPL-2.0
/*
 * find_early_cpio: look for a file in an initrd the way the kernel's x86
 * early microcode loader does, for tests/members.t.
 *
 *	find_early_cpio IMAGE NAME
 *
 * prints "<data offset> <data size>" (decimal) of the first regular file
 * called exactly NAME and exits 0; exits 1, printing nothing, when there
 * is none; 2 on a usage or read error.
 *
 * The early loader runs before anything is decompressed, so it sees only
 * the uncompressed cpio at the start of the image: newc headers at 4-byte
 * aligned offsets, one after the other, across the members' trailers
 * (a trailer is just another entry to it), with zero padding between
 * members skipped.  The first thing that is neither zeros nor a newc
 * header (compressed data, say) ends the search.  Written from the format
 * description (Documentation/driver-api/early-userspace/buffer-format.rst)
 * and Documentation/arch/x86/microcode.rst.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN	110
#define FIELDS		13
#define F_MODE		1
#define F_FILESIZE	6
#define F_NAMESIZE	11

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Eight hex digits at @p into *@v; -1 if any is not a hex digit. */
static int hex8(const unsigned char *p, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 8; i++) {
		unsigned char c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *bigger;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		if (!n)
			break;
		*len += n;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int is_zero_word(const unsigned char *p)
{
	return !p[0] && !p[1] && !p[2] && !p[3];
}

int main(int argc, char **argv)
{
	size_t len, pos = 0, want;
	unsigned char *img;

	if (argc != 3) {
		fprintf(stderr, "usage: find_early_cpio IMAGE NAME\n");
		return 2;
	}
	img = slurp(argv[1], &len);
	if (!img) {
		perror(argv[1]);
		return 2;
	}
	want = strlen(argv[2]);
	while (pos + HEADER_LEN <= len) {
		uint32_t f[FIELDS];
		size_t name, data, next;
		int i;

		if (is_zero_word(img + pos)) {
			pos += 4;
			continue;
		}
		if (memcmp(img + pos, "070701", 6) &&
		    memcmp(img + pos, "070702", 6))
			break;			/* not cpio: the loader stops */
		for (i = 0; i < FIELDS; i++)
			if (hex8(img + pos + 6 + 8 * i, &f[i]))
				break;
		if (i < FIELDS || !f[F_NAMESIZE])
			break;
		name = pos + HEADER_LEN;
		data = align4(name + f[F_NAMESIZE]);
		next = align4(data + f[F_FILESIZE]);
		if (data > len || f[F_FILESIZE] > len - data)
			break;			/* truncated entry */
		/* The name is what precedes the first NUL in namesize bytes. */
		if ((f[F_MODE] & 0170000) == 0100000 &&
		    f[F_NAMESIZE] > want &&
		    !memcmp(img + name, argv[2], want) && !img[name + want]) {
			printf("%zu %lu\n", data, (unsigned long)f[F_FILESIZE]);
			free(img);
			return 0;
		}
		pos = next;
	}
	free(img);
	return 1;
}
