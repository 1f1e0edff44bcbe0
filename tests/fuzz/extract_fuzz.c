// SPDX-License-Identifier: GPL-2.0
/*
 * extract_fuzz.c: libFuzzer target for --extract (usr/extract.c), whose
 * oracle is the file system around the extraction, not the exit status.
 *
 * The input is decoded (tests/fuzz/extract_case.c) into a small cpio
 * image: a dozen entries at most, their names drawn from a tiny set so
 * that they redefine each other ("d" a directory 07777, then a symlink to
 * a file outside), hard-link groups, FIFOs, harmless device nodes,
 * symlinks pointing out of the target by absolute paths and by "../",
 * several members.  It goes into a memfd, and extract_image() unpacks it
 * into <sandbox>/t, next to sentinel files, a directory, a FIFO and a
 * symlink.  Whatever extract_image() returns, then:
 *
 *  - nothing outside the target may have changed: a snapshot of the
 *    sandbox (type, mode, owner, links, size, inode, mtime, ctime, data
 *    or symlink target of every file; of the target itself its type,
 *    mode, owner and inode) is the same before and after;
 *  - the extraction must end: a watchdog (EXTRACT_FUZZ_HANG seconds,
 *    5 unless set) aborts it, sooner than libFuzzer's -timeout, when it
 *    is still running (a FIFO opened to write to or read from blocks);
 *  - every file in the target has a name an entry gave it and a type one
 *    of those entries had (a hard link of a regular file must not end up
 *    a FIFO or a device node);
 *  - when it fails, the target (empty before) is empty again: nothing of
 *    a bad image stays.
 *
 * The bugs are in sequences of entries, so besides libFuzzer's own
 * mutations of bytes, which shift every later record when they insert
 * or erase one, a mutator of whole records copies one elsewhere with a
 * field changed (an entry redefined), removes one, or changes a field.
 *
 * A broken promise is an abort() with a message saying which, reported
 * by libFuzzer as a crash.  The target is then removed without following
 * a symlink (tests/fuzz/extract_case.c: xc_remove()).
 *
 * As whom: as real root, the extraction runs as real root -- what
 * `sudo gen_init_cpio --extract` does: owners are applied and device
 * nodes made, which is where the device bugs are.  Only device numbers
 * that cannot reach hardware are generated (char 1:3, 1:5, 1:7, the
 * whiteout 0:0, block major 0).  A user namespace would not make real
 * root safer against what the fuzzer looks for -- root there still owns
 * every host file it can reach -- and would change the code's path: the
 * kernel refuses mknod() of devices (the whiteout 0:0 aside), which
 * extract.c reports as an error that ends the extraction early, and
 * chown() to an unmapped id.  Not root, the target moves into a user
 * namespace of its own at start, mapping the user to 0, so that the
 * as-root paths (owners, mknod() of the whiteout, errors of the others)
 * are fuzzed too.  EXTRACT_FUZZ_USERNS=1 asks for the user namespace
 * even as root, =0 never.
 *
 * The sandbox is <dir>/extract_fuzz.XXXXXX, removed at exit (after a
 * crash it is left for a look): <dir> is $EXTRACT_FUZZ_DIR if set, else
 * /dev/shm, a tmpfs, where a run takes a fifth of the time it takes on a
 * disk, else $TMPDIR, else /tmp.  Messages of the
 * code under test go to /dev/null unless FUZZ_DIAG is set.
 */
/* unshare(), memfd_create(): Linux, beyond POSIX. */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inspect/extract.h"
#include "extract_case.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max);

static FILE *devnull;
static char sandbox[PATH_MAX];
static char target[PATH_MAX + 4];
static int sandbox_fd = -1;
static timer_t watchdog;
static struct itimerspec hang_after;

