// SPDX-License-Identifier: GPL-2.0
/*
 * extract.c: unpack an image below a directory, safely (see extract.h).
 *
 * The image is checked before anything of it is kept: a broken or
 * hostile image (a bad header, a checksum, "../x", "/etc/x", a path
 * through a symlink an earlier entry planted) leaves nothing behind.
 * How depends on the directory:
 *  - missing or empty (the usual case): one pass, that checks each entry
 *    and then creates it, and if anything was wrong, removes what it
 *    created, the last first, and the directories it made for the target
 *    itself.  Every check of the first pass below is made, on the same
 *    bytes, before the entry is written; after the first error nothing
 *    more is written, but the rest is still checked so that every
 *    problem is reported, as below.  The listing is held in memory and
 *    printed only after a clean end.  What the pass wrote is visible
 *    while it runs, as any extraction is; only its end state is promised.
 *  - with entries (--force): an undo could not give back what the image
 *    replaced, so two passes.  The first only reads and checks.  It keeps
 *    the decompressed bytes of every compressed member in one unlinked
 *    temporary file (imgread's spool), which the second pass reads: each
 *    decompressor runs once, and what the second pass sees is what the
 *    first checked.
 * The trade-off: the spool costs a write and a read of every decompressed
 * byte, and the passes run one after the other; one pass creates the
 * files while the decompressor still runs, and its undo costs nothing
 * until an image is bad.  On the initramfs-tools image with microcode
 * (53 MB from zstd, 679 entries), into tmpfs, medians of 20 runs: two
 * passes 191 ms, one pass 130 ms, zstd -dc alone 64 ms.  Running the
 * decompressor twice instead of spooling would cost its CPU time again.
 *
 * The writing pass creates the entries.  Every name is walked one
 * component at a time with O_NOFOLLOW, so that even a directory that
 * already held symlinks cannot lead it outside, and nothing is done
 * through a name that this pass did not just create, or on an object of
 * a type it did not expect:
 *  - a regular file is created O_EXCL|O_NOFOLLOW and gets its data (whole
 *    blocks of zeros left as holes), owner, mode and mtime through that
 *    descriptor;
 *  - a directory is made, opened O_DIRECTORY|O_NOFOLLOW and its dev/ino
 *    kept with its owner, mode and mtime, which are applied at the end,
 *    the deepest first (so that a read-only directory can be filled),
 *    through a descriptor opened again the same way, and only if it is
 *    still that inode;
 *  - symlinks, device nodes, FIFOs and sockets get owner, mode (not a
 *    symlink) and mtime at once, with AT_SYMLINK_NOFOLLOW;
 *  - a later name of an inode becomes a hard link only of the regular
 *    file this pass wrote for its first name: checked by dev/ino before
 *    linkat(), and the new name checked after it (and before data goes
 *    into it, opened O_NOFOLLOW|O_NONBLOCK); if the first name was
 *    replaced, the later one becomes a file of its own, with a warning.
 * A name defined again with another type replaces the earlier one, as in
 * the kernel (init/initramfs.c, clean_path()).  Each path remembers which
 * entry made what it holds (a serial number), and a directory's fix-up
 * or a hard link to a first name applies only while that entry's object
 * is still there: never to what replaced it, even one that the file
 * system gave the same inode number.
 *
 * Owners and device nodes are tried as any user, since a user namespace's
 * root has uid 0 and no CAP_MKNOD: what the system refuses for want of
 * privileges is counted and reported in one warning at the end.
 */
/* O_PATH, asprintf(), syscall(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "lib/inomap.h"
#include "lib/pathmap.h"
#include "image/imgread.h"
#include "extract.h"
#include "listing.h"
#include "select.h"

struct attrs {
	uint32_t uid, gid, mode, mtime;
};

/* An object the writing pass made, to be found again by its path. */
struct made {
	char *path;
	size_t slot;		/* in extractor.made[] */
	uint64_t serial;	/* of the entry that made it */
	dev_t dev;
	ino_t ino;
};

/* A directory's owner, mode and mtime, applied once it is filled. */
struct dir_fixup {
	struct made obj;
	struct attrs a;
	size_t depth;
};

#define UNMADE_NAMES 3

