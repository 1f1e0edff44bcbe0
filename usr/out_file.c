// SPDX-License-Identifier: GPL-2.0
/*
 * out_file.c: the output file, atomically replaced (see out_file.h).
 */
/*
 * O_TMPFILE, AT_EMPTY_PATH, copy_file_range(), mkostemp(), asprintf():
 * GNU and Linux, beyond POSIX.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "out_file.h"
#include "out_signal.h"

static struct out_file *to_file(struct out *o)
{
	return (struct out_file *)o;
}

int out_write_all(int fd, const void *p, size_t n, off_t at)
{
	const char *c = p;

	while (n) {
		ssize_t w = at < 0 ? write(fd, c, n) : pwrite(fd, c, n, at);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
		if (at >= 0)
			at += w;
	}
	return 0;
}

static int file_write(struct out *o, const void *p, size_t n)
{
	return out_write_all(to_file(o)->fd, p, n, -1);
}

static int file_zeros(struct out *o, uint64_t n)
{
	return out_zeros_by_write(o, n);
}

/* Errors that mean "this method cannot do it here", not "the copy failed". */
static bool copy_unsupported(int err)
{
	return err == EXDEV || err == EINVAL || err == ENOSYS ||
	       err == EOPNOTSUPP || err == EBADF || err == ETXTBSY;
}

/* One in-kernel copy by the method that works; 0 where none does. */
static ssize_t copy_some(struct out_file *f, int fd, off_t *off, size_t n)
{
	ssize_t r;

	for (;;) {
		if (f->copy == OUT_COPY_RANGE)
			r = copy_file_range(fd, off, f->fd, NULL, n, 0);
		else if (f->copy == OUT_COPY_SENDFILE)
			r = sendfile(f->fd, fd, off, n);
		else
			return 0;
		if (r >= 0 || !copy_unsupported(errno))
			return r;
		f->copy++;
	}
}

/*
 * Some file systems report 0 where they cannot copy: that ends it too,
 * and the stage above reads the rest.
 */
static int64_t file_copy(struct out *o, const struct out_front *front,
			 int fd, off_t *off, uint64_t len)
{
	struct out_file *f = to_file(o);
	uint64_t done = 0;
	int rc = out_put_front(o, front);

	if (rc)
		return rc;
	while (done < len) {
		uint64_t left = len - done;
		ssize_t r = copy_some(f, fd, off,
				      left > (1u << 30) ? (1u << 30) : left);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		done += (uint64_t)r;
	}
	return (int64_t)done;
}

/* "<dir>/.<base>.XXXXXX": beside the target, so rename() stays atomic. */
static char *tmp_path_for(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *tmp = NULL;

	if (d && b && asprintf(&tmp, "%s/.%s.XXXXXX", dirname(d), basename(b)) < 0)
		tmp = NULL;
	free(d);
	free(b);
	return tmp;
}

/*
 * Whether /proc/self/fd/@fd is @fd's file, through which a file without a
 * name can be linked by anyone (linkat() of the descriptor itself,
 * AT_EMPTY_PATH, needs privilege on many kernels): /proc may not be
 * mounted, or be another PID namespace's.
 */
static bool linkable(int fd)
{
	char proc[32];
	struct stat st, via;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return !stat(proc, &via) && !fstat(fd, &st) && via.st_dev == st.st_dev &&
	       via.st_ino == st.st_ino;
}

/*
 * A file without a name in the directory of @path (O_TMPFILE): whatever
 * ends the run before commit, SIGKILL and crashes included, it leaves
 * nothing behind.  -ENOTSUP where the file system (EOPNOTSUPP) or the
 * kernel (EISDIR, EINVAL: it does not know the flag) cannot make one, or
 * it could not be linked later: then a named temporary file it is.
 */
