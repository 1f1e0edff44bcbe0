// SPDX-License-Identifier: GPL-2.0
/*
 * ldconf.c: /etc/ld.so.conf and the files it includes (see ldconf.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/strmap.h"
#include "ldconf.h"

struct reader {
	struct ldconf *c;
	const struct root *r;
	struct diag *d;
	/*
	 * Files read so far, by real path.  Each is read once: a second
	 * reading could only repeat directories listed already, and files
	 * that include each other would otherwise never end.
	 */
	struct strmap seen;
};

/* Takes @s (NULL: no memory). */
static int add_string(struct ldconf *v, char *s)
{
	if (!s)
		return -1;
	if (ARRAY_GROW(v->dirs, v->cap, v->len + 1, 16)) {
		free(s);
		return -1;
	}
	v->dirs[v->len++] = s;
	return 0;
}

void ldconf_release(struct ldconf *c)
{
	size_t i;

	for (i = 0; i < c->len; i++)
		free(c->dirs[i]);
	free(c->dirs);
	c->dirs = NULL;
	c->len = c->cap = 0;
}

static int add_dir(struct reader *rd, const char *line)
{
	size_t len = strcspn(line, "=");	/* libc5's "dir=type" */
	char *dir;

	while (len > 1 && isspace((unsigned char)line[len - 1]))
		len--;
	dir = strndup(line, len);
	if (!dir)
		return -1;
	if (add_string(rd->c, path_absolute(dir))) {
		free(dir);
		return -1;
	}
	free(dir);
	return 0;
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Append the paths matching @pattern inside the root to @out, sorted as
 * glob() sorts them in the C locale.  Only the last component may hold
 * wildcards, which is what "include /etc/ld.so.conf.d/\*.conf" needs.
 */
static int glob_in_root(struct reader *rd, const char *pattern,
			struct ldconf *out)
{
	char *dir = path_dirname(pattern), *host = NULL;
	const char *base = strrchr(pattern, '/') + 1;
	size_t first = out->len;
	struct resolved res;
	struct dirent *de;
	DIR *dh = NULL;
	int rc;

	if (!dir)
		return -1;
	rc = root_resolve(rd->r, dir, &res);
	if (rc == -ENOMEM)
		goto out;
	rc = 0;
	if (res.path && !(host = root_location(rd->r, res.path)))
		rc = -1;
	if (host)
		dh = opendir(host);
	while (!rc && dh && (de = readdir(dh)))
		if (!fnmatch(base, de->d_name, FNM_PERIOD))
			rc = add_string(out, path_join(dir, de->d_name));
	if (dh)
		closedir(dh);
	if (out->len > first)
		qsort(out->dirs + first, out->len - first, sizeof(*out->dirs),
		      compare_strings);
out:
	resolved_release(&res);
	free(host);
	free(dir);
	return rc ? -1 : 0;
}

static int read_file(struct reader *rd, const char *path, bool top);

/* "include <pattern>...": relative patterns are beside the including file. */
static int read_includes(struct reader *rd, const char *from, char *words)
{
	struct ldconf files = { NULL, 0, 0 };
	char *word, *save = NULL, *dir = path_dirname(from), *pattern;
	size_t i;
	int rc = dir ? 0 : -1;

	for (word = strtok_r(words, " \t", &save); word && !rc;
	     word = strtok_r(NULL, " \t", &save)) {
		pattern = word[0] == '/' ? strdup(word) : path_join(dir, word);
		rc = pattern ? glob_in_root(rd, pattern, &files) : -1;
		free(pattern);
	}
	for (i = 0; i < files.len && !rc; i++)
		rc = read_file(rd, files.dirs[i], false);
	ldconf_release(&files);
	free(dir);
	return rc;
}

static bool starts_word(const char *line, const char *word)
{
	size_t len = strlen(word);

	return !strncmp(line, word, len) &&
	       (line[len] == ' ' || line[len] == '\t');
}

/* One line, its comment and outer blanks cut off already. */
static int read_line(struct reader *rd, const char *path, char *line)
{
	if (starts_word(line, "include"))
		return read_includes(rd, path, line + 8);
	if (starts_word(line, "hwcap"))
		return 0;	/* long gone from ld.so */
	return add_dir(rd, line);
}

/* The next line of @buf, comment and outer blanks cut off; NULL at end. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *end;

	if (!line)
		return NULL;
	end = strchr(line, '\n');
	*cursor = end ? end + 1 : NULL;
	if (end)
		*end = '\0';
	line[strcspn(line, "#")] = '\0';
	while (isspace((unsigned char)*line))
		line++;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return line;
}

/*
 * Whether @path is to be read: *@real is NULL when the file it leads to
 * was read before, else what to read (its real path, or @path itself
 * when it cannot be resolved, so that reading it says why).  -1 without
 * memory.
 */
static int first_reading(struct reader *rd, const char *path, char **real)
{
	struct resolved res;
	int rc = root_resolve(rd->r, path, &res);

	*real = NULL;
	if (rc == -ENOMEM)
		goto out;
	if (rc) {
		*real = strdup(path);
		rc = *real ? 0 : -ENOMEM;
		goto out;
	}
	rc = strmap_put(&rd->seen, res.path, 0);
	if (rc == 0) {
		*real = res.path;
		res.path = NULL;
	}
	rc = rc < 0 ? -ENOMEM : 0;
out:
	resolved_release(&res);
	return rc ? -1 : 0;
}

static int read_file(struct reader *rd, const char *path, bool top)
{
	char *buf, *cursor, *line, *real;
	size_t len;
	int rc;

	if (first_reading(rd, path, &real))
		return -1;
	if (!real)
		return 0;
	rc = root_read_file(rd->r, real, &buf, &len);
	free(real);
	if (rc == -ENOMEM)
		return -1;
	if (rc == -ENOENT && top)
		return 0;	/* no ld.so.conf: the default directories */
	if (rc) {
		diag_error(rd->d, NULL, "%s: %s", path, strerror(-rc));
		return 0;
	}
	cursor = buf;
	while (!rc && (line = next_line(&cursor)))
		if (*line)
			rc = read_line(rd, path, line);
	free(buf);
	return rc;
}

int ldconf_read(struct ldconf *c, const struct root *r, struct diag *d)
{
	struct reader rd = { c, r, d, STRMAP_INIT };
	int rc;

	ldconf_release(c);
	rc = read_file(&rd, "/etc/ld.so.conf", true);
	strmap_release(&rd.seen);
	return rc;
}
