// SPDX-License-Identifier: GPL-2.0
/*
 * tar_fuzz.c: libFuzzer target for tar sources (usr/tarsrc.c).
 *
 * The input is a tar archive, read from a memfd as gen_init_cpio reads a
 * tar file, once as a source and once as an OCI layer (whiteouts, normal
 * names); the entries are then merged and their parents checked, as a
 * build does.  Besides the sanitizers, the target checks what the reader
 * promises:
 *
 *  - an entry's node has the type bits of its type, and only files have
 *    data, a range that lies within the archive;
 *  - a symlink has a non-empty target; a device's numbers fit dev_t;
 *  - an entry's name is never absolute and has no '..' component;
 *  - a whiteout's path is a normal form (no leading '/', no '..').
 *
 * A broken promise is an abort(), which libFuzzer reports as a crash.
 * Messages are thrown away unless FUZZ_DIAG is set in the environment.
 */
/* memfd_create(): Linux. */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/pathmap.h"
#include "check.h"
#include "entry.h"
#include "merge.h"
#include "tarsrc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *name)
{
	fprintf(stdout, "tar_fuzz: broken promise: %s ('%s')\n", what,
		name ? name : "");
	fflush(stdout);
	abort();
}

static void check_entry(const struct entry *e, uint64_t size)
{
	const struct node *n = e->node;
	const char *name = entry_name(e);
	int dotdot;
	char *norm = path_normalize(name, &dotdot);

	if (name[0] == '/' || (norm && dotdot))
		fail("an absolute name or '..'", name);
	free(norm);
	if (entry_type_of_mode(n->mode) != n->type)
		fail("mode and type disagree", name);
	if (n->type != ENTRY_FILE && n->data != DATA_NONE)
		fail("data on a non-file", name);
	if (n->data == DATA_FD && n->offset + n->size > size)
		fail("data beyond the archive", name);
	if (n->type == ENTRY_SLINK && !(node_target(n) && *node_target(n)))
		fail("a symlink without a target", name);
	if (n->type == ENTRY_NOD && (n->rmajor > 4095 || n->rminor > 1048575))
		fail("a device beyond dev_t", name);
}

static void read_as(int fd, uint64_t size, bool layer)
{
	static const struct idmap ids;
	struct tar_opts o = { .ids = &ids, .layer = layer };
	struct entry_list src = ENTRY_LIST_INIT;
	struct member m = { .img = IMAGE_INIT, .what = "main" };
	struct diag d = DIAG_INIT("tar_fuzz");
	size_t i;

	tarsrc_read("fuzz.tar", fd, 0, size, &o, &src, &d);
	for (i = 0; i < src.len; i++)
		check_entry(&src.v[i], size);
	for (i = 0; i < o.nwhiteouts; i++) {
		const char *w = o.whiteouts[i].path;
		int dotdot;
		char *norm = path_normalize(w, &dotdot);

		if (w[0] == '/' || (norm && dotdot))
			fail("a whiteout outside the layer", w);
		free(norm);
		free(o.whiteouts[i].path);
	}
	free(o.whiteouts);
	merge_source(&m.img, &src, false, &d);
	check_parents(&m, 0, &d);
	image_release(&m.img);
	entry_list_release(&src);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!getenv("FUZZ_DIAG")) {
		FILE *null = fopen("/dev/null", "w");

		if (!null)
			abort();
		/* The FILE only: libFuzzer's and the sanitizers' fd 2 stays. */
		stderr = null;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("tar_fuzz", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	read_as(fd, size, false);
	read_as(fd, size, true);
	close(fd);
	model_release();
	return 0;
}
