// SPDX-License-Identifier: GPL-2.0
/*
 * gen_init_cpio: compile an initramfs spec list into a newc cpio archive.
 *
 * The kernel embeds an initramfs, or takes one from the bootloader, as a
 * cpio archive in the "newc" format.  Building one with cpio(1) needs the
 * files to exist with the right owners and device numbers, which means
 * root.  The kernel's usr/gen_init_cpio instead reads a small text spec
 * ("nod /dev/console 0600 0 0 c 5 1") and writes the archive directly, so
 * any user can give an image root-owned files and device nodes.
 *
 * This is a drop-in for that tool: same command line, same spec, the same
 * bytes for every valid spec.  It differs where the original is unsafe:
 * every bad line is an error with its location (the original skips
 * unknown lines and exits 0), nothing is written until the whole list has
 * been checked, a named output is replaced atomically, a FIFO given as a
 * file's location is refused instead of hanging, and SOURCE_DATE_EPOCH is
 * honoured for reproducible builds.
 *
 * Besides spec lists, a source may be a directory (dirtree.c) or an
 * existing archive (cpioread.c); several sources are merged into one
 * image, a later one overriding what an earlier one defined (merge.c).
 *
 * The data flows through one stage per file:
 *
 *	spec.c     spec text       -> entries    (dirtree.c, cpioread.c)
 *	merge.c    entries         -> one image  (check.c: names, files)
 *	check.c    the image       -> parents, mtimes
 *	archive.c  the image       -> newc/crc bytes (cpio.c: the headers)
 *	sink.c     bytes           -> standard output or an atomic file
 *
 * and every problem goes to diag.c, which prints it with its location.
 * This file holds the command line and nothing else.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/stat.h>

#include "archive.h"
#include "check.h"
#include "cpioread.h"
#include "depfile.h"
#include "diag.h"
#include "dirtree.h"
#include "entry.h"
#include "merge.h"
#include "sink.h"
#include "spec.h"

#define PROG "gen_init_cpio"
#define VERSION "0.1"

enum exit_status {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* bad input, or the archive could not be made */
	EXIT_USAGE = 2,		/* bad command line */
};

/* A source on the command line, with the -u/-g rules in force there. */
struct source_arg {
	const char *path;
	struct idmap ids;
};

struct options {
	struct source_arg *sources;
	unsigned int nsources;
	struct idmap ids;		/* the current -u/-g rules */
	const char *depfile;		/* -l */
	const char *output;		/* NULL: standard output */
	bool have_timestamp;
	uint32_t timestamp;
	bool do_fsync;
	struct archive_opts archive;
};

static const char usage_text[] =
"Usage: " PROG " [-t <timestamp>] [-c] [-o <output_file>] [-a <data_align>]\n"
"       [-l <depfile>] [--no-fsync] [--werror]\n"
"       [-u <uid>] [-g <gid>] <source>...\n"
"\n"
"Compile the sources into one newc cpio archive for the kernel's\n"
"initramfs.  A source is a spec list ('-' for standard input), a\n"
"directory, or a cpio archive (possibly compressed); a later source\n"
"overrides the paths an earlier one defined.  Lines of a spec list:\n"
"\n"
"  # a comment\n"
"  file <name> <location> <mode> <uid> <gid> [<hard links>...]\n"
"  dir <name> <mode> <uid> <gid>\n"
"  nod <name> <mode> <uid> <gid> <b|c> <maj> <min>\n"
"  slink <name> <target> <mode> <uid> <gid>\n"
"  pipe <name> <mode> <uid> <gid>\n"
"  sock <name> <mode> <uid> <gid>\n"
"\n"
"  <location> may use ${VAR} from the environment; <mode> is octal;\n"
"  \\\\ and \\NNN (octal) write a backslash or any byte in a field.\n"
"\n"
"Options:\n"
"  -t <timestamp>   mtime of every entry, files included (seconds since\n"
"                   the Epoch); default: SOURCE_DATE_EPOCH if set (files\n"
"                   are clamped to it), else now (files keep their own)\n"
"  -c               write the crc format (070702) with data checksums\n"
"  -o <output_file> write the archive there (atomically) not to stdout\n"
"  -a <data_align>  pad names so that file data larger than <data_align>\n"
"                   (a power of two >= 4) starts at a multiple of it\n"
"  -l <depfile>     write the inputs as a make fragment (deps_initramfs)\n"
"  -u <uid>         in directory sources that follow, files of <uid> become\n"
"                   root's; 'squash': every file; -1: the current user\n"
"  -g <gid>         the same for groups\n"
"  --no-fsync       do not flush the output to disk before finishing\n"
"  --werror         treat warnings as errors\n"
"  -h, --help       show this help;  --version  show the version\n"
"\n"
"See gen_init_cpio(1).\n";

