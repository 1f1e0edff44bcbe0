// SPDX-License-Identifier: GPL-2.0
/*
 * extract_replay.c: extract_fuzz's inputs for tests/fuzz.t, which runs
 * them through the real program (gen_init_cpio --extract) with the same
 * sandbox and oracle as the fuzzer (tests/fuzz/extract_case.c).  libc
 * only: tests/fuzz.t compiles it with cc, no libFuzzer needed.
 *
 *   extract_replay setup <sandbox>          sentinels and <sandbox>/t in
 *                                           the existing empty directory
 *   extract_replay image <input> <sandbox> <image>
 *                                           the image the input decodes to
 *   extract_replay snap <sandbox>           the snapshot, on stdout
 *   extract_replay compare <before> <after> two snapshots: exit 1 and the
 *                                           first difference if they differ
 *   extract_replay types <input> <sandbox>  exit 1 if <sandbox>/t holds what
 *                                           no entry of the input makes
 *   extract_replay remove <path>            remove, following no symlink
 *
 * Exit status 0, 1 for a broken promise, 2 for trouble.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_case.h"

static void die(const char *what, const char *name)
{
	fprintf(stderr, "extract_replay: %s %s: %s\n", what, name,
		strerror(errno));
	exit(2);
}

/* The whole of @path, NUL-terminated; its length into *@len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		die("cannot open", path);
	do {
		if (n + 4096 + 1 > cap) {
			cap = 2 * cap + 4096 + 1;
			buf = realloc(buf, cap);
			if (!buf)
				die("out of memory reading", path);
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	if (ferror(f))
		die("cannot read", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void decode(const char *input, const char *sandbox, struct xc_case *c)
{
	char abs[PATH_MAX];
	size_t len;
	char *in = slurp(input, &len);

	if (!realpath(sandbox, abs))
		die("cannot resolve", sandbox);
	if (xc_decode((const uint8_t *)in, len, abs, c))
		die("out of memory decoding", input);
	free(in);
}

static int write_image(const struct xc_case *c, const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(c->image, 1, c->len, f) != c->len || fclose(f))
		die("cannot write", path);
	return 0;
}

static int compare(const char *before, const char *after)
{
	size_t n;
	char *a = slurp(before, &n), *b = slurp(after, &n);
	char msg[9000];

	if (!xc_compare(a, b, msg, sizeof(msg)))
		return 0;
	printf("changed outside the target: %s\n", msg);
	return 1;
}

static int types(const char *input, const char *sandbox)
{
	char target[PATH_MAX + 4], msg[4400];
	struct xc_case c;
	int rc;

	decode(input, sandbox, &c);
	snprintf(target, sizeof(target), "%s/%s", sandbox, XC_TARGET);
	rc = xc_check_types(target, &c, msg, sizeof(msg));
	if (rc)
		printf("made what the image does not hold: %s\n", msg);
	xc_free(&c);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	struct xc_case c;
	char *snap;

	if (!strcmp(cmd, "setup") && argc == 3) {
		if (xc_populate(argv[2]))
			die("cannot fill", argv[2]);
	} else if (!strcmp(cmd, "image") && argc == 5) {
		decode(argv[2], argv[3], &c);
		write_image(&c, argv[4]);
		xc_free(&c);
	} else if (!strcmp(cmd, "snap") && argc == 3) {
		snap = xc_snapshot(argv[2]);
		if (!snap)
			die("cannot take a snapshot of", argv[2]);
		fputs(snap, stdout);
		free(snap);
	} else if (!strcmp(cmd, "compare") && argc == 4) {
		return compare(argv[2], argv[3]);
	} else if (!strcmp(cmd, "types") && argc == 4) {
		return types(argv[2], argv[3]);
	} else if (!strcmp(cmd, "remove") && argc == 3) {
		if (xc_remove(AT_FDCWD, argv[2]))
			die("cannot remove", argv[2]);
	} else {
		fprintf(stderr, "usage: extract_replay setup|image|snap|compare|types|remove ...\n");
		return 2;
	}
	return fflush(stdout) ? 2 : 0;
}
