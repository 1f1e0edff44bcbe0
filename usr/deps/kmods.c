// SPDX-License-Identifier: GPL-2.0
/*
 * kmods.c: kernel modules and their closure from depmod's files (see
 * kmods.h).
 *
 * Every file is read once into memory and cut into strings in place;
 * modules are found by name and by path through hash tables, aliases by
 * fnmatch() over the patterns, which are only read when a request is not
 * a module name.  A closure of fifty modules out of several thousand is a
 * few milliseconds, most of it reading modules.dep.
 */
/* asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/strmap.h"
#include "kmods.h"

/* What modprobe may read, in the order printed (those that exist). */
static const char *const index_files[] = {
	"modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
	"modules.symbols", "modules.symbols.bin", "modules.builtin",
	"modules.builtin.bin", "modules.builtin.alias.bin",
	"modules.builtin.modinfo", "modules.order", "modules.softdep",
	"modules.devname",
};

/* How depmod may name a module file; the name is what comes before. */
static const char *const module_suffixes[] = {
	".ko", ".ko.xz", ".ko.zst", ".ko.gz",
};

struct module {
	const char *path;	/* as modules.dep names it */
	size_t first_dep;	/* its dependencies: deps.v[first_dep...] */
	size_t ndeps;
	bool queued;
};

struct strvec {
	char **v;
	size_t len;
	size_t cap;
};

/* Patterns naming modules: modules.alias, .symbols, built-in aliases. */
struct alias {
	const char *pattern;	/* normalised (alias_normalize()) */
	const char *module;
};

struct alias_table {
	bool read;
	char *buf;
	struct alias *v;
	size_t len;
	size_t cap;
};

struct softdep {
	const char *module;	/* normalised */
	struct strvec pre;
};

struct kmods {
	struct root *r;
	struct diag *d;
	char *moddir;		/* /lib/modules/<kver> */
	char *dep_buf;
	struct module *mods;
	size_t nmods;
	size_t cap;
	struct strvec deps;
	struct strmap by_name;	/* normalised name -> module */
	struct strmap by_path;	/* path as in modules.dep -> module */
	struct strmap builtin;	/* normalised names of built-in modules */
	struct alias_table aliases, symbols, builtin_aliases;
	char *softdep_buf;
	struct softdep *softdeps;
	size_t nsoftdeps;
	size_t *queue;
	size_t qhead;
	size_t qlen;
	struct strmap comments;	/* printed already */
};

static int strvec_add(struct strvec *sv, char *s)
{
	if (ARRAY_GROW(sv->v, sv->cap, sv->len + 1, 16))
		return -1;
	sv->v[sv->len++] = s;
	return 0;
}

/* Module names: '-' and '_' are the same to the kernel and modprobe. */
static void normalise_name(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

/* In aliases likewise, except inside a [...] set of a pattern. */
static void alias_normalise(char *s)
{
	bool in_set = false;

	for (; *s; s++) {
		if (in_set && *s == ']')
			in_set = false;
		else if (!in_set && *s == '[')
			in_set = true;
		else if (!in_set && *s == '-')
			*s = '_';
	}
}

/* The module name of a path: its base name without the suffix. */
static char *module_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len, i;
	char *name;

	base = base ? base + 1 : path;
	len = strlen(base);
	for (i = 0; i < sizeof(module_suffixes) / sizeof(*module_suffixes); i++) {
		size_t slen = strlen(module_suffixes[i]);

		if (len > slen && !strcmp(base + len - slen, module_suffixes[i])) {
			len -= slen;
			break;
		}
	}
	name = strndup(base, len);
	if (name)
		normalise_name(name);
	return name;
}

static char *in_moddir(const struct kmods *k, const char *name)
{
	char *p;

	if (name[0] == '/')
		return strdup(name);
	if (asprintf(&p, "%s/%s", k->moddir, name) < 0)
		return NULL;
	return p;
}

