// SPDX-License-Identifier: GPL-2.0
/*
 * cpio_fuzz.c: libFuzzer target for the image reader (usr/image/imgread.c) and
 * the readers built on it: --list, --examine, --verify and --diff.
 *
 * The input is an image.  It goes into a memfd, since the reader wants a
 * regular file it can pread() and fstat().  Then:
 *
 *  1. img_scan_fd() with IMG_NO_DECOMPRESS and a visitor that reads each
 *     entry's data in chunks of changing sizes (all of it, a part, or
 *     none, so that both img_read_data() and the skipping get exercised),
 *     and checks what imgread.h promises: member numbers count up, a
 *     member's entry count is what its visitor saw, a name ends within
 *     its c_namesize, only a symlink has a target and it fits its data,
 *     img_read_data() ends after exactly c_filesize bytes, and a header
 *     written back by cpio_encode_header() decodes to the same fields.
 *
 *  2. When that scan met no compressed data, list_image(), examine_image(),
 *     verify_image() and diff_images() (with a fixed small image) on
 *     "/proc/self/fd/N": they take paths and always decompress, and a scan
 *     of the same bytes reaches the same places, so no decompressor is
 *     ever started.  Their output goes to /dev/null.
 *
 *  3. Unless it starts with a compression's magic (which would start the
 *     decompressor), the image as a source of a build, as gen_init_cpio
 *     takes an archive among its sources: cpioread.c (a visitor of the
 *     same reader, with IMG_NO_DECOMPRESS) reads it, the entries are
 *     merged and checked, and archive.c writes them again, newc or crc,
 *     with -a 16 or without, into another memfd.  What the writer wrote
 *     must read back without an error, in img_scan_fd() and in
 *     verify_image() (which checks crc sums), with as many entries
 *     (alignment fillers aside) as the build held.
 *
 * A broken promise is an abort(), which libFuzzer reports as a crash.
 * Messages go to stderr, thrown away unless FUZZ_DIAG is set in the
 * environment; libFuzzer and the sanitizers keep writing to fd 2.
 */
/* memfd_create(): Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/compress.h"
#include "image/cpio.h"
#include "image/imgread.h"
#include "inspect/imgdiff.h"
#include "inspect/listing.h"
#include "inspect/verify.h"
#include "archive.h"
#include "check.h"
#include "cpioread.h"
#include "merge.h"
#include "sink.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMAGE_NAME "fuzz.img"

/* Where the readers' output goes (and their messages, unless FUZZ_DIAG). */
static FILE *devnull;
/* A small image to diff against: "/proc/self/fd/N" of its memfd. */
static char ref_path[64];

/* What the visitor has seen. */
struct walk {
	unsigned int members;
	bool in_member;
	bool compressed;
	uint64_t entries;	/* of the current member */
	uint64_t total;		/* entries of all members, for the chunk sizes */
};

static unsigned char data_buf[256 * 1024];

static void fail(const char *what, const char *name)
{
	fprintf(stdout, "cpio_fuzz: broken promise: %s ('%s')\n", what,
		name ? name : "");
	fflush(stdout);
	abort();
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct walk *w = ctx;

	if (!s || w->in_member || m->index != ++w->members)
		fail("members out of order", img_where(s));
	w->in_member = true;
	w->entries = 0;
	if (m->comp)
		w->compressed = true;
	return 0;
}

static int on_member_end(void *ctx, struct img_scan *s,
			 const struct img_member *m)
{
	struct walk *w = ctx;

	if (!w->in_member || m->index != w->members)
		fail("a member ends that did not begin", img_where(s));
	if (m->entries != w->entries)
		fail("a member's entry count is not what was handed over",
		     img_where(s));
	if (!m->comp && m->size && m->offset % 4)
		fail("an uncompressed member not at a multiple of 4",
		     img_where(s));
	w->in_member = false;
	return 0;
}

/* The header as the writer would put it back reads as the same fields. */
static void check_header_codec(const struct img_entry *e)
{
	char raw[CPIO_HDR_LEN];
	struct cpio_header h;
	enum cpio_format fmt;
	const char *bad = NULL;

	cpio_encode_header(raw, e->fmt, &e->h);
	if (cpio_decode_header(raw, &fmt, &h, &bad) || fmt != e->fmt ||
	    memcmp(&h, &e->h, sizeof(h)))
		fail("a header does not survive encode + decode", e->name);
}

