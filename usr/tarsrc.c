// SPDX-License-Identifier: GPL-2.0
/*
 * tarsrc.c: tar archives as sources (see tarsrc.h).
 *
 * The formats, from POSIX.1-2001 (pax, ustar) and GNU tar's manual: a
 * member is a 512-byte header, then its data padded to 512 bytes; pax
 * 'x' and 'g' headers and GNU 'L'/'K' headers come before the member
 * they describe and give its long name, link name, large numbers; two
 * zero blocks end the archive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/pathmap.h"
#include "image/cpio.h"
#include "cpioread.h"
#include "tarsrc.h"

#define BLOCK 512
#define PAX_MAX (16u << 20)	/* a pax header is a few records: 16 MiB is bad */
#define GNU_NAME_MAX 65536u

/* A numeric field of the header: offset and length. */
struct field {
	size_t at, len;
};

static const struct field f_mode = { 100, 8 }, f_uid = { 108, 8 },
	f_gid = { 116, 8 }, f_size = { 124, 12 }, f_mtime = { 136, 12 },
	f_chksum = { 148, 8 }, f_devmajor = { 329, 8 }, f_devminor = { 337, 8 };

#define TYPEFLAG 156
#define MAGIC 257

/* What the headers before a member (or a global header) say of it. */
struct attrs {
	char *path;		/* "" : the header's own */
	char *linkpath;
	bool has_uid, has_gid, has_size, has_mtime;
	uint64_t uid, gid, size;
	int64_t mtime;
	char *raw;		/* the pax records, for the warnings */
	size_t rawlen;
};

struct tarparse {
	const char *name;
	struct archive_reader *r;
	uint64_t base;
	struct tar_opts *o;
	struct entry_list *out;
	struct diag *d;
	struct srcloc loc;
	uint32_t source;
	uint32_t member;	/* its number, from 1 */
	struct attrs global;	/* pax 'g' */
	struct attrs ext;	/* pax 'x', GNU 'L' and 'K': the next member */
	bool have_ext;
	struct pathmap paths;	/* normal form -> index in out: hard links */
	size_t first;		/* out->len before this archive */
};

static void attrs_release(struct attrs *a)
{
	free(a->path);
	free(a->linkpath);
	free(a->raw);
	memset(a, 0, sizeof(*a));
}

/*
 * A numeric field: octal digits between blanks and NULs, or GNU's
 * base-256 (the first byte's top bit set; 0xff starts a negative one).
 * Returns 0, or -1 when it is neither.
 */
static int tar_number(const unsigned char *h, struct field fl, int64_t *v)
{
	const unsigned char *f = h + fl.at;
	size_t len = fl.len;
	uint64_t u = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		bool neg = f[0] == 0xff;

		u = neg ? ~(uint64_t)0 : (f[0] & 0x3f);
		for (i = 1; i < len; i++) {
			if (!neg && u >> 55)
				return -1;
			u = (u << 8) | f[i];
		}
		*v = (int64_t)u;
		return neg || u <= INT64_MAX ? 0 : -1;
	}
	while (i < len && f[i] == ' ')
		i++;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
		if (u >> 60)
			return -1;
		u = u * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*v = (int64_t)u;
	return 0;
}

/* Does the header's checksum match its bytes (summed either way)? */
static bool checksum_ok(const unsigned char *h)
{
	int64_t want;
	unsigned int usum = 0;
	int ssum = 0;
	size_t i;

	if (tar_number(h, f_chksum, &want) || h[148] == '\0')
		return false;
	for (i = 0; i < BLOCK; i++) {
		unsigned char c = i >= 148 && i < 156 ? ' ' : h[i];

		usum += c;
		ssum += (signed char)c;
	}
	return want == (int64_t)usum || want == (int64_t)ssum;
}

bool looks_like_tar(const unsigned char *buf, size_t len)
{
	if (len < BLOCK || !checksum_ok(buf))
		return false;
	return !memcmp(buf + MAGIC, "ustar", 5) || buf[0] != '\0';
}

static bool is_zero_block(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (h[i])
			return false;
	return true;
}

/* @len bytes at @off of the archive into a new NUL-terminated buffer. */
static char *read_data(struct tarparse *p, uint64_t off, uint64_t len)
{
	char *buf = malloc((size_t)len + 1);
	size_t done = 0;

	if (!buf) {
		diag_error(p->d, &p->loc, "out of memory");
		return NULL;
	}
	while (done < len) {
		ssize_t got = pread(p->r->fd, buf + done, (size_t)len - done,
				    (off_t)(off + done));

		if (got <= 0) {
			diag_error(p->d, &p->loc, "cannot read: %s",
				   got ? strerror(errno) : "end of file");
			free(buf);
			return NULL;
		}
		done += (size_t)got;
	}
	buf[len] = '\0';
	return buf;
}