/*
 * Read @name of the module directory into *@buf (*@len bytes, may be
 * NULL); a missing file is an empty one unless @required.  1 when it
 * could not be read (reported), -1 without memory.
 */
static int read_index(struct kmods *k, const char *name, bool required,
		      char **buf, size_t *len)
{
	char *path = in_moddir(k, name);
	size_t ignored;
	int rc;

	*buf = NULL;
	if (!len)
		len = &ignored;
	if (!path)
		return -1;
	rc = root_read_file(k->r, path, buf, len);
	if (rc == -ENOENT && !required) {
		*len = 0;
		rc = (*buf = strdup("")) ? 0 : -ENOMEM;
	}
	if (rc && rc != -ENOMEM)
		diag_error(k->d, NULL, "%s: %s", path, strerror(-rc));
	free(path);
	if (rc == -ENOMEM)
		return -1;
	return rc ? 1 : 0;
}

/* The next line of a buffer being cut in place, or NULL at its end. */
static char *next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line || !*line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = NULL;
	}
	return line;
}

/* ---- modules.dep ---- */

static long add_module(struct kmods *k, const char *path)
{
	long idx = (long)k->nmods;
	char *name;
	int rc;

	if (ARRAY_GROW(k->mods, k->cap, k->nmods + 1, 1024))
		return -1;
	rc = strmap_put(&k->by_path, path, idx);
	if (rc)
		return rc < 0 ? -1 : strmap_get(&k->by_path, path);
	name = module_name(path);
	/* The first of two modules with one name wins, as for modprobe. */
	if (!name || strmap_put(&k->by_name, name, idx) < 0) {
		free(name);
		return -1;
	}
	free(name);
	k->mods[k->nmods++] = (struct module){ .path = path };
	return idx;
}

/* "path: dep dep...", cut in place. */
static int dep_line(struct kmods *k, char *line, unsigned int lineno)
{
	char *colon = strchr(line, ':'), *tok, *save = NULL;
	size_t first = k->deps.len;
	long idx;

	if (!colon) {
		diag_error(k->d, NULL, "%s/modules.dep:%u: no ':' after the module path",
			   k->moddir, lineno);
		return 0;
	}
	*colon = '\0';
	line += strspn(line, " \t");
	line[strcspn(line, " \t\r")] = '\0';
	if (strmap_get(&k->by_path, line) >= 0)
		return 0;	/* a second line for one module: the first counts */
	idx = add_module(k, line);
	if (idx < 0)
		return -1;
	for (tok = strtok_r(colon + 1, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save))
		if (strvec_add(&k->deps, tok))
			return -1;
	k->mods[idx].first_dep = first;
	k->mods[idx].ndeps = k->deps.len - first;
	return 0;
}

static int read_dep(struct kmods *k)
{
	char *cursor, *line;
	unsigned int lineno = 0;
	size_t i;
	int rc = read_index(k, "modules.dep", true, &k->dep_buf, NULL);

	if (rc)
		return rc;
	cursor = k->dep_buf;
	while ((line = next_line(&cursor))) {
		lineno++;
		if (line[strspn(line, " \t\r")] && dep_line(k, line, lineno))
			return -1;
	}
	/* A dependency without a line of its own is still a module. */
	for (i = 0; i < k->deps.len; i++)
		if (add_module(k, k->deps.v[i]) < 0)
			return -1;
	return 0;
}

/* ---- modules.builtin ---- */

static int read_builtin(struct kmods *k)
{
	char *buf, *cursor, *line;
	int rc = read_index(k, "modules.builtin", false, &buf, NULL);

	if (rc)
		return rc;
	cursor = buf;
	while (!rc && (line = next_line(&cursor))) {
		char *name;

		line += strspn(line, " \t");
		line[strcspn(line, " \t\r")] = '\0';
		if (!*line)
			continue;
		name = module_name(line);
		rc = !name || strmap_put(&k->builtin, name, 0) < 0 ? -1 : 0;
		free(name);
	}
	free(buf);
	return rc;
}