/* A decimal number within 0..UINT32_MAX, nothing else. */
static int parse_u32_decimal(const char *s, uint32_t *out)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* -u/-g: "squash", "-1" (the current user), or the id to make root's. */
static int parse_idmap(const char *arg, const char *what, uint32_t self,
		       enum id_rule *rule, uint32_t *id, struct diag *d)
{
	if (!strcmp(arg, "squash")) {
		*rule = ID_SQUASH;
		return 0;
	}
	*rule = ID_MAP;
	if (!strcmp(arg, "-1")) {
		*id = self;
		return 0;
	}
	if (parse_u32_decimal(arg, id)) {
		diag_error(d, NULL, "%s '%s' is not a number, -1 or 'squash'",
			   what, arg);
		return -1;
	}
	return 0;
}

static int add_source(struct options *o, const char *path, struct diag *d)
{
	struct source_arg *v = realloc(o->sources,
				       (o->nsources + 1) * sizeof(*v));

	if (!v) {
		diag_error(d, NULL, "out of memory");
		return -1;
	}
	o->sources = v;
	v[o->nsources].path = path;
	v[o->nsources].ids = o->ids;
	o->nsources++;
	return 0;
}

enum { OPT_NO_FSYNC = 256, OPT_WERROR, OPT_VERSION };

static const struct option long_options[] = {
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "werror", no_argument, NULL, OPT_WERROR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int parse_option(int opt, struct options *o, struct diag *d)
{
	switch (opt) {
	case 't':
		if (parse_u32_decimal(optarg, &o->timestamp)) {
			diag_error(d, NULL,
				   "timestamp '%s' is not a number of seconds in 0..4294967295",
				   optarg);
			return -1;
		}
		o->have_timestamp = true;
		return 0;
	case 'c':
		o->archive.format = CPIO_CRC;
		return 0;
	case 'o':
		o->output = optarg;
		return 0;
	case 'a':
		/* 0 is "no alignment", as for the kernel's tool. */
		if (parse_u32_decimal(optarg, &o->archive.data_align) ||
		    (o->archive.data_align && o->archive.data_align < 4) ||
		    (o->archive.data_align & (o->archive.data_align - 1))) {
			diag_error(d, NULL,
				   "data alignment '%s' is not a power of two >= 4",
				   optarg);
			return -1;
		}
		return 0;
	case 'l':
		o->depfile = optarg;
		return 0;
	case 'u':
		return parse_idmap(optarg, "uid", getuid(), &o->ids.uid_rule,
				   &o->ids.uid, d);
	case 'g':
		return parse_idmap(optarg, "gid", getgid(), &o->ids.gid_rule,
				   &o->ids.gid, d);
	case 1:
		return add_source(o, optarg, d);
	case OPT_NO_FSYNC:
		o->do_fsync = false;
		return 0;
	case OPT_WERROR:
		d->werror = true;
		return 0;
	}
	return -1;
}

/*
 * The mtimes, by the reproducible-builds SOURCE_DATE_EPOCH rules when it
 * is set and -t is not: it replaces the build time, and files newer than
 * it are clamped to it.  A malformed value is an error, never ignored.
 */
static int choose_mtimes(struct options *o, struct diag *d)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now;

	if (o->have_timestamp) {
		o->archive.mtime_base = o->timestamp;
		o->archive.mtime_files = MTIME_FILES_BASE;
		return 0;
	}
	if (sde) {
		if (parse_u32_decimal(sde, &o->archive.mtime_base)) {
			diag_error(d, NULL,
				   "SOURCE_DATE_EPOCH '%s' is not a number of seconds in 0..4294967295",
				   sde);
			return -1;
		}
		o->archive.mtime_files = MTIME_FILES_CLAMPED;
		return 0;
	}
	now = time(NULL);
	if (now < 0 || (unsigned long long)now > UINT32_MAX) {
		diag_error(d, NULL, "the current time does not fit newc; use -t");
		return -1;
	}
	o->archive.mtime_base = (uint32_t)now;
	o->archive.mtime_files = MTIME_FILES_OWN;
	return 0;
}

