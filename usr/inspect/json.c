// SPDX-License-Identifier: GPL-2.0
/*
 * json.c: entries and members as JSON lines (json.h).
 */
#include <stdbool.h>
#include <sys/stat.h>

#include "json.h"

/* Length of the UTF-8 sequence at @s, or 0 when it is not one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	fputc('"', out);
	while (*s) {
		n = utf8_len(s);
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f || !n)
			fprintf(out, "\\u%04x", *s);
		else
			fwrite(s, 1, (size_t)n, out);
		s += n ? n : 1;
	}
	fputc('"', out);
}

static const char *type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "file";
	case S_IFDIR: return "dir";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "char";
	case S_IFBLK: return "block";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	}
	return "unknown";
}

int json_entry(FILE *out, const struct img_member *m,
	       const struct img_entry *e)
{
	const struct cpio_header *h = &e->h;
	uint32_t type = h->mode & S_IFMT;

	fprintf(out, "{\"member\":%u,\"offset\":%llu,\"name\":", m->index,
		(unsigned long long)e->offset);
	json_string(out, e->name);
	fprintf(out, ",\"type\":\"%s\",\"mode\":\"%04o\",\"nlink\":%u,\"uid\":%u,\"gid\":%u,\"size\":%u,\"mtime\":%u,\"ino\":%u",
		type_name(h->mode), h->mode & 07777, h->nlink, h->uid, h->gid,
		h->filesize, h->mtime, h->ino);
	if (type == S_IFLNK && e->target) {
		fputs(",\"target\":", out);
		json_string(out, e->target);
	}
	if (type == S_IFCHR || type == S_IFBLK)
		fprintf(out, ",\"rdev\":[%u,%u]", h->rdevmajor, h->rdevminor);
	fputs("}\n", out);
	return 0;
}

int json_member(FILE *out, const struct img_member *m)
{
	bool comp = m->comp != NULL;

	fprintf(out, "{\"member\":%u,\"offset\":%llu,\"length\":%llu,\"compression\":\"%s\",\"continued\":%s,\"format\":\"%s\",\"entries\":%llu,\"size\":%llu,\"trailer\":%s}\n",
		m->index,
		(unsigned long long)(comp ? m->comp_offset : m->offset),
		(unsigned long long)(comp ? m->comp_length : m->size),
		comp ? m->comp->name : "none", m->continued ? "true" : "false",
		m->fmt == CPIO_CRC ? "crc" : "newc",
		(unsigned long long)m->entries, (unsigned long long)m->size,
		m->trailer ? "true" : "false");
	return 0;
}