/* ---- aliases ---- */

static int alias_add(struct alias_table *t, char *pattern, char *module)
{
	if (ARRAY_GROW(t->v, t->cap, t->len + 1, 1024))
		return -1;
	alias_normalise(pattern);
	normalise_name(module);
	t->v[t->len++] = (struct alias){ pattern, module };
	return 0;
}

/* "alias <pattern> <module>" lines (modules.alias, modules.symbols). */
static int read_alias_file(struct kmods *k, const char *file,
			   struct alias_table *t)
{
	char *cursor, *line;
	int rc = read_index(k, file, false, &t->buf, NULL);

	t->read = true;
	if (rc)
		return rc < 0 ? -1 : 0;
	cursor = t->buf;
	while ((line = next_line(&cursor))) {
		char *save = NULL, *word = strtok_r(line, " \t\r", &save);
		char *pattern = strtok_r(NULL, " \t\r", &save);
		char *module = strtok_r(NULL, " \t\r", &save);

		if (word && !strcmp(word, "alias") && module &&
		    alias_add(t, pattern, module))
			return -1;
	}
	return 0;
}

/*
 * modules.builtin.modinfo: "<module>.<key>=<value>" records, each ended
 * by a NUL; the "alias" ones are the built-in modules' aliases.
 */
static int read_builtin_aliases(struct kmods *k)
{
	struct alias_table *t = &k->builtin_aliases;
	char *rec, *next, *end;
	size_t len;
	int rc;

	t->read = true;
	rc = read_index(k, "modules.builtin.modinfo", false, &t->buf, &len);
	if (rc)
		return rc < 0 ? -1 : 0;
	end = t->buf + len;
	for (rec = t->buf; rec < end; rec = next) {
		char *dot = strchr(rec, '.');

		next = rec + strlen(rec) + 1;
		if (!dot || strncmp(dot, ".alias=", 7))
			continue;
		*dot = '\0';
		if (alias_add(t, dot + 7, rec))
			return -1;
	}
	return 0;
}

/* ---- requests ---- */

static int comment(struct kmods *k, const char *text)
{
	int rc = strmap_put(&k->comments, text, 0);

	if (rc)
		return rc < 0 ? -1 : 0;
	fprintf(k->r->out, "# %s\n", text);
	return 0;
}

/* If module @name (normalised) is built in, say so: *@yes. */
static int builtin_comment(struct kmods *k, const char *name, bool *yes)
{
	char *text;
	int rc;

	*yes = strmap_get(&k->builtin, name) >= 0;
	if (!*yes)
		return 0;
	if (asprintf(&text, "%s: built into the kernel", name) < 0)
		return -1;
	rc = comment(k, text);
	free(text);
	return rc;
}

static int queue_module(struct kmods *k, size_t idx)
{
	if (k->mods[idx].queued)
		return 0;
	k->mods[idx].queued = true;
	/* Each module is queued once: the queue never outgrows nmods. */
	if (!k->queue) {
		k->queue = malloc(k->nmods * sizeof(*k->queue));
		if (!k->queue)
			return -1;
	}
	k->queue[k->qlen++] = idx;
	return 0;
}

/* A module name (normalised) that the alias @alias led to. */
static int take_by_name(struct kmods *k, const char *name, const char *alias)
{
	long idx = strmap_get(&k->by_name, name);
	bool builtin;

	if (idx >= 0)
		return queue_module(k, (size_t)idx);
	if (builtin_comment(k, name, &builtin))
		return -1;
	if (!builtin)
		diag_error(k->d, NULL,
			   "%s: an alias of module %s, which modules.dep does not list",
			   alias, name);
	return 0;
}

