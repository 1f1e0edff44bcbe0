// SPDX-License-Identifier: GPL-2.0
/*
 * gen_init_cpio: compile initramfs sources into the bytes the kernel unpacks.
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
 * Besides spec lists, a source may be a directory (dirtree.c), an
 * existing cpio archive (cpioread.c), a tar archive (tarsrc.c) or a
 * container image (oci.c); several sources are merged into one
 * image, a later one overriding what an earlier one defined (merge.c).
 * An image may hold several members (early microcode, --early sources,
 * `segment` lines), each compressed or not (compress.c).
 *
 * The data flows through one stage per file:
 *
 *	spec.c     spec text       -> entries    (dirtree.c, cpioread.c,
 *						  microcode.c)
 *	merge.c    entries         -> members    (check.c: names, files)
 *	check.c    the members     -> parents, mtimes, early microcode
 *	archive.c  each member     -> newc/crc bytes (cpio.c: the headers)
 *	sink.c     bytes           -> standard output or an atomic file,
 *				      through the stages of out.h (buffer,
 *				      compressor, clone, file)
 *
 * and every problem goes to diag.c, which prints it with its location.
 * This file holds the command line and the order of the stages, nothing
 * else (progress.c: -v and the progress line).
 */
/* fopencookie(): a spec list read from standard input after a peek. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/diag.h"
#include "image/compress.h"
#include "inspect/cat.h"
#include "inspect/du.h"
#include "inspect/extract.h"
#include "inspect/imgdiff.h"
#include "inspect/listing.h"
#include "inspect/verify.h"
#include "archive.h"
#include "check.h"
#include "cpioread.h"
#include "depfile.h"
#include "dirtree.h"
#include "entry.h"
#include "merge.h"
#include "microcode.h"
#include "oci.h"
#include "sink.h"
#include "spec.h"
#include "tarsrc.h"

#define PROG "gen_init_cpio"
#define VERSION "0.1"

enum exit_status {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* bad input, or the archive could not be made */
	EXIT_USAGE = 2,		/* bad command line */
};

/* What the program is asked to do: build (the default) or read images. */
enum read_mode {
	MODE_BUILD,
	MODE_LIST,
	MODE_CAT,
	MODE_DU,
	MODE_EXAMINE,
	MODE_VERIFY,
	MODE_EXTRACT,
	MODE_DIFF,
};

/* A source on the command line, with the -u/-g rules in force there. */
struct source_arg {
	const char *path;
	struct idmap ids;
	bool early;			/* --early: a member of its own, first */
};

struct options {
	struct source_arg *sources;
	unsigned int nsources;
	struct idmap ids;		/* the current -u/-g rules and maps */
	const char *platform;		/* --platform */
	void **ranges;			/* the id maps' arrays, to free */
	size_t nranges;
	const char *depfile;		/* -l */
	const char *output;		/* NULL: standard output */
	const char *microcode;		/* --microcode */
	bool have_comp;			/* -z given */
	struct compression comp;	/* of the main member */
	bool have_timestamp;
	uint32_t timestamp;
	bool do_fsync;
	unsigned int jobs;		/* --jobs; 0: one per CPU */
	bool verbose;			/* -v */
	struct archive_opts archive;
	enum read_mode mode;		/* --list etc.: read an image instead */
	const char *extract_dir;	/* --extract */
	struct read_opts rd;		/* --member, --json, --force, --split */
	int build_option;		/* the first option only builds use */
};