static void fail(const char *what, const char *detail)
{
	fprintf(stdout, "extract_fuzz: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	fflush(stdout);
	abort();
}

static void on_hang(int sig)
{
	static const char msg[] =
		"extract_fuzz: extract_image() did not end: a hang (an open() of a FIFO?)\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}

static void start_watchdog(void)
{
	const char *env = getenv("EXTRACT_FUZZ_HANG");
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL };
	struct sigaction sa = { .sa_handler = on_hang };

	sev.sigev_signo = SIGRTMIN + 3;
	if (sigaction(sev.sigev_signo, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &watchdog))
		fail("cannot make the watchdog", strerror(errno));
	hang_after.it_value.tv_sec = env && atoi(env) > 0 ? atoi(env) : 5;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text);
	int rc = fd < 0 || write(fd, text, (size_t)len) != len ? -1 : 0;

	if (fd >= 0)
		close(fd);
	return rc;
}

/* Move into a new user namespace where @uid and @gid are 0. */
static int enter_userns(uid_t uid, gid_t gid)
{
	char map[64];

	if (unshare(CLONE_NEWUSER) ||
	    write_file("/proc/self/setgroups", "deny"))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
	if (write_file("/proc/self/uid_map", map))
		return -1;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid);
	return write_file("/proc/self/gid_map", map);
}

/*
 * Whether that works, tried in a child first: where unshare() succeeds
 * but the maps cannot be written (as under some AppArmor policies), the
 * process would be stuck in a namespace where it is nobody.
 */
static bool userns_works(uid_t uid, gid_t gid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(enter_userns(uid, gid) ? 1 : 0);
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	       WIFEXITED(status) && !WEXITSTATUS(status);
}

/* See the top of the file: a user namespace where the user is root. */
static const char *choose_user(void)
{
	const char *env = getenv("EXTRACT_FUZZ_USERNS");
	uid_t uid = geteuid();
	gid_t gid = getegid();
	static char how[96];

	if (env ? *env != '1' : uid == 0)
		return uid ? "as an ordinary user" : "as real root";
	if (!userns_works(uid, gid)) {
		if (env)
			fail("cannot make a user namespace", NULL);
		return "as an ordinary user (no user namespace to be had)";
	}
	if (enter_userns(uid, gid))
		fail("cannot set up the user namespace", strerror(errno));
	snprintf(how, sizeof(how), "as root of a user namespace (uid %u outside)",
		 (unsigned int)uid);
	return how;
}

static void remove_sandbox(void)
{
	if (sandbox[0])
		xc_remove(AT_FDCWD, sandbox);
}

