// SPDX-License-Identifier: GPL-2.0
/*
 * extract_case.c: fuzz input -> cpio image, the sandbox around the
 * extraction directory, and the oracle (see extract_case.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "extract_case.h"

enum { K_REG, K_DIR, K_LNK, K_FIFO, K_CHR, K_BLK, K_SOCK, K_MEMBER };

static const unsigned int kind_type[] = {
	S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO, S_IFCHR, S_IFBLK, S_IFSOCK,
};

/* The name in the image, and what the extractor makes of it (NULL: refused). */
static const struct { const char *name, *canon; } xc_names[16] = {
	{ "a", "a" }, { "d", "d" }, { "d/x", "d/x" }, { "f", "f" },
	{ "g", "g" }, { ".", "" }, { "", "" }, { "d/y", "d/y" },
	{ "./d", "d" }, { "d/", "d" }, { "d/x/z", "d/x/z" }, { "e/x", "e/x" },
	{ "./f", "f" }, { "d//x", "d/x" }, { "g/", "g" }, { "../a", NULL },
};

static const unsigned int xc_modes[16] = {
	0644, 0755, 07777, 0000, 0700, 0444, 0600, 04755,
	02755, 01777, 0111, 0555, 0777, 06000, 0222, 0640,
};

static const unsigned int xc_lengths[8] = { 0, 1, 3, 4, 5, 100, 512, 4097 };

/*
 * Symlink targets: ABS is a path into the sandbox, REL the same reached
 * with "../" from the symlink's own place, IN a target as it is.
 */
enum { IN, ABS, REL };
#define XC_NTARGETS 24
static const struct { int how; const char *s; } xc_targets[XC_NTARGETS] = {
	{ IN, "a" }, { IN, "d" }, { IN, "d/x" }, { IN, "f" },
	{ IN, "." }, { IN, ".." }, { IN, "" }, { IN, "g/" },
	{ ABS, "file" }, { ABS, "dir" }, { ABS, "fifo" }, { ABS, "link" },
	{ ABS, "missing" }, { ABS, "" }, { ABS, "dir/inner" }, { ABS, "t" },
	{ REL, "file" }, { REL, "dir" }, { REL, "fifo" }, { REL, "link" },
	{ REL, "missing" }, { REL, "" }, { REL, "dir/inner" }, { REL, "t" },
};

/* Device numbers that cannot reach a disk (see extract_case.h). */
static const unsigned int chr_devs[4][2] = { { 1, 3 }, { 1, 5 }, { 1, 7 }, { 0, 0 } };
static const unsigned int blk_devs[4][2] = { { 0, 0 }, { 0, 1 }, { 0, 7 }, { 0, 200 } };

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static void put_zeros(struct buf *b, size_t n)
{
	static const char zeros[512];

	while (n) {
		size_t k = n < sizeof(zeros) ? n : sizeof(zeros);

		put(b, zeros, k);
		n -= k;
	}
}

/* Zeros to a multiple of 4 from the start of the image. */
static void pad4(struct buf *b)
{
	put_zeros(b, -b->len & 3);
}

struct hdr {
	unsigned int ino, mode, uid, gid, nlink, mtime, filesize;
	unsigned int devmajor, devminor;
	unsigned int rmaj, rmin, check;
};

/* One whole entry: header (magic and 13 fields of 8 hex digits), name, data. */
static void put_entry(struct buf *b, bool crc, const struct hdr *h,
		      const char *name, const char *data)
{
	char raw[6 + 13 * 8 + 1];

	snprintf(raw, sizeof(raw),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 crc ? "070702" : "070701", h->ino, h->mode, h->uid, h->gid,
		 h->nlink, h->mtime, h->filesize, h->devmajor, h->devminor,
		 h->rmaj, h->rmin, (unsigned int)strlen(name) + 1, h->check);
	put(b, raw, 6 + 13 * 8);
	put(b, name, strlen(name) + 1);
	pad4(b);
	put(b, data, h->filesize);
	pad4(b);
}

static void end_member(struct buf *b, bool crc, unsigned int how)
{
	struct hdr t = { .nlink = 1 };

	put_entry(b, crc, &t, "TRAILER!!!", "");
	if (how == 1)
		put_zeros(b, 4);
	else if (how == 2)
		put_zeros(b, -b->len & 511);
}

static size_t depth(const char *canon)
{
	size_t n = 0;

	for (; *canon; canon++)
		n += *canon == '/';
	return n;
}