/* Read the data in chunks; which chunk sizes and how much depend on @n. */
static int read_data(struct img_scan *s, const struct img_entry *e,
		     uint64_t n)
{
	static const unsigned long sizes[] = { 1, 3, 4096, 200000 };
	unsigned long chunk = sizes[n % 4];
	bool all = n % 3 != 2, none = n % 3 == 1 && n % 4 == 1;
	uint64_t got = 0;
	long r;

	if (none)
		return 0;
	do {
		r = img_read_data(s, data_buf, chunk);
		if (r < 0)
			return -1;
		if ((unsigned long)r > chunk)
			fail("img_read_data() gave more than asked", e->name);
		got += (uint64_t)r;
		if (got > e->h.filesize)
			fail("img_read_data() gave more than c_filesize", e->name);
	} while (r > 0 && all);
	if (all && got != e->h.filesize)
		fail("img_read_data() ended before c_filesize", e->name);
	return 0;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct walk *w = ctx;
	size_t len;

	if (!w->in_member || m->index != w->members)
		fail("an entry outside a member", e->name);
	w->entries++;
	w->total++;
	if (!e->name)
		fail("an entry without a name", NULL);
	len = strlen(e->name);
	if (!e->h.namesize || len >= e->h.namesize ||
	    e->h.namesize > CPIO_PATH_MAX)
		fail("a name that does not end within c_namesize", e->name);
	if (!strcmp(e->name, CPIO_TRAILER))
		fail("the trailer handed over as an entry", e->name);
	if (e->data_offset < e->offset + CPIO_HDR_LEN + e->h.namesize)
		fail("data before the end of the name", e->name);
	if (e->target) {
		if ((e->h.mode & S_IFMT) != S_IFLNK)
			fail("a target on something not a symlink", e->name);
		if (e->h.filesize > CPIO_PATH_MAX ||
		    strlen(e->target) > e->h.filesize)
			fail("a target longer than the data", e->name);
	}
	if (!img_where(s) || !img_diag(s))
		fail("no location or diagnostics for visitors", e->name);
	check_header_codec(e);
	return read_data(s, e, w->total);
}

/* The entries of the image used as the other side of --diff. */
static void put_entry(FILE *f, const char *name, uint32_t mode, uint32_t ino,
		      uint32_t nlink, const char *data, uint32_t rdev_major)
{
	struct cpio_header h = {
		.ino = ino, .mode = mode, .nlink = nlink, .mtime = 1700000000,
		.filesize = data ? (uint32_t)strlen(data) : 0,
		.devmajor = 3, .devminor = 1, .rdevmajor = rdev_major,
		.namesize = (uint32_t)strlen(name) + 1,
	};
	char hdr[CPIO_HDR_LEN];
	static const char zeros[4];

	cpio_encode_header(hdr, CPIO_NEWC, &h);
	fwrite(hdr, 1, sizeof(hdr), f);
	fwrite(name, 1, h.namesize, f);
	fwrite(zeros, 1, cpio_pad((uint64_t)ftell(f), 4), f);
	if (data)
		fwrite(data, 1, h.filesize, f);
	fwrite(zeros, 1, cpio_pad((uint64_t)ftell(f), 4), f);
}