static const char usage_text[] =
"Usage: " PROG " [-t <timestamp>] [-c] [-o <output_file>] [-a <data_align>]\n"
"       [-z <method>[:<level>]] [--jobs <n>] [-l <depfile>] [--no-fsync]\n"
"       [--werror] [--microcode <dir>] [--early <source>]...\n"
"       [-u <uid>] [-g <gid>] [--map-users <map>] [--map-groups <map>]\n"
"       [--platform <os>/<arch>] <source>...\n"
"       " PROG " --list [-v] [--json] [--member <range>] <image> [<pattern>...]\n"
"       " PROG " --examine [--json]|--verify [--werror] [--member <range>] <image>\n"
"       " PROG " --extract <dir> [--force] [--split] <image> [<pattern>...]\n"
"       " PROG " --cat <image> <path>...\n"
"       " PROG " --du <image> [<pattern>...]\n"
"       " PROG " --diff [--member <range>] <image1> <image2>\n"
"\n"
"Compile the sources into one newc cpio archive for the kernel's\n"
"initramfs.  A source is a spec list ('-' for standard input), a\n"
"directory, a cpio or tar archive (possibly compressed; '-' too), or a\n"
"container image: oci:<dir>[:<tag>], oci-archive:<file>[:<tag>],\n"
"docker-archive:<file>; a later source overrides the paths an earlier\n"
"one defined.  Lines of a spec list:\n"
"\n"
"  # a comment\n"
"  file <name> <location> <mode> <uid> <gid> [<hard links>...]\n"
"  dir <name> <mode> <uid> <gid>\n"
"  nod <name> <mode> <uid> <gid> <b|c> <maj> <min>\n"
"  slink <name> <target> <mode> <uid> <gid>\n"
"  pipe <name> <mode> <uid> <gid>\n"
"  sock <name> <mode> <uid> <gid>\n"
"  segment [<method>[:<level>]]    (an extension: starts a new member)\n"
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
"                   (a power of two >= 4) starts at a multiple of it; a\n"
"                   name too long for its padding is preceded by a copy\n"
"                   of the latest directory entry, padded instead\n"
"  -z <method>      compress the main member: gzip, zstd, xz, lzma, bzip2,\n"
"                   lz4, lzo or none, with an optional :<level>; default:\n"
"                   from the -o suffix (.gz .zst .xz .lzma .bz2 .lz4 .lzo)\n"
"                   at a fast level (gzip:6 zstd:2 xz:6 lzma:6 lzo:3, else 9)\n"
"  --jobs <n>       compress up to <n> pieces at once (default: one per\n"
"                   CPU); the output is the same for every <n>\n"
"  --early <source> an uncompressed member of its own, before the main one\n"
"  --microcode <dir> early microcode from a firmware tree (intel-ucode/,\n"
"                   amd-ucode/) as the first, uncompressed member\n"
"  -l <depfile>     write the inputs as a make fragment (deps_initramfs)\n"
"  -u <uid>         in directory sources that follow, files of <uid> become\n"
"                   root's; 'squash': every file; -1: the current user\n"
"  -g <gid>         the same for groups\n"
"  --map-users <inside>:<outside>:<count>\n"
"                   in the sources that follow, owners <outside>.. on disk\n"
"                   (or in a tar) are <inside>.. in the image, as in a user\n"
"                   namespace (ids outside every map: 65534); repeatable;\n"
"                   'auto': the first /etc/subuid range of the user as 0..\n"
"  --map-groups <map> the same for groups (/etc/subgid)\n"
"  --platform <os>/<arch>[/<variant>]\n"
"                   the manifest of a container image (default linux/amd64)\n"
"  -v               name each entry on standard error as it is written\n"
"  --no-fsync       do not flush the output to disk before finishing\n"
"  --werror         treat warnings as errors\n"
"  -h, --help       show this help;  --version  show the version\n"
"\n"
"Reading an image (any initrd; build options are refused):\n"
"  --list <image>   print it as a spec list that compiles back to it;\n"
"                   with -v, one line per entry as cpio -tv prints it\n"
"  --examine <image> one line per member: offset, length, compression,\n"
"                   format, entries, size, trailer\n"
"  --verify <image> report what would stop the kernel's unpacker (errors)\n"
"                   or what it would skip or replace silently (warnings)\n"
"  --extract <dir> <image>\n"
"                   unpack into <dir>, refusing absolute names, '..' and\n"
"                   paths through symlinks; print the list as --list does;\n"
"                   <dir> is made if missing, refused if it has entries\n"
"  --force          extract into a directory that has entries\n"
"  --split          members in early/, early2/, ..., main/ (unmkinitramfs)\n"
"  --cat <image> <path>...\n"
"                   the files' bytes, the copy the kernel would keep\n"
"  --du <image>     the largest directories and files, per member, in all\n"
"  --member <range> only these members: 2, 2-, 1,3, 2-4\n"
"  --json           --examine and --list -v as JSON lines\n"
"  <pattern>        shell globs on the names, without the leading '/'\n"
"  --diff <image1> <image2>\n"
"                   what differs, member by member and entry by entry;\n"
"                   exit 0 same bytes, 1 different, 2 trouble\n"
"\n"
"See gen_init_cpio(1).\n";

static const char bad_compression[] =
	"compression '%s' is not one of gzip, zstd, xz, lzma, bzip2, lz4, lzo, none (with a valid :level)";

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

static int add_source(struct options *o, const char *path, bool early,
		      struct diag *d)
{
	struct source_arg *v = realloc(o->sources,
				       (o->nsources + 1) * sizeof(*v));

	if (!v) {
		diag_oom(d, NULL);
		return -1;
	}
	o->sources = v;
	v[o->nsources].path = path;
	v[o->nsources].ids = o->ids;
	v[o->nsources].early = early;
	o->nsources++;
	return 0;
}

enum {
	OPT_NO_FSYNC = 256, OPT_WERROR, OPT_VERSION, OPT_EARLY, OPT_MICROCODE,
	OPT_MAP_USERS, OPT_MAP_GROUPS, OPT_PLATFORM,
	OPT_LIST, OPT_EXAMINE, OPT_VERIFY, OPT_EXTRACT, OPT_DIFF,
	OPT_CAT, OPT_DU, OPT_FORCE, OPT_SPLIT, OPT_MEMBER, OPT_JSON, OPT_JOBS,
};