/* The symlink target @t for an entry named @canon, into @out. */
static void target_of(unsigned int t, const char *canon, const char *sandbox,
		      char *out, size_t len)
{
	const char *s = xc_targets[t].s;
	size_t n, up;

	switch (xc_targets[t].how) {
	case ABS:
		snprintf(out, len, "%s%s%s", sandbox, *s ? "/" : "", s);
		break;
	case REL:
		/* From <sandbox>/t/<dirs of canon>: one "../" per level. */
		out[0] = '\0';
		up = depth(canon ? canon : "") + 1;
		for (n = 0; n < up; n++)
			strncat(out, "../", len - strlen(out) - 1);
		if (*s)
			strncat(out, s, len - strlen(out) - 1);
		else
			out[strlen(out) - 1] = '\0';
		break;
	default:
		snprintf(out, len, "%s", s);
	}
}

/* The data of record @r: its target, or the regular file's bytes. */
static size_t record_data(const uint8_t *r, const char *canon,
			  const char *sandbox, char *out, size_t len)
{
	switch (r[0] % 8) {
	case K_REG: {
		size_t n = xc_lengths[r[4] & 7], i;

		for (i = 0; i < n; i++)
			out[i] = (char)(i % 5 == 4 ? '\n' : 'A' + r[4] % 26);
		return n;
	}
	case K_LNK:
		target_of(r[4] % XC_NTARGETS, canon, sandbox, out, len);
		return strlen(out);
	case K_DIR: case K_FIFO: case K_SOCK:
		out[0] = 'x';
		return r[4] & 1;
	}
	return 0;
}

static void record_header(const uint8_t *r, size_t idx, uint8_t flags,
			  struct hdr *h)
{
	static const unsigned int owners[4] = { 0, 0, 1000, 65534 };
	unsigned int kind = r[0] % 8, dev = r[4] & 3;

	h->ino = r[3] & 3 ? 9u + (r[3] & 3u) / 3 : 1000u + (unsigned int)idx;
	h->devmajor = 3;
	h->devminor = (r[3] >> 2 & 3) == 3 ? 2 : 1;
	h->mode = kind_type[kind] | xc_modes[r[2] % 16];
	h->uid = h->gid = owners[r[3] >> 6];
	h->nlink = 1 + (r[3] >> 4 & 3);
	h->mtime = flags & 2 ? 0 : 1700000000 + (unsigned int)idx;
	if (kind == K_CHR) {
		h->rmaj = chr_devs[dev][0];
		h->rmin = chr_devs[dev][1];
	} else if (kind == K_BLK) {
		h->rmaj = blk_devs[dev][0];
		h->rmin = blk_devs[dev][1];
	}
}

int xc_decode(const uint8_t *in, size_t n, const char *sandbox,
	      struct xc_case *c)
{
	static char data[8192];
	struct buf b = { 0 };
	uint8_t flags = n ? in[0] : 0;
	bool crc = flags & 1;
	size_t i, nrec = n ? (n - 1) / 5 : 0;

	memset(c, 0, sizeof(*c));
	if (nrec > XC_MAX_RECORDS)
		nrec = XC_MAX_RECORDS;
	for (i = 0; i < nrec; i++) {
		const uint8_t *r = in + 1 + 5 * i;
		const char *name = xc_names[r[1] % 16].name;
		const char *canon = xc_names[r[1] % 16].canon;
		struct hdr h = { 0 };
		size_t k;

		if (r[0] % 8 == K_MEMBER) {
			end_member(&b, crc, r[1] % 3);
			continue;
		}
		record_header(r, i, flags, &h);
		h.filesize = (unsigned int)record_data(r, canon, sandbox, data,
						       sizeof(data));
		if (crc && r[0] % 8 == K_REG)
			for (k = 0; k < h.filesize; k++)
				h.check += (unsigned char)data[k];
		put_entry(&b, crc, &h, name, data);
		if (canon && *canon) {
			c->named[c->nnamed].path = canon;
			c->named[c->nnamed++].type = kind_type[r[0] % 8];
		}
	}
	end_member(&b, crc, 2);
	if (b.oom) {
		free(b.p);
		return -1;
	}
	c->image = b.p;
	c->len = b.len;
	return 0;
}

void xc_free(struct xc_case *c)
{
	free(c->image);
	c->image = NULL;
}

/* A file with exactly @mode (the umask aside) and @text. */
static int make_file(int dir, const char *name, unsigned int mode,
		     const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0600);
	ssize_t len = (ssize_t)strlen(text);
	int rc;

	if (fd < 0)
		return -1;
	rc = write(fd, text, (size_t)len) == len && !fchmod(fd, mode) ? 0 : -1;
	return close(fd) || rc ? -1 : 0;
}

int xc_populate(const char *sandbox)
{
	int sb = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc;

	if (sb < 0)
		return -1;
	rc = make_file(sb, "file", 0644, "sentinel file\n") ||
	     mkdirat(sb, "dir", 0700) || fchmodat(sb, "dir", 0755, 0) ||
	     make_file(sb, "dir/inner", 0600, "inner file\n") ||
	     mkfifoat(sb, "fifo", 0600) || fchmodat(sb, "fifo", 0644, 0) ||
	     symlinkat("file", sb, "link") ||
	     mkdirat(sb, XC_TARGET, 0700) || fchmodat(sb, XC_TARGET, 0755, 0) ?
	     -1 : 0;
	close(sb);
	return rc;
}

