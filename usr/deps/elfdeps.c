// SPDX-License-Identifier: GPL-2.0
/*
 * elfdeps.c: a program's interpreter and libraries, found as ld.so finds
 * them (see elfdeps.h).
 *
 * One "process" per program: the objects ld.so would map for it, in the
 * order it maps them (breadth first over DT_NEEDED), each remembering the
 * object that loaded it, because the DT_RPATH search climbs that chain.
 * The objects of one program do not satisfy another's needs by name (each
 * program is its own process), but a file printed for one is not printed
 * again for the next.
 */
/* asprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/strmap.h"
#include "elfdeps.h"
#include "elfread.h"
#include "ldconf.h"

/* The kernel follows at most this many "#!" interpreters in a row. */
#define MAX_SCRIPT_DEPTH 4

/* What ld.so fills in for $PLATFORM and $LIB, and Debian's directories. */
struct arch {
	unsigned int machine;
	unsigned int cls;
	unsigned int data;
	const char *multiarch;	/* the Debian tuple: /usr/lib/<multiarch> */
	const char *platform;	/* AT_PLATFORM, NULL if not known here */
};

static const struct arch arches[] = {
	{ EM_X86_64, ELFCLASS64, ELFDATA2LSB, "x86_64-linux-gnu", "x86_64" },
	{ EM_386, ELFCLASS32, ELFDATA2LSB, "i386-linux-gnu", "i686" },
	{ EM_AARCH64, ELFCLASS64, ELFDATA2LSB, "aarch64-linux-gnu", "aarch64" },
	{ EM_ARM, ELFCLASS32, ELFDATA2LSB, "arm-linux-gnueabihf", NULL },
	{ EM_RISCV, ELFCLASS64, ELFDATA2LSB, "riscv64-linux-gnu", NULL },
	{ EM_PPC64, ELFCLASS64, ELFDATA2LSB, "powerpc64le-linux-gnu", NULL },
	{ EM_S390, ELFCLASS64, ELFDATA2MSB, "s390x-linux-gnu", NULL },
};

struct object {
	char *path;		/* the name it was found under */
	char *origin;		/* $ORIGIN in its rpaths and DT_NEEDED */
	struct elf_info elf;
	long loader;		/* the object that needed it first; -1: none */
};

/* In process.names: a name that was looked for in vain. */
#define NAME_FAILED -2

struct process {
	struct elfdeps *ed;
	unsigned int cls, data, machine;	/* of the program */
	const char *multiarch;	/* when the root is laid out so, else NULL */
	const char *platform;	/* NULL: $PLATFORM cannot be expanded */
	char *lib;		/* $LIB */
	struct object *v;
	size_t len;
	size_t cap;
	struct strmap names;	/* every name an object answers to -> index,
				   or NAME_FAILED */
	struct strmap files;	/* canonical paths of the objects -> index */
};

/* Directories to search (or paths), each once, in order. */
struct dirlist {
	char **v;
	size_t len;
	size_t cap;
	struct strmap seen;
};

static int out_of_memory(struct elfdeps *ed)
{
	diag_oom(ed->d, NULL);
	return -1;
}

void elfdeps_init(struct elfdeps *ed, struct root *r, struct diag *d)
{
	memset(ed, 0, sizeof(*ed));
	ed->r = r;
	ed->d = d;
}

void elfdeps_release(struct elfdeps *ed)
{
	ldconf_release(&ed->conf);
}

/* ---- search lists ---- */

static void dirlist_release(struct dirlist *dl)
{
	size_t i;

	for (i = 0; i < dl->len; i++)
		free(dl->v[i]);
	free(dl->v);
	strmap_release(&dl->seen);
}

/* Takes @dir (NULL: no memory); a directory seen before is dropped. */
static int dirlist_add(struct dirlist *dl, char *dir)
{
	int rc;

	if (!dir)
		return -1;
	rc = strmap_put(&dl->seen, dir, 0);
	if (rc) {
		free(dir);
		return rc < 0 ? -1 : 0;
	}
	if (ARRAY_GROW(dl->v, dl->cap, dl->len + 1, 16)) {
		free(dir);
		return -1;
	}
	dl->v[dl->len++] = dir;
	return 0;
}

/* The length of the token name after '$' (or in "${...}"), 0 if none. */
static size_t dst_length(const char *s, const char *name)
{
	size_t len = strlen(name);

	if (s[0] == '{')
		return !strncmp(s + 1, name, len) && s[len + 1] == '}' ?
			len + 2 : 0;
	if (strncmp(s, name, len) || isalnum((unsigned char)s[len]) ||
	    s[len] == '_')
		return 0;
	return len;
}