/* --jobs: how many compressors at once; the bytes do not depend on it. */
static int parse_jobs(struct options *o, const char *arg, struct diag *d)
{
	char *end;
	long n;

	errno = 0;
	n = arg[0] >= '1' && arg[0] <= '9' ? strtol(arg, &end, 10) : 0;
	if (n < 1 || *end || errno || n > OUT_COMPRESS_MAX_JOBS) {
		diag_error(d, NULL, "bad --jobs '%s' (1 to %d)", arg,
			   OUT_COMPRESS_MAX_JOBS);
		return -1;
	}
	o->jobs = (unsigned int)n;
	return 0;
}

/* "auto": the first range of /etc/subuid (subgid) that is the user's. */
static int subid_range(const char *file, struct idrange *r, struct diag *d)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : NULL;
	char line[256], self[16], *name, *start, *count, *save;
	FILE *f = fopen(file, "r");

	snprintf(self, sizeof(self), "%u", (unsigned int)getuid());
	while (f && fgets(line, sizeof(line), f)) {
		name = strtok_r(line, ":\n", &save);
		start = strtok_r(NULL, ":\n", &save);
		count = strtok_r(NULL, ":\n", &save);
		if (!name || !count || (strcmp(name, self) &&
					(!user || strcmp(name, user))))
			continue;
		fclose(f);
		r->inside = 0;
		if (parse_u32_decimal(start, &r->outside) ||
		    parse_u32_decimal(count, &r->count))
			break;
		return 0;
	}
	if (f)
		fclose(f);
	diag_error(d, NULL, "no subordinate id range of user %s in %s", self,
		   file);
	return -1;
}

/*
 * --map-users/--map-groups: <inside>:<outside>:<count> (unshare before
 * util-linux 2.39) or <outside>,<inside>,<count> (since), or "auto".
 */
static int parse_idrange(const char *arg, const char *file,
			 struct idrange *r, struct diag *d)
{
	char a[16], b[16], c[16], sep, extra;
	bool comma = strchr(arg, ',') != NULL;

	if (!strcmp(arg, "auto"))
		return subid_range(file, r, d);
	sep = comma ? ',' : ':';
	if (sscanf(arg, comma ? "%15[0-9],%15[0-9],%15[0-9]%c" :
		   "%15[0-9]:%15[0-9]:%15[0-9]%c", a, b, c, &extra) != 3 ||
	    parse_u32_decimal(comma ? b : a, &r->inside) ||
	    parse_u32_decimal(comma ? a : b, &r->outside) ||
	    parse_u32_decimal(c, &r->count) || !r->count ||
	    r->count - 1 > UINT32_MAX - r->inside ||
	    r->count - 1 > UINT32_MAX - r->outside) {
		diag_error(d, NULL,
			   "id map '%s' is not <inside>%c<outside>%c<count> (or <outside>,<inside>,<count>, or 'auto') within 32 bits",
			   arg, sep, sep);
		return -1;
	}
	return 0;
}

/*
 * Add a range to the maps in force; the sources before keep the array
 * they were given (a copy is made each time).
 */
static int add_idrange(struct options *o, const struct idrange **v,
		       uint32_t *n, const char *arg, const char *file,
		       struct diag *d)
{
	struct idrange *copy = malloc((*n + 1) * sizeof(*copy));
	void **all = realloc(o->ranges, (o->nranges + 1) * sizeof(*all));

	if (all)
		o->ranges = all;
	if (!copy || !all) {
		free(copy);
		diag_error(d, NULL, "out of memory");
		return -1;
	}
	if (parse_idrange(arg, file, &copy[*n], d)) {
		free(copy);
		return -1;
	}
	if (*n)
		memcpy(copy, *v, *n * sizeof(*copy));
	*v = copy;	/* the sources given so far keep the old one */
	o->ranges[o->nranges++] = copy;
	(*n)++;
	return 0;
}

static const struct option long_options[] = {
	{ "list", no_argument, NULL, OPT_LIST },
	{ "examine", no_argument, NULL, OPT_EXAMINE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ "diff", no_argument, NULL, OPT_DIFF },
	{ "cat", no_argument, NULL, OPT_CAT },
	{ "du", no_argument, NULL, OPT_DU },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "member", required_argument, NULL, OPT_MEMBER },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "early", required_argument, NULL, OPT_EARLY },
	{ "microcode", required_argument, NULL, OPT_MICROCODE },
	{ "map-users", required_argument, NULL, OPT_MAP_USERS },
	{ "map-groups", required_argument, NULL, OPT_MAP_GROUPS },
	{ "platform", required_argument, NULL, OPT_PLATFORM },
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "werror", no_argument, NULL, OPT_WERROR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* --list and friends: one mode only. */
static int set_mode(struct options *o, enum read_mode mode, struct diag *d)
{
	if (o->mode != MODE_BUILD && o->mode != mode) {
		diag_error(d, NULL, "choose one of --list, --examine, --verify, --extract, --cat, --du and --diff");
		return -1;
	}
	o->mode = mode;
	if (mode == MODE_EXTRACT)
		o->extract_dir = optarg;
	return 0;
}

