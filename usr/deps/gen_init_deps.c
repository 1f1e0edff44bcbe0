// SPDX-License-Identifier: GPL-2.0
/*
 * gen_init_deps: the spec lines for what a program or a driver needs.
 *
 * An initramfs that runs /bin/sh from a distribution, or loads a disk
 * driver, needs more than the one file: the program's dynamic loader and
 * libraries, and the libraries' libraries; the driver module and the
 * modules it calls into, plus the index files modprobe reads.  Writing
 * those lists by hand goes stale with every distribution update.  Asking
 * ldd runs the program (and ldd on a foreign sysroot runs nothing useful);
 * asking modprobe --show-depends needs the modules installed on the build
 * machine.
 *
 * This program reads the same files the loader and modprobe would --
 * the ELF headers, ld.so.conf, modules.dep, modules.alias -- below a root
 * directory, and prints a spec list for gen_init_cpio, to be given as one
 * more source:
 *
 *	gen_init_deps exec /bin/busybox /sbin/e2fsck > deps.list
 *	gen_init_deps modules virtio_blk ext4 >> ...
 *	gen_init_cpio base.list deps.list
 *
 * Every path comes with the directories and symlinks leading to it, each
 * once, parents first, so the list stands on its own.  Nothing is printed
 * unless everything was found: a list that silently lacks a library makes
 * an image that fails at boot, far from the cause.
 *
 * The stages: elfdeps.c (the loader's search; elfread.c reads the ELF
 * files, ldconf.c the loader's configuration), kmods.c (depmod's files),
 * rootpath.c (paths inside the root, and the spec lines; strmap.c, the
 * hash table that keeps each path once).  This file holds the command
 * line.
 */
/* asprintf(), vasprintf(): GNU and Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "lib/diag.h"
#include "elfdeps.h"
#include "kmods.h"
#include "rootpath.h"

#define PROG "gen_init_deps"
#define VERSION "0.1"

enum exit_status {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* something needed was not found, or broken */
	EXIT_USAGE = 2,		/* bad command line */
};

static const char usage_text[] =
"Usage: " PROG " exec [--root <dir>] [-o <file>] <program>...\n"
"       " PROG " modules [--basedir <dir>] [--kver <version>] [-o <file>]\n"
"                     <module|alias>...\n"
"\n"
"Print, as a gen_init_cpio spec list, what the programs need to run (their\n"
"ELF interpreter and libraries, found as ld.so finds them) or what the\n"
"kernel modules need to load (their modules.dep closure, soft\n"
"dependencies and modprobe's index files), with the directories and\n"
"symlinks leading to every file.  Nothing is run.\n"
"\n"
"Options:\n"
"  --root <dir>     the system the programs belong to (default: /); the\n"
"                   programs are paths inside it\n"
"  --basedir <dir>  the system holding lib/modules/<version> (default: /)\n"
"  --kver <version> the kernel version (default: the running one)\n"
"  -o <file>        write the list there (atomically), not to stdout\n"
"  -h, --help       show this help;  --version  show the version\n"
"\n"
"See gen_init_deps(1).\n";

enum command { CMD_EXEC, CMD_MODULES };

struct options {
	enum command cmd;
	const char *root;	/* --root or --basedir */
	const char *kver;
	const char *output;
	char **args;
	size_t nargs;
};

enum { OPT_ROOT = 256, OPT_BASEDIR, OPT_KVER, OPT_VERSION };