/* Take every module of @t whose pattern matches @query; count them. */
static int match_aliases(struct kmods *k, struct alias_table *t,
			 const char *query, size_t *matched)
{
	char *q = strdup(query);
	size_t i;
	int rc = 0;

	if (!q)
		return -1;
	alias_normalise(q);
	for (i = 0; i < t->len && !rc; i++) {
		if (fnmatch(t->v[i].pattern, q, 0))
			continue;
		(*matched)++;
		rc = take_by_name(k, t->v[i].module, query);
	}
	free(q);
	return rc;
}

/*
 * A module name or an alias: queue what it names, or print that it is
 * built in.  *@found says whether it was anything at all.
 */
static int request(struct kmods *k, const char *what, bool *found)
{
	char *name = strdup(what);
	size_t matched = 0;
	long idx;
	int rc;

	*found = false;
	if (!name)
		return -1;
	normalise_name(name);
	idx = strmap_get(&k->by_name, name);
	if (idx >= 0) {
		free(name);
		*found = true;
		return queue_module(k, (size_t)idx);
	}
	rc = builtin_comment(k, name, found);
	free(name);
	if (rc || *found)
		return rc;
	if (!k->aliases.read && read_alias_file(k, "modules.alias", &k->aliases))
		return -1;
	rc = match_aliases(k, &k->aliases, what, &matched);
	if (!rc && !matched && !strncmp(what, "symbol:", 7)) {
		if (!k->symbols.read &&
		    read_alias_file(k, "modules.symbols", &k->symbols))
			return -1;
		rc = match_aliases(k, &k->symbols, what, &matched);
	}
	if (!rc && !matched) {
		if (!k->builtin_aliases.read && read_builtin_aliases(k))
			return -1;
		rc = match_aliases(k, &k->builtin_aliases, what, &matched);
	}
	*found = matched > 0;
	return rc;
}

/* ---- soft dependencies ---- */

/* "softdep <module> pre: <a> <b> post: <c>": the "pre:" ones count. */
static int softdep_line(struct kmods *k, char *line)
{
	char *save = NULL, *word = strtok_r(line, " \t\r", &save);
	char *module = strtok_r(NULL, " \t\r", &save);
	struct softdep *sd;
	bool pre = false;

	if (!word || strcmp(word, "softdep") || !module)
		return 0;
	sd = realloc(k->softdeps, (k->nsoftdeps + 1) * sizeof(*sd));
	if (!sd)
		return -1;
	k->softdeps = sd;
	sd = &k->softdeps[k->nsoftdeps++];
	normalise_name(module);
	*sd = (struct softdep){ .module = module };
	while ((word = strtok_r(NULL, " \t\r", &save))) {
		if (!strcmp(word, "pre:") || !strcmp(word, "post:"))
			pre = word[1] == 'r';
		else if (pre && strvec_add(&sd->pre, word))
			return -1;
	}
	return 0;
}

static int read_softdep(struct kmods *k)
{
	char *cursor, *line;
	int rc = read_index(k, "modules.softdep", false, &k->softdep_buf,
			    NULL);

	if (rc)
		return rc;
	cursor = k->softdep_buf;
	while ((line = next_line(&cursor)))
		if (softdep_line(k, line))
			return -1;
	return 0;
}

/* The "pre:" soft dependencies of module @name, as requests. */
static int request_softdeps(struct kmods *k, const char *name)
{
	size_t i, j;

	for (i = 0; i < k->nsoftdeps; i++) {
		const struct softdep *sd = &k->softdeps[i];

		if (strcmp(sd->module, name))
			continue;
		for (j = 0; j < sd->pre.len; j++) {
			char *text;
			bool found;
			int rc = request(k, sd->pre.v[j], &found);

			if (rc)
				return -1;
			if (found)
				continue;
			if (asprintf(&text, "%s: soft dependency of %s, not found",
				     sd->pre.v[j], name) < 0)
				return -1;
			rc = comment(k, text);
			free(text);
			if (rc)
				return -1;
		}
	}
	return 0;
}

/* ---- the closure ---- */

