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
 * The data flows through one stage per file:
 *
 *	spec.c     spec text       -> entries
 *	check.c    entries         -> checked entries (names, parents, files)
 *	archive.c  checked entries -> newc/crc bytes (cpio.c: the headers)
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

#include "archive.h"
#include "check.h"
#include "diag.h"
#include "entry.h"
#include "sink.h"
#include "spec.h"

#define PROG "gen_init_cpio"
#define VERSION "0.1"

enum exit_status {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* bad input, or the archive could not be made */
	EXIT_USAGE = 2,		/* bad command line */
};

struct options {
	const char *list;
	const char *output;		/* NULL: standard output */
	bool have_timestamp;
	uint32_t timestamp;
	bool do_fsync;
	struct archive_opts archive;
};

static const char usage_text[] =
"Usage: " PROG " [-t <timestamp>] [-c] [-o <output_file>] [-a <data_align>]\n"
"       [--no-fsync] [--werror] <cpio_list>\n"
"\n"
"Compile the spec list <cpio_list> ('-' for standard input) into a newc\n"
"cpio archive for the kernel's initramfs.  Lines of the list:\n"
"\n"
"  # a comment\n"
"  file <name> <location> <mode> <uid> <gid> [<hard links>...]\n"
"  dir <name> <mode> <uid> <gid>\n"
"  nod <name> <mode> <uid> <gid> <b|c> <maj> <min>\n"
"  slink <name> <target> <mode> <uid> <gid>\n"
"  pipe <name> <mode> <uid> <gid>\n"
"  sock <name> <mode> <uid> <gid>\n"
"\n"
"  <location> may use ${VAR} from the environment; <mode> is octal.\n"
"\n"
"Options:\n"
"  -t <timestamp>   mtime of every entry, files included (seconds since\n"
"                   the Epoch); default: SOURCE_DATE_EPOCH if set (files\n"
"                   are clamped to it), else now (files keep their own)\n"
"  -c               write the crc format (070702) with data checksums\n"
"  -o <output_file> write the archive there (atomically) not to stdout\n"
"  -a <data_align>  pad names so that file data larger than <data_align>\n"
"                   (a power of two >= 4) starts at a multiple of it\n"
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
		if (parse_u32_decimal(optarg, &o->archive.data_align) ||
		    o->archive.data_align < 4 ||
		    (o->archive.data_align & (o->archive.data_align - 1))) {
			diag_error(d, NULL,
				   "data alignment '%s' is not a power of two >= 4",
				   optarg);
			return -1;
		}
		return 0;
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

/* Returns EXIT_OK, or the exit status to leave with at once. */
static int parse_command_line(int argc, char **argv, struct options *o,
			      struct diag *d)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "t:co:a:h", long_options,
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
	if (argc - optind != 1) {
		diag_error(d, NULL, argc == optind ? "no spec list given" :
			   "more than one spec list given");
		goto usage;
	}
	o->list = argv[optind];
	return EXIT_OK;
usage:
	fputs("Try '" PROG " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int read_list(const struct options *o, struct entry_list *entries,
		     struct diag *d)
{
	bool from_stdin = !strcmp(o->list, "-");
	FILE *f = from_stdin ? stdin : fopen(o->list, "r");
	int rc;

	if (!f) {
		diag_error(d, NULL, "cannot open '%s': %s", o->list,
			   strerror(errno));
		return -1;
	}
	rc = spec_read(f, from_stdin ? "<stdin>" : o->list, entries, d);
	if (!from_stdin)
		fclose(f);
	return rc;
}

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

/* Write every entry and the trailer; on any failure leave nothing behind. */
static int write_archive(const struct options *o,
			 const struct entry_list *entries, struct diag *d)
{
	struct archive_writer w;
	struct sink out;
	size_t i;
	int rc;

	if (open_output(o, &out, d))
		return -1;
	archive_writer_init(&w, &out, &o->archive);
	for (i = 0; i < entries->len; i++)
		if (archive_write_entry(&w, &entries->v[i], d))
			goto fail;
	rc = archive_write_trailer(&w);
	if (!rc && diag_failed(d))
		goto fail;
	if (!rc)
		rc = sink_commit(&out);
	if (!rc)
		return 0;
	diag_error(d, NULL, "cannot write %s: %s", sink_name(&out),
		   strerror(-rc));
fail:
	sink_abort(&out);
	return -1;
}

int main(int argc, char **argv)
{
	struct options o = { .do_fsync = true };
	struct entry_list entries = ENTRY_LIST_INIT;
	struct diag d = DIAG_INIT(PROG);
	int status = parse_command_line(argc, argv, &o, &d);

	if (status)
		return status < 0 ? EXIT_OK : status;
	if (choose_mtimes(&o, &d) == 0 && read_list(&o, &entries, &d) == 0)
		check_entries(&entries, &d);
	/* Nothing is written unless the whole list is good. */
	if (!diag_failed(&d))
		write_archive(&o, &entries, &d);
	entry_list_release(&entries);
	return diag_failed(&d) ? EXIT_ERROR : EXIT_OK;
}