static int set_string(char **field, const char *v, size_t len)
{
	free(*field);
	*field = strndup(v, len);
	return *field ? 0 : -1;
}

/* A pax decimal; mtime may have a sign and a fraction (cut off: floor). */
static int pax_number(const char *v, size_t len, bool time, int64_t *out)
{
	bool neg = time && len && v[0] == '-';
	uint64_t u = 0;
	size_t i = neg;

	if (i == len)
		return -1;
	for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
		if (u > (uint64_t)INT64_MAX / 10)
			return -1;
		u = u * 10 + (uint64_t)(v[i] - '0');
	}
	if (time && i < len && v[i] == '.') {
		bool frac = false;

		for (i++; i < len && v[i] >= '0' && v[i] <= '9'; i++)
			frac |= v[i] != '0';
		if (neg && frac)
			u++;
	}
	if (i != len || u > INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* One record, key=value: what it sets; -1 when bad (reported). */
static int pax_record(struct tarparse *p, struct attrs *a, const char *key,
		      size_t klen, const char *v, size_t vlen)
{
	static const char *const numbers[] = { "uid", "gid", "size", "mtime" };
	bool *has[] = { &a->has_uid, &a->has_gid, &a->has_size, &a->has_mtime };
	int64_t n;
	size_t i;

	if (klen == 4 && !memcmp(key, "path", 4))
		return set_string(&a->path, v, vlen);
	if (klen == 8 && !memcmp(key, "linkpath", 8))
		return set_string(&a->linkpath, v, vlen);
	if (klen > 11 && !memcmp(key, "GNU.sparse.", 11)) {
		diag_error(p->d, &p->loc,
			   "member %u is a sparse file (pax GNU.sparse records): not supported; archive it without --sparse",
			   p->member + 1);
		return -1;
	}
	for (i = 0; i < 4; i++) {
		if (klen != strlen(numbers[i]) || memcmp(key, numbers[i], klen))
			continue;
		if (!vlen) {
			*has[i] = false;
			return 0;
		}
		if (pax_number(v, vlen, i == 3, &n) || (i < 3 && n < 0)) {
			diag_error(p->d, &p->loc,
				   "member %u: pax record %s='%.*s' is not a number",
				   p->member + 1, numbers[i], (int)vlen, v);
			return -1;
		}
		*has[i] = true;
		if (i == 0)
			a->uid = (uint64_t)n;
		else if (i == 1)
			a->gid = (uint64_t)n;
		else if (i == 2)
			a->size = (uint64_t)n;
		else
			a->mtime = n;
	}
	return 0;
}

/*
 * Walk the records "<len> <key>=<value>\n" of @buf: each to @fn, or with
 * @fn NULL just checked.  -1 for a malformed one (reported).
 */
typedef int (*record_fn)(struct tarparse *p, void *ctx, const char *key,
			 size_t klen, const char *v, size_t vlen);

static int pax_walk(struct tarparse *p, const char *buf, size_t len,
		    record_fn fn, void *ctx)
{
	size_t at = 0;

	while (at < len) {
		size_t rlen = 0, i = at;
		const char *key, *eq, *end;

		while (i < len && buf[i] >= '0' && buf[i] <= '9' && rlen < len)
			rlen = rlen * 10 + (size_t)(buf[i++] - '0');
		if (i == at || i >= len || buf[i] != ' ' || rlen > len - at ||
		    rlen < i - at + 3 || buf[at + rlen - 1] != '\n')
			goto bad;
		key = buf + i + 1;
		end = buf + at + rlen - 1;
		eq = memchr(key, '=', (size_t)(end - key));
		if (!eq || eq == key)
			goto bad;
		if (fn && fn(p, ctx, key, (size_t)(eq - key), eq + 1,
			     (size_t)(end - eq - 1)))
			return -1;
		at += rlen;
	}
	return 0;
bad:
	diag_error(p->d, &p->loc,
		   "corrupt pax header: bad record at byte %zu of its data",
		   at);
	return -1;
}

static int apply_record(struct tarparse *p, void *ctx, const char *key,
			size_t klen, const char *v, size_t vlen)
{
	return pax_record(p, ctx, key, klen, v, vlen);
}

/* A pax 'x' or 'g' header's data into @a. */
static int read_pax(struct tarparse *p, struct attrs *a, uint64_t off,
		    uint64_t len)
{
	char *buf;

	if (len > PAX_MAX) {
		diag_error(p->d, &p->loc,
			   "member %u: a pax header of %llu bytes (at most %u are read)",
			   p->member + 1, (unsigned long long)len, PAX_MAX);
		return -1;
	}
	buf = read_data(p, off, len);
	if (!buf)
		return -1;
	if (pax_walk(p, buf, (size_t)len, apply_record, a)) {
		free(buf);
		return -1;
	}
	free(a->raw);
	a->raw = buf;
	a->rawlen = (size_t)len;
	return 0;
}

/* GNU's ././@LongLink: the data is the next member's name or link name. */
static int read_gnu_long(struct tarparse *p, char **field, uint64_t off,
			 uint64_t len)
{
	char *buf;

	if (len > GNU_NAME_MAX || !len) {
		diag_error(p->d, &p->loc,
			   "member %u: a GNU long name of %llu bytes",
			   p->member + 1, (unsigned long long)len);
		return -1;
	}
	buf = read_data(p, off, len);
	if (!buf)
		return -1;
	free(*field);
	*field = buf;
	return 0;
}

/* What newc cannot carry, by its pax key: a warning naming the entry. */
static int warn_record(struct tarparse *p, void *ctx, const char *key,
		       size_t klen, const char *v, size_t vlen)
{
	static const struct {
		const char *prefix;
		const char *what;
	} lost[] = {
		{ "SCHILY.xattr.security.capability", "its file capabilities" },
		{ "LIBARCHIVE.xattr.security.capability", "its file capabilities" },
		{ "SCHILY.xattr.", "extended attribute" },
		{ "LIBARCHIVE.xattr.", "extended attribute" },
		{ "SCHILY.acl.", "ACL" },
		{ "RHT.security.selinux", "its SELinux label" },
		{ "SCHILY.fflags", "its file flags" },
	};
	const char *name = ctx;
	size_t i, n;

	(void)v;
	(void)vlen;
	for (i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
		n = strlen(lost[i].prefix);
		if (klen < n || memcmp(key, lost[i].prefix, n))
			continue;
		if (lost[i].what[0] == 'i')
			diag_warn(p->d, &p->loc,
				  "'%s' (member %u): newc cannot carry %s; dropped",
				  name, p->member, lost[i].what);
		else
			diag_warn(p->d, &p->loc,
				  "'%s' (member %u): newc cannot carry the %s '%.*s'; dropped",
				  name, p->member, lost[i].what,
				  (int)(klen - n), key + n);
		return 0;
	}
	return 0;
}

/* The header's name field, with the ustar prefix before it. */
static char *header_name(const unsigned char *h)
{
	size_t plen = 0, nlen = strnlen((const char *)h, 100);
	char *s;

	if (!memcmp(h + MAGIC, "ustar\0", 6))
		plen = strnlen((const char *)h + 345, 155);
	s = malloc(plen + nlen + 2);
	if (!s)
		return NULL;
	if (plen)
		sprintf(s, "%.*s/%.*s", (int)plen, (const char *)h + 345,
			(int)nlen, (const char *)h);
	else
		sprintf(s, "%.*s", (int)nlen, (const char *)h);
	return s;
}

/* A member's name or link name: the 'x' header's, the 'g' one's, its own. */
static char *pick(const char *ext, const char *global, char *own)
{
	const char *s = ext ? ext : global;

	if (!s || !*s)
		return own;
	free(own);
	return strdup(s);
}

static int64_t pick_num(bool he, uint64_t e, bool hg, uint64_t g, int64_t own)
{
	return he ? (int64_t)e : hg ? (int64_t)g : own;
}

/* A member being made into an entry. */
struct mem {
	const unsigned char *h;
	char type;
	char *name;		/* as the archive gives it */
	char *link;
	char *normal;		/* its normal form */
	bool slash;		/* the name ended with '/' */
	uint64_t size;		/* of its data */
	uint64_t data_off;
	int64_t mtime, uid, gid;
};

static int header_numbers(struct tarparse *p, struct mem *m)
{
	const struct attrs *e = &p->ext, *g = &p->global;
	int64_t uid, gid, mtime;

	if (tar_number(m->h, f_uid, &uid) || tar_number(m->h, f_gid, &gid) ||
	    tar_number(m->h, f_mtime, &mtime)) {
		diag_error(p->d, &p->loc,
			   "member %u: corrupt header (a uid, gid or mtime field is not a number)",
			   p->member);
		return -1;
	}
	m->uid = pick_num(e->has_uid, e->uid, g->has_uid, g->uid, uid);
	m->gid = pick_num(e->has_gid, e->gid, g->has_gid, g->gid, gid);
	m->mtime = pick_num(e->has_mtime, (uint64_t)e->mtime, g->has_mtime,
			    (uint64_t)g->mtime, mtime);
	if (m->uid < 0 || m->gid < 0 || m->uid > UINT32_MAX ||
	    m->gid > UINT32_MAX) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): owner %lld:%lld does not fit newc's 32 bits",
			   p->member, m->name, (long long)m->uid,
			   (long long)m->gid);
		return -1;
	}
	return 0;
}