/* Print module @idx; queue its dependencies, hard and soft. */
static int take_module(struct kmods *k, size_t idx)
{
	const struct module *m = &k->mods[idx];
	char *path = in_moddir(k, m->path), *name = module_name(m->path);
	struct resolved res;
	size_t i;
	int rc = 0, err;

	if (!path || !name) {
		rc = -1;
		goto out;
	}
	err = root_resolve(k->r, path, &res);
	if (err == -ENOMEM)
		rc = -1;
	else if (err)
		diag_error(k->d, NULL, "%s: %s", path, strerror(-err));
	else if (!S_ISREG(res.st.st_mode))
		diag_error(k->d, NULL, "%s: not a regular file", path);
	else if (root_print(k->r, &res))
		rc = -1;
	resolved_release(&res);
	for (i = 0; i < m->ndeps && !rc; i++)
		rc = queue_module(k, (size_t)strmap_get(&k->by_path,
					     k->deps.v[m->first_dep + i]));
	if (!rc)
		rc = request_softdeps(k, name);
out:
	free(path);
	free(name);
	return rc;
}

/* The module directory and the index files that exist. */
static int print_indexes(struct kmods *k)
{
	struct resolved res;
	size_t i;
	int rc = root_resolve(k->r, k->moddir, &res);

	if (!rc)
		rc = root_print(k->r, &res);
	resolved_release(&res);
	for (i = 0; !rc && i < sizeof(index_files) / sizeof(*index_files); i++) {
		char *path = in_moddir(k, index_files[i]);

		if (!path)
			return -1;
		rc = root_resolve(k->r, path, &res);
		if (!rc && S_ISREG(res.st.st_mode))
			rc = root_print(k->r, &res);
		else if (rc == -ENOENT)
			rc = 0;
		else if (rc && rc != -ENOMEM)
			diag_error(k->d, NULL, "%s: %s", path, strerror(-rc));
		resolved_release(&res);
		free(path);
	}
	return rc == -ENOMEM ? -1 : 0;
}

static int resolve_all(struct kmods *k, char *const *names, size_t n)
{
	size_t i;
	int rc;

	rc = read_dep(k);
	if (!rc)
		rc = read_builtin(k);
	if (!rc)
		rc = read_softdep(k);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (print_indexes(k))
		return -1;
	for (i = 0; i < n; i++) {
		bool found;

		if (request(k, names[i], &found))
			return -1;
		if (!found)
			diag_error(k->d, NULL,
				   "%s: no such module or alias in %s",
				   names[i], k->moddir);
	}
	/* take_module() queues more: the queue is the breadth-first walk. */
	for (k->qhead = 0; k->qhead < k->qlen; k->qhead++)
		if (take_module(k, k->queue[k->qhead]))
			return -1;
	return 0;
}

static void release_aliases(struct alias_table *t)
{
	free(t->buf);
	free(t->v);
}

static void kmods_release(struct kmods *k)
{
	size_t i;

	for (i = 0; i < k->nsoftdeps; i++)
		free(k->softdeps[i].pre.v);
	free(k->softdeps);
	free(k->softdep_buf);
	release_aliases(&k->aliases);
	release_aliases(&k->symbols);
	release_aliases(&k->builtin_aliases);
	strmap_release(&k->builtin);
	strmap_release(&k->by_name);
	strmap_release(&k->by_path);
	free(k->deps.v);
	free(k->mods);
	free(k->dep_buf);
	free(k->queue);
	strmap_release(&k->comments);
	free(k->moddir);
}

int kmods_resolve(struct root *r, const char *kver, char *const *names,
		  size_t n, struct diag *d)
{
	struct kmods k;
	int rc;

	memset(&k, 0, sizeof(k));
	k.r = r;
	k.d = d;
	if (asprintf(&k.moddir, "/lib/modules/%s", kver) < 0) {
		k.moddir = NULL;
		rc = -1;
	} else {
		rc = resolve_all(&k, names, n);
	}
	kmods_release(&k);
	if (rc)
		diag_oom(d, NULL);
	return rc;
}
