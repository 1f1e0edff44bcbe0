// SPDX-License-Identifier: GPL-2.0
/*
 * microcode.c: the early microcode member (see microcode.h).
 */
/* O_TMPFILE, asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/pathmap.h"
#include "image/cpio.h"
#include "microcode.h"

/* The Intel loader wants its blob 16-byte aligned in memory. */
#define INTEL_ALIGN 16

struct blob {
	const char *subdir;	/* in the firmware tree */
	const char *suffix;	/* files taken, by their ending ("" all) */
	const char *name;	/* in MICROCODE_DIR */
	uint32_t align;
};

static const struct blob blobs[] = {
	{ "amd-ucode", ".bin", "AuthenticAMD.bin", 0 },
	{ "intel-ucode", "", "GenuineIntel.bin", INTEL_ALIGN },
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in @dir that end in @suffix, sorted; NULL-terminated. */
static char **list_blobs(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = NULL;

	*n = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name), sl = strlen(suffix);
		char **bigger;

		if (de->d_name[0] == '.' || len < sl ||
		    strcmp(de->d_name + len - sl, suffix))
			continue;
		/* Blobs are files; a subdirectory (or worse) is not one. */
		if (de->d_type != DT_REG && de->d_type != DT_LNK &&
		    de->d_type != DT_UNKNOWN)
			continue;
		bigger = realloc(v, (*n + 2) * sizeof(*v));
		if (!bigger)
			break;
		v = bigger;
		v[*n] = strdup(de->d_name);
		if (v[*n])
			(*n)++;
	}
	closedir(d);
	if (v) {
		qsort(v, *n, sizeof(*v), by_name);
		v[*n] = NULL;
	}
	return v;
}

/* Append the file @path to @out at its end.  Returns bytes or -1. */
static int64_t append_file(int out, const char *path)
{
	int in = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	int64_t total = 0;
	char buf[65536];
	ssize_t r;

	if (in < 0)
		return -1;
	if (fstat(in, &st) || !S_ISREG(st.st_mode)) {
		close(in);
		errno = EINVAL;
		return -1;
	}
	while ((r = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)r) != r) {
			r = -1;
			break;
		}
		total += r;
	}
	close(in);
	return r < 0 ? -1 : total;
}

static struct node *dir_node(uint32_t source)
{
	struct node *n = node_new(ENTRY_DIR, source);

	if (n)
		n->mode = S_IFDIR | 0755;
	return n;
}

static int add(struct entry_list *out, const char *name, struct node *n)
{
	int rc = n && entry_list_add(out, name, n, 0) ? 0 : -1;

	node_put(n);
	return rc;
}

/* One vendor's blob: its files concatenated at the end of @fd. */
static int add_blob(const char *dir, const struct blob *b, int fd,
		    uint32_t source, struct entry_list *out,
		    struct deplist *deps, const struct srcloc *loc,
		    struct diag *d)
{
	char *sub = NULL, *path = NULL, *name = NULL, **files;
	off_t start = lseek(fd, 0, SEEK_END), size;
	struct node *n = NULL;
	size_t count, i;
	int rc = -1;

	if (asprintf(&sub, "%s/%s", dir, b->subdir) < 0)
		return -1;
	files = list_blobs(sub, b->suffix, &count);
	if (!count) {
		rc = 0;		/* no such vendor in this tree */
		goto out;
	}
	deplist_add(deps, sub);
	for (i = 0; i < count; i++) {
		free(path);
		if (asprintf(&path, "%s/%s", sub, files[i]) < 0 ||
		    append_file(fd, path) < 0) {
			diag_error(d, loc, "cannot add '%s': %s", path,
				   strerror(errno));
			goto out;
		}
		deplist_add(deps, path);
	}
	size = lseek(fd, 0, SEEK_END) - start;
	if ((uint64_t)size > CPIO_FIELD_MAX) {
		diag_error(d, loc,
			   "%s is %lld bytes; newc cannot hold files of 4 GiB or more",
			   b->name, (long long)size);
		goto out;
	}
	n = node_new(ENTRY_FILE, source);
	if (!n || asprintf(&name, "%s/%s", MICROCODE_DIR, b->name) < 0)
		goto out;
	n->mode = S_IFREG | 0644;
	n->data = DATA_FD;
	n->offset = (uint64_t)start;
	n->size = (uint32_t)size;
	n->data_align = b->align;
	rc = add(out, name, n);
	n = NULL;
out:
	node_put(n);
	for (i = 0; files && i < count; i++)
		free(files[i]);
	free(files);
	free(name);
	free(path);
	free(sub);
	return rc;
}