/* An absolute name or '..' is refused; the root is skipped (1). */
static int check_member_name(struct tarparse *p, struct mem *m)
{
	int dotdot;
	size_t len;

	if (!m->name[0] || m->name[0] == '/') {
		diag_error(p->d, &p->loc, "member %u: %s name '%s'", p->member,
			   m->name[0] ? "absolute" : "empty", m->name);
		return -1;
	}
	m->normal = path_normalize(m->name, &dotdot);
	if (!m->normal) {
		diag_error(p->d, &p->loc, "out of memory");
		return -1;
	}
	if (dotdot) {
		diag_error(p->d, &p->loc,
			   "member %u: name '%s' climbs out with '..'",
			   p->member, m->name);
		return -1;
	}
	if (!m->normal[0])
		return 1;
	len = strlen(m->name);
	m->slash = m->name[len - 1] == '/';
	while (len > 1 && m->name[len - 1] == '/')
		m->name[--len] = '\0';
	return 0;
}

/* An OCI whiteout (1), recorded; 0 for any other name. */
static int whiteout(struct tarparse *p, struct mem *m)
{
	struct tar_opts *o = p->o;
	char *base = strrchr(m->normal, '/');
	size_t dirlen = base ? (size_t)(base - m->normal) : 0;
	struct tar_whiteout *v;
	bool opaque;
	char *path;

	base = base ? base + 1 : m->normal;
	if (strncmp(base, ".wh.", 4))
		return 0;
	opaque = !strcmp(base, ".wh..wh..opq");
	if (!opaque && !base[4]) {
		diag_error(p->d, &p->loc, "member %u: whiteout '%s' names nothing",
			   p->member, m->name);
		return -1;
	}
	v = realloc(o->whiteouts, (o->nwhiteouts + 1) * sizeof(*v));
	path = malloc(strlen(m->normal) + 1);
	if (v)
		o->whiteouts = v;
	if (!v || !path) {
		free(path);
		diag_error(p->d, &p->loc, "out of memory");
		return -1;
	}
	if (opaque)
		sprintf(path, "%.*s", (int)dirlen, m->normal);
	else if (dirlen)
		sprintf(path, "%.*s/%s", (int)dirlen, m->normal, base + 4);
	else
		strcpy(path, base + 4);
	v[o->nwhiteouts].path = path;
	v[o->nwhiteouts].opaque = opaque;
	o->nwhiteouts++;
	return 1;
}