/*
 * @s with $ORIGIN, $LIB and $PLATFORM replaced, in *@out; *@out is NULL
 * when a token has no value here (ld.so then drops the rpath element).
 * Any other '$' stays as it is.  -1 without memory.
 */
static int expand_dst(const struct process *p, const char *s,
		      const char *origin, char **out)
{
	size_t size = 0;
	FILE *f = open_memstream(out, &size);
	bool dropped = false;

	if (!f)
		return -1;
	while (*s) {
		const char *value = NULL;
		size_t len = 0;

		if (*s == '$') {
			if ((len = dst_length(s + 1, "ORIGIN")))
				value = origin;
			else if ((len = dst_length(s + 1, "LIB")))
				value = p->lib;
			else if ((len = dst_length(s + 1, "PLATFORM")))
				dropped |= !(value = p->platform);
		}
		if (!len) {
			fputc(*s++, f);
			continue;
		}
		fputs(value ? value : "", f);
		s += len + 1;
	}
	if (fclose(f))
		return -1;
	if (dropped) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* The elements of a DT_RPATH or DT_RUNPATH, expanded, onto @dl. */
static int add_rpath(const struct process *p, struct dirlist *dl,
		     const char *list, const char *origin)
{
	const char *s = list;
	int rc = 0;

	while (!rc) {
		size_t len = strcspn(s, ":");
		char *elem = strndup(s, len), *dir = NULL;

		if (!elem)
			return -1;
		rc = expand_dst(p, elem, origin, &dir);
		/* An empty element is the working directory: / at boot. */
		if (!rc && dir)
			rc = dirlist_add(dl, path_absolute(dir));
		free(dir);
		free(elem);
		if (!s[len])
			break;
		s += len + 1;
	}
	return rc;
}

static int add_defaults(const struct process *p, struct dirlist *dl)
{
	const struct elfdeps *ed = p->ed;
	char *dir;
	size_t i;
	int rc = 0;

	for (i = 0; i < ed->conf.len && !rc; i++)
		rc = dirlist_add(dl, strdup(ed->conf.dirs[i]));
	if (!rc && p->multiarch) {
		rc = asprintf(&dir, "/lib/%s", p->multiarch) < 0 ? -1 :
		     dirlist_add(dl, dir);
		if (!rc)
			rc = asprintf(&dir, "/usr/lib/%s", p->multiarch) < 0 ?
			     -1 : dirlist_add(dl, dir);
	}
	if (!rc && p->cls == ELFCLASS64)
		rc = dirlist_add(dl, strdup("/lib64")) ||
		     dirlist_add(dl, strdup("/usr/lib64"));
	if (!rc)
		rc = dirlist_add(dl, strdup("/lib")) ||
		     dirlist_add(dl, strdup("/usr/lib"));
	return rc ? -1 : 0;
}

/* Where ld.so looks for a library that object @i needs (ld.so(8)). */
static int search_list(const struct process *p, size_t i, struct dirlist *dl)
{
	const struct object *o = &p->v[i];
	bool program_seen = false;
	long l;
	int rc = 0;

	/* An object's DT_RUNPATH hides its own DT_RPATH (and its loaders'). */
	if (!o->elf.runpath) {
		for (l = (long)i; l >= 0 && !rc; l = p->v[l].loader) {
			const struct object *up = &p->v[l];

			program_seen |= l == 0;
			if (up->elf.rpath && !up->elf.runpath)
				rc = add_rpath(p, dl, up->elf.rpath, up->origin);
		}
		if (!rc && !program_seen && p->v[0].elf.rpath &&
		    !p->v[0].elf.runpath)
			rc = add_rpath(p, dl, p->v[0].elf.rpath, p->v[0].origin);
	}
	if (!rc && o->elf.runpath)
		rc = add_rpath(p, dl, o->elf.runpath, o->origin);
	if (!rc && !o->elf.nodeflib)
		rc = add_defaults(p, dl);
	return rc;
}

/* ---- objects ---- */

enum found {
	FOUND,
	ABSENT,		/* nothing usable there: go on searching */
	OTHER_ARCH,	/* ELF for another class, byte order or machine */
	BROKEN,		/* reported */
	FATAL = -1,	/* out of memory */
};

static const char *elf_problem(int rc, const char *why)
{
	if (rc == ELF_BAD)
		return why;
	return "not an ELF file";
}

/*
 * Look at @path as a library for @p: resolve it, read it.  On FOUND, @res
 * and @e hold it; release both whatever the result.
 */
static enum found try_library(struct process *p, const char *path,
			      struct resolved *res, struct elf_info *e)
{
	struct elfdeps *ed = p->ed;
	const char *why;
	char *host;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = root_resolve(ed->r, path, res);
	if (rc == -ENOMEM)
		return FATAL;
	if (rc || !S_ISREG(res->st.st_mode))
		return ABSENT;
	host = root_location(ed->r, res->path);
	if (!host)
		return FATAL;
	rc = elf_read(host, e, &why);
	free(host);
	if (rc == -ENOMEM)
		return FATAL;
	if (rc < 0)
		return ABSENT;		/* unreadable: ld.so goes on too */
	if (rc != ELF_OK) {
		diag_error(ed->d, NULL, "%s: %s", path, elf_problem(rc, why));
		return BROKEN;
	}
	if (e->cls != p->cls || e->data != p->data || e->machine != p->machine)
		return OTHER_ARCH;
	if (e->type != ET_DYN) {
		diag_error(ed->d, NULL, "%s: not a shared library (ELF type %u)",
			   path, e->type);
		return BROKEN;
	}
	return FOUND;
}

/* Takes @origin and the contents of @e; prints the object. */
static int add_object(struct process *p, const char *path, char *origin,
		      struct elf_info *e, long loader,
		      const struct resolved *res)
{
	long idx = (long)p->len;
	struct object *o;
	int rc;

	if (!origin)
		return -1;
	if (ARRAY_GROW(p->v, p->cap, p->len + 1, 32)) {
		free(origin);
		return -1;
	}
	o = &p->v[p->len];
	o->path = strdup(path);
	if (!o->path) {
		free(origin);
		return -1;
	}
	o->origin = origin;
	o->elf = *e;
	memset(e, 0, sizeof(*e));
	o->loader = loader;
	p->len++;
	rc = strmap_put(&p->files, res->path, idx) < 0 ||
	     strmap_put(&p->names, path, idx) < 0 ||
	     (o->elf.soname && strmap_put(&p->names, o->elf.soname, idx) < 0);
	if (rc || root_print(p->ed->r, res))
		return -1;
	return 0;
}

/* Found @name at @path: a new object, or one loaded under another name. */
static int found_library(struct process *p, size_t loader, const char *name,
			 const char *path, struct resolved *res,
			 struct elf_info *e)
{
	long seen = strmap_get(&p->files, res->path);

	if (seen >= 0)
		return strmap_put(&p->names, name, seen) < 0 ? -1 : 0;
	if (add_object(p, path, path_dirname(path), e, (long)loader, res))
		return -1;
	return strmap_put(&p->names, name, (long)p->len - 1) < 0 ? -1 : 0;
}

/* "a:b:c" for the message naming where a library was looked for. */
static char *join_dirs(char **v, size_t n)
{
	size_t size = 0, i;
	char *s = NULL;
	FILE *f = open_memstream(&s, &size);

	if (!f)
		return NULL;
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ":" : "", v[i]);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

static void not_found(struct process *p, size_t loader, const char *name,
		      struct dirlist *dl, struct dirlist *other)
{
	char *dirs = join_dirs(dl->v, dl->len);
	char *skipped = other->len ? join_dirs(other->v, other->len) : NULL;

	diag_error(p->ed->d, NULL, "%s needed by %s: not found in %s%s%s%s",
		   name, p->v[loader].path, dirs ? dirs : "?",
		   skipped ? " (passed over, another ELF class or machine: " : "",
		   skipped ? skipped : "", skipped ? ")" : "");
	free(skipped);
	free(dirs);
}

/* A DT_NEEDED name without a slash: along the search list. */
static int search_library(struct process *p, size_t loader, const char *name)
{
	struct dirlist dl = { .seen = STRMAP_INIT };
	struct dirlist other = { .seen = STRMAP_INIT };
	enum found f = ABSENT;
	size_t i;
	int rc = search_list(p, loader, &dl);

	for (i = 0; !rc && i < dl.len; i++) {
		struct resolved res;
		struct elf_info e;
		char *path = path_join(dl.v[i], name);

		if (!path) {
			rc = -1;
			break;
		}
		f = try_library(p, path, &res, &e);
		if (f == FOUND)
			rc = found_library(p, loader, name, path, &res, &e);
		else if (f == OTHER_ARCH)
			rc = dirlist_add(&other, strdup(path));
		else if (f == FATAL)
			rc = -1;
		resolved_release(&res);
		elf_release(&e);
		free(path);
		if (f == FOUND || f == BROKEN)
			break;
	}
	if (!rc && f != FOUND && f != BROKEN)
		not_found(p, loader, name, &dl, &other);
	dirlist_release(&other);
	dirlist_release(&dl);
	return rc;
}

/* A DT_NEEDED name with a slash: that file, from / when relative. */
static int load_path(struct process *p, size_t loader, const char *name)
{
	char *path = name[0] == '/' ? strdup(name) : path_join("/", name);
	struct resolved res;
	struct elf_info e;
	enum found f;
	int rc = 0;

	if (!path)
		return -1;
	f = try_library(p, path, &res, &e);
	if (f == FOUND)
		rc = found_library(p, loader, name, path, &res, &e);
	else if (f == FATAL)
		rc = -1;
	else if (f == ABSENT)
		diag_error(p->ed->d, NULL, "%s needed by %s: not found", path,
			   p->v[loader].path);
	else if (f == OTHER_ARCH)
		diag_error(p->ed->d, NULL,
			   "%s needed by %s: another ELF class or machine",
			   path, p->v[loader].path);
	resolved_release(&res);
	elf_release(&e);
	free(path);
	return rc;
}

/* The @j-th DT_NEEDED entry of object @i. */
static int load_needed(struct process *p, size_t i, size_t j)
{
	char *name;
	int rc;

	if (expand_dst(p, p->v[i].elf.needed[j], p->v[i].origin, &name))
		return -1;
	if (!name) {
		diag_error(p->ed->d, NULL,
			   "%s needed by %s: $PLATFORM is not known for this machine",
			   p->v[i].elf.needed[j], p->v[i].path);
		return 0;
	}
	if (strmap_get(&p->names, name) != -1)
		rc = 0;
	else if (strchr(name, '/'))
		rc = load_path(p, i, name);
	else
		rc = search_library(p, i, name);
	/* Not found (reported): say so once, not for every object. */
	if (!rc && strmap_put(&p->names, name, NAME_FAILED) < 0)
		rc = -1;
	free(name);
	return rc;
}

/* PT_INTERP: started by the kernel, so it must be there and fit. */
static int load_interp(struct process *p)
{
	const char *interp = p->v[0].elf.interp, *prog = p->v[0].path;
	char *path = interp[0] == '/' ? strdup(interp) : path_join("/", interp);
	struct resolved res;
	struct elf_info e;
	enum found f;
	int rc = 0;

	if (!path)
		return -1;
	f = try_library(p, path, &res, &e);
	if (f == FOUND && strmap_get(&p->files, res.path) < 0)
		rc = add_object(p, interp, path_dirname(path), &e, -1, &res);
	else if (f == FATAL)
		rc = -1;
	else if (f == ABSENT)
		diag_error(p->ed->d, NULL, "%s (the interpreter of %s): not found",
			   interp, prog);
	else if (f == OTHER_ARCH)
		diag_error(p->ed->d, NULL,
			   "%s (the interpreter of %s): another ELF class or machine",
			   interp, prog);
	resolved_release(&res);
	elf_release(&e);
	free(path);
	return rc;
}

/* ---- programs ---- */

static bool is_dir_in_root(struct elfdeps *ed, const char *path)
{
	struct resolved res;
	bool yes = !root_resolve(ed->r, path, &res) && S_ISDIR(res.st.st_mode);

	resolved_release(&res);
	return yes;
}

/* The Debian tuple of @e's machine, if known here, else NULL. */
static const struct arch *arch_of(const struct elf_info *e)
{
	size_t i;

	for (i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].machine == e->machine &&
		    arches[i].cls == e->cls && arches[i].data == e->data)
			return &arches[i];
	return NULL;
}