static int open_unnamed(const char *path)
{
	char *d = strdup(path);
	int fd;

	if (!d)
		return -ENOMEM;
	fd = open(dirname(d), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(d);
	if (fd < 0)
		return errno == EOPNOTSUPP || errno == EISDIR ||
		       errno == EINVAL ? -ENOTSUP : -errno;
	if (!linkable(fd)) {
		close(fd);
		return -ENOTSUP;
	}
	return fd;
}

/* The target: a symlink is followed, so the image it points to is replaced. */
static int resolve_target(struct out_file *f, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		f->path = realpath(path, NULL);
	if (!f->path)
		f->path = strdup(path);
	return f->path ? 0 : -ENOMEM;
}

/* An existing device or FIFO: renaming over /dev/null would be a disaster. */
static int open_in_place(struct out_file *f)
{
	int fd = open(f->path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	free(f->path);
	f->path = NULL;
	if (fd < 0)
		return -errno;
	f->fd = fd;
	f->own_fd = true;
	return 0;
}

static int open_temporary(struct out_file *f)
{
	struct stat st;
	int fd = open_unnamed(f->path);

	if (fd == -ENOTSUP) {
		f->tmp_path = tmp_path_for(f->path);
		if (!f->tmp_path)
			return -ENOMEM;
		fd = mkostemp(f->tmp_path, O_CLOEXEC);
		if (fd < 0)
			return -errno;
	} else if (fd < 0) {
		return fd;
	}
	f->unnamed = !f->tmp_path;
	out_signal_guard_file(f->name, f->tmp_path);
	/* Keep the permissions of the image being replaced. */
	if (stat(f->path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	f->fd = fd;
	return 0;
}

static int sync_dir_of(const char *path)
{
	char *d = strdup(path);
	int fd, rc = 0;

	if (!d)
		return -ENOMEM;
	fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(d);
	if (fd < 0)
		return -errno;
	if (fsync(fd) && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

/* The X's at the end of @tmp, made anew: letters and digits. */
static void fill_name(char *tmp)
{
	static const char digits[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	static uint64_t state;
	char *x = tmp + strlen(tmp) - 6;
	struct timespec ts;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	state ^= (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^
		 (uint64_t)getpid() << 44;
	for (i = 0; i < 6; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = digits[(state >> 33) % (sizeof(digits) - 1)];
	}
}

/* Link the unnamed file as @tmp: through /proc, else the descriptor. */
static int link_unnamed(int fd, const char *tmp)
{
	char proc[32];
	int err;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW))
		return 0;
	err = errno;
	/* /proc gone since the file was opened: AT_EMPTY_PATH, if allowed. */
	if (err == ENOENT && !linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH))
		return 0;
	return -err;
}

/*
 * Put the unnamed file in place of the target.  linkat() cannot replace
 * a file, so the file gets a hidden name beside the target first
 * (".<name>.XXXXXX"), which rename() then moves over it, atomically.
 * Between those two system calls the hidden name exists: a SIGKILL or a
 * crash just then leaves it behind; the window is two system calls, not
 * the whole build.  The signals we catch are held off meanwhile (one that
 * comes is taken once the image is in place), and a failed rename()
 * removes the name again.
 */
static int link_into_place(struct out_file *f)
{
	char *tmp = tmp_path_for(f->path);
	int rc, tries = 0;
	sigset_t old;

	if (!tmp)
		return -ENOMEM;
	out_signal_hold(&old);
	do {
		fill_name(tmp);
		rc = link_unnamed(f->fd, tmp);
	} while (rc == -EEXIST && ++tries < 100);
	if (!rc && rename(tmp, f->path)) {
		rc = -errno;
		unlink(tmp);
	}
	if (!rc)
		out_signal_release_file();
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return rc;
}

/* The temporary file, synced, takes the target's place. */
static int replace_target(struct out_file *f)
{
	int rc = 0;

	if (f->unnamed) {
		/*
		 * Its descriptor is all there is of it until it is linked, so
		 * it is closed after: a close() that fails then (it reports
		 * delayed write errors, which fsync() has already had) fails
		 * the run with the image in place.
		 */
		rc = link_into_place(f);
		if (close(f->fd) && !rc)
			rc = -errno;
		f->fd = -1;
		f->unnamed = false;
		return rc;
	}
	if (close(f->fd))
		rc = -errno;
	f->fd = -1;
	if (!rc && rename(f->tmp_path, f->path))
		rc = -errno;
	if (!rc)
		out_signal_release_file();
	return rc;
}

/* Sync and, for a path, put in place. */
static int file_finish(struct out *o)
{
	struct out_file *f = to_file(o);
	int rc = 0;

	/* A pipe or terminal cannot be synced (EINVAL); that is fine. */
	if (f->do_fsync && fsync(f->fd) && errno != EINVAL && errno != EROFS)
		rc = -errno;
	if (!out_file_is_new(f)) {
		if (f->own_fd && close(f->fd) && !rc)
			rc = -errno;
		f->fd = -1;
		return rc;
	}
	if (!rc)
		rc = replace_target(f);
	if (rc)
		return rc;
	free(f->tmp_path);
	f->tmp_path = NULL;
	if (f->do_fsync)
		rc = sync_dir_of(f->path);
	free(f->path);
	f->path = NULL;
	return rc;
}

/* Give up: remove the temporary file.  Safe after a failed finish(). */
static void file_release(struct out *o)
{
	struct out_file *f = to_file(o);

	/* An unnamed file goes with its descriptor. */
	if ((f->own_fd || f->unnamed || f->tmp_path) && f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	f->unnamed = false;
	if (f->tmp_path)
		unlink(f->tmp_path);
	out_signal_release_file();
	free(f->tmp_path);
	f->tmp_path = NULL;
	free(f->path);
	f->path = NULL;
}

static const struct out_ops file_ops = {
	.write = file_write,
	.zeros = file_zeros,
	.copy = file_copy,
	.finish = file_finish,
	.release = file_release,
};

void out_file_open_fd(struct out_file *f, int fd, bool do_fsync)
{
	memset(f, 0, sizeof(*f));
	f->out.ops = &file_ops;
	f->fd = fd;
	f->do_fsync = do_fsync;
	f->name = "standard output";
}

int out_file_open_path(struct out_file *f, const char *path, bool do_fsync)
{
	struct stat st;
	int rc;

	out_file_open_fd(f, -1, do_fsync);
	f->name = path;
	rc = resolve_target(f, path);
	if (rc)
		return rc;
	if (stat(f->path, &st) == 0 && !S_ISREG(st.st_mode))
		return open_in_place(f);
	return open_temporary(f);
}