struct extractor {
	int root;		/* the directory, O_PATH */
	bool writing;		/* creating entries */
	bool one_pass;		/* checking and creating them, undone if bad */
	struct diag *d;
	const char *image;
	struct img_scan *s;
	const struct img_entry *e;
	const char *path;	/* the entry's name in normal form */
	size_t slot;		/* the path's index in types */
	uint64_t serial;	/* writing: entries so far */
	struct lister *l;
	struct img_spool *spool;
	struct pathmap types;	/* checking: what each path is */
	uint32_t *type;
	size_t ntypes;
	uint64_t *made;		/* writing: per path, the serial of the
				   entry that made what it holds */
	struct inomap links;	/* first name (struct made) of each inode */
	struct dir_fixup *dirs;
	size_t ndirs;
	/* What needs privileges the system refused (no CAP_MKNOD/CAP_CHOWN). */
	unsigned long no_devs, no_owners;
	char *unmade[UNMADE_NAMES];
	size_t nunmade;
	struct read_opts *o;
	/* --split: the member's subdirectory, "" for none. */
	char prefix[24];
	unsigned int early;	/* uncompressed members so far */
	bool split_on, past_early;
	bool skip_member;	/* not selected by --member */
	bool no_openat2;	/* the kernel has none: walk the components */
	/* One pass: the names created, in order, and the target's own
	   directories made (their lengths in target), to undo them. */
	char **undo;
	size_t nundo;
	const char *target;
	size_t *target_made;
	size_t ntarget_made;
	uint32_t sum;		/* crc: of the data written so far */
	FILE *out;		/* one pass: where the held listing goes */
	char *held;
	size_t nheld;
};

/* Report a problem with the current entry; -1 for an error, 0 else. */
#define refuse(x, is_error, ...) \
	img_entry_report((x)->s, (x)->e, (is_error), __VA_ARGS__)

/*
 * The name as a path below the directory, or NULL when it is refused
 * (reported) or is the directory itself (*@is_root).
 */
static char *safe_path(struct extractor *x, bool *is_root)
{
	const char *name = x->e->name;
	int dotdot;
	char *path;

	*is_root = false;
	if (name[0] == '/') {
		refuse(x, true, "an absolute name: refused");
		return NULL;
	}
	path = path_normalize(name, &dotdot);
	if (!path)
		return NULL;
	if (dotdot) {
		refuse(x, true, "'..' in the name: refused");
	} else if (!path[0] && (x->e->h.mode & S_IFMT) != S_IFDIR) {
		refuse(x, true, "names the extraction directory itself: refused");
	} else if (!path[0]) {
		*is_root = true;	/* "." : the directory stays as it is */
	} else {
		return path;
	}
	free(path);
	return NULL;
}

