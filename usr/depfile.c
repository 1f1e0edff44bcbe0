// SPDX-License-Identifier: GPL-2.0
/*
 * depfile.c: the make fragment naming an image's inputs (see depfile.h).
 */
/* asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/escape.h"
#include "depfile.h"

int deplist_add(struct deplist *l, const char *path)
{
	char *copy;

	if (!l)
		return 0;
	if (ARRAY_GROW(l->v, l->cap, l->len + 1, 256))
		return -1;
	copy = strdup(path);
	if (!copy)
		return -1;
	l->v[l->len++] = copy;
	return 0;
}

int deplist_add2(struct deplist *l, const char *dir, const char *name)
{
	char *path;
	int rc;

	if (!l)
		return 0;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -1;
	rc = deplist_add(l, path);
	free(path);
	return rc;
}

/* A path as make reads it in a prerequisite list. */
static void put_make_path(FILE *f, const char *p)
{
	for (; *p; p++) {
		if (*p == '$')
			fputc('$', f);
		else if (strchr(" \t:#;*?[]", *p))
			fputc('\\', f);
		fputc(*p, f);
	}
}

static int write_fragment(FILE *f, const char *target, const struct deplist *l)
{
	size_t i;

	fputs("deps_initramfs := \\\n", f);
	for (i = 0; i < l->len; i++) {
		fputc('\t', f);
		put_make_path(f, l->v[i]);
		fputs(i + 1 < l->len ? " \\\n" : "\n", f);
	}
	fputc('\n', f);
	if (target) {
		put_make_path(f, target);
		fputs(": $(deps_initramfs)\n", f);
	}
	fputs("$(deps_initramfs):\n", f);
	return ferror(f) ? -EIO : 0;
}

/*
 * What GNU make cannot take back as a plain file name in a variable used
 * as a target list: a newline ends the line, '%' makes a pattern rule,
 * '=' and a backslash do not survive the variable's expansion intact, '|'
 * starts order-only prerequisites and parentheses name archive members.
 */
static const char *unnamable(const char *path)
{
	if (strchr(path, '\n'))
		return "a newline";
	if (strchr(path, '%'))
		return "'%'";
	if (strchr(path, '='))
		return "'='";
	if (strchr(path, '\\'))
		return "a backslash";
	if (strchr(path, '|'))
		return "'|'";
	if (strpbrk(path, "()"))
		return "a parenthesis";
	return NULL;
}

void deplist_drop_unnamable(struct deplist *l, struct diag *d)
{
	size_t i, kept = 0;

	for (i = 0; i < l->len; i++) {
		const char *why = unnamable(l->v[i]);

		if (why) {
			char *shown = escape_field(l->v[i]);

			diag_warn(d, NULL,
				  "'%s' has %s, which make cannot name; it is left out of the dependency file",
				  shown ? shown : l->v[i], why);
			free(shown);
			free(l->v[i]);
		} else {
			l->v[kept++] = l->v[i];
		}
	}
	l->len = kept;
}

int depfile_write(const char *path, const char *target,
		  const struct deplist *l)
{
	char *tmp = NULL;
	FILE *f;
	int fd, rc;

	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fchmod(fd, 0644);
	rc = write_fragment(f, target, l);
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
out:
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

void deplist_release(struct deplist *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->len = l->cap = 0;
}