/* A directory /lib/<tuple> or /usr/lib/<tuple> says "multiarch layout". */
static int has_multiarch(struct elfdeps *ed, const char *tuple, bool *yes)
{
	char *dir;

	*yes = false;
	if (asprintf(&dir, "/usr/lib/%s", tuple) < 0)
		return -1;
	*yes = is_dir_in_root(ed, dir);
	free(dir);
	if (*yes)
		return 0;
	if (asprintf(&dir, "/lib/%s", tuple) < 0)
		return -1;
	*yes = is_dir_in_root(ed, dir);
	free(dir);
	return 0;
}

/* $LIB, $PLATFORM and the multiarch directories for the program @e. */
static int process_init(struct process *p, struct elfdeps *ed,
			const struct elf_info *e)
{
	const struct arch *a = arch_of(e);
	bool multiarch = false;

	memset(p, 0, sizeof(*p));
	p->ed = ed;
	p->cls = e->cls;
	p->data = e->data;
	p->machine = e->machine;
	if (a && has_multiarch(ed, a->multiarch, &multiarch))
		return -1;
	p->platform = a ? a->platform : NULL;
	if (multiarch) {
		p->multiarch = a->multiarch;
		if (asprintf(&p->lib, "lib/%s", a->multiarch) < 0)
			p->lib = NULL;
	} else {
		p->lib = strdup(e->cls == ELFCLASS64 ? "lib64" : "lib");
	}
	return p->lib ? 0 : -1;
}

