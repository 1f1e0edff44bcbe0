// SPDX-License-Identifier: GPL-2.0
/*
 * copyfloor: the least work any archiver has to do.
 *
 * Whatever else an archiver does (headers, names, padding, hard-link
 * bookkeeping), it must open every input file and move its bytes into the
 * output.  This program does exactly that and nothing more: it reads a
 * list of file names, opens each one and copies its contents, back to
 * back, into one output file.  No header, no stat(), no padding.  Its run
 * time is the floor that scripts/bench measures every archiver against:
 * the distance between an archiver and this floor is what the archiver
 * itself costs.
 *
 * The bytes move with copy_file_range(), so they never enter user space
 * (on a file system that can share extents the kernel may not copy them
 * at all).  Only when the kernel refuses it for a file (another file
 * system type, an old kernel) does that file fall back to read()/write().
 *
 *   copyfloor [-s] [-S] <output> <list>
 *
 * <list> names the input files, one per line, or NUL-separated when it
 * contains a NUL byte anywhere (so `find -print0` output works as is).
 * -s fsyncs the output before closing it, to compare like with like with
 * an archiver that fsyncs its output.  -S first lstat()s every file, in a
 * pass of its own, as an archiver must that checks every input (or walks
 * a tree for the types, owners and hard links) before it writes a byte:
 * a second reference, not the floor.
 */
#define _GNU_SOURCE	/* copy_file_range() */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Large enough that one call copies any ordinary file. */
#define CHUNK	(1L << 30)

static const char *prog = "copyfloor";

static int fail(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	return -1;
}

/* The whole of @path in a NUL-terminated, malloc()ed buffer. */
static char *slurp(const char *path, size_t *lenp)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	if (!buf) {
		fail("malloc");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto err;
	while ((n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto err;
		}
		len += n;
		if (len == cap) {
			char *bigger = realloc(buf, 2 * cap + 1);

			if (!bigger)
				goto err;
			buf = bigger;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
err:
	fail(path);
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * The rest of @in (from its current offset) onto @out with read()/write().
 * copy_file_range() moves both file offsets as it goes, so after a partial
 * copy this carries on exactly where it stopped.
 */
static int copy_rw(int in, int out, const char *name)
{
	static char buf[1 << 17];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fail(name);
		}
		if (write_all(out, buf, n))
			return fail("write");
	}
	return 0;
}

static int copy_one(int out, const char *name)
{
	ssize_t n;
	int in, ret = 0;

	in = open(name, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return fail(name);
	while ((n = copy_file_range(in, NULL, out, NULL, CHUNK, 0)) > 0)
		;
	if (n < 0)
		ret = copy_rw(in, out, name);
	close(in);
	return ret;
}

/* Each name of @list, NUL-terminated in place, to @fn; the first error. */
static int for_each_name(char *list, size_t len, int (*fn)(int, const char *),
			 int arg)
{
	char sep = memchr(list, '\0', len) ? '\0' : '\n';
	char *p = list, *end = list + len;

	while (p < end) {
		char *q = memchr(p, sep, end - p);

		if (!q)
			q = end;
		*q = '\0';
		if (*p && fn(arg, p))
			return -1;
		p = q + 1;
	}
	return 0;
}

static int stat_one(int unused, const char *name)
{
	struct stat st;

	(void)unused;
	return lstat(name, &st) ? fail(name) : 0;
}

int main(int argc, char **argv)
{
	bool do_fsync = false, stat_first = false;
	size_t len;
	char *list;
	int out, ret;

	for (; argc > 1 && argv[1][0] == '-' && argv[1][1]; argv++, argc--) {
		if (!strcmp(argv[1], "-s"))
			do_fsync = true;
		else if (!strcmp(argv[1], "-S"))
			stat_first = true;
		else
			argc = 0;	/* unknown: usage */
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s [-s] [-S] <output> <list>\n", prog);
		return 2;
	}
	list = slurp(argv[2], &len);
	if (!list)
		return 1;
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		fail(argv[1]);
		free(list);
		return 1;
	}
	/* The names are cut in place: a second pass finds them as they are. */
	ret = stat_first ? for_each_name(list, len, stat_one, 0) : 0;
	if (!ret)
		ret = for_each_name(list, len, copy_one, out);
	if (!ret && do_fsync && fsync(out))
		ret = fail("fsync");
	if (close(out) && !ret)
		ret = fail("close");
	free(list);
	return ret ? 1 : 0;
}