static char type_char(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return 'f';
	case S_IFDIR: return 'd';
	case S_IFLNK: return 'l';
	case S_IFIFO: return 'p';
	case S_IFCHR: return 'c';
	case S_IFBLK: return 'b';
	case S_IFSOCK: return 's';
	}
	return '?';
}

/* FNV-1a of a regular file's bytes, opened without following anything. */
static int hash_file(int dir, const char *name, unsigned long long *h)
{
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC);
	unsigned char buf[4096];
	struct stat st;
	ssize_t n, i;

	*h = 14695981039346656037ull;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			*h = (*h ^ buf[i]) * 1099511628211ull;
	close(fd);
	return n < 0 ? -1 : 0;
}

struct lines {
	char **v;
	size_t n;
	bool failed;
};

static void add_line(struct lines *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v || !(v[l->n] = strdup(s))) {
		l->v = v ? v : l->v;
		l->failed = true;
		return;
	}
	l->v = v;
	l->n++;
}

static void snap_dir(int dir, const char *prefix, bool top, struct lines *l);

/* The line for @name in @dir (at @path), and below it for a directory. */
static void snap_one(int dir, const char *name, const char *path, bool top,
		     struct lines *l)
{
	char line[8192], extra[4200] = "";
	unsigned long long h;
	struct stat st;
	ssize_t n;
	int sub;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW)) {
		snprintf(line, sizeof(line), "%s cannot stat: %s", path,
			 strerror(errno));
		add_line(l, line);
		return;
	}
	if (top && !strcmp(name, XC_TARGET)) {
		snprintf(line, sizeof(line), "%s %c %04o %u:%u i%llu (target)",
			 path, type_char(st.st_mode), st.st_mode & 07777,
			 st.st_uid, st.st_gid, (unsigned long long)st.st_ino);
		add_line(l, line);
		return;
	}
	if (S_ISREG(st.st_mode)) {
		if (hash_file(dir, name, &h))
			snprintf(extra, sizeof(extra), "unreadable");
		else
			snprintf(extra, sizeof(extra), "h%016llx", h);
	} else if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dir, name, extra + 3, sizeof(extra) - 4);
		memcpy(extra, "-> ", 3);
		extra[n < 0 ? 3 : 3 + n] = '\0';
	} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		snprintf(extra, sizeof(extra), "r%u:%u", major(st.st_rdev),
			 minor(st.st_rdev));
	}
	snprintf(line, sizeof(line),
		 "%s %c %04o %u:%u n%lu s%lld i%llu m%lld.%09ld c%lld.%09ld %s",
		 path, type_char(st.st_mode), st.st_mode & 07777, st.st_uid,
		 st.st_gid, (unsigned long)st.st_nlink, (long long)st.st_size,
		 (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
		 st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
		 st.st_ctim.tv_nsec, extra);
	add_line(l, line);
	if (!S_ISDIR(st.st_mode))
		return;
	sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0) {
		snprintf(line, sizeof(line), "%s/ cannot open: %s", path,
			 strerror(errno));
		add_line(l, line);
		return;
	}
	snap_dir(sub, path, top && !strcmp(name, "."), l);
}