/* A dir, a file, a symlink, two hard links, a device, then the trailer. */
static void make_reference(void)
{
	int fd = memfd_create("cpio_fuzz-ref", 0);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	static const char zeros[512];

	if (!f)
		abort();
	put_entry(f, "dev", 040755, 721, 2, NULL, 0);
	put_entry(f, "dev/console", 020600, 722, 1, NULL, 5);
	put_entry(f, "init", 0100755, 723, 1, "#!/bin/sh\nexec sh\n", 0);
	put_entry(f, "bin", 0120777, 724, 1, "usr/bin", 0);
	put_entry(f, "a", 0100644, 725, 2, NULL, 0);
	put_entry(f, "b", 0100644, 725, 2, "linked\n", 0);
	put_entry(f, CPIO_TRAILER, 0, 0, 1, NULL, 0);
	fwrite(zeros, 1, cpio_pad((uint64_t)ftell(f), 512), f);
	if (fflush(f))
		abort();
	/* The FILE goes, the descriptor stays open for the whole run. */
	fd = dup(fd);
	fclose(f);
	if (fd < 0)
		abort();
	snprintf(ref_path, sizeof(ref_path), "/proc/self/fd/%d", fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	/* The FILE only: libFuzzer's and the sanitizers' fd 2 stays. */
	if (!getenv("FUZZ_DIAG"))
		stderr = devnull;
	make_reference();
	return 0;
}

/* The input in a memfd, at offset 0; -1 if that failed. */
static int image_fd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("cpio_fuzz", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return fd;
}

/*
 * The readers that take a path, on the same bytes.  --diff compares with
 * the reference one way or the other (each scan of a 256 KiB buffer
 * costs): the input's last bit decides, so that both get their share.
 */
static void read_by_path(const char *path, bool input_first)
{
	struct diag d1 = DIAG_INIT("cpio_fuzz"), d2 = DIAG_INIT("cpio_fuzz"),
		    d3 = DIAG_INIT("cpio_fuzz"), d4 = DIAG_INIT("cpio_fuzz");

	list_image(path, devnull, &d1);
	examine_image(path, devnull, &d2);
	verify_image(path, devnull, &d3);
	if (input_first)
		diff_images(path, ref_path, devnull, &d4);
	else
		diff_images(ref_path, path, devnull, &d4);
	fflush(devnull);
}

/* Entries that are not alignment fillers, and members, of a rebuilt image. */
struct count {
	uint64_t entries;
	unsigned int members;
};

static int count_member(void *ctx, struct img_scan *s,
			const struct img_member *m)
{
	struct count *c = ctx;

	(void)s;
	(void)m;
	c->members++;
	return 0;
}

static int count_entry(void *ctx, struct img_scan *s,
		       const struct img_member *m, const struct img_entry *e)
{
	struct count *c = ctx;

	(void)s;
	(void)m;
	if (!img_is_filler(e))
		c->entries++;
	return 0;
}

/* What archive.c wrote into @fd reads back whole and without an error. */
static void check_rebuilt(int fd, const struct entry_list *l)
{
	struct count c = { 0 };
	struct img_visitor v = {
		.member_begin = count_member,
		.entry = count_entry,
		.ctx = &c,
	};
	struct diag d = DIAG_INIT("cpio_fuzz"), dv = DIAG_INIT("cpio_fuzz");
	char path[64];

	if (img_scan_fd(fd, "rebuilt.img", &v, IMG_NO_DECOMPRESS, &d) ||
	    diag_failed(&d))
		fail("an image the writer wrote does not read back", NULL);
	if (c.members != 1 || c.entries != l->len)
		fail("an image the writer wrote has other entries", NULL);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (verify_image(path, devnull, &dv) || diag_failed(&dv))
		fail("an image the writer wrote does not verify", NULL);
}

/* The image as a build's source: read, merged, checked, written again. */
static void rebuild(const char *path, uint8_t how)
{
	struct archive_opts o = {
		.format = how & 1 ? CPIO_CRC : CPIO_NEWC,
		.data_align = how & 2 ? 16 : 0,
		.mtime_base = 1700000000,
		.mtime_files = MTIME_FILES_OWN,
	};
	struct member m = { .img = IMAGE_INIT, .what = "main" };
	struct entry_list src = ENTRY_LIST_INIT;
	struct diag d = DIAG_INIT("cpio_fuzz");
	struct sink out;
	int in = -1, fd;

	if (cpioread_source(path, &src, NULL, &in, &d) || diag_failed(&d)) {
		entry_list_release(&src);
		goto done;
	}
	if (!check_names(&src, &d))
		merge_source(&m.img, &src, false, &d);
	check_parents(&m, 0, &d);
	check_mtimes(&m.img.entries, &o, &d);
	if (diag_failed(&d))
		goto done;
	fd = memfd_create("cpio_fuzz-out", MFD_CLOEXEC);
	if (fd < 0 || sink_open_fd(&out, fd, false))
		abort();
	/* A write that reports an error is the writer's call; a good one
	   must be readable. */
	if (sink_begin_member(&out, NULL) ||
	    archive_write(&m.img.entries, &o, &out, false, &d) ||
	    sink_end_member(&out) || sink_commit(&out))
		sink_abort(&out);
	else if (!diag_failed(&d))
		check_rebuilt(fd, &m.img.entries);
	close(fd);
done:
	image_release(&m.img);
	model_release();
	if (in >= 0)
		close(in);
}

/* A byte that depends on all of the input (FNV-1a), for choices. */
static uint8_t mix(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return (uint8_t)(h ^ h >> 8 ^ h >> 16 ^ h >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk w = { 0 };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.member_end = on_member_end,
		.ctx = &w,
	};
	struct diag d = DIAG_INIT("cpio_fuzz");
	char path[64];
	int fd = image_fd(data, size);

	if (fd < 0)
		abort();
	img_scan_fd(fd, IMAGE_NAME, &v, IMG_NO_DECOMPRESS, &d);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!w.compressed)
		read_by_path(path, size && data[size - 1] & 1);
	/* cpioread.c looks at the first 16 bytes for a compression. */
	if (!method_for_magic(data, size < 16 ? size : 16))
		rebuild(path, mix(data, size));
	close(fd);
	return 0;
}
