// SPDX-License-Identifier: GPL-2.0
/*
 * archive.c: the archive writer (see archive.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"

#define FIRST_INO 721

/*
 * Files up to this size are read whole, straight into the sink's buffer,
 * and go out with the headers around them: three system calls a file
 * (open, read, close) instead of a write of the buffered header plus a
 * copy_file_range() each, which is what makes trees of many small files
 * fast.  Larger files are copied in the kernel.  (It must leave room in
 * the sink's buffer for a header and a name of PATH_MAX.)
 */
#define SMALL_FILE (64 * 1024)

struct writer {
	struct sink *out;
	const struct archive_opts *opts;
	bool dry;
	struct diag *d;
	struct dircache dirs;		/* the latest parent directory open */
	const struct entry *last_dir;	/* the latest directory written */
	uint32_t next_ino;		/* for alignment fillers */
};

uint32_t node_archive_mtime(const struct node *n, const struct archive_opts *o,
			    int *clipped)
{
	int64_t t = n->mtime;
	int clip = 0;

	if (o->mtime_files == MTIME_FILES_BASE || !n->has_mtime)
		t = o->mtime_base;
	else if (o->mtime_files == MTIME_FILES_CLAMPED && t > (int64_t)o->mtime_base)
		t = o->mtime_base;
	else if (t < 0)
		clip = -1;
	else if (t > (int64_t)CPIO_FIELD_MAX)
		clip = 1;
	if (clipped)
		*clipped = clip;
	return clip < 0 ? 0 : clip > 0 ? CPIO_FIELD_MAX : (uint32_t)t;
}

static int report_write_error(struct writer *w, const struct entry *e, int rc)
{
	/* A compressor's failure is not the fault of the entry at hand. */
	diag_error(w->d, rc == -ECHILD ? NULL : ENTRY_LOC(e), "cannot write %s: %s",
		   sink_name(w->out), sink_error(w->out, rc));
	return -1;
}

/*
 * Number the nodes from 721 in order of first appearance (the kernel's
 * tool gives each line one number, shared by a file's hard links), and
 * find the last name of each node, which carries its data.
 */
static void number_nodes(struct entry_list *l)
{
	uint32_t ino = FIRST_INO;
	size_t i;

	for (i = 0; i < l->len; i++)
		l->v[i].node->archive_ino = 0;
	for (i = 0; i < l->len; i++) {
		struct node *n = l->v[i].node;

		if (!n->archive_ino)
			n->archive_ino = ino++;
		n->last_entry = i;
	}
}

/* The fields every entry's header has alike, as the kernel's tool writes. */
static void fill_header(struct cpio_header *h, size_t namelen, uint32_t name_pad)
{
	h->devmajor = 3;
	h->devminor = 1;
	h->namesize = (uint32_t)namelen + name_pad;
}

/* Header, name and the padding after it; @name_pad overrides the 4-pad. */
static int put_header_name(struct writer *w, struct cpio_header *h,
			   const char *name, uint32_t name_pad)
{
	size_t len = strlen(name) + 1;
	char hdr[CPIO_HDR_LEN];
	int rc;

	fill_header(h, len, name_pad);
	cpio_encode_header(hdr, w->opts->format, h);
	rc = sink_write(w->out, hdr, sizeof(hdr));
	if (!rc)
		rc = sink_write(w->out, name, len);
	if (!rc)
		rc = sink_zeros(w->out, name_pad ? name_pad :
				cpio_pad(w->out->offset, 4));
	return rc;
}

/* The crc format's checksum: the 32-bit sum of the data bytes. */
static int sum_data(int fd, uint64_t offset, uint64_t size, uint32_t *sum)
{
	unsigned char buf[65536];

	while (size) {
		ssize_t r = pread(fd, buf, size < sizeof(buf) ? size : sizeof(buf),
				  (off_t)offset);
		ssize_t i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ENODATA;
		for (i = 0; i < r; i++)
			*sum += buf[i];
		size -= (uint64_t)r;
		offset += (uint64_t)r;
	}
	return 0;
}

/*
 * Open a file's data for reading.  O_NONBLOCK: should the path have become
 * a FIFO since the checks, never hang on it.
 */