int microcode_read(const char *dir, struct entry_list *out,
		   struct deplist *deps, int *fd, struct diag *d)
{
	struct srcloc loc = { .file = dir };
	struct stat st;
	size_t before, i;
	long source;
	int err;

	err = stat(dir, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (err) {
		diag_error(d, &loc, "cannot read the firmware directory: %s",
			   strerror(err));
		return -1;
	}

	*fd = open(getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		   O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (*fd < 0) {
		diag_error(d, &loc, "cannot create a temporary file: %s",
			   strerror(errno));
		return -1;
	}
	source = source_add(dir, *fd);
	if (source < 0 ||
	    add(out, "kernel", dir_node((uint32_t)source)) ||
	    add(out, "kernel/x86", dir_node((uint32_t)source)) ||
	    add(out, MICROCODE_DIR, dir_node((uint32_t)source)))
		goto oom;
	before = out->len;
	for (i = 0; i < ARRAY_SIZE(blobs); i++)
		if (add_blob(dir, &blobs[i], *fd, (uint32_t)source, out, deps,
			     &loc, d))
			return -1;
	if (out->len == before) {
		diag_error(d, &loc,
			   "no microcode: neither intel-ucode/ nor amd-ucode/*.bin here");
		return -1;
	}
	return 0;
oom:
	diag_oom(d, &loc);
	return -1;
}

/* Where a name says it is early microcode, is it spelled as the loader wants? */
static void check_entry(const struct member *m, const struct entry *e,
			bool after_compressed, struct diag *d)
{
	static const char prefix[] = MICROCODE_DIR "/";
	const char *name = entry_name(e), *path = entry_path(e), *base;

	if (strncmp(path, prefix, sizeof(prefix) - 1))
		return;
	base = path + sizeof(prefix) - 1;
	if (m->comp.method)
		diag_error(d, ENTRY_LOC(e),
			   "early microcode '%s' is in a %s-compressed member; the kernel's early loader reads only uncompressed cpio",
			   name, m->comp.method->name);
	else if (after_compressed)
		diag_error(d, ENTRY_LOC(e),
			   "early microcode '%s' comes after a compressed member; the kernel's early loader stops at the first compressed data",
			   name);
	else if (strcmp(name, path))
		diag_error(d, ENTRY_LOC(e),
			   "early microcode '%s' must be named '%s' exactly: the early loader compares names byte for byte",
			   name, path);
	else if (e->node->type != ENTRY_DIR && strcmp(base, "GenuineIntel.bin") &&
		 strcmp(base, "AuthenticAMD.bin"))
		diag_error(d, ENTRY_LOC(e),
			   "'%s': the early loader reads only %sGenuineIntel.bin and %sAuthenticAMD.bin",
			   name, prefix, prefix);
	else if (e->node->type != ENTRY_DIR && e->node->type != ENTRY_FILE)
		diag_error(d, ENTRY_LOC(e),
			   "early microcode '%s' is a %s; the early loader reads only regular files",
			   name, entry_type_name(e->node->type));
}

void microcode_check(const struct member *m, size_t n, struct diag *d)
{
	bool after_compressed = false;
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < m[i].img.entries.len; j++)
			check_entry(&m[i], &m[i].img.entries.v[j],
				    after_compressed, d);
		if (m[i].comp.method)
			after_compressed = true;
	}
}