static void process_release(struct process *p)
{
	size_t i;

	for (i = 0; i < p->len; i++) {
		free(p->v[i].path);
		free(p->v[i].origin);
		elf_release(&p->v[i].elf);
	}
	free(p->v);
	free(p->lib);
	strmap_release(&p->names);
	strmap_release(&p->files);
}

/* The libraries, breadth first: the order in which ld.so maps them. */
static int load_all(struct process *p)
{
	size_t i, j;

	for (i = 0; i < p->len; i++)
		for (j = 0; j < p->v[i].elf.nneeded; j++)
			if (load_needed(p, i, j))
				return -1;
	return 0;
}

/* An ELF program, read into @e, found at @res. */
static int run_elf(struct elfdeps *ed, const char *path, struct elf_info *e,
		   const struct resolved *res)
{
	struct process p;
	int rc;

	if (e->type != ET_EXEC && e->type != ET_DYN) {
		diag_error(ed->d, NULL, "%s: not an executable (ELF type %u)",
			   path, e->type);
		return 0;
	}
	if (process_init(&p, ed, e))
		rc = -1;
	/* For the program ld.so's $ORIGIN is /proc/self/exe: no symlinks. */
	else
		rc = add_object(&p, path, path_dirname(res->path), e, -1, res);
	if (!rc && strmap_put(&p.names, res->path, 0) < 0)
		rc = -1;
	if (!rc && p.v[0].elf.interp)
		rc = load_interp(&p);
	if (!rc)
		rc = load_all(&p);
	process_release(&p);
	return rc;
}

