/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ELFDEPS_H
#define ELFDEPS_H

/*
 * elfdeps: everything a program needs to start, found the way the dynamic
 * loader will find it (ld.so(8)), without running anything.
 *
 * A program needs its interpreter (PT_INTERP) and its DT_NEEDED libraries,
 * which need theirs, and so on.  Each library name without a slash is
 * looked for, by the object that needs it (its "loader"), in:
 *
 *  1. the DT_RPATH of the loader, then of the object that loaded the
 *     loader, up to the program -- only when the loader has no DT_RUNPATH,
 *     and ignoring the DT_RPATH of any object that has a DT_RUNPATH;
 *  2. the loader's DT_RUNPATH;
 *  3. the directories of /etc/ld.so.conf (ldconf.h: ld.so takes them
 *     from ld.so.cache, which ldconfig builds from the same list);
 *  4. the default directories: /lib/<multiarch> and /usr/lib/<multiarch>
 *     when the system is laid out so (Debian), /lib64 and /usr/lib64 for
 *     64-bit programs, /lib and /usr/lib.
 *
 * DF_1_NODEFLIB on the loader skips 3 and 4; LD_LIBRARY_PATH is not
 * used (the program will not have it at boot).  In rpaths, $ORIGIN is
 * the directory the object was found in (for the program: its real path,
 * as /proc/self/exe gives it), $LIB is lib/<multiarch>, lib64 or lib as
 * above, and $PLATFORM the AT_PLATFORM of the machine (x86_64, i686,
 * aarch64).  A file of another ELF class, byte order or machine than the
 * program is passed over, as ld.so does; a file that is not ELF, or a
 * damaged one, is an error.  A library already loaded under the same
 * name, soname or file is not loaded twice.  The glibc-hwcaps
 * subdirectories (builds of a library for newer processors) are not
 * searched: the baseline build, which every processor runs, is taken.
 *
 * A "#!" script needs its interpreter, which is resolved as a program.
 *
 * Everything found is printed through rootpath (with the directories and
 * symlinks leading to it), in the order found: the program, its
 * interpreter, then its libraries breadth first, as ld.so loads them.
 */

#include <stdbool.h>

#include "lib/diag.h"
#include "ldconf.h"
#include "rootpath.h"

struct elfdeps {
	struct root *r;
	struct diag *d;
	bool conf_read;		/* ld.so.conf is read once, when needed */
	struct ldconf conf;
};

void elfdeps_init(struct elfdeps *ed, struct root *r, struct diag *d);
void elfdeps_release(struct elfdeps *ed);

/*
 * Print what the program at @path (absolute, inside the root) needs, and
 * the program itself.  What is wrong (a missing library, a damaged file)
 * is reported through ed->d and the rest is still resolved; returns -1
 * only when nothing more can be done (no memory).
 */
int elfdeps_program(struct elfdeps *ed, const char *path);

#endif