static const struct option exec_options[] = {
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option modules_options[] = {
	{ "basedir", required_argument, NULL, OPT_BASEDIR },
	{ "kver", required_argument, NULL, OPT_KVER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

__attribute__((format(printf, 2, 3)))
static int usage_error(struct diag *d, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	diag_error(d, NULL, "%s", msg ? msg : "out of memory");
	free(msg);
	fputs("Try '" PROG " --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* A kernel version names one directory below /lib/modules. */
static bool valid_kver(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

static int check_args(struct options *o, struct diag *d)
{
	size_t i;

	if (!o->nargs)
		return usage_error(d, "no %s given", o->cmd == CMD_EXEC ?
				   "program" : "module");
	if (o->kver && !valid_kver(o->kver))
		return usage_error(d, "kernel version '%s' is not a directory name",
				   o->kver);
	for (i = 0; o->cmd == CMD_EXEC && i < o->nargs; i++)
		if (o->args[i][0] != '/')
			return usage_error(d,
					   "program '%s' is not an absolute path (inside the root)",
					   o->args[i]);
	return EXIT_OK;
}

/* Returns EXIT_OK, or the status to leave with at once (-1: success). */
static int parse_command_line(int argc, char **argv, struct options *o,
			      struct diag *d)
{
	const struct option *table;
	int opt;

	if (argc < 2)
		return usage_error(d, "no command: exec or modules");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage_text, stdout);
		return -1;
	}
	if (!strcmp(argv[1], "--version")) {
		puts(PROG " " VERSION);
		return -1;
	}
	if (!strcmp(argv[1], "exec"))
		o->cmd = CMD_EXEC;
	else if (!strcmp(argv[1], "modules"))
		o->cmd = CMD_MODULES;
	else
		return usage_error(d, "unknown command '%s': exec or modules",
				   argv[1]);
	table = o->cmd == CMD_EXEC ? exec_options : modules_options;
	opterr = 0;
	optind = 2;
	while ((opt = getopt_long(argc, argv, ":o:h", table, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case 'o':
			o->output = optarg;
			break;
		case OPT_ROOT:
		case OPT_BASEDIR:
			o->root = optarg;
			break;
		case OPT_KVER:
			o->kver = optarg;
			break;
		case ':':
			return usage_error(d, "option '%s' needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error(d, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	o->args = argv + optind;
	o->nargs = (size_t)(argc - optind);
	return check_args(o, d);
}

/* The list, all at once: into @path through a temporary file, renamed. */
static int write_file(const char *path, const char *buf, size_t len)
{
	mode_t mask = umask(0);
	char *tmp;
	int fd, rc = 0;

	umask(mask);
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -ENOMEM;
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	/* mkstemp() makes 0600; a list is as readable as any output. */
	errno = 0;
	if (fchmod(fd, 0666 & ~mask) ||
	    (len && write(fd, buf, len) != (ssize_t)len))
		rc = errno ? -errno : -EIO;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int write_output(const struct options *o, const char *buf, size_t len,
			struct diag *d)
{
	int rc;

	if (o->output) {
		rc = write_file(o->output, buf, len);
		if (rc)
			diag_error(d, NULL, "cannot write %s: %s", o->output,
				   strerror(-rc));
		return rc;
	}
	/* fflush() catches errors such as "No space left on device". */
	if ((len && fwrite(buf, 1, len, stdout) != len) || fflush(stdout)) {
		diag_error(d, NULL, "cannot write the standard output: %s",
			   strerror(errno));
		return -1;
	}
	return 0;
}

/* The running kernel's version, for modules without --kver. */
static int running_kver(struct options *o, struct utsname *u, struct diag *d)
{
	if (o->kver)
		return 0;
	if (uname(u)) {
		diag_error(d, NULL, "uname: %s", strerror(errno));
		return -1;
	}
	o->kver = u->release;
	return 0;
}

static void resolve(struct options *o, struct root *r, struct diag *d)
{
	struct utsname u;
	struct elfdeps ed;
	size_t i;

	if (o->cmd == CMD_MODULES) {
		if (!running_kver(o, &u, d))
			kmods_resolve(r, o->kver, o->args, o->nargs, d);
		return;
	}
	elfdeps_init(&ed, r, d);
	for (i = 0; i < o->nargs; i++)
		if (elfdeps_program(&ed, o->args[i]))
			break;
	elfdeps_release(&ed);
}

/* Resolve into memory; write only if everything was found. */
static void run(struct options *o, struct diag *d)
{
	const char *dir = o->root ? o->root : "/";
	size_t len = 0;
	char *buf = NULL;
	struct root r;
	FILE *out = open_memstream(&buf, &len);

	if (!out) {
		diag_oom(d, NULL);
		return;
	}
	if (root_init(&r, dir, out)) {
		diag_error(d, NULL, "%s: %s", dir, strerror(errno));
		fclose(out);
		free(buf);
		return;
	}
	resolve(o, &r, d);
	if (fclose(out))
		diag_oom(d, NULL);
	else if (!diag_failed(d))
		write_output(o, buf, len, d);
	root_release(&r);
	free(buf);
}

int main(int argc, char **argv)
{
	struct options o = { .cmd = CMD_EXEC };
	struct diag d = DIAG_INIT(PROG);
	int status = parse_command_line(argc, argv, &o, &d);

	if (status)
		return status < 0 ? EXIT_OK : status;
	run(&o, &d);
	return diag_failed(&d) ? EXIT_ERROR : EXIT_OK;
}