static int run_program(struct elfdeps *ed, const char *path,
		       unsigned int depth);

/* A "#!" script: the script, then its interpreter as a program. */
static int run_script(struct elfdeps *ed, const char *path,
		      const char *interp, const struct resolved *res,
		      unsigned int depth)
{
	char *ipath;
	int rc;

	if (root_print(ed->r, res))
		return -1;
	if (depth >= MAX_SCRIPT_DEPTH) {
		diag_error(ed->d, NULL, "%s: too many levels of #! interpreters",
			   path);
		return 0;
	}
	ipath = interp[0] == '/' ? strdup(interp) : path_join("/", interp);
	if (!ipath)
		return -1;
	rc = run_program(ed, ipath, depth + 1);
	free(ipath);
	return rc;
}

/* Returns -1 only without memory; everything else is reported. */
static int run_program(struct elfdeps *ed, const char *path,
		       unsigned int depth)
{
	struct resolved res;
	struct elf_info e;
	const char *why;
	char *host = NULL;
	int rc = root_resolve(ed->r, path, &res);

	memset(&e, 0, sizeof(e));
	if (rc == -ENOMEM)
		goto fail;
	if (rc) {
		diag_error(ed->d, NULL, "%s: %s", path, strerror(-rc));
		rc = 0;
		goto out;
	}
	if (!S_ISREG(res.st.st_mode)) {
		diag_error(ed->d, NULL, "%s: not a regular file", path);
		goto out;
	}
	host = root_location(ed->r, res.path);
	if (!host)
		goto fail;
	rc = elf_read(host, &e, &why);
	if (rc == ELF_OK)
		rc = run_elf(ed, path, &e, &res);
	else if (rc == ELF_SCRIPT)
		rc = run_script(ed, path, e.shebang, &res, depth);
	else if (rc == -ENOMEM)
		goto fail;
	else if (rc < 0)
		diag_error(ed->d, NULL, "%s: %s", path, strerror(-rc));
	else
		diag_error(ed->d, NULL, "%s: %s", path, rc == ELF_BAD ? why :
			   "not an ELF file or a #! script");
	if (rc > 0 || rc < -1)
		rc = 0;
	goto out;
fail:
	rc = -1;
out:
	free(host);
	elf_release(&e);
	resolved_release(&res);
	return rc;
}

int elfdeps_program(struct elfdeps *ed, const char *path)
{
	if (!ed->conf_read) {
		ed->conf_read = true;
		if (ldconf_read(&ed->conf, ed->r, ed->d))
			return out_of_memory(ed);
	}
	if (run_program(ed, path, 0))
		return out_of_memory(ed);
	return 0;
}
