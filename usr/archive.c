// SPDX-License-Identifier: GPL-2.0
/*
 * archive.c: the archive writer (see archive.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"

#define FIRST_INO 721

void archive_writer_init(struct archive_writer *w, struct sink *out,
			 const struct archive_opts *opts)
{
	w->out = out;
	w->opts = opts;
	w->next_ino = FIRST_INO;
}

static int report_write_error(struct archive_writer *w, const struct entry *e,
			      int rc, struct diag *d)
{
	diag_error(d, &e->loc, "cannot write %s: %s", sink_name(w->out),
		   strerror(-rc));
	return -1;
}

/* Header, name and the padding after it; @name_pad overrides the 4-pad. */
static int put_header_name(struct archive_writer *w, struct cpio_header *h,
			   const char *name, uint32_t name_pad)
{
	size_t len = strlen(name) + 1;
	char hdr[CPIO_HDR_LEN];
	int rc;

	h->devmajor = 3;
	h->devminor = 1;
	if (!h->namesize)
		h->namesize = (uint32_t)len;
	cpio_encode_header(hdr, w->opts->format, h);
	rc = sink_write(w->out, hdr, sizeof(hdr));
	if (!rc)
		rc = sink_write(w->out, name, len);
	if (!rc)
		rc = sink_zeros(w->out, name_pad ? name_pad :
				cpio_pad(w->out->offset, 4));
	return rc;
}

static uint32_t file_mtime(const struct archive_opts *o, const struct entry *e,
			   struct diag *d)
{
	int64_t t = e->mtime;

	if (o->mtime_files == MTIME_FILES_BASE)
		return o->mtime_base;
	if (t < 0) {
		diag_warn(d, &e->loc, "mtime of '%s' is before 1970; stored as 0",
			  e->location);
		t = 0;
	} else if (t > (int64_t)CPIO_FIELD_MAX) {
		diag_warn(d, &e->loc,
			  "mtime of '%s' is after 2106; stored as 4294967295",
			  e->location);
		t = CPIO_FIELD_MAX;
	}
	if (o->mtime_files == MTIME_FILES_CLAMPED && t > o->mtime_base)
		t = o->mtime_base;
	return (uint32_t)t;
}

/* The crc format's checksum: the 32-bit sum of the data bytes. */
static int sum_file(int fd, uint64_t size, uint32_t *sum)
{
	unsigned char buf[65536];
	uint64_t left = size;

	while (left) {
		ssize_t r = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));
		ssize_t i;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ENODATA;
		for (i = 0; i < r; i++)
			*sum += buf[i];
		left -= (uint64_t)r;
	}
	return lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

/*
 * Open a file's location again for copying and make sure it is still the
 * file the checks looked at: same inode, same size.
 */