static int parse_option(int opt, struct options *o, struct diag *d)
{
	/* -v: progress when building, the long listing with --list. */
	if (opt != 1 && opt != OPT_WERROR && opt != 'v' && opt < OPT_LIST &&
	    !o->build_option)
		o->build_option = opt;
	switch (opt) {
	case OPT_CAT:
		return set_mode(o, MODE_CAT, d);
	case OPT_DU:
		return set_mode(o, MODE_DU, d);
	case OPT_FORCE:
		o->rd.force = true;
		return 0;
	case OPT_SPLIT:
		o->rd.split = true;
		return 0;
	case OPT_MEMBER:
		o->rd.members = optarg;
		return 0;
	case OPT_JSON:
		o->rd.json = true;
		return 0;
	case OPT_LIST:
		return set_mode(o, MODE_LIST, d);
	case OPT_EXAMINE:
		return set_mode(o, MODE_EXAMINE, d);
	case OPT_VERIFY:
		return set_mode(o, MODE_VERIFY, d);
	case OPT_EXTRACT:
		return set_mode(o, MODE_EXTRACT, d);
	case OPT_DIFF:
		return set_mode(o, MODE_DIFF, d);
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
	case 'v':
		o->verbose = true;
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
		return add_source(o, optarg, false, d);
	case OPT_EARLY:
		return add_source(o, optarg, true, d);
	case OPT_MICROCODE:
		o->microcode = optarg;
		return 0;
	case OPT_MAP_USERS:
		return add_idrange(o, &o->ids.uranges, &o->ids.nuranges, optarg,
				   "/etc/subuid", d);
	case OPT_MAP_GROUPS:
		return add_idrange(o, &o->ids.granges, &o->ids.ngranges, optarg,
				   "/etc/subgid", d);
	case OPT_PLATFORM:
		o->platform = optarg;
		return 0;
	case 'z':
		if (compression_parse(optarg, &o->comp)) {
			diag_error(d, NULL, bad_compression, optarg);
			return -1;
		}
		o->have_comp = true;
		return 0;
	case OPT_NO_FSYNC:
		o->do_fsync = false;
		return 0;
	case OPT_JOBS:
		return parse_jobs(o, optarg, d);
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

static const char *const mode_names[] = {
	[MODE_LIST] = "--list", [MODE_EXAMINE] = "--examine",
	[MODE_VERIFY] = "--verify", [MODE_EXTRACT] = "--extract",
	[MODE_DIFF] = "--diff", [MODE_CAT] = "--cat",
	[MODE_DU] = "--du",
};

/* How the user spelled option @opt, for messages. */
static const char *option_name(int opt)
{
	static char name[32];
	const struct option *lo;

	snprintf(name, sizeof(name), "-%c", opt);
	for (lo = long_options; lo->name; lo++)
		if (lo->val == opt)
			snprintf(name, sizeof(name), "--%s", lo->name);
	return name;
}

/* Each reader option, and the modes it belongs to. */
static int check_read_options(const struct options *o, struct diag *d)
{
	const char *bad = NULL;

	if (o->verbose && o->mode != MODE_LIST)
		bad = "-v";
	else if ((o->rd.force || o->rd.split) && o->mode != MODE_EXTRACT)
		bad = o->rd.force ? "--force" : "--split";
	else if (o->rd.json && o->mode != MODE_EXAMINE &&
		 !(o->mode == MODE_LIST && o->verbose))
		bad = "--json";
	if (bad) {
		diag_error(d, NULL, "%s is not an option of %s%s", bad,
			   mode_names[o->mode],
			   !strcmp(bad, "--json") ? " (--json goes with --examine and --list -v)" : "");
		return -1;
	}
	return sel_check(&o->rd, d);
}

/* How many images and patterns mode @m takes: *@min..*@max (0: any). */
static void read_mode_args(enum read_mode m, unsigned int *min,
			   unsigned int *max)
{
	*min = m == MODE_DIFF || m == MODE_CAT ? 2 : 1;
	*max = m == MODE_LIST || m == MODE_EXTRACT || m == MODE_CAT ||
	       m == MODE_DU ? 0 : *min;
}

/* A reading mode takes images, one (two for --diff), and no build options. */
static int check_read_mode(const struct options *o, struct diag *d)
{
	unsigned int min, max;

	read_mode_args(o->mode, &min, &max);
	if (o->build_option) {
		diag_error(d, NULL, "%s reads an image: %s is an option for building one",
			   mode_names[o->mode], option_name(o->build_option));
		return -1;
	}
	if (o->nsources < min || (max && o->nsources > max)) {
		diag_error(d, NULL, "%s takes %s, got %u", mode_names[o->mode],
			   o->mode == MODE_DIFF ? "two images" :
			   o->mode == MODE_CAT ? "an image and one path or more" :
			   max ? "one image" : "one image and patterns",
			   o->nsources);
		return -1;
	}
	return check_read_options(o, d);
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

	while ((opt = getopt_long(argc, argv, "-t:co:a:l:u:g:z:vh", long_options,
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
		if (add_source(o, argv[optind], false, d))
			goto usage;
	if (o->mode != MODE_BUILD && check_read_mode(o, d))
		goto usage;
	if (o->mode != MODE_BUILD)
		return EXIT_OK;
	if (!o->nsources) {
		diag_error(d, NULL,
			   "no source given (a spec list, a directory, an archive or an image)");
		goto usage;
	}
	return EXIT_OK;
usage:
	fputs("Try '" PROG " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

enum source_kind { SOURCE_LIST, SOURCE_DIR, SOURCE_ARCHIVE, SOURCE_IMAGE };

/* An archive by its first block: cpio, tar, or compressed. */
static bool block_is_archive(const unsigned char *buf, size_t len)
{
	return looks_like_archive(buf, len) || looks_like_tar(buf, len);
}

/*
 * What a source is: a container image by its prefix, a directory, an
 * archive by its first block, else a list.
 */
static enum source_kind source_kind(const char *path)
{
	unsigned char block[512];
	struct stat st;
	ssize_t n = 0;
	int fd;

	if (oci_names_image(path))
		return SOURCE_IMAGE;
	if (!strcmp(path, "-") || stat(path, &st))
		return SOURCE_LIST;
	if (S_ISDIR(st.st_mode))
		return SOURCE_DIR;
	if (!S_ISREG(st.st_mode))
		return SOURCE_LIST;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, block, sizeof(block), 0);
		close(fd);
	}
	return n > 0 && block_is_archive(block, (size_t)n) ?
	       SOURCE_ARCHIVE : SOURCE_LIST;
}

/*
 * Everything one run builds: the members of the image (the one sources
 * go into now is the last), the inputs for the depfile, and descriptors
 * that entries' data is read from until the image is written.
 */
struct build {
	const struct options *o;
	struct member *members;
	size_t nmembers;
	struct deplist deps;
	int *fds;
	size_t nfds;
	struct diag *d;
	bool files_late;	/* files checked (stat()ed) as written */
};

static int add_member(struct build *b, const char *what,
		      const struct compression *c, const struct srcloc *loc)
{
	struct member *v = realloc(b->members, (b->nmembers + 1) * sizeof(*v));

	if (!v) {
		diag_oom(b->d, NULL);
		return -1;
	}
	b->members = v;
	memset(&v[b->nmembers], 0, sizeof(*v));
	v[b->nmembers].comp = *c;
	v[b->nmembers].what = what;
	if (loc)
		v[b->nmembers].loc = *loc;
	b->nmembers++;
	return 0;
}

static int keep_fd(struct build *b, int fd)
{
	int *v = realloc(b->fds, (b->nfds + 1) * sizeof(*v));

	if (!v) {
		close(fd);
		return -1;
	}
	b->fds = v;
	v[b->nfds++] = fd;
	return 0;
}

static struct deplist *deps_of(struct build *b)
{
	return b->o->depfile ? &b->deps : NULL;
}

/* Standard input, once its first block has been read to see what it is. */
struct peeked {
	unsigned char buf[512];
	size_t len, at;
};

static ssize_t peeked_read(void *cookie, char *buf, size_t size)
{
	struct peeked *p = cookie;
	size_t n = p->len - p->at;

	if (!n)
		return read(STDIN_FILENO, buf, size);
	n = n < size ? n : size;
	memcpy(buf, p->buf + p->at, n);
	p->at += n;
	return (ssize_t)n;
}

/* Read the first block of standard input into @p; -1 on a read error. */
static int peek_stdin(struct peeked *p)
{
	ssize_t n;

	p->len = p->at = 0;
	while (p->len < sizeof(p->buf)) {
		n = read(STDIN_FILENO, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		p->len += (size_t)n;
	}
	return 0;
}

/* An archive on standard input, into an unnamed file: its fd, or -1. */
static int stdin_to_file(const struct peeked *p, struct diag *d)
{
	static const struct srcloc loc = { .file = "<stdin>" };
	int fd = archive_tmpfile("<stdin>", d);
	char buf[65536];
	ssize_t n = (ssize_t)p->len;

	if (fd < 0)
		return -1;
	memcpy(buf, p->buf, p->len);
	while (n > 0) {
		if (write(fd, buf, (size_t)n) != n)
			goto fail;
		do
			n = read(STDIN_FILENO, buf, sizeof(buf));
		while (n < 0 && errno == EINTR);
	}
	if (!n)
		return archive_plain(fd, "<stdin>", d);
fail:
	diag_error(d, &loc, "cannot copy standard input: %s", strerror(errno));
	close(fd);
	return -1;
}

/* A part of a spec list: its files checked, its inputs recorded, merged. */
static int merge_list_part(struct build *b, struct entry_list *part)
{
	size_t i;
	int rc = 0;

	check_list_nodes(part, b->files_late, b->d);
	/* Without -l, no pass over every node for nothing. */
	for (i = 0; deps_of(b) && i < part->len && !rc; i++)
		if (part->v[i].node->data == DATA_PATH &&
		    (i == 0 || part->v[i - 1].node != part->v[i].node) &&
		    deplist_add(deps_of(b), node_path(part->v[i].node)))
			rc = -1;
	/* Within one list a repeated path is a mistake, not an overlay. */
	if (check_names(part, b->d) ||
	    merge_source(&b->members[b->nmembers - 1].img, part, true, b->d))
		rc = -1;
	return rc;
}

/* "segment [<method>]": what came before goes into the current member. */
static int on_segment(void *ctx, const char *method, const struct srcloc *loc,
		      struct entry_list *so_far)
{
	struct build *b = ctx;
	struct compression c = b->o->comp;

	if (strcmp(b->members[b->nmembers - 1].what, "main")) {
		diag_error(b->d, loc,
			   "'segment' in an --early source: early members are single and uncompressed");
		return 0;
	}
	if (merge_list_part(b, so_far))
		return -1;
	if (method && compression_parse(method, &c)) {
		diag_error(b->d, loc, bad_compression, method);
		c = b->o->comp;
	}
	return add_member(b, "main", &c, loc);
}

static int read_list(struct build *b, const char *path, struct peeked *p)
{
	static const cookie_io_functions_t peeked_io = { .read = peeked_read };
	struct spec_hooks hooks = { .segment = on_segment, .ctx = b };
	struct entry_list part = ENTRY_LIST_INIT;
	bool from_stdin = !strcmp(path, "-");
	FILE *f = from_stdin ? fopencookie(p, "r", peeked_io) :
			       fopen(path, "r");
	int rc;

	if (!f) {
		diag_error(b->d, NULL, "cannot open '%s': %s", path,
			   strerror(errno));
		return -1;
	}
	rc = spec_read(f, from_stdin ? "<stdin>" : path, &part, &hooks, b->d);
	fclose(f);
	if (!from_stdin && deplist_add(deps_of(b), path))
		rc = -1;
	if (merge_list_part(b, &part))
		rc = -1;
	return rc;
}

/* A plain archive open as @fd: a tar or a cpio archive by its first block. */
static int read_archive(struct build *b, const char *name, int fd,
			const struct idmap *ids, struct entry_list *src)
{
	struct tar_opts to = { .ids = ids };
	unsigned char block[512];
	struct stat st;
	ssize_t n;

	if (keep_fd(b, fd))
		return -1;
	n = pread(fd, block, sizeof(block), 0);
	if (n <= 0 || !looks_like_tar(block, (size_t)n))
		return cpioread_fd(name, fd, src, b->d);
	if (fstat(fd, &st)) {
		diag_error(b->d, NULL, "cannot stat '%s': %s", name,
			   strerror(errno));
		return -1;
	}
	return tarsrc_read(name, fd, 0, (uint64_t)st.st_size, &to, src, b->d);
}

/* Standard input: an archive by its first block, else a spec list. */
static int read_stdin(struct build *b, const struct idmap *ids,
		      struct entry_list *src)
{
	struct peeked p;
	int fd;

	if (peek_stdin(&p)) {
		diag_error(b->d, NULL, "cannot read standard input: %s",
			   strerror(errno));
		return -1;
	}
	if (!block_is_archive(p.buf, p.len))
		return read_list(b, "-", &p);
	fd = stdin_to_file(&p, b->d);
	return fd < 0 ? -1 : read_archive(b, "<stdin>", fd, ids, src);
}

static int read_image_source(struct build *b, const char *path,
			     const struct idmap *ids, struct entry_list *src)
{
	struct oci_opts oo = { .platform = b->o->platform, .ids = ids };
	int *fds = NULL, rc;
	size_t nfds = 0, i;

	rc = oci_read(path, &oo, src, deps_of(b), &fds, &nfds, b->d);
	for (i = 0; i < nfds; i++)
		if (keep_fd(b, fds[i]))
			rc = -1;
	free(fds);
	return rc;
}

static int read_source(struct build *b, const char *path,
		       const struct idmap *ids)
{
	struct entry_list src = ENTRY_LIST_INIT;
	struct image *img;
	int rc, fd = -1;

	if (!strcmp(path, "-")) {
		rc = read_stdin(b, ids, &src);
		if (!src.len)
			return rc;
		goto merge;
	}
	switch (source_kind(path)) {
	case SOURCE_DIR:
		rc = dirtree_read(path, ids, b->files_late, &src, deps_of(b),
				  &fd, b->d);
		if (fd >= 0 && keep_fd(b, fd))
			rc = -1;
		break;
	case SOURCE_ARCHIVE:
		rc = deplist_add(deps_of(b), path);
		if (rc)
			diag_error(b->d, NULL, "out of memory");
		fd = rc ? -1 : archive_open(path, b->d);
		rc = fd < 0 ? -1 : read_archive(b, path, fd, ids, &src);
		break;
	case SOURCE_IMAGE:
		rc = read_image_source(b, path, ids, &src);
		break;
	default:
		return read_list(b, path, NULL);
	}
merge:
	img = &b->members[b->nmembers - 1].img;
	if (check_names(&src, b->d) || merge_source(img, &src, false, b->d))
		rc = -1;
	return rc;
}

/*
 * The members, in the order the bootloader will hand them over: early
 * microcode, then each --early source, all uncompressed, then the main
 * member, compressed as -z or the output's name say, which `segment`
 * lines may split further.
 */
static void read_sources(struct build *b)
{
	static const struct compression none;
	const struct options *o = b->o;
	struct entry_list src = ENTRY_LIST_INIT;
	unsigned int i;
	int fd = -1;

	if (o->microcode && !add_member(b, "microcode", &none, NULL)) {
		microcode_read(o->microcode, &src, deps_of(b), &fd, b->d);
		if (fd >= 0)
			keep_fd(b, fd);
		if (!check_names(&src, b->d))
			merge_source(&b->members[0].img, &src, false, b->d);
	}
	for (i = 0; i < o->nsources; i++) {
		if (!o->sources[i].early)
			continue;
		if (add_member(b, "early", &none, NULL))
			return;
		read_source(b, o->sources[i].path, &o->sources[i].ids);
	}
	if (add_member(b, "main", &o->comp, NULL))
		return;
	for (i = 0; i < o->nsources; i++) {
		if (o->sources[i].early)
			continue;
		read_source(b, o->sources[i].path, &o->sources[i].ids);
	}
}

/* A member with no entries is left out, unless the image would be empty. */
static bool member_is_written(const struct build *b, size_t i)
{
	size_t j;

	if (b->members[i].img.entries.len)
		return true;
	for (j = 0; j < b->nmembers; j++)
		if (b->members[j].img.entries.len)
			return false;
	return i == b->nmembers - 1;
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
	out->jobs = o->jobs;
	return rc;
}

/* Every member, each with its own trailer and compression, into @out. */
static int write_members(struct build *b, struct sink *out, bool dry)
{
	size_t i;
	int rc;

	for (i = 0; i < b->nmembers; i++) {
		struct member *m = &b->members[i];

		if (!member_is_written(b, i))
			continue;
		rc = sink_begin_member(out, &m->comp);
		if (rc) {
			diag_error(b->d, NULL, "cannot compress the %s member: %s",
				   m->what, sink_error(out, rc));
			return -1;
		}
		if (archive_write(&m->img.entries, &b->o->archive, out, dry, b->d))
			return -1;
		rc = sink_end_member(out);
		if (rc && m->comp.method)
			diag_error(b->d, NULL, "cannot write %s (%s member, %s): %s",
				   sink_name(out), m->what,
				   compression_name(&m->comp), sink_error(out, rc));
		else if (rc)
			diag_error(b->d, NULL, "cannot write %s: %s",
				   sink_name(out), sink_error(out, rc));
		if (rc)
			return -1;
	}
	return 0;
}

/*
 * Write the image; on any failure leave nothing behind.  Warnings that
 * depend on the layout come from a dry run first, so that --werror can
 * still stop before the first byte.
 */
static int write_image(struct build *b)
{
	struct sink out;
	int rc;

	if (b->o->archive.data_align) {
		sink_open_null(&out);
		write_members(b, &out, true);
		if (diag_failed(b->d))
			return -1;
	}
	if (open_output(b->o, &out, b->d))
		return -1;
	rc = write_members(b, &out, false);
	progress_done(b->o->archive.progress);
	/* With late checks, --werror warnings can come while writing. */
	if (rc || diag_failed(b->d))
		goto fail;
	rc = sink_commit(&out);
	if (!rc)
		return 0;
	diag_error(b->d, NULL, "cannot write %s: %s", sink_name(&out),
		   strerror(-rc));
fail:
	sink_abort(&out);
	return -1;
}

static void write_depfile(struct build *b)
{
	int rc = depfile_write(b->o->depfile, b->o->output, &b->deps);

	if (rc)
		diag_error(b->d, NULL, "cannot write '%s': %s", b->o->depfile,
			   strerror(-rc));
}

/* What holds of the image as a whole: parents, mtimes, early microcode. */
static void check_image(struct build *b)
{
	size_t i;

	for (i = 0; i < b->nmembers; i++) {
		check_parents(b->members, i, b->d);
		check_mtimes(&b->members[i].img.entries, &b->o->archive, b->d);
	}
	microcode_check(b->members, b->nmembers, b->d);
}

/*
 * The process ends with the build, and handing back every name, node and
 * path one free() at a time took 3% of the run on /usr/share (66,000
 * entries).  So the memory goes with the process, except in builds for
 * leak checking (make SANITIZE=1 defines FREE_AT_EXIT), where everything
 * is freed so that the sanitizers find every allocation accounted for.
 */
static void release_build(struct build *b)
{
#ifdef FREE_AT_EXIT
	size_t i;

	for (i = 0; i < b->nmembers; i++)
		image_release(&b->members[i].img);
	free(b->members);
	deplist_release(&b->deps);
	model_release();
#else
	(void)b;
#endif
}

/*
 * Whether a spec list's files can be checked, and a directory source's
 * files stat()ed, by the writer as it opens each one, rather than in a
 * pass before: only when a failure leaves nothing behind (the output is a
 * new or regular file, replaced through a temporary one) and no dry run
 * needs their sizes first (-a).
 */
static bool files_checked_late(const struct options *o)
{
	struct stat st;

	if (!o->output || o->archive.data_align)
		return false;
	return stat(o->output, &st) ? errno == ENOENT : S_ISREG(st.st_mode);
}

/* Read every source, check the whole, write it: the program's data flow. */
static void build(const struct options *o, struct diag *d)
{
	struct build b = {
		.o = o, .d = d, .deps = DEPLIST_INIT,
		.files_late = files_checked_late(o),
	};
	size_t i;

	read_sources(&b);
	check_image(&b);
	if (o->depfile)
		deplist_drop_unnamable(&b.deps, d);
	/* Nothing is written unless every source is good. */
	if (!diag_failed(d) && !write_image(&b) && o->depfile)
		write_depfile(&b);
	for (i = 0; i < b.nfds; i++)
		close(b.fds[i]);
	free(b.fds);
	release_build(&b);
}

/* --list, --examine, --verify, --extract, --diff: read, do not build. */
static int read_image(struct options *o, struct diag *d)
{
	const char *img = o->sources[0].path;
	char **patterns = calloc(o->nsources, sizeof(*patterns));
	unsigned int i;
	int rc = 0;

	if (!patterns) {
		diag_oom(d, NULL);
		return EXIT_ERROR;
	}
	for (i = 1; o->mode != MODE_DIFF && i < o->nsources; i++)
		patterns[o->rd.npatterns++] = (char *)o->sources[i].path;
	o->rd.patterns = patterns;
	o->rd.long_list = o->verbose;
	if (sel_check(&o->rd, d)) {
		free(patterns);
		return EXIT_USAGE;
	}
	switch (o->mode) {
	case MODE_LIST:
		rc = list_image_opts(img, &o->rd, stdout, d);
		break;
	case MODE_CAT:
		rc = cat_image(img, &o->rd, stdout, d);
		break;
	case MODE_DU:
		rc = du_image(img, &o->rd, stdout, d);
		break;
	case MODE_EXAMINE:
		rc = examine_image_opts(img, &o->rd, stdout, d);
		break;
	case MODE_VERIFY:
		rc = verify_image_opts(img, &o->rd, stdout, d);
		break;
	case MODE_EXTRACT:
		rc = extract_image_opts(img, o->extract_dir, &o->rd, stdout, d);
		break;
	case MODE_DIFF:
		rc = diff_images_opts(img, o->sources[1].path, &o->rd, stdout,
				      d);
		break;
	case MODE_BUILD:
		break;
	}
	free(patterns);
	if (fflush(stdout) || ferror(stdout))
		diag_error(d, NULL, "cannot write standard output: %s",
			   strerror(errno));
	if (o->mode == MODE_DIFF)	/* as diff(1): 0 same, 1 different, 2 trouble */
		return diag_failed(d) ? 2 : rc;
	return rc || diag_failed(d) ? EXIT_ERROR : EXIT_OK;
}

int main(int argc, char **argv)
{
	struct options o = { .do_fsync = true };
	struct diag d = DIAG_INIT(PROG);
	struct late_checker late;
	struct progress progress;
	int status = parse_command_line(argc, argv, &o, &d);

	if (status == EXIT_OK && !o.have_comp && o.output)
		o.comp.method = method_for_suffix(o.output);
	if (o.comp.method && !o.have_comp)
		o.comp.level = o.comp.method->default_level;
	progress_init(&progress, o.verbose);
	o.archive.progress = &progress;
	/* The files the checks leave to the writer: check.c's rules. */
	late_checker_init(&late, &o.archive);
	if (status == EXIT_OK && o.mode != MODE_BUILD)
		status = read_image(&o, &d);
	else if (status == EXIT_OK && choose_mtimes(&o, &d) == 0)
		build(&o, &d);
	free(o.sources);
	while (o.nranges)
		free(o.ranges[--o.nranges]);
	free(o.ranges);
	if (status)
		return status < 0 ? EXIT_OK : status;
	return diag_failed(&d) ? EXIT_ERROR : EXIT_OK;
}