/*
 * Returns EXIT_OK, or the exit status to leave with at once (-1: success).
 * Options and sources are taken in order ("-" in the option string), so
 * that -u and -g apply to the directory sources after them, as in
 * gen_initramfs.sh; the other options apply everywhere.
 */
static int parse_command_line(int argc, char **argv, struct options *o,
			      struct diag *d)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "-t:co:a:l:u:g:h", long_options,
				  NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return fflush(stdout) ? EXIT_ERROR : -1;
		}
		if (opt == OPT_VERSION) {
			puts(PROG " " VERSION);
			return fflush(stdout) ? EXIT_ERROR : -1;
		}
		if (opt == '?' || parse_option(opt, o, d))
			goto usage;
	}
	/* After "--", everything is a source, even "-x". */
	for (; optind < argc; optind++)
		if (add_source(o, argv[optind], d))
			goto usage;
	if (!o->nsources) {
		diag_error(d, NULL,
			   "no source given (a spec list, a directory or an archive)");
		goto usage;
	}
	return EXIT_OK;
usage:
	fputs("Try '" PROG " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

enum source_kind { SOURCE_LIST, SOURCE_DIR, SOURCE_ARCHIVE };

/* What a source is: a directory, an archive by its magic, else a list. */
static enum source_kind source_kind(const char *path)
{
	unsigned char magic[16];
	struct stat st;
	ssize_t n = 0;
	int fd;

	if (!strcmp(path, "-") || stat(path, &st))
		return SOURCE_LIST;
	if (S_ISDIR(st.st_mode))
		return SOURCE_DIR;
	if (!S_ISREG(st.st_mode))
		return SOURCE_LIST;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, magic, sizeof(magic), 0);
		close(fd);
	}
	return n > 0 && looks_like_archive(magic, (size_t)n) ?
	       SOURCE_ARCHIVE : SOURCE_LIST;
}

/* A spec list: its entries, its files checked, its inputs recorded. */
static int read_list(const char *path, struct entry_list *out,
		     struct deplist *deps, struct diag *d)
{
	bool from_stdin = !strcmp(path, "-");
	FILE *f = from_stdin ? stdin : fopen(path, "r");
	size_t i;
	int rc;