/* Every entry of @dir (closed here), named "<prefix>/<name>". */
static void snap_dir(int dir, const char *prefix, bool top, struct lines *l)
{
	DIR *d = fdopendir(dir);
	struct dirent *de;
	char path[4200];

	if (!d) {
		close(dir);
		l->failed = true;
		return;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (top)
			snprintf(path, sizeof(path), "%s", de->d_name);
		else
			snprintf(path, sizeof(path), "%s/%s", prefix, de->d_name);
		snap_one(dirfd(d), de->d_name, path, top, l);
	}
	closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *xc_snapshot(const char *sandbox)
{
	int sb = open(sandbox, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct lines l = { 0 };
	char *out = NULL;
	size_t i, len = 1;

	if (sb < 0)
		return NULL;
	snap_one(sb, ".", ".", true, &l);
	close(sb);
	if (!l.failed) {
		qsort(l.v, l.n, sizeof(*l.v), cmp_str);
		for (i = 0; i < l.n; i++)
			len += strlen(l.v[i]) + 1;
		out = malloc(len);
	}
	if (out) {
		out[0] = '\0';
		for (i = 0; i < l.n; i++)
			strcat(strcat(out, l.v[i]), "\n");
	}
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return out;
}

/* The next line of @text after @p (a line of it), or NULL at the end. */
static const char *next_line(const char *p)
{
	p += strcspn(p, "\n");
	return *p && p[1] ? p + 1 : NULL;
}

/* The line of @text that starts with the path of @line ("<path> "). */
static const char *same_path(const char *text, const char *line, size_t *len)
{
	size_t plen = strcspn(line, " ");
	const char *p;

	for (p = *text ? text : NULL; p; p = next_line(p))
		if (!strncmp(p, line, plen) && p[plen] == ' ') {
			*len = strcspn(p, "\n");
			return p;
		}
	return NULL;
}

static bool has_line(const char *text, const char *line, size_t n)
{
	const char *p;

	for (p = *text ? text : NULL; p; p = next_line(p))
		if (strcspn(p, "\n") == n && !memcmp(p, line, n))
			return true;
	return false;
}

/* The first line of @a (length into *@len) that @b does not have. */
static const char *missing_line(const char *a, const char *b, size_t *len)
{
	const char *p;

	for (p = *a ? a : NULL; p; p = next_line(p)) {
		*len = strcspn(p, "\n");
		if (!has_line(b, p, *len))
			return p;
	}
	return NULL;
}

int xc_compare(const char *before, const char *after, char *msg, size_t len)
{
	size_t n, m = 0;
	const char *p, *q;

	if ((p = missing_line(before, after, &n))) {
		q = same_path(after, p, &m);
		snprintf(msg, len, "%.*s -> %.*s", (int)n, p, q ? (int)m : 6,
			 q ? q : "(gone)");
		return 1;
	}
	if ((p = missing_line(after, before, &n))) {
		snprintf(msg, len, "(none) -> %.*s", (int)n, p);
		return 1;
	}
	return 0;
}

static const char *type_name(unsigned int t)
{
	switch (t) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFIFO: return "FIFO";
	case S_IFCHR: return "char device";
	case S_IFBLK: return "block device";
	case S_IFSOCK: return "socket";
	}
	return "file of unknown type";
}

static int check_dir(int dir, const char *prefix, const struct xc_case *c,
		     char *msg, size_t len);

static int check_one(int dir, const char *name, const char *path,
		     const struct xc_case *c, char *msg, size_t len)
{
	unsigned int type;
	bool named = false;
	struct stat st;
	size_t i;
	int sub;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	type = st.st_mode & S_IFMT;
	for (i = 0; i < c->nnamed; i++) {
		if (strcmp(c->named[i].path, path))
			continue;
		named = true;
		if (c->named[i].type == type)
			break;
	}
	if (i == c->nnamed) {
		snprintf(msg, len, named ?
			 "'%s' is a %s in the target, but no entry of that name is one" :
			 "'%s' (a %s) is in the target, but no entry names it",
			 path, type_name(type));
		return -1;
	}
	if (type != S_IFDIR)
		return 0;
	/* A directory the extraction made unreadable keeps its secrets. */
	sub = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return sub < 0 ? 0 : check_dir(sub, path, c, msg, len);
}

/* Every entry of @dir (closed here), named "<prefix>/<name>". */
static int check_dir(int dir, const char *prefix, const struct xc_case *c,
		     char *msg, size_t len)
{
	DIR *d = fdopendir(dir);
	struct dirent *de;
	char path[4200];
	int rc = 0;

	if (!d) {
		close(dir);
		return 0;
	}
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "/" : "",
			 de->d_name);
		rc = check_one(dirfd(d), de->d_name, path, c, msg, len);
	}
	closedir(d);
	return rc;
}

int xc_check_types(const char *target, const struct xc_case *c, char *msg,
		   size_t len)
{
	int dir = open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (dir < 0) {
		snprintf(msg, len, "cannot open the target: %s", strerror(errno));
		return -1;
	}
	return check_dir(dir, "", c, msg, len);
}

/* Empty the directory @dir (closed here). */
static int remove_entries(int dir)
{
	DIR *d = fdopendir(dir);
	struct dirent *de;
	bool again = true;
	int rc = 0;

	if (!d) {
		close(dir);
		return -1;
	}
	/* Read again from the start until a pass removes nothing. */
	while (!rc && again) {
		again = false;
		rewinddir(d);
		while (!rc && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			rc = xc_remove(dirfd(d), de->d_name);
			again = true;
		}
	}
	closedir(d);
	return rc;
}

int xc_remove(int dirfd, const char *name)
{
	struct stat st;
	int dir;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0);
	/*
	 * A directory, not a symlink (nothing else changes the tree now):
	 * fchmodat() cannot be led elsewhere.  0700 lets its owner list and
	 * empty it, 0000 and 0555 included.
	 */
	if ((st.st_mode & 07777) != 0700 && fchmodat(dirfd, name, 0700, 0))
		return -1;
	dir = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || remove_entries(dir))
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}
