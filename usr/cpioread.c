// SPDX-License-Identifier: GPL-2.0
/*
 * cpioread.c: archive sources (see cpioread.h).
 */
/* O_TMPFILE, mkostemp(), asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "image/compress.h"
#include "image/cpio.h"
#include "cpioread.h"

const char *compression_of(const unsigned char *buf, size_t len)
{
	const struct method *m = method_for_magic(buf, len);

	return m ? m->name : NULL;
}

int looks_like_archive(const unsigned char *buf, size_t len)
{
	return (len >= 5 && !memcmp(buf, "07070", 5)) ||
	       method_for_magic(buf, len);
}

/* An unnamed file for decompressed data: gone when closed. */
static int open_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
		return fd;
	if (asprintf(&path, "%s/gen_init_cpio.XXXXXX", dir) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

/* Wait for the decompressor @pid; 0 when it succeeded, else -1 (reported). */
static int wait_decompressor(const struct method *m, pid_t pid,
			     const struct srcloc *loc, struct diag *d)
{
	int status;

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	diag_error(d, loc, "'%s' failed to decompress it (%s %d)",
		   m->decompress[0],
		   WIFEXITED(status) ? "exit status" : "signal",
		   WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -1;
}

/*
 * Start @m's decompressor reading @in and writing @out; its pid, or -1
 * (reported).
 */
static pid_t start_decompressor(const struct method *m, int in, int out,
				const struct srcloc *loc, struct diag *d)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	rc = posix_spawnp(&pid, m->decompress[0], &fa, NULL,
			  (char *const *)m->decompress, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!rc)
		return pid;
	diag_error(d, loc, "cannot run '%s' to undo its %s compression: %s",
		   m->decompress[0], m->name, strerror(rc));
	return -1;
}

static int new_tmpfile(const struct srcloc *loc, struct diag *d)
{
	int out = open_tmpfile();

	if (out < 0)
		diag_error(d, loc, "cannot create a temporary file: %s",
			   strerror(errno));
	return out;
}

/* Run @m's decompressor from @in into a temporary file; its fd or -1. */
static int decompress(const struct method *m, int in, const char *path,
		      struct diag *d)
{
	struct srcloc loc = { .file = path };
	int out = new_tmpfile(&loc, d);
	pid_t pid;

	if (out < 0)
		return -1;
	pid = start_decompressor(m, in, out, &loc, d);
	if (pid > 0 && !wait_decompressor(m, pid, &loc, d))
		return out;
	close(out);
	return -1;
}

/* Feed @len bytes of @in at @off into the pipe @w; -1 on a read error. */
static int feed_range(int in, uint64_t off, uint64_t len, int w)
{
	static unsigned char buf[65536];

	while (len) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t got = pread(in, buf, want, (off_t)off);
		size_t done = 0;

		if (got <= 0)
			return -1;
		while (done < (size_t)got) {
			ssize_t put = write(w, buf + done, (size_t)got - done);

			if (put < 0 && errno == EINTR)
				continue;
			if (put < 0)
				return 0;	/* it stopped reading: it says why */
			done += (size_t)put;
		}
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return 0;
}

int decompress_range(int in, uint64_t off, uint64_t len, const char *what,
		     struct diag *d)
{
	struct srcloc loc = { .file = what };
	unsigned char magic[16];
	const struct method *m;
	ssize_t n = pread(in, magic, len < 16 ? (size_t)len : 16, (off_t)off);
	int out, p[2], rc;
	pid_t pid;

	m = n > 0 ? method_for_magic(magic, (size_t)n) : NULL;
	if (!m)
		return -2;
	out = new_tmpfile(&loc, d);
	if (out < 0)
		return -1;
	if (pipe2(p, O_CLOEXEC)) {
		diag_error(d, &loc, "cannot make a pipe: %s", strerror(errno));
		close(out);
		return -1;
	}
	pid = start_decompressor(m, p[0], out, &loc, d);
	close(p[0]);
	rc = pid > 0 ? feed_range(in, off, len, p[1]) : -1;
	if (rc && pid > 0)
		diag_error(d, &loc, "cannot read: %s", strerror(errno));
	close(p[1]);
	if (pid > 0 && wait_decompressor(m, pid, &loc, d))
		rc = -1;
	if (!rc)
		return out;
	close(out);
	return -1;
}

int archive_reader_get(struct archive_reader *r, uint64_t off, size_t n,
		       const unsigned char **p)
{
	if (off + n > r->size)
		return -1;
	if (off < r->start || off + n > r->start + r->len) {
		ssize_t got = pread(r->fd, r->buf, sizeof(r->buf), (off_t)off);

		if (got < (ssize_t)n)
			return -1;
		r->start = off;
		r->len = (size_t)got;
	}
	*p = r->buf + (off - r->start);
	return 0;
}

struct parser {
	const char *path;
	struct archive_reader *r;
	struct entry_list *out;
	struct inomap links;	/* hard links within one member -> node */
	struct diag *d;
	struct srcloc loc;	/* at the header being read */
	uint32_t source;	/* the archive's (source_add()) */
};

/* A symlink's target: its data, up to a NUL if the writer added one. */
static int read_target(struct parser *p, struct node *n, uint64_t off,
		       uint32_t size)
{
	const unsigned char *data;
	char *target;
	size_t len;

	if (size > CPIO_PATH_MAX) {
		diag_error(p->d, &p->loc,
			   "symlink target of %u bytes; the kernel accepts %u with its NUL",
			   size, CPIO_PATH_MAX);
		return -1;
	}
	if (archive_reader_get(p->r, off, size, &data)) {
		diag_error(p->d, &p->loc, "truncated: the symlink target is cut off");
		return -1;
	}
	len = strnlen((const char *)data, size);
	target = str_alloc(len, &n->target);
	if (!target)
		return -1;
	memcpy(target, data, len);
	if (!target[0] || len + 1 > CPIO_PATH_MAX) {
		diag_error(p->d, &p->loc, "symlink target is empty or longer than %u bytes",
			   CPIO_PATH_MAX - 1);
		return -1;
	}
	return 0;
}

/*
 * The node for one header: new, or for a hard link seen earlier in the
 * member, that one (the name with data gives it its data).
 */
static struct node *header_node(struct parser *p, const struct cpio_header *h,
				uint64_t data_off)
{
	int type = entry_type_of_mode(h->mode);
	struct ino_key key = { h->ino, h->devmajor, h->devminor };
	struct node *n = NULL;

	if (type < 0) {
		diag_error(p->d, &p->loc, "unknown file type in mode %o", h->mode);
		return NULL;
	}
	if (type == ENTRY_FILE && h->nlink > 1)
		n = inomap_get(&p->links, &key);
	if (n) {
		n->refs++;
	} else {
		n = node_new((enum entry_type)type, p->source);
		if (!n)
			return NULL;
		n->mode = h->mode & (S_IFMT | 07777);
		n->uid = h->uid;
		n->gid = h->gid;
		n->has_mtime = true;
		n->mtime = h->mtime;
		if (type == ENTRY_NOD) {
			n->rmajor = h->rdevmajor;
			n->rminor = h->rdevminor;
			if (n->rmajor > 4095 || n->rminor > 1048575) {
				diag_error(p->d, &p->loc,
					   "device %u:%u does not fit the kernel's dev_t (12:20 bits)",
					   n->rmajor, n->rminor);
				node_put(n);
				return NULL;
			}
		}
		if (type == ENTRY_FILE && h->nlink > 1 &&
		    inomap_put(&p->links, &key, n)) {
			node_put(n);
			return NULL;
		}
	}
	if (type == ENTRY_FILE && h->filesize) {
		n->data = DATA_FD;
		n->offset = data_off;
		n->size = h->filesize;
	}
	if (type == ENTRY_SLINK &&
	    read_target(p, n, data_off, h->filesize)) {
		node_put(n);
		return NULL;
	}
	return n;
}

/* Read the name of the header at @off; NULL after reporting. */
static const char *header_name(struct parser *p, uint64_t off, uint32_t size)
{
	const unsigned char *name;

	if (size == 0 || size > CPIO_PATH_MAX) {
		diag_error(p->d, &p->loc, "name size %u is not within 1..%u",
			   size, CPIO_PATH_MAX);
		return NULL;
	}
	if (archive_reader_get(p->r, off + CPIO_HDR_LEN, size, &name)) {
		diag_error(p->d, &p->loc, "truncated: the name is cut off");
		return NULL;
	}
	if (name[size - 1] != '\0') {
		diag_error(p->d, &p->loc, "the name is not NUL-terminated");
		return NULL;
	}
	return (const char *)name;
}

/*
 * Is @name the archive's root ("." or "./", as find | cpio writes it)?
 * It is not an entry here: the root always exists.  ".." is not the root;
 * the checks refuse it with the other bad names.
 */
static int names_root(const char *name)
{
	int dotdot;
	char *path = path_normalize(name, &dotdot);
	int root = path && !path[0] && !dotdot;

	free(path);
	return root;
}

/*
 * One header at *@off: add its entry and move *@off past its data.
 * Returns 1 after a trailer, 0 for an entry, -1 on error (reported).
 */
static int parse_header(struct parser *p, uint64_t *off)
{
	const unsigned char *raw;
	struct cpio_header h;
	enum cpio_format fmt;
	const char *bad, *name;
	uint64_t data_off, end;
	struct node *n;
	char *copy;
	long where;
	int rc = 0;

	p->loc.offset = *off;
	if (archive_reader_get(p->r, *off, CPIO_HDR_LEN, &raw)) {
		diag_error(p->d, &p->loc, "truncated: no room for a header");
		return -1;
	}
	if (cpio_decode_header((const char *)raw, &fmt, &h, &bad)) {
		diag_error(p->d, &p->loc, "not a newc/crc header (bad %s)", bad);
		return -1;
	}
	name = header_name(p, *off, h.namesize);
	if (!name)
		return -1;
	data_off = *off + CPIO_HDR_LEN + h.namesize;
	data_off += cpio_pad(data_off, 4);
	end = data_off + h.filesize;
	if (end > p->r->size) {
		diag_error(p->d, &p->loc,
			   "truncated: %u bytes of data run past the end (%llu bytes)",
			   h.filesize, (unsigned long long)p->r->size);
		return -1;
	}
	*off = end + cpio_pad(end, 4);
	if (!strcmp(name, CPIO_TRAILER))
		return 1;
	if (names_root(name))
		return 0;
	copy = strdup(name);	/* the window moves when data is read */
	n = copy ? header_node(p, &h, data_off) : NULL;
	where = n ? source_add_offset(p->source, p->loc.offset) : -1;
	if (where < 0 || !entry_list_add(p->out, copy, n, (uint32_t)where))
		rc = -1;
	node_put(n);
	free(copy);
	return rc;
}

/* After a trailer: NUL padding, then the end or the next member. */
static int next_member(struct parser *p, uint64_t *off)
{
	const unsigned char *b;

	while (*off < p->r->size) {
		if (archive_reader_get(p->r, *off, 1, &b))
			return -1;
		if (*b)
			break;
		(*off)++;
	}
	if (*off >= p->r->size)
		return 0;
	p->loc.offset = *off;
	if (archive_reader_get(p->r, *off, 6, &b) || memcmp(b, "07070", 5)) {
		diag_error(p->d, &p->loc,
			   "data after the trailer is not another cpio member%s",
			   compression_of(b, 6) ? " (a compressed member after an uncompressed one is not supported as a source)" : "");
		return -1;
	}
	inomap_clear(&p->links, NULL, NULL);
	return 1;
}

static int parse_archive(struct parser *p)
{
	uint64_t off = 0;
	int rc;

	for (;;) {
		rc = parse_header(p, &off);
		if (rc < 0)
			return -1;
		if (rc == 0)
			continue;
		rc = next_member(p, &off);
		if (rc <= 0)
			return rc;
	}
}

int archive_plain(int fd, const char *name, struct diag *d)
{
	const struct method *m;
	unsigned char magic[16];
	ssize_t n;
	int out;

	n = pread(fd, magic, sizeof(magic), 0);
	m = n > 0 ? method_for_magic(magic, (size_t)n) : NULL;
	if (!m)
		return fd;
	if (lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -1;
	}
	out = decompress(m, fd, name, d);
	close(fd);
	return out;
}

int archive_open(const char *path, struct diag *d)
{
	struct srcloc loc = { .file = path };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		diag_error(d, &loc, "cannot open: %s", strerror(errno));
		return -1;
	}
	return archive_plain(fd, path, d);
}

