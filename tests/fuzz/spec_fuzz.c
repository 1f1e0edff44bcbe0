// SPDX-License-Identifier: GPL-2.0
/*
 * spec_fuzz.c: libFuzzer target for the spec list reader (usr/spec.c).
 *
 * The input is a spec list.  It is read through fmemopen() the way
 * gen_init_cpio reads a list file, with a `segment` hook that takes the
 * entries read so far, as the real one does, and the entries then go
 * where gen_init_cpio puts them: merged into the current member (a path
 * defined twice is an error), then each member's parents checked (what
 * touches the file system, the locations' checks, is left out).  Besides
 * the sanitizers, the target checks what the reader promises about what
 * it returns:
 *
 *  - every entry has its line and points at a node whose reference count
 *    is the number of entries sharing it and whose mode has the type bits
 *    of its type;
 *  - a symlink has a target, a file a location, and only files have
 *    data; a device's numbers fit the kernel's dev_t;
 *  - escape_field() is the inverse of the field decoding: each name and
 *    symlink target, escaped and written into a new line, reads back as
 *    the same bytes without a message.
 *
 * A broken promise is an abort(), which libFuzzer reports as a crash.
 *
 * The reader's messages go to stderr; they are thrown away unless
 * FUZZ_DIAG is set in the environment (to look at one input).  libFuzzer
 * and the sanitizers keep writing to file descriptor 2.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "check.h"
#include "entry.h"
#include "merge.h"
#include "spec.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIST_NAME "fuzz.list"

/* The members of the image so far (as gen_init_cpio's struct build). */
#define MAX_MEMBERS 64		/* more segments stop the reading */

struct build {
	struct member m[MAX_MEMBERS];
	size_t n;
	struct diag *d;
};

static void fail(const char *what, const char *name)
{
	fprintf(stdout, "spec_fuzz: broken promise: %s ('%s')\n", what,
		name ? name : "");
	fflush(stdout);
	abort();
}

static void check_round_trip(const struct entry_list *l);

static void check_entries(const struct entry_list *l)
{
	size_t i, j;

	for (i = 0; i < l->len; i++) {
		const struct entry *e = &l->v[i];
		const struct node *n = e->node;
		const char *name = entry_name(e);
		unsigned int refs = 0;
		struct srcloc loc;

		if (!name || !n)
			fail("an entry without a name or a node", NULL);
		entry_loc(e, &loc);
		if (!loc.line || strcmp(loc.file, LIST_NAME))
			fail("an entry without its line", name);
		if (entry_type_of_mode(n->mode) != (int)n->type)
			fail("mode bits of another type", name);
		if (n->type == ENTRY_SLINK &&
		    (!node_target(n) || !node_target(n)[0]))
			fail("a symlink without a target", name);
		if (n->type == ENTRY_FILE &&
		    (n->data != DATA_PATH || !node_path(n) || !node_path(n)[0]))
			fail("a file without a location", name);
		if (n->type != ENTRY_FILE && n->data != DATA_NONE)
			fail("data on a non-file", name);
		if (n->type == ENTRY_NOD &&
		    (n->rmajor > 4095 || n->rminor > 1048575))
			fail("device numbers beyond the kernel's dev_t", name);
		/*
		 * The names of one line are consecutive entries, and the
		 * reader keeps no reference of its own: at the first name of
		 * a line, the run of entries sharing the node is its count.
		 */
		if (i && l->v[i - 1].node == n)
			continue;
		for (j = i; j < l->len && l->v[j].node == n; j++)
			refs++;
		if (n->refs != refs)
			fail("node references other than its entries", name);
	}
}

/* Entries read: checked, then merged into the current member. */
static int take(struct build *b, struct entry_list *l)
{
	check_entries(l);
	check_round_trip(l);
	if (check_names(l, b->d))
		return -1;
	return merge_source(&b->m[b->n - 1].img, l, true, b->d);
}

/* "segment": take what was read so far, as gen_init_cpio's hook does. */
static int on_segment(void *ctx, const char *method, const struct srcloc *loc,
		      struct entry_list *so_far)
{
	struct build *b = ctx;

	if (!loc || !loc->line)
		fail("a segment line without its location", method);
	if (take(b, so_far))
		return -1;
	if (so_far->len)
		fail("merge_source() left entries behind", NULL);
	/* A non-zero return stops the reading: let inputs reach that too. */
	if ((method && !strcmp(method, "stop")) || b->n == MAX_MEMBERS)
		return -1;
	b->m[b->n++] = (struct member){ .img = IMAGE_INIT, .what = "main",
					.loc = *loc };
	return 0;
}