static int member_type(struct tarparse *p, struct mem *m)
{
	switch (m->type) {
	case '\0':
	case '0':
	case '7':
		/* Old archives mark directories by a trailing slash. */
		if (m->type == '\0' && m->slash)
			return ENTRY_DIR;
		return ENTRY_FILE;
	case '2':
		return ENTRY_SLINK;
	case '3':
	case '4':
		return ENTRY_NOD;
	case '5':
	case 'D':		/* GNU dumpdir: a directory, its data a list */
		return ENTRY_DIR;
	case '6':
		return ENTRY_PIPE;
	}
	diag_error(p->d, &p->loc, "member %u ('%s'): type '%c' is not one %s",
		   p->member, m->name, m->type,
		   m->type == 'S' ? "newc can hold: a GNU sparse file (archive it without --sparse)" :
		   m->type == 'M' ? "newc can hold: a multi-volume continuation" :
		   "this reader knows");
	return -1;
}

static int device_numbers(struct tarparse *p, struct mem *m, struct node *n)
{
	int64_t maj, min;

	if (tar_number(m->h, f_devmajor, &maj) ||
	    tar_number(m->h, f_devminor, &min) || maj > 4095 ||
	    min > 1048575) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): device numbers are not numbers that fit the kernel's dev_t (12:20 bits)",
			   p->member, m->name);
		return -1;
	}
	n->rmajor = (uint32_t)maj;
	n->rminor = (uint32_t)min;
	n->mode |= m->type == '3' ? S_IFCHR : S_IFBLK;
	return 0;
}