int archive_tmpfile(const char *what, struct diag *d)
{
	struct srcloc loc = { .file = what };

	return new_tmpfile(&loc, d);
}

int cpioread_fd(const char *path, int fd, struct entry_list *out,
		struct diag *d)
{
	struct archive_reader *r = malloc(sizeof(*r));
	struct parser p = {
		.path = path, .r = r, .out = out, .d = d,
		.loc = { .file = path, .at_offset = true },
	};
	struct stat st;
	long source;
	int rc = -1;

	if (!r) {
		diag_error(d, &p.loc, "out of memory");
		goto out;
	}
	r->fd = fd;
	source = source_add(path, r->fd);
	if (source < 0) {
		diag_error(d, &p.loc, "out of memory");
		goto out;
	}
	p.source = (uint32_t)source;
	r->start = r->len = 0;
	if (fstat(r->fd, &st)) {
		diag_error(d, &p.loc, "cannot stat: %s", strerror(errno));
		goto out;
	}
	r->size = (uint64_t)st.st_size;
	rc = parse_archive(&p);
out:
	inomap_clear(&p.links, NULL, NULL);
	free(r);
	return rc;
}

int cpioread_source(const char *path, struct entry_list *out,
		    struct deplist *deps, int *fd, struct diag *d)
{
	struct srcloc loc = { .file = path };

	*fd = -1;
	if (deplist_add(deps, path)) {
		diag_error(d, &loc, "out of memory");
		return -1;
	}
	*fd = archive_open(path, d);
	return *fd < 0 ? -1 : cpioread_fd(path, *fd, out, d);
}