static const char *sandbox_parent(void)
{
	const char *dir = getenv("EXTRACT_FUZZ_DIR");

	if (dir && *dir)
		return dir;
	if (!access("/dev/shm", W_OK | X_OK))
		return "/dev/shm";
	dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

static void make_sandbox(void)
{
	char tmpl[PATH_MAX];

	snprintf(tmpl, sizeof(tmpl), "%s/extract_fuzz.XXXXXX", sandbox_parent());
	/* Absolute, for the symlinks that point into it. */
	if (!mkdtemp(tmpl) || !realpath(tmpl, sandbox))
		fail("cannot make the sandbox", strerror(errno));
	atexit(remove_sandbox);
	if (xc_populate(sandbox))
		fail("cannot fill the sandbox", strerror(errno));
	sandbox_fd = open(sandbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sandbox_fd < 0)
		fail("cannot open the sandbox", strerror(errno));
	snprintf(target, sizeof(target), "%s/%s", sandbox, XC_TARGET);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *how;

	(void)argc;
	(void)argv;
	/* Before libFuzzer starts a thread: unshare() wants only one. */
	how = choose_user();
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	make_sandbox();
	start_watchdog();
	fprintf(stderr, "extract_fuzz: extracting %s into %s\n", how, target);
	/* The FILE only: libFuzzer's and the sanitizers' fd 2 stays. */
	if (!getenv("FUZZ_DIAG"))
		stderr = devnull;
	return 0;
}

/* The image in a memfd; its "/proc/self/fd/N" into @path. */
static int image_fd(const struct xc_case *c, char *path, size_t len)
{
	int fd = memfd_create("extract_fuzz", MFD_CLOEXEC);

	if (fd < 0 || write(fd, c->image, c->len) != (ssize_t)c->len)
		fail("cannot write the image", strerror(errno));
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

/* extract_image()'s status. */
static int extract(const char *path)
{
	struct diag d = DIAG_INIT("extract_fuzz");
	static const struct itimerspec off;
	int rc;

	if (timer_settime(watchdog, 0, &hang_after, NULL))
		fail("cannot start the watchdog", strerror(errno));
	rc = extract_image(path, target, devnull, &d);
	if (timer_settime(watchdog, 0, &off, NULL))
		fail("cannot stop the watchdog", strerror(errno));
	fflush(devnull);
	return rc;
}

/* The first name in the target, copied to @name; false if it is empty. */
static bool target_has_entries(char *name, size_t len)
{
	DIR *dp = opendir(target);
	struct dirent *de;
	bool found = false;

	if (!dp)
		fail("cannot read the target", strerror(errno));
	while (!found && (de = readdir(dp))) {
		found = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
		if (found)
			snprintf(name, len, "%s", de->d_name);
	}
	closedir(dp);
	return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xc_case c;
	char path[64], msg[9000];
	char *before, *after;
	bool failed;
	int fd;

	if (xc_decode(data, size, sandbox, &c))
		abort();
	fd = image_fd(&c, path, sizeof(path));
	before = xc_snapshot(sandbox);
	if (!before)
		fail("cannot take the snapshot before", strerror(errno));
	failed = extract(path) != 0;
	after = xc_snapshot(sandbox);
	if (!after)
		fail("cannot take the snapshot after", strerror(errno));
	if (xc_compare(before, after, msg, sizeof(msg)))
		fail("the extraction changed something outside the target", msg);
	if (xc_check_types(target, &c, msg, sizeof(msg)))
		fail("the extraction made what the image does not hold", msg);
	if (failed && target_has_entries(msg, sizeof(msg)))
		fail("a failed extraction left this in the target", msg);
	if (xc_remove(sandbox_fd, XC_TARGET) ||
	    mkdirat(sandbox_fd, XC_TARGET, 0700) ||
	    fchmodat(sandbox_fd, XC_TARGET, 0755, 0))
		fail("cannot make the target afresh", strerror(errno));
	free(before);
	free(after);
	close(fd);
	xc_free(&c);
	return 0;
}

#define REC_LEN 5

static unsigned int next_rand(unsigned int *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

/*
 * Copy a record to before another (or the end), one of its fields
 * changed: its kind half of the time, since a name redefined as another
 * kind is what trips extractors up.
 */
static size_t copy_record(uint8_t *data, size_t size, size_t nrec,
			  unsigned int *rnd)
{
	size_t from = next_rand(rnd) % nrec, to = next_rand(rnd) % (nrec + 1);
	uint8_t rec[REC_LEN];
	uint8_t *at = data + 1 + to * REC_LEN;

	memcpy(rec, data + 1 + from * REC_LEN, REC_LEN);
	rec[next_rand(rnd) % 2 ? 0 : next_rand(rnd) % REC_LEN] =
		(uint8_t)next_rand(rnd);
	memmove(at + REC_LEN, at, size - (size_t)(at - data));
	memcpy(at, rec, REC_LEN);
	return size + REC_LEN;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max,
			       unsigned int seed)
{
	unsigned int rnd = seed | 1, ops = 1 + next_rand(&rnd) % 3;
	size_t nrec;
	uint8_t *r;

	while (ops--) {
		if (!size && max)
			data[size++] = 0;
		/* Whole records only, the flags byte first. */
		size = size > 1 ? 1 + (size - 1) / REC_LEN * REC_LEN : size;
		nrec = size ? (size - 1) / REC_LEN : 0;
		r = data + 1 + (nrec ? next_rand(&rnd) % nrec : 0) * REC_LEN;
		switch (next_rand(&rnd) % 4) {
		case 0:
			size = LLVMFuzzerMutate(data, size, max);
			break;
		case 1:
			if (nrec && nrec < XC_MAX_RECORDS && size + REC_LEN <= max)
				size = copy_record(data, size, nrec, &rnd);
			break;
		case 2:
			if (nrec) {
				memmove(r, r + REC_LEN, size - (size_t)(r - data) - REC_LEN);
				size -= REC_LEN;
			}
			break;
		default:
			if (nrec)
				r[next_rand(&rnd) % REC_LEN] = (uint8_t)next_rand(&rnd);
		}
	}
	return size;
}