static int open_path(struct writer *w, const struct entry *e)
{
	const char *name;
	int at = dircache_node_at(&w->dirs, e->node, &name);
	int fd = openat(at, name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		diag_error(w->d, ENTRY_LOC(e), "cannot open '%s': %s",
			   node_path(e->node), strerror(errno));
	return fd;
}

/*
 * Open a file's path again for copying and make sure it is still the
 * file the checks looked at: same inode, same size.
 */
static int open_unchanged(struct writer *w, const struct entry *e)
{
	const struct node *n = e->node;
	struct stat st;
	int fd = open_path(w, e);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint32_t)st.st_dev != n->dev || st.st_ino != n->ino) {
		diag_error(w->d, ENTRY_LOC(e),
			   "'%s' was replaced while being archived", node_path(n));
		goto fail;
	}
	if ((uint64_t)st.st_size != n->size) {
		diag_error(w->d, ENTRY_LOC(e),
			   "'%s' changed size while being archived (%llu bytes, now %llu)",
			   node_path(n), (unsigned long long)n->size,
			   (unsigned long long)st.st_size);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * With -a, pad the name of an entry whose data is larger than the
 * alignment so that the data starts at a multiple of it (and likewise for
 * a node that asks for an alignment of its own: Intel microcode); the
 * padding is counted in c_namesize, and the kernel's unpacker skips it
 * with the name.  Returns the alignment wanted, 0 for none.
 */
static uint32_t wanted_align(struct writer *w, const struct entry *e,
			     uint64_t size)
{
	uint32_t align = w->opts->data_align;

	if (size <= align)
		align = 0;
	if (node_data_align(e->node) > align)
		align = node_data_align(e->node);	/* early microcode */
	return align;
}

/* The largest header + name field the kernel takes, kept a multiple of 4. */
#define FILLER_MAX ((CPIO_HDR_LEN + CPIO_PATH_MAX) & ~3u)

/*
 * The kernel rejects a c_namesize beyond PATH_MAX, so a long name cannot
 * always absorb the padding (Linux 6.18's tool then gives up and copies
 * the data unaligned).  Instead, move the entry: repeat the latest
 * directory entry, identical but for its padded name, which the kernel
 * applies again to no effect (mkdir fails, the same owner, mode and mtime
 * are set) and cpio tools extract as the directory it already made.  Its
 * size @fill (a multiple of 4) is chosen so the padding needed after it
 * is what the entry's own name field can hold.
 */
static int put_filler(struct writer *w, uint32_t fill)
{
	const struct entry *dir = w->last_dir;
	const struct node *n = dir->node;
	struct cpio_header h = {
		.ino = w->next_ino++,	/* its own: cpio tools link equal ones */
		.mode = n->mode,
		.uid = n->uid,
		.gid = n->gid,
		.nlink = 2,
		.mtime = node_archive_mtime(n, w->opts, NULL),
	};
	const char *name = entry_name(dir);
	uint32_t len = (uint32_t)strlen(name) + 1;

	return put_header_name(w, &h, name, fill - CPIO_HDR_LEN - len);
}

#define MAX_FILLERS 64

#define PREFETCH_AHEAD 8

/*
 * The fillers that bring the padding @e needs at @offset within what its
 * name field can hold: their sizes into @fill, their number returned; -1
 * when even MAX_FILLERS cannot (huge alignments, a directory name about
 * as long as the field).
 */
static int plan_fillers(const struct writer *w, uint64_t offset,
			uint32_t namesize, uint32_t align, uint32_t fill[])
{
	uint32_t room = CPIO_PATH_MAX - namesize;
	uint32_t min = CPIO_HDR_LEN + (uint32_t)strlen(entry_name(w->last_dir)) + 1;
	uint32_t pad = cpio_pad(offset + CPIO_HDR_LEN + namesize, align);
	int n = 0;

	min += cpio_pad(min, 4);
	while (pad > room) {
		uint32_t f = pad & ~3u;

		if (n == MAX_FILLERS)
			return -1;
		if (f < min)
			f = min;
		if (f > FILLER_MAX)
			f = FILLER_MAX;
		fill[n++] = f;
		offset += f;
		pad = cpio_pad(offset + CPIO_HDR_LEN + namesize, align);
	}
	return n;
}

/* The padding for @e's name; fillers first if it would not fit. */
static int align_pad(struct writer *w, const struct entry *e, uint64_t size,
		     uint32_t *pad)
{
	uint32_t align = wanted_align(w, e, size);
	uint32_t namesize = (uint32_t)strlen(entry_name(e)) + 1;
	uint32_t fill[MAX_FILLERS];
	int i, n, rc;

	*pad = 0;
	if (!align)
		return 0;
	*pad = cpio_pad(w->out->offset + CPIO_HDR_LEN + namesize, align);
	if (*pad <= CPIO_PATH_MAX - namesize)
		return 0;
	n = w->last_dir ? plan_fillers(w, w->out->offset, namesize, align, fill) : -1;
	if (n < 0) {
		if (w->dry)
			diag_warn(w->d, ENTRY_LOC(e),
				  "data of '%s' not aligned to %u: the name field would exceed %u bytes",
				  entry_name(e), align, CPIO_PATH_MAX);
		*pad = 0;
		return 0;
	}
	for (i = 0; i < n; i++) {
		rc = put_filler(w, fill[i]);
		if (rc)
			return report_write_error(w, e, rc);
	}
	*pad = cpio_pad(w->out->offset + CPIO_HDR_LEN + namesize, align);
	return 0;
}

/*
 * How many bytes of a node's data there are now, from @offset of @fd:
 * what a file that shrank while being archived says it has, not where
 * reading it stopped (which may be past its new end).  @fallback where
 * fstat() fails.
 */
static uint64_t size_now(int fd, uint64_t offset, uint64_t fallback)
{
	struct stat st;

	if (fstat(fd, &st))
		return fallback;
	return (uint64_t)st.st_size > offset ? (uint64_t)st.st_size - offset : 0;
}

/* The message for a file that shrank: its size then and now. */
static void report_shrank(struct writer *w, const struct entry *e, int fd,
			  uint64_t offset, uint64_t got)
{
	const struct node *n = e->node;

	diag_error(w->d, ENTRY_LOC(e),
		   "'%s' shrank while being archived (%llu bytes, now %llu)",
		   n->data == DATA_FD ? entry_name(e) : node_path(n),
		   (unsigned long long)n->size,
		   (unsigned long long)size_now(fd, offset, got));
}

/*
 * Copy exactly the size the checks saw, then make sure a file ends there:
 * a file that grew or shrank meanwhile, or a /proc or /sys file whose
 * size says 0 but which has contents, would give a wrong archive.
 */
static int copy_data(struct writer *w, const struct entry *e, int fd)
{
	const struct node *n = e->node;
	off_t from = (off_t)n->offset;
	int64_t copied;
	char probe;

	if (w->dry)
		return sink_zeros(w->out, n->size);
	copied = sink_copy_fd(w->out, fd, n->data == DATA_FD ? &from : NULL,
			      n->size);
	if (copied < 0)
		return report_write_error(w, e, (int)copied);
	if ((uint64_t)copied < n->size) {
		report_shrank(w, e, fd, n->data == DATA_FD ? n->offset : 0,
			      (uint64_t)copied);
		return -1;
	}
	if (n->data == DATA_PATH && read(fd, &probe, 1) != 0) {
		diag_error(w->d, ENTRY_LOC(e),
			   "'%s' has more data than its size of %llu bytes (it grew while being archived, or is not a plain file)",
			   node_path(n), (unsigned long long)n->size);
		return -1;
	}
	return 0;
}

/*
 * The descriptor to read a node's data from: @opened (the file, just
 * opened and checked), or opened now, or borrowed, or none.
 */
static int data_fd(struct writer *w, const struct entry *e, int opened)
{
	const struct node *n = e->node;

	if (opened >= 0)
		return opened;
	if (w->dry)
		return -1;
	if (n->data == DATA_FD)
		return node_fd(n);
	return open_unchanged(w, e);
}

/*
 * Read a small file whole, from @fd or from its path, and close it.
 * Asking for one byte more than its size tells, in the same call, whether
 * it grew; a short read whether it shrank.
 */
static int read_small(struct writer *w, const struct entry *e,
		      unsigned char *dst, int fd)
{
	const struct node *n = e->node;
	uint64_t got = 0;
	int err = 0;

	if (fd < 0)
		fd = open_path(w, e);
	if (fd < 0)
		return -1;
	for (;;) {
		size_t want = n->size + 1 - got;
		ssize_t r = read(fd, dst + got, want);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = errno;
		if (r <= 0)
			break;
		got += (uint64_t)r;
		/* A regular file reads short only at its end. */
		if ((size_t)r < want || got > n->size)
			break;
	}
	if (got == n->size) {
		close(fd);
		return 0;
	}
	if (got > n->size)
		diag_error(w->d, ENTRY_LOC(e),
			   "'%s' has more data than its size of %llu bytes (it grew while being archived, or is not a plain file)",
			   node_path(n), (unsigned long long)n->size);
	else if (err)
		diag_error(w->d, ENTRY_LOC(e), "cannot read '%s': %s",
			   node_path(n), strerror(err));
	else
		report_shrank(w, e, fd, 0, got);
	close(fd);
	return -1;
}

static bool is_small(const struct writer *w, const struct node *n)
{
	return n->data == DATA_PATH && n->size <= SMALL_FILE &&
	       !(w->opts->data_align && n->size > w->opts->data_align);
}

/*
 * A small file goes out with its header in one piece of the sink's
 * buffer: the data is read straight into place (one copy fewer), then the
 * header, which needs the size and checksum, is written in front of it.
 */
static int write_small_file(struct writer *w, const struct entry *e,
			    struct cpio_header *h, int fd)
{
	const struct node *n = e->node;
	const char *name = entry_name(e);
	size_t namelen = strlen(name) + 1, head = CPIO_HDR_LEN + namelen;
	size_t pad = cpio_pad(w->out->offset + head, 4);
	unsigned char *p, *data;
	uint64_t i;
	int rc;

	h->filesize = (uint32_t)n->size;
	if (w->dry) {
		if (fd >= 0)
			close(fd);
		rc = put_header_name(w, h, name, 0);
		return rc ? rc : sink_zeros(w->out, n->size +
					    cpio_pad(n->size + w->out->offset, 4));
	}
	rc = sink_reserve(w->out, head + pad + n->size + 1, &p);
	if (rc) {
		if (fd >= 0)
			close(fd);
		return report_write_error(w, e, rc);
	}
	data = p + head + pad;
	if (read_small(w, e, data, fd))
		return -1;
	if (w->opts->format == CPIO_CRC)
		for (i = 0; i < n->size; i++)
			h->check += data[i];
	fill_header(h, namelen, 0);
	cpio_encode_header((char *)p, w->opts->format, h);
	memcpy(p + CPIO_HDR_LEN, name, namelen);
	memset(p + head, 0, pad);
	sink_advance(w->out, head + pad + n->size);
	rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
	return rc ? report_write_error(w, e, rc) : 0;
}

/*
 * Entry @i of @l, a file; @opened is its file if the writer opened it to
 * check it (closed here), else -1.
 */
static int write_file(struct writer *w, struct entry_list *l, size_t i,
		      int opened)
{
	const struct entry *e = &l->v[i];
	const struct node *n = e->node;
	bool carrier = n->last_entry == i && n->data != DATA_NONE;
	struct cpio_header h = {
		.ino = n->archive_ino,
		.mode = n->mode,
		.uid = n->uid,
		.gid = n->gid,
		.nlink = n->refs,
		.mtime = node_archive_mtime(n, w->opts, NULL),
	};
	int fd = -1, rc = -1;
	uint32_t pad;

	if (carrier && is_small(w, n))
		return write_small_file(w, e, &h, opened);
	if (!carrier && opened >= 0)
		close(opened);
	/* Only the last name carries the data; the kernel links the others. */
	if (carrier) {
		fd = data_fd(w, e, opened);
		if (fd < 0 && !w->dry)
			return -1;
		h.filesize = (uint32_t)n->size;
		rc = w->opts->format == CPIO_CRC && !w->dry ?
		     sum_data(fd, n->data == DATA_FD ? n->offset : 0, n->size,
			      &h.check) : 0;
		if (rc == -ENODATA)
			report_shrank(w, e, fd, n->data == DATA_FD ? n->offset : 0,
				      0);
		else if (rc)
			diag_error(w->d, ENTRY_LOC(e), "cannot read '%s': %s",
				   n->data == DATA_FD ? entry_name(e) : node_path(n),
				   strerror(-rc));
		if (rc)
			goto out;
	}
	pad = 0;
	if (carrier && align_pad(w, e, n->size, &pad))
		goto out;
	rc = put_header_name(w, &h, entry_name(e), pad);
	if (rc) {
		rc = report_write_error(w, e, rc);
		goto out;
	}
	if (carrier) {
		rc = copy_data(w, e, fd);
		if (!rc) {
			rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
			if (rc)
				rc = report_write_error(w, e, rc);
		}
	}
out:
	if (fd >= 0 && n->data == DATA_PATH)
		close(fd);
	return rc;
}

static int write_slink(struct writer *w, const struct entry *e)
{
	const struct node *n = e->node;
	const char *target = node_target(n);
	size_t len = strlen(target) + 1;
	struct cpio_header h = {
		.ino = n->archive_ino,
		.mode = n->mode,
		.uid = n->uid,
		.gid = n->gid,
		.nlink = 1,
		.mtime = node_archive_mtime(n, w->opts, NULL),
		.filesize = (uint32_t)len,
	};
	int rc = put_header_name(w, &h, entry_name(e), 0);

	if (!rc)
		rc = sink_write(w->out, target, len);
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
	return rc ? report_write_error(w, e, rc) : 0;
}

/* Directories, device nodes, FIFOs and sockets: a header and a name. */
static int write_node(struct writer *w, const struct entry *e)
{
	const struct node *n = e->node;
	struct cpio_header h = {
		.ino = n->archive_ino,
		.mode = n->mode,
		.uid = n->uid,
		.gid = n->gid,
		.nlink = n->type == ENTRY_NOD ? 1 : 2,
		.mtime = node_archive_mtime(n, w->opts, NULL),
		.rdevmajor = n->type == ENTRY_NOD ? n->rmajor : 0,
		.rdevminor = n->type == ENTRY_NOD ? n->rminor : 0,
	};
	int rc = put_header_name(w, &h, entry_name(e), 0);

	return rc ? report_write_error(w, e, rc) : 0;
}

static int write_trailer(struct writer *w)
{
	struct cpio_header h = { .nlink = 1 };
	char hdr[CPIO_HDR_LEN];
	int rc;

	h.namesize = sizeof(CPIO_TRAILER);
	cpio_encode_header(hdr, w->opts->format, &h);
	rc = sink_entry_start(w->out);
	if (!rc)
		rc = sink_write(w->out, hdr, sizeof(hdr));
	if (!rc)
		rc = sink_write(w->out, CPIO_TRAILER, sizeof(CPIO_TRAILER));
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 512));
	if (rc)
		diag_error(w->d, NULL, "cannot write %s: %s", sink_name(w->out),
			   sink_error(w->out, rc));
	return rc ? -1 : 0;
}