/* Append @s to a growing buffer (room for a NUL is kept). */
static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 2 > *cap) {
		size_t c = 2 * (*len + n + 2);
		char *p = realloc(*buf, c);

		if (!p)
			return -1;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	return 0;
}

/*
 * One line per entry that fits: "dir /<name> 0755 0 0", or "slink /<name>
 * <target> 0777 0 0", fields escaped.  The leading '/' is the one the
 * reader drops, so that a name that itself starts with '/' survives.
 */
static char *escaped_list(const struct entry_list *l, size_t *len,
			  bool *taken)
{
	char *buf = NULL;
	size_t cap = 0, i;

	*len = 0;
	for (i = 0; i < l->len; i++) {
		const struct node *n = l->v[i].node;
		bool slink = n->type == ENTRY_SLINK;
		char *name = escape_field(entry_name(&l->v[i]));
		char *target = slink ? escape_field(node_target(n)) : NULL;
		int rc = 0;

		taken[i] = false;
		if (!name || (slink && !target)) {
			free(name);
			free(target);
			free(buf);
			return NULL;
		}
		if (strlen(name) + (target ? strlen(target) : 0) + 32 <
		    SPEC_LINE_MAX) {
			rc |= append(&buf, len, &cap, slink ? "slink /" : "dir /");
			rc |= append(&buf, len, &cap, name);
			if (slink) {
				rc |= append(&buf, len, &cap, " ");
				rc |= append(&buf, len, &cap, target);
			}
			rc |= append(&buf, len, &cap,
				     slink ? " 0777 0 0\n" : " 0755 0 0\n");
			taken[i] = true;
		}
		free(name);
		free(target);
		if (rc) {
			free(buf);
			return NULL;
		}
	}
	return buf;
}

/* Escaping each name and target and reading it back gives the same bytes. */
static void check_round_trip(const struct entry_list *l)
{
	struct diag d = DIAG_INIT("spec_fuzz");
	struct entry_list back = ENTRY_LIST_INIT;
	bool *taken = calloc(l->len + 1, sizeof(*taken));
	size_t len, i, j = 0;
	char *text;
	FILE *f;

	if (!taken)
		return;
	text = escaped_list(l, &len, taken);
	if (!text || !len) {
		free(text);
		free(taken);
		return;
	}
	f = fmemopen(text, len, "r");
	if (!f)
		abort();
	if (spec_read(f, LIST_NAME, &back, NULL, &d) || d.errors || d.warnings)
		fail("an escaped name or target does not read back", text);
	fclose(f);
	for (i = 0; i < l->len; i++) {
		const struct entry *a = &l->v[i], *b;

		if (!taken[i])
			continue;
		if (j >= back.len)
			fail("an escaped line gave no entry", entry_name(a));
		b = &back.v[j++];
		if (strcmp(entry_name(a), entry_name(b)))
			fail("a name read back differently", entry_name(a));
		if (a->node->type == ENTRY_SLINK &&
		    strcmp(node_target(a->node), node_target(b->node)))
			fail("a symlink target read back differently",
			     entry_name(a));
	}
	if (j != back.len)
		fail("escaped lines gave more entries", NULL);
	entry_list_release(&back);
	free(text);
	free(taken);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* ${VAR} in locations: one set, one with blanks, one empty. */
	setenv("FUZZ", "fuzz", 1);
	setenv("FUZZ_BLANK", "a b\tc", 1);
	setenv("FUZZ_EMPTY", "", 1);
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
	static struct build b;
	struct spec_hooks hooks = { .segment = on_segment, .ctx = &b };
	struct diag d = DIAG_INIT("spec_fuzz");
	struct entry_list out = ENTRY_LIST_INIT;
	size_t i;
	FILE *f;

	/* fmemopen() refuses an empty buffer: the empty list is /dev/null. */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f)
		abort();
	b.n = 1;
	b.m[0] = (struct member){ .img = IMAGE_INIT, .what = "main" };
	b.d = &d;
	spec_read(f, LIST_NAME, &out, &hooks, &d);
	fclose(f);
	take(&b, &out);
	for (i = 0; i < b.n; i++)
		check_parents(b.m, i, &d);
	for (i = 0; i < b.n; i++)
		image_release(&b.m[i].img);
	entry_list_release(&out);
	model_release();
	return 0;
}