	if (!f) {
		diag_error(d, NULL, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	rc = spec_read(f, from_stdin ? "<stdin>" : path, out, d);
	if (!from_stdin)
		fclose(f);
	check_list_nodes(out, d);
	if (!from_stdin && deplist_add(deps, path))
		rc = -1;
	for (i = 0; i < out->len && !rc; i++)
		if (out->v[i].node->data == DATA_PATH &&
		    (i == 0 || out->v[i - 1].node != out->v[i].node) &&
		    deplist_add(deps, out->v[i].node->path))
			rc = -1;
	return rc;
}

/* Descriptors of archive sources, read from until the image is written. */
struct fd_list {
	int *v;
	unsigned int len;
};

static int read_source(const struct source_arg *s, unsigned int index,
		       struct image *img, struct deplist *deps,
		       struct fd_list *fds, struct diag *d)
{
	struct entry_list src = ENTRY_LIST_INIT;
	enum source_kind kind = source_kind(s->path);
	int rc, fd = -1;

	switch (kind) {
	case SOURCE_DIR:
		rc = dirtree_read(s->path, &s->ids, &src, deps, d);
		break;
	case SOURCE_ARCHIVE:
		rc = cpioread_source(s->path, &src, deps, &fd, d);
		if (fd >= 0)
			fds->v[fds->len++] = fd;
		break;
	default:
		rc = read_list(s->path, &src, deps, d);
	}
	/* Within one list a repeated path is a mistake, not an overlay. */
	if (merge_source(img, &src, index, kind == SOURCE_LIST, d))
		rc = -1;
	return rc;
}

/* Returns 0, or -1 when the output could not be opened (reported). */
static int open_output(const struct options *o, struct sink *out,
		       struct diag *d)
{
	int rc = o->output ? sink_open_path(out, o->output, o->do_fsync) :
			     sink_open_fd(out, STDOUT_FILENO, o->do_fsync);

	if (rc) {
		diag_error(d, NULL, "cannot create '%s': %s",
			   o->output ? o->output : "standard output",
			   strerror(-rc));
		sink_abort(out);
	}
	return rc;
}

/*
 * Write the image; on any failure leave nothing behind.  Warnings that
 * depend on the layout come from a dry run first, so that --werror can
 * still stop before the first byte.
 */
static int write_image(const struct options *o, struct image *img,
		       struct diag *d)
{
	struct sink out;
	int rc;

	if (o->archive.data_align) {
		sink_open_null(&out);
		archive_write(&img->entries, &o->archive, &out, true, d);
		if (diag_failed(d))
			return -1;
	}
	if (open_output(o, &out, d))
		return -1;
	if (archive_write(&img->entries, &o->archive, &out, false, d))
		goto fail;
	rc = sink_commit(&out);
	if (!rc)
		return 0;
	diag_error(d, NULL, "cannot write %s: %s", sink_name(&out),
		   strerror(-rc));
fail:
	sink_abort(&out);
	return -1;
}

static void write_depfile(const struct options *o, const struct deplist *deps,
			  struct diag *d)
{
	int rc = depfile_write(o->depfile, o->output, deps);

	if (rc)
		diag_error(d, NULL, "cannot write '%s': %s", o->depfile,
			   strerror(-rc));
}

/* Read every source, check the whole, write it: the program's data flow. */
static void build(struct options *o, struct diag *d)
{
	struct image img = IMAGE_INIT;
	struct deplist deps = DEPLIST_INIT;
	struct fd_list fds = { calloc(o->nsources, sizeof(int)), 0 };
	unsigned int i;

	if (!fds.v) {
		diag_error(d, NULL, "out of memory");
		return;
	}
	for (i = 0; i < o->nsources; i++)
		read_source(&o->sources[i], i, &img, o->depfile ? &deps : NULL,
			    &fds, d);
	check_parents(&img.entries, &img.paths, d);
	check_mtimes(&img.entries, &o->archive, d);
	if (o->depfile)
		deplist_drop_unnamable(&deps, d);
	/* Nothing is written unless every source is good. */
	if (!diag_failed(d) && !write_image(o, &img, d) && o->depfile)
		write_depfile(o, &deps, d);
	for (i = 0; i < fds.len; i++)
		close(fds.v[i]);
	free(fds.v);
	deplist_release(&deps);
	image_release(&img);
}

int main(int argc, char **argv)
{
	struct options o = { .do_fsync = true };
	struct diag d = DIAG_INIT(PROG);
	int status = parse_command_line(argc, argv, &o, &d);

	if (status == EXIT_OK && choose_mtimes(&o, &d) == 0)
		build(&o, &d);
	free(o.sources);
	if (status)
		return status < 0 ? EXIT_OK : status;
	return diag_failed(&d) ? EXIT_ERROR : EXIT_OK;
}