/* First pass: would a component of @path be something an entry planted? */
static int check_components(struct extractor *x, char *path)
{
	char *slash;
	long i;

	for (slash = strchr(path, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		i = pathmap_get(&x->types, path);
		if (i >= 0 && x->type[i] != S_IFDIR) {
			refuse(x, true, "'%s' is a %s in this image: refused to go through it",
			       path, x->type[i] == S_IFLNK ? "symlink" : "non-directory");
			*slash = '/';
			return -1;
		}
		*slash = '/';
	}
	return 0;
}

static int note_type_of(struct extractor *x, const char *path,
			uint32_t type)
{
	uint32_t *t = realloc(x->type, (x->ntypes + 1) * sizeof(*t));
	long i;

	if (!t)
		return -1;
	x->type = t;
	if (x->one_pass) {
		uint64_t *m = realloc(x->made, (x->ntypes + 1) * sizeof(*m));

		if (!m)
			return -1;
		x->made = m;
		m[x->ntypes] = 0;
	}
	i = pathmap_get_or_put(&x->types, path, x->ntypes);
	if (i == -2)
		return -1;
	if (i == -1)
		i = (long)x->ntypes++;
	x->type[i] = type;
	x->slot = (size_t)i;
	return 0;
}

static int note_type(struct extractor *x, const char *path)
{
	return note_type_of(x, path, x->e->h.mode & S_IFMT);
}

static int note_dir_type(struct extractor *x, const char *path)
{
	return note_type_of(x, path, S_IFDIR);
}

/*
 * The directory that holds @path in one call where the kernel has
 * openat2() (Linux 5.6): resolved below the root (RESOLVE_BENEATH) and
 * refused if any component, the last included, is a symlink
 * (RESOLVE_NO_SYMLINKS) -- what the walk below does one component at a
 * time.  -2 where openat2() is missing (ENOSYS; EPERM from a seccomp
 * filter) or asks to be retried (EAGAIN), and then the walk does it.
 */
static int resolve_parent(struct extractor *x, char *path, const char **base)
{
#if defined(SYS_openat2) && defined(RESOLVE_BENEATH)
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	char *slash = strrchr(path, '/');
	int fd, err;

	if (!slash) {
		*base = path;
		return dup(x->root);
	}
	if (x->no_openat2)
		return -2;
	*slash = '\0';
	fd = (int)syscall(SYS_openat2, x->root, path, &how, sizeof(how));
	err = errno;
	*slash = '/';
	*base = slash + 1;
	if (fd < 0 && (err == ENOSYS || err == EPERM || err == EAGAIN)) {
		x->no_openat2 = err != EAGAIN;
		return -2;
	}
	errno = err;
	return fd;
#else
	(void)x;
	(void)path;
	(void)base;
	return -2;
#endif
}

/*
 * Open the directory that holds @path (walked from the root without
 * following symlinks); *@base points at the last component.  -1 with
 * errno if a component is missing or not a directory; @path is unchanged.
 */
static int walk_parent(struct extractor *x, char *path, const char **base)
{
	int fd = resolve_parent(x, path, base);
	char *comp = path, *slash;

	if (fd != -2)
		return fd;
	fd = dup(x->root);

	while (fd >= 0 && (slash = strchr(comp, '/'))) {
		int next, err;

		*slash = '\0';
		next = openat(fd, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		err = errno;
		*slash = '/';
		close(fd);
		errno = err;
		fd = next;
		comp = slash + 1;
	}
	*base = comp;
	return fd;
}

/* The same for the current entry, reporting a failure. */
static int open_parent(struct extractor *x, char *path, const char **base)
{
	int fd = walk_parent(x, path, base);
	int err = errno;

	if (fd < 0)
		refuse(x, err != ENOENT, "cannot enter '%.*s' (%s)%s",
		       (int)(*base - path - 1), path,
		       err == ENOTDIR || err == ELOOP ?
		       "not a directory: a symlink is never followed" : strerror(err),
		       err == ENOENT ? ": skipped, as the kernel skips it" : "");
	return fd;
}

/*
 * Make room for the new entry: remove what is there, unless both are
 * dirs (1).  A directory that still has entries cannot go: the kernel
 * skips the new entry then, and so does this (2, with a warning).
 */
static int clear_place(struct extractor *x, int dir, const char *base)
{
	struct stat st;

	if (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : refuse(x, true, "cannot stat: %s", strerror(errno));
	if (S_ISDIR(st.st_mode) && (x->e->h.mode & S_IFMT) == S_IFDIR)
		return 1;
	if (!unlinkat(dir, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		return 0;
	if (S_ISDIR(st.st_mode) && (errno == ENOTEMPTY || errno == EEXIST)) {
		refuse(x, false, "replaces a directory that has entries: skipped, as the kernel skips it");
		return 2;
	}
	return refuse(x, true, "cannot replace what is there: %s", strerror(errno));
}

/* Something only privileges allow was refused: counted, a few named. */
static int note_unmade(struct extractor *x, const char *path, bool device)
{
	if (device)
		x->no_devs++;
	else
		x->no_owners++;
	if (x->nunmade == UNMADE_NAMES || (x->nunmade &&
	    !strcmp(x->unmade[x->nunmade - 1], path)))
		return 0;
	x->unmade[x->nunmade] = strdup(path);
	return x->unmade[x->nunmade++] ? 0 : -1;
}

/*
 * Owner, mode and mtime, through @fd, or else at @base in @dir without
 * following a symlink (which has no mode of its own).  -1 with errno and
 * *@what naming the step.  An owner that the system does not let this
 * process give (EPERM: no CAP_CHOWN; EINVAL: an id outside the user
 * namespace) only sets *@no_owner.
 */
static int apply_attrs(int fd, int dir, const char *base, bool is_link,
		       const struct attrs *a, const char **what, bool *no_owner)
{
	struct timespec t[2] = { { a->mtime, 0 }, { a->mtime, 0 } };
	int rc;

	*what = "owner";
	rc = fd >= 0 ? fchown(fd, a->uid, a->gid) :
	     fchownat(dir, base, a->uid, a->gid, AT_SYMLINK_NOFOLLOW);
	*no_owner = rc && (errno == EPERM || errno == EINVAL);
	if (rc && !*no_owner)
		return -1;
	*what = "mode";
	if (!is_link && (fd >= 0 ? fchmod(fd, a->mode) :
			 fchmodat(dir, base, a->mode, AT_SYMLINK_NOFOLLOW)))
		return -1;
	*what = "mtime";
	return fd >= 0 ? futimens(fd, t) : utimensat(dir, base, t, AT_SYMLINK_NOFOLLOW);
}

static struct attrs entry_attrs(const struct extractor *x)
{
	const struct cpio_header *h = &x->e->h;

	return (struct attrs){ h->uid, h->gid, h->mode & 07777, h->mtime };
}

/* The current entry's attributes, through @fd or at @base in @dir. */
static int set_attrs(struct extractor *x, int fd, int dir, const char *base)
{
	struct attrs a = entry_attrs(x);
	const char *what;
	bool no_owner;

	if (apply_attrs(fd, dir, base, S_ISLNK(x->e->h.mode), &a, &what,
			&no_owner))
		return refuse(x, true, "cannot change the %s: %s", what,
			      strerror(errno));
	return no_owner ? note_unmade(x, x->path, false) : 0;
}

static void add_sum(uint32_t *sum, const char *p, size_t n)
{
	while (n--)
		*sum += (unsigned char)*p++;
}

/* The entry's data into @fd, an empty file; zero blocks become holes. */
static int write_data(struct extractor *x, int fd)
{
	static char buf[1 << 16];
	struct img_sparse w;
	long n = 0;

	if (img_sparse_start(&w, fd, 0))
		return refuse(x, true, "cannot write: %s", strerror(errno));
	while ((n = img_read_data(x->s, buf, sizeof(buf))) > 0) {
		if (x->one_pass && x->e->fmt == CPIO_CRC)
			add_sum(&x->sum, buf, (size_t)n);
		if (img_sparse_write(&w, buf, (size_t)n))
			return refuse(x, true, "cannot write: %s", strerror(errno));
	}
	if (n < 0)
		return -1;
	if (img_sparse_finish(&w))
		return refuse(x, true, "cannot write: %s", strerror(errno));
	return 0;
}

/* Remember what the current entry made at @st (its path, its serial). */
static int note_made(struct extractor *x, struct made *o, const struct stat *st)
{
	o->path = strdup(x->path);
	o->slot = x->slot;
	o->serial = x->serial;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	return o->path ? 0 : -1;
}

/* Is @st what @o made, and is that still what its path holds? */
static bool still_made(const struct extractor *x, const struct made *o,
		       const struct stat *st, mode_t type)
{
	return (st->st_mode & S_IFMT) == type && st->st_dev == o->dev &&
	       st->st_ino == o->ino && x->made[o->slot] == o->serial;
}

static void free_made(void *ctx, void *val)
{
	struct made *o = val;

	(void)ctx;
	free(o->path);
	free(o);
}

/* A regular file the current entry is the first name of: remember it. */
static int note_first_name(struct extractor *x, const struct stat *st)
{
	const struct cpio_header *h = &x->e->h;
	struct ino_key k = { h->ino, h->devmajor, h->devminor };
	struct made *old = inomap_get(&x->links, &k);
	struct made *o = calloc(1, sizeof(*o));

	if (!o || note_made(x, o, st) || inomap_put(&x->links, &k, o)) {
		if (o)
			free_made(NULL, o);
		return -1;
	}
	if (old)
		free_made(NULL, old);
	return 0;
}

/* A regular file of its own, created here: data, attributes. */
static int make_new_file(struct extractor *x, int dir, const char *base)
{
	struct stat st;
	int fd, rc;

	fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse(x, true, "cannot create: %s", strerror(errno));
	rc = fstat(fd, &st);
	if (rc || !S_ISREG(st.st_mode))
		rc = refuse(x, true, "cannot create: %s", rc ? strerror(errno) :
			    "not a regular file");
	if (!rc)
		rc = write_data(x, fd);
	if (!rc)
		rc = set_attrs(x, fd, dir, base);
	if (close(fd) && !rc)
		rc = refuse(x, true, "cannot write: %s", strerror(errno));
	if (!rc && x->e->h.nlink > 1)
		rc = note_first_name(x, &st);
	return rc;
}

/*
 * Data for a name just linked to @first: opened without following and
 * checked to be that file.  Its mode is already applied and may forbid
 * writing to a user who is not root; it is applied again after the data.
 */
static int fill_link(struct extractor *x, int dir, const char *base,
		     const struct made *first)
{
	int flags = O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	int fd, rc;

	fd = openat(dir, base, flags);
	if (fd < 0 && errno == EACCES &&
	    !fchmodat(dir, base, 0600, AT_SYMLINK_NOFOLLOW))
		fd = openat(dir, base, flags);
	if (fd < 0)
		return refuse(x, true, "cannot open to write: %s", strerror(errno));
	rc = fstat(fd, &st) || !still_made(x, first, &st, S_IFREG) ?
	     refuse(x, true, "changed while it was linked: not written") : 0;
	if (!rc && ftruncate(fd, 0))
		rc = refuse(x, true, "cannot write: %s", strerror(errno));
	if (!rc)
		rc = write_data(x, fd);
	if (!rc)
		rc = set_attrs(x, fd, dir, base);
	if (close(fd) && !rc)
		rc = refuse(x, true, "cannot write: %s", strerror(errno));
	return rc;
}

/*
 * Link @base to the file made for @first, if its name still holds it: 1
 * if not (nothing done), 0 when linked, -1 on error.
 */
static int link_to(struct extractor *x, int dir, const char *base,
		   const struct made *first)
{
	char *copy = strdup(first->path);
	const char *fbase;
	int fdir = copy ? walk_parent(x, copy, &fbase) : -1;
	struct stat st;
	int rc = 1;

	if (fdir >= 0 && !fstatat(fdir, fbase, &st, AT_SYMLINK_NOFOLLOW) &&
	    still_made(x, first, &st, S_IFREG)) {
		rc = linkat(fdir, fbase, dir, base, 0) ?
		     refuse(x, true, "cannot link to '%s': %s", first->path,
			    strerror(errno)) : 0;
		if (!rc && (fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) ||
			    !still_made(x, first, &st, S_IFREG))) {
			unlinkat(dir, base, 0);
			rc = refuse(x, true, "'%s' changed while it was linked: link removed",
				    first->path);
		}
	}
	if (fdir >= 0)
		close(fdir);
	free(copy);
	return copy ? rc : -1;
}

/* A regular file, or another name of an inode made earlier in the member. */
static int make_file(struct extractor *x, int dir, const char *base)
{
	const struct cpio_header *h = &x->e->h;
	struct ino_key k = { h->ino, h->devmajor, h->devminor };
	struct made *first = h->nlink > 1 ? inomap_get(&x->links, &k) : NULL;
	int rc;

	if (!first)
		return make_new_file(x, dir, base);
	rc = link_to(x, dir, base, first);
	if (rc > 0) {
		refuse(x, false, "the earlier name '%s' of this inode was replaced: extracted as a file of its own, not a hard link",
		       first->path);
		return make_new_file(x, dir, base);
	}
	if (rc)
		return rc;
	return h->filesize ? fill_link(x, dir, base, first) :
	       set_attrs(x, -1, dir, base);
}

/* A directory: made (unless @kept), its attributes kept for the end. */
static int make_dir(struct extractor *x, int dir, const char *base, bool kept)
{
	struct dir_fixup *v = realloc(x->dirs, (x->ndirs + 1) * sizeof(*v));
	struct stat st;
	const char *p;
	int fd, rc;

	if (!v)
		return -1;
	x->dirs = v;
	if (!kept && mkdirat(dir, base, 0700))
		return refuse(x, true, "cannot create: %s", strerror(errno));
	fd = openat(dir, base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	rc = fd < 0 || fstat(fd, &st);
	if (fd >= 0)
		close(fd);
	if (rc)
		return refuse(x, true, "cannot open the directory: %s", strerror(errno));
	v += x->ndirs;
	v->a = entry_attrs(x);
	for (v->depth = 0, p = x->path; *p; p++)
		v->depth += *p == '/';
	if (note_made(x, &v->obj, &st))
		return -1;
	x->ndirs++;
	return 0;
}

static int make_node(struct extractor *x, int dir, const char *base)
{
	const struct cpio_header *h = &x->e->h;
	uint32_t type = h->mode & S_IFMT;

	if (mknodat(dir, base, type | 0600, makedev(h->rdevmajor, h->rdevminor))) {
		if (errno == EPERM && (type == S_IFCHR || type == S_IFBLK))
			return note_unmade(x, x->path, true);
		return refuse(x, true, "cannot create: %s", strerror(errno));
	}
	return set_attrs(x, -1, dir, base);
}

static int make_symlink(struct extractor *x, int dir, const char *base)
{
	if (symlinkat(x->e->target, dir, base))
		return refuse(x, true, "cannot create: %s", strerror(errno));
	return set_attrs(x, -1, dir, base);
}

/* One pass: @path will have been made by this run if it fails. */
static int note_undo(struct extractor *x, const char *path)
{
	char **v = realloc(x->undo, (x->nundo + 1) * sizeof(*v));

	if (!v)
		return -1;
	x->undo = v;
	v[x->nundo] = strdup(path);
	if (!v[x->nundo])
		return -1;
	x->nundo++;
	return 0;
}

/* Create one entry below the directory. */
static int create_entry(struct extractor *x, char *path)
{
	uint32_t type = x->e->h.mode & S_IFMT;
	char *walk = strdup(path);
	const char *base;
	int dir, rc;

	if (!walk)
		return -1;
	dir = open_parent(x, walk, &base);
	if (dir < 0) {
		free(walk);
		return diag_failed(x->d) ? -1 : 0;
	}
	rc = x->one_pass ? note_undo(x, path) : 0;
	if (!rc)
		rc = clear_place(x, dir, base);
	if (rc == 0 || rc == 1)
		x->made[x->slot] = x->serial;	/* what was there is gone */
	if (rc == 2)
		rc = 0;
	else if (rc >= 0 && type == S_IFDIR)
		rc = make_dir(x, dir, base, rc == 1);
	else if (rc >= 0 && type == S_IFREG)
		rc = make_file(x, dir, base);
	else if (rc >= 0 && type == S_IFLNK)
		rc = make_symlink(x, dir, base);
	else if (rc >= 0)
		rc = make_node(x, dir, base);
	close(dir);
	free(walk);
	return rc;
}

/*
 * Checking: a crc archive's data must match its checksums (the sum of
 * what was written of it, and of the rest).
 */
static int check_sum(struct extractor *x, uint32_t sum)
{
	uint32_t rest;

	if (img_data_sum(x->s, &rest))
		return -1;
	sum += rest;
	if (sum != x->e->h.check)
		refuse(x, true, "data checksum %08X, the header says %08X", sum,
		       x->e->h.check);
	return 0;
}

/* What the kernel skips is skipped here too (--verify says why). */
static bool kernel_keeps(const struct img_entry *e)
{
	uint32_t type = e->h.mode & S_IFMT;

	switch (type) {
	case S_IFREG:
		return e->name[0];
	case S_IFLNK:
		return e->target && e->target[0];
	case S_IFDIR: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return !e->h.filesize;
	}
	return false;
}

/* Second pass: the entry's place in made[], as the first pass noted it. */
static int find_slot(struct extractor *x, const char *path)
{
	long i = pathmap_get(&x->types, path);

	if (i < 0)
		return refuse(x, true, "not seen in the first reading: the image changed?");
	x->slot = (size_t)i;
	x->serial++;
	return 0;
}

/* --split: @path (NULL: the directory itself) below the member's own. */
static char *below_prefix(struct extractor *x, char *path)
{
	char *p;

	if (asprintf(&p, "%s%s%s", x->prefix, path ? "/" : "",
		     path ? path : "") < 0)
		p = NULL;
	free(path);
	return p;
}

/* One pass, after an error: nothing more is written, all is checked. */
static bool creating(const struct extractor *x)
{
	return x->writing && !(x->one_pass && diag_failed(x->d));
}

static bool crc_file(const struct img_entry *e)
{
	return e->fmt == CPIO_CRC && (e->h.mode & S_IFMT) == S_IFREG;
}

/* Checking only: what would be refused before anything is written. */
static int check_entry(struct extractor *x, char *path)
{
	if (!check_components(x, path) && note_type(x, path))
		return -1;
	return crc_file(x->e) ? check_sum(x, 0) : 0;
}

/*
 * Writing: the entry created.  In one pass, checked first as
 * check_entry() does, and its data summed as it is written.
 */
static int write_entry(struct extractor *x, const struct img_member *m,
		       char *path)
{
	int rc;

	if (x->one_pass && check_components(x, path))
		return 0;	/* reported: from now on, check_entry() */
	if (x->one_pass) {
		rc = note_type(x, path);
		x->serial++;
	} else {
		rc = find_slot(x, path);
	}
	x->sum = 0;
	if (!rc)
		rc = create_entry(x, path);
	if (!rc && x->one_pass && crc_file(x->e))
		rc = check_sum(x, x->sum);
	if (!rc)
		rc = lister_entry(x->l, m, x->e);
	return rc;
}

static int on_entry(void *ctx, struct img_scan *s, const struct img_member *m,
		    const struct img_entry *e)
{
	struct extractor *x = ctx;
	bool is_root;
	char *path;
	int rc = 0;

	x->s = s;
	x->e = e;
	if (x->skip_member || !sel_name(x->o, e->name))
		return 0;
	if (!kernel_keeps(e))
		return x->writing ? lister_entry(x->l, m, e) : 0;
	path = safe_path(x, &is_root);
	if (x->prefix[0] && (path || is_root))
		path = below_prefix(x, path);
	if (!path)
		return is_root && x->writing ? lister_entry(x->l, m, e) : 0;
	x->path = path;
	if (creating(x))
		rc = write_entry(x, m, path);
	else
		rc = check_entry(x, path);
	x->path = NULL;
	free(path);
	return rc;
}

/*
 * --split, as unmkinitramfs lays an image out: when the image starts with
 * uncompressed members, each of them goes to early/, early2/, ... and
 * everything after them to main/; an image that starts compressed is
 * extracted as it is.
 */
static void split_prefix(struct extractor *x, const struct img_member *m)
{
	if (m->index == 1) {
		x->early = 0;
		x->past_early = false;
		x->split_on = !m->comp;
	}
	x->prefix[0] = '\0';
	if (!x->split_on)
		return;
	if (!m->comp && !x->past_early && ++x->early > 1)
		snprintf(x->prefix, sizeof(x->prefix), "early%u", x->early);
	else if (!m->comp && !x->past_early)
		strcpy(x->prefix, "early");
	else
		strcpy(x->prefix, "main");
	x->past_early |= !!m->comp;
}

static int on_member_begin(void *ctx, struct img_scan *s,
			   const struct img_member *m)
{
	struct extractor *x = ctx;

	(void)s;
	x->skip_member = !sel_member(x->o, m->index);
	if (x->o->split)
		split_prefix(x, m);
	if (x->skip_member)
		return 0;
	if (x->prefix[0] && (!x->writing || x->one_pass) &&
	    note_dir_type(x, x->prefix))
		return -1;
	if (x->prefix[0] && creating(x) && x->one_pass &&
	    note_undo(x, x->prefix))
		return -1;
	if (x->prefix[0] && creating(x) && mkdirat(x->root, x->prefix, 0755) &&
	    errno != EEXIST) {
		struct srcloc loc = { .file = x->prefix };

		diag_error(x->d, &loc, "cannot create: %s", strerror(errno));
		return -1;
	}
	return x->writing ? lister_member_begin(x->l, m) : 0;
}

static int on_member_end(void *ctx, struct img_scan *s,
			 const struct img_member *m)
{
	struct extractor *x = ctx;

	(void)s;
	inomap_clear(&x->links, free_made, NULL);
	return x->writing ? lister_member_end(x->l, m) : 0;
}

static int deepest_first(const void *a, const void *b)
{
	const struct dir_fixup *p = a, *q = b;

	if (p->depth != q->depth)
		return p->depth < q->depth ? 1 : -1;
	return p < q ? -1 : 1;
}

/*
 * One directory's owner, mode and mtime, if no later entry replaced it
 * and its path still leads to it: opened again without following, and
 * checked to be the inode that was made (or found) for it.
 */
static void fix_dir(struct extractor *x, struct dir_fixup *f)
{
	struct srcloc loc = { .file = f->obj.path };
	const char *base, *what = "directory";
	int dir, fd = -1;
	struct stat st;
	bool no_owner;

	if (x->made[f->obj.slot] != f->obj.serial)
		return;		/* a later entry replaced it */
	dir = walk_parent(x, f->obj.path, &base);
	if (dir >= 0)
		fd = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			    O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && !still_made(x, &f->obj, &st, S_IFDIR))
		diag_error(x->d, &loc, "changed during the extraction: not touched");
	else if (fd < 0 ||
		 apply_attrs(fd, -1, NULL, false, &f->a, &what, &no_owner))
		diag_error(x->d, &loc, "cannot set the %s: %s", what,
			   strerror(errno));
	else if (no_owner)
		note_unmade(x, f->obj.path, false);
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
}

/* Directory modes and mtimes, now that nothing more goes into them. */
static void fix_dirs(struct extractor *x)
{
	size_t i;

	if (x->ndirs)
		qsort(x->dirs, x->ndirs, sizeof(*x->dirs), deepest_first);
	for (i = 0; i < x->ndirs; i++)
		fix_dir(x, &x->dirs[i]);
}

/* One warning for all that needed privileges, naming the first few. */
static void report_unmade(struct extractor *x)
{
	struct srcloc loc = { .file = x->image };
	char devs[64] = "", owners[64] = "", names[3 * 4200] = "";
	size_t i, n = 0;

	if (!x->no_devs && !x->no_owners)
		return;
	if (x->no_devs)
		snprintf(devs, sizeof(devs), "%lu device node%s not created%s",
			 x->no_devs, x->no_devs == 1 ? "" : "s",
			 x->no_owners ? " and " : "");
	if (x->no_owners)
		snprintf(owners, sizeof(owners), "%lu owner%s not set",
			 x->no_owners, x->no_owners == 1 ? "" : "s");
	for (i = 0; i < x->nunmade; i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      i ? ", " : "", x->unmade[i]);
	diag_warn(x->d, &loc, "%s%s (needs root): %s%s", devs, owners, names,
		  x->no_devs + x->no_owners > x->nunmade ? ", ..." : "");
}

static void release(struct extractor *x)
{
	size_t i;

	for (i = 0; i < x->ndirs; i++)
		free(x->dirs[i].obj.path);
	for (i = 0; i < x->nunmade; i++)
		free(x->unmade[i]);
	for (i = 0; i < x->nundo; i++)
		free(x->undo[i]);
	free(x->undo);
	free(x->target_made);
	free(x->dirs);
	free(x->type);
	free(x->made);
	pathmap_release(&x->types);
	inomap_clear(&x->links, free_made, NULL);
	lister_free(x->l);
	if (x->one_pass && x->out)
		fclose(x->out);
	free(x->held);
	img_spool_free(x->spool);
	if (x->root >= 0)
		close(x->root);
}

/* The second pass, after a first that found nothing wrong. */
static int write_pass(struct extractor *x, const char *path,
		      const struct img_visitor *v)
{
	int rc;

	x->made = calloc(x->ntypes + 1, sizeof(*x->made));
	if (!x->made) {
		diag_oom(x->d, NULL);
		return -1;
	}
	x->writing = true;
	rc = img_scan_spooled(path, v, x->spool, x->d);
	fix_dirs(x);
	report_unmade(x);
	if (!rc)
		lister_finish(x->l);
	return rc;
}

/* One name the one pass made, removed without following a symlink. */
static void unmake(struct extractor *x, char *path)
{
	struct srcloc loc = { .file = path };
	const char *base;
	int dir = walk_parent(x, path, &base), rc;

	if (dir < 0)
		return;		/* its directory is gone: so is it */
	rc = unlinkat(dir, base, 0);
	if (rc && (errno == EISDIR || errno == EPERM))
		rc = unlinkat(dir, base, AT_REMOVEDIR);
	/*
	 * Gone already, or a directory that still has entries: made before
	 * an earlier record of the same name, which comes later here.
	 */
	if (rc && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST)
		diag_warn(x->d, &loc, "cannot remove after the error: %s",
			  strerror(errno));
	close(dir);
}

/*
 * After an error in one pass: every name it created, the last first (a
 * directory's entries were created after it), then the directories
 * made for the target, the deepest first.
 */
static void undo(struct extractor *x)
{
	char *copy = strdup(x->target);
	size_t i;

	for (i = x->nundo; i-- > 0; )
		unmake(x, x->undo[i]);
	if (x->root >= 0)
		close(x->root);
	x->root = -1;
	for (i = x->ntarget_made; copy && i-- > 0; ) {
		copy[x->target_made[i]] = '\0';
		rmdir(copy);
	}
	free(copy);
}

/* The one pass, into a directory that is new or was empty. */
static int one_pass(struct extractor *x, const char *path,
		    const struct img_visitor *v)
{
	int rc;

	x->writing = true;
	rc = img_scan_path(path, v, 0, x->d);
	if (!rc && !diag_failed(x->d))
		rc = sel_report(x->o, path, x->d);
	if (rc || diag_failed(x->d)) {
		undo(x);
		return -1;
	}
	fix_dirs(x);
	report_unmade(x);
	lister_finish(x->l);
	if (fflush(x->out) || ferror(x->out)) {
		diag_oom(x->d, NULL);
		return -1;
	}
	return 0;
}

/*
 * Before anything is read: the directory may be missing (made later) or
 * empty (*@empty for both); one with entries only with --force.  0, or
 * -1 (reported).
 */
static int check_target(const char *dir, bool force, bool *empty,
			struct diag *d)
{
	struct srcloc loc = { .file = dir };
	DIR *dp = opendir(dir);
	struct dirent *de;

	*empty = true;
	if (!dp && errno == ENOENT)
		return 0;
	if (!dp) {
		diag_error(d, &loc, "cannot open the directory: %s", strerror(errno));
		return -1;
	}
	while (*empty && (de = readdir(dp)))
		*empty = !strcmp(de->d_name, ".") || !strcmp(de->d_name, "..");
	closedir(dp);
	if (!*empty && !force) {
		diag_error(d, &loc, "the directory is not empty: refused (--force extracts into it)");
		return -1;
	}
	return 0;
}

/* mkdir @copy, noting its length in @x if this made it; false on error. */
static bool make_target_dir(struct extractor *x, char *copy)
{
	size_t *v;

	if (mkdir(copy, 0777))
		return errno == EEXIST;
	v = realloc(x->target_made, (x->ntarget_made + 1) * sizeof(*v));
	if (!v)
		return false;
	x->target_made = v;
	v[x->ntarget_made++] = strlen(copy);
	return true;
}

/* The directory and its parents, as mkdir -p makes them; then opened. */
static int open_target(struct extractor *x, const char *dir)
{
	struct srcloc loc = { .file = dir };
	char *copy = strdup(dir), *p;
	bool made = true;
	int fd = -1, err;

	if (!copy) {
		diag_oom(x->d, NULL);
		return -1;
	}
	for (p = copy + 1; made && *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		made = make_target_dir(x, copy);
		*p = '/';
	}
	if (made)
		made = make_target_dir(x, copy);
	if (made)
		fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	err = errno;
	free(copy);
	if (fd < 0)
		diag_error(x->d, &loc, "cannot %s the directory: %s",
			   made ? "open" : "make", strerror(err));
	return fd;
}

/* A pass that checks, then one that writes: into a directory with entries. */
static int two_passes(struct extractor *x, const char *path,
		      const struct img_visitor *v)
{
	x->spool = img_spool_new();
	if (!x->spool) {
		diag_oom(x->d, NULL);
		return -1;
	}
	if (img_scan_spooled(path, v, x->spool, x->d) || diag_failed(x->d) ||
	    sel_report(x->o, path, x->d))
		return -1;
	x->root = open_target(x, x->target);
	return x->root < 0 ? -1 : write_pass(x, path, v);
}

int extract_image_opts(const char *path, const char *dir,
		       struct read_opts *o, FILE *out, struct diag *d)
{
	struct extractor x = { .d = d, .image = path, .root = -1, .o = o,
			       .target = dir };
	struct img_visitor v = {
		.member_begin = on_member_begin,
		.entry = on_entry,
		.member_end = on_member_end,
		.ctx = &x,
	};
	int rc = -1;

	if (check_target(dir, o->force, &x.one_pass, d))
		return -1;
	x.out = x.one_pass ? open_memstream(&x.held, &x.nheld) : out;
	x.l = x.out ? lister_new(x.out) : NULL;
	if (!x.l) {
		diag_oom(d, NULL);
	} else if (!x.one_pass) {
		rc = two_passes(&x, path, &v);
	} else {
		x.root = open_target(&x, dir);
		if (x.root >= 0)
			rc = one_pass(&x, path, &v);
	}
	if (!rc && x.one_pass && fwrite(x.held, 1, x.nheld, out) != x.nheld)
		rc = -1;	/* the caller reports the failed stream */
	release(&x);
	return rc || diag_failed(d) ? -1 : 0;
}

int extract_image(const char *path, const char *dir, FILE *out,
		  struct diag *d)
{
	struct read_opts o = { .force = true };

	return extract_image_opts(path, dir, &o, out, d);
}