static int symlink_target(struct tarparse *p, struct mem *m, struct node *n)
{
	size_t len = strlen(m->link);

	if (!len || len + 1 > CPIO_PATH_MAX) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): symlink target is empty or longer than %u bytes",
			   p->member, m->name, CPIO_PATH_MAX - 1);
		return -1;
	}
	n->target = str_add(m->link);
	return n->target ? 0 : -1;
}

static struct node *new_node(struct tarparse *p, struct mem *m, int type)
{
	struct node *n = node_new((enum entry_type)type, p->source);
	int64_t mode;
	int rc = 0;

	if (!n)
		return NULL;
	if (tar_number(m->h, f_mode, &mode)) {
		diag_error(p->d, &p->loc, "member %u ('%s'): corrupt mode field",
			   p->member, m->name);
		node_put(n);
		return NULL;
	}
	n->mode = (uint16_t)(entry_type_bits((enum entry_type)type, 'c') |
			     ((uint32_t)mode & 07777));
	n->uid = idmap_uid(p->o->ids, (uint32_t)m->uid);
	n->gid = idmap_gid(p->o->ids, (uint32_t)m->gid);
	n->has_mtime = true;
	n->mtime = m->mtime;
	if (type == ENTRY_NOD) {
		n->mode &= 07777;
		rc = device_numbers(p, m, n);
	} else if (type == ENTRY_SLINK) {
		rc = symlink_target(p, m, n);
	} else if (type == ENTRY_FILE && m->size > UINT32_MAX) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): %llu bytes; newc holds files under 4 GiB",
			   p->member, m->name, (unsigned long long)m->size);
		rc = -1;
	} else if (type == ENTRY_FILE && m->size) {
		n->data = DATA_FD;
		n->offset = m->data_off;
		n->size = (uint32_t)m->size;
	}
	if (rc) {
		node_put(n);
		return NULL;
	}
	return n;
}

/* A hard link: its target's node, named earlier in the archive. */
static struct node *link_node(struct tarparse *p, struct mem *m)
{
	int dotdot;
	char *target = path_normalize(m->link, &dotdot);
	long i = target && !dotdot ? pathmap_get(&p->paths, target) : -1;
	struct node *n;

	free(target);
	if (i < 0) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): hard link to '%s', which no earlier member defines",
			   p->member, m->name, m->link);
		return NULL;
	}
	n = p->out->v[i].node;
	if (n->type == ENTRY_DIR) {
		diag_error(p->d, &p->loc,
			   "member %u ('%s'): hard link to the directory '%s'",
			   p->member, m->name, m->link);
		return NULL;
	}
	n->refs++;
	return n;
}

/* The member's entry, named as the archive names it (layers: normalized). */
static int add_entry(struct tarparse *p, struct mem *m, struct node *n)
{
	long where = source_add_offset(p->source, p->loc.offset);
	size_t index = p->out->len;
	const char *name = p->o->layer ? m->normal : m->name;

	if (where < 0 || !entry_list_add(p->out, name, n, (uint32_t)where) ||
	    pathmap_get_or_put(&p->paths, m->normal, index) == -2) {
		diag_error(p->d, &p->loc, "out of memory");
		return -1;
	}
	if (p->ext.raw)
		pax_walk(p, p->ext.raw, p->ext.rawlen, warn_record, m->name);
	if (p->global.raw)
		pax_walk(p, p->global.raw, p->global.rawlen, warn_record,
			 m->name);
	return 0;
}

static int member_entry(struct tarparse *p, struct mem *m)
{
	struct node *n;
	int rc, type;

	rc = check_member_name(p, m);
	if (rc)
		return rc > 0 ? 0 : -1;
	if (header_numbers(p, m))
		return -1;
	if (p->o->layer) {
		rc = whiteout(p, m);
		if (rc)
			return rc > 0 ? 0 : -1;
	}
	if (m->type == '1') {
		n = link_node(p, m);
	} else {
		type = member_type(p, m);
		n = type < 0 ? NULL : new_node(p, m, type);
	}
	if (!n)
		return -1;
	rc = add_entry(p, m, n);
	node_put(n);
	return rc;
}

