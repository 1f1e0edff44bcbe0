// SPDX-License-Identifier: GPL-2.0
/*
 * pathmap.c: normal forms of paths (pathmap.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pathmap.h"

char *path_normalize(const char *name, int *dotdot)
{
	char *out = malloc(strlen(name) + 1);

	if (out)
		path_normalize_into(name, out, dotdot);
	return out;
}

/*
 * Whether @name is already in normal form, as nearly every name is: one
 * pass, no copy of components.  Its length into *@len.  A "." or ".."
 * component says no, so the full pass below notes a "..".
 */
static bool is_normal(const char *name, size_t *len)
{
	const char *p = name, *comp = name;

	for (;; p++) {
		size_t n;

		if (*p && *p != '/')
			continue;
		n = (size_t)(p - comp);
		if (!n) {
			*len = 0;
			return !*p && p == name;	/* "" is the root */
		}
		if (comp[0] == '.' && (n == 1 || (n == 2 && comp[1] == '.')))
			return false;
		if (!*p) {
			*len = (size_t)(p - name);
			return true;
		}
		comp = p + 1;
	}
}

size_t path_normalize_into(const char *name, char *out, int *dotdot)
{
	size_t n = 0;

	*dotdot = 0;
	if (is_normal(name, &n)) {
		memcpy(out, name, n + 1);
		return n;
	}
	while (*name) {
		size_t len = strcspn(name, "/");

		if (len == 2 && name[0] == '.' && name[1] == '.')
			*dotdot = 1;
		if (len && !(len == 1 && name[0] == '.')) {
			if (n)
				out[n++] = '/';
			memcpy(out + n, name, len);
			n += len;
		}
		name += len;
		name += strspn(name, "/");
	}
	out[n] = '\0';
	return n;
}

int path_cut_to_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash)
		return 0;
	*slash = '\0';
	return 1;
}