int archive_write(struct entry_list *l, const struct archive_opts *opts,
		  struct sink *out, bool dry, struct diag *d)
{
	struct writer w = { .out = out, .opts = opts, .dry = dry, .d = d };
	bool late_failed = false;
	size_t i;
	int rc = 0, opened;

	w.dirs = (struct dircache)DIRCACHE_INIT;

	number_nodes(l);
	w.next_ino = FIRST_INO;
	for (i = 0; i < l->len; i++)
		if (l->v[i].node->archive_ino >= w.next_ino)
			w.next_ino = l->v[i].node->archive_ino + 1;
	for (i = 0; i < l->len && !rc; i++) {
		struct node *n = l->v[i].node;

		/*
		 * Nodes and names are scattered over the heap; with tens of
		 * thousands of small files, waiting for each to come from
		 * memory showed.  Ask for those a few entries ahead.
		 */
		if (i + PREFETCH_AHEAD < l->len) {
			__builtin_prefetch(l->v[i + PREFETCH_AHEAD].node);
			__builtin_prefetch(entry_name(&l->v[i + PREFETCH_AHEAD]));
		}

		rc = sink_entry_start(out);
		if (rc) {
			report_write_error(&w, &l->v[i], rc);
			break;
		}
		switch (n->type) {
		case ENTRY_FILE:
			opened = -1;
			/* Found bad: go on, to report every such file. */
			if (n->check == NODE_UNCHECKED ||
			    n->check == NODE_UNSTATED) {
				opened = opts->late.file(opts->late.ctx, n,
							 &l->v[i], &w.dirs, d);
				late_failed |= opened == -1;
			}
			if (n->check != NODE_BAD)
				rc = write_file(&w, l, i, opened);
			break;
		case ENTRY_SLINK:
			rc = write_slink(&w, &l->v[i]);
			break;
		default:
			rc = write_node(&w, &l->v[i]);
			if (l->v[i].node->type == ENTRY_DIR)
				w.last_dir = &l->v[i];
		}
		if (!rc && !dry && opts->progress)
			progress_entry(opts->progress, entry_name(&l->v[i]),
				       sink_position(out));
	}
	dircache_release(&w.dirs);
	if (!rc)
		rc = write_trailer(&w);
	return rc || late_failed ? -1 : 0;
}