static int open_unchanged(const struct entry *e, struct diag *d)
{
	struct stat st;
	int fd = open(e->location, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		diag_error(d, &e->loc, "cannot open '%s': %s", e->location,
			   strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_dev != e->dev ||
	    st.st_ino != e->ino) {
		diag_error(d, &e->loc, "'%s' was replaced while being archived",
			   e->location);
		goto fail;
	}
	if ((uint64_t)st.st_size != e->size) {
		diag_error(d, &e->loc,
			   "'%s' changed size while being archived (%llu bytes, now %llu)",
			   e->location, (unsigned long long)e->size,
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
 * alignment so that the data starts at a multiple of it; the padding is
 * counted in c_namesize, and the kernel's unpacker skips it with the name.
 * The kernel rejects a namesize beyond PATH_MAX, so past that, give up.
 */
static uint32_t align_pad(struct archive_writer *w, const struct entry *e,
			  const char *name, uint64_t size, struct diag *d)
{
	uint32_t align = w->opts->data_align;
	uint32_t namesize = (uint32_t)strlen(name) + 1;
	uint32_t pad;

	if (!align || size <= align)
		return 0;
	pad = cpio_pad(w->out->offset + CPIO_HDR_LEN + namesize, align);
	if (namesize + pad > CPIO_PATH_MAX) {
		diag_warn(d, &e->loc,
			  "data of '%s' not aligned to %u: the name field would exceed %u bytes",
			  name, align, CPIO_PATH_MAX);
		return 0;
	}
	return pad;
}

/*
 * Copy exactly the size the checks saw, then make sure the file ends
 * there: a file that grew or shrank meanwhile, or a /proc or /sys file
 * whose size says 0 but which has contents, would give a wrong archive.
 */
static int copy_data(struct archive_writer *w, const struct entry *e, int fd,
		     struct diag *d)
{
	int64_t n = sink_copy_fd(w->out, fd, e->size);
	char probe;

	if (n < 0)
		return report_write_error(w, e, (int)n, d);
	if ((uint64_t)n < e->size) {
		diag_error(d, &e->loc,
			   "'%s' shrank while being archived (%llu bytes, now %lld)",
			   e->location, (unsigned long long)e->size, (long long)n);
		return -1;
	}
	if (read(fd, &probe, 1) != 0) {
		diag_error(d, &e->loc,
			   "'%s' has more data than its size of %llu bytes (it grew while being archived, or is not a plain file)",
			   e->location, (unsigned long long)e->size);
		return -1;
	}
	return 0;
}

static int write_file(struct archive_writer *w, const struct entry *e,
		      struct diag *d)
{
	struct cpio_header h = {
		.ino = w->next_ino++,
		.mode = e->mode,
		.uid = e->uid,
		.gid = e->gid,
		.nlink = e->nnames,
	};
	uint32_t sum = 0;
	unsigned int i;
	int fd, rc = -1;

	fd = open_unchanged(e, d);
	if (fd < 0)
		return -1;
	if (w->opts->format == CPIO_CRC && (rc = sum_file(fd, e->size, &sum))) {
		diag_error(d, &e->loc, "cannot read '%s': %s", e->location,
			   rc == -ENODATA ? "file shrank" : strerror(-rc));
		goto out;
	}
	h.mtime = file_mtime(w->opts, e, d);
	/* Only the last name carries the data; the kernel links the others. */
	for (i = 0; i < e->nnames; i++) {
		bool last = i == e->nnames - 1;
		uint32_t pad = last ? align_pad(w, e, e->names[i], e->size, d) : 0;

		h.filesize = last ? (uint32_t)e->size : 0;
		h.check = last ? sum : 0;
		h.namesize = pad ? (uint32_t)strlen(e->names[i]) + 1 + pad : 0;
		rc = put_header_name(w, &h, e->names[i], pad);
		if (rc) {
			rc = report_write_error(w, e, rc, d);
			goto out;
		}
	}
	rc = copy_data(w, e, fd, d);
	if (!rc && (rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4))))
		rc = report_write_error(w, e, rc, d);
out:
	close(fd);
	return rc;
}

static int write_slink(struct archive_writer *w, const struct entry *e,
		       struct diag *d)
{
	size_t len = strlen(e->target) + 1;
	struct cpio_header h = {
		.ino = w->next_ino++,
		.mode = e->mode,
		.uid = e->uid,
		.gid = e->gid,
		.nlink = 1,
		.mtime = w->opts->mtime_base,
		.filesize = (uint32_t)len,
	};
	int rc = put_header_name(w, &h, e->names[0], 0);

	if (!rc)
		rc = sink_write(w->out, e->target, len);
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
	return rc ? report_write_error(w, e, rc, d) : 0;
}

/* Directories, device nodes, FIFOs and sockets: a header and a name. */
static int write_node(struct archive_writer *w, const struct entry *e,
		      struct diag *d)
{
	struct cpio_header h = {
		.ino = w->next_ino++,
		.mode = e->mode,
		.uid = e->uid,
		.gid = e->gid,
		.nlink = e->type == ENTRY_NOD ? 1 : 2,
		.mtime = w->opts->mtime_base,
		.rdevmajor = e->rmajor,
		.rdevminor = e->rminor,
	};
	int rc = put_header_name(w, &h, e->names[0], 0);

	return rc ? report_write_error(w, e, rc, d) : 0;
}

int archive_write_entry(struct archive_writer *w, const struct entry *e,
			struct diag *d)
{
	switch (e->type) {
	case ENTRY_FILE:
		return write_file(w, e, d);
	case ENTRY_SLINK:
		return write_slink(w, e, d);
	default:
		return write_node(w, e, d);
	}
}

int archive_write_trailer(struct archive_writer *w)
{
	struct cpio_header h = { .nlink = 1 };
	char hdr[CPIO_HDR_LEN];
	int rc;

	h.namesize = sizeof(CPIO_TRAILER);
	cpio_encode_header(hdr, w->opts->format, &h);
	rc = sink_write(w->out, hdr, sizeof(hdr));
	if (!rc)
		rc = sink_write(w->out, CPIO_TRAILER, sizeof(CPIO_TRAILER));
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 4));
	if (!rc)
		rc = sink_zeros(w->out, cpio_pad(w->out->offset, 512));
	return rc;
}