/* A member's own header at @off: its entry, from it and what came before. */
static int parse_member(struct tarparse *p, const unsigned char *h,
			uint64_t off)
{
	struct mem m = { .h = h, .type = (char)h[TYPEFLAG],
			 .data_off = off + BLOCK, .size = 0 };
	int64_t size;
	int rc = -1;

	p->member++;
	tar_number(h, f_size, &size);
	m.size = p->ext.has_size ? p->ext.size :
		 p->global.has_size ? p->global.size : (uint64_t)size;
	m.name = pick(p->ext.path, p->global.path, header_name(h));
	m.link = pick(p->ext.linkpath, p->global.linkpath,
		      strndup((const char *)h + 157, 100));
	if (!m.name || !m.link)
		diag_error(p->d, &p->loc, "out of memory");
	else
		rc = member_entry(p, &m);
	free(m.name);
	free(m.link);
	free(m.normal);
	attrs_release(&p->ext);
	p->have_ext = false;
	return rc;
}

/*
 * The header at *@off, and *@off moved past its data.  1 at the end of
 * the archive, 0 after a header, -1 on error (reported).
 */
static int parse_header(struct tarparse *p, uint64_t *off)
{
	const unsigned char *h;
	int64_t size;
	uint64_t data, end, hdr = *off;
	char type;

	p->loc.offset = *off - p->base;
	if (archive_reader_get(p->r, *off, BLOCK, &h)) {
		diag_error(p->d, &p->loc,
			   "truncated: the archive ends after member %u without its end-of-archive blocks",
			   p->member);
		return -1;
	}
	if (is_zero_block(h)) {
		if (!p->have_ext)
			return 1;
		diag_error(p->d, &p->loc,
			   "truncated: an extended header without its member");
		return -1;
	}
	if (!checksum_ok(h) || tar_number(h, f_size, &size)) {
		diag_error(p->d, &p->loc,
			   "corrupt: no valid tar header here (after member %u)",
			   p->member);
		return -1;
	}
	type = (char)h[TYPEFLAG];
	data = *off + BLOCK;
	if (p->ext.has_size && type != 'x' && type != 'g')
		size = (int64_t)p->ext.size;
	/* Links, devices, directories and FIFOs may claim a size: no data. */
	if (type == '1' || type == '2' || type == '3' || type == '4' ||
	    type == '5' || type == '6')
		size = type == '5' ? size : 0;
	end = data + (((uint64_t)size + BLOCK - 1) & ~(uint64_t)(BLOCK - 1));
	if ((uint64_t)size > p->r->size || end > p->r->size) {
		diag_error(p->d, &p->loc,
			   "truncated: member %u's %llu bytes of data run past the end (%llu bytes)",
			   p->member + 1, (unsigned long long)size,
			   (unsigned long long)(p->r->size - p->base));
		return -1;
	}
	*off = end;
	switch (type) {
	case 'x':
		p->have_ext = true;
		return read_pax(p, &p->ext, data, (uint64_t)size);
	case 'g':
		return read_pax(p, &p->global, data, (uint64_t)size);
	case 'L':
		p->have_ext = true;
		return read_gnu_long(p, &p->ext.path, data, (uint64_t)size);
	case 'K':
		p->have_ext = true;
		return read_gnu_long(p, &p->ext.linkpath, data, (uint64_t)size);
	case 'V':	/* a GNU volume label names the archive, not a file */
		return 0;
	}
	return parse_member(p, h, hdr);
}

int tarsrc_read(const char *name, int fd, uint64_t base, uint64_t size,
		struct tar_opts *o, struct entry_list *out, struct diag *d)
{
	struct archive_reader *r = malloc(sizeof(*r));
	struct tarparse p = {
		.name = name, .r = r, .base = base, .o = o, .out = out,
		.d = d, .loc = { .file = name, .at_offset = true },
		.paths = PATHMAP_INIT, .first = out->len,
	};
	uint64_t off = base;
	long source = source_add(name, fd);
	int rc;

	if (!r || source < 0) {
		diag_error(d, &p.loc, "out of memory");
		free(r);
		return -1;
	}
	*r = (struct archive_reader){ .fd = fd, .size = base + size };
	p.source = (uint32_t)source;
	do
		rc = parse_header(&p, &off);
	while (!rc);
	attrs_release(&p.ext);
	attrs_release(&p.global);
	pathmap_release(&p.paths);
	free(r);
	return rc < 0 ? -1 : 0;
}
