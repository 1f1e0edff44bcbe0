/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMODS_H
#define KMODS_H

/*
 * kmods: the kernel modules an initramfs needs to load a driver, and the
 * files modprobe reads to load them.
 *
 * depmod leaves, in /lib/modules/<kver>, text files saying everything
 * modprobe needs to know:
 *
 *	modules.dep	 kernel/drivers/block/virtio_blk.ko: kernel/...virtio.ko ...
 *			 (each module with every module it needs, already the
 *			 whole closure, paths relative to the directory)
 *	modules.alias	 alias virtio:d00000002v* virtio_blk
 *			 (fnmatch patterns of the device ids a driver takes)
 *	modules.softdep	 softdep nfsd pre: crypto-md5
 *			 (to load first, although no symbol says so)
 *	modules.builtin	 kernel/drivers/virtio/virtio.ko
 *			 (built into this kernel: nothing to load)
 *
 * A request is a module name ('-' and '_' are the same, as for modprobe)
 * or an alias (a device's modalias, or a pattern of modules.alias:
 * a pattern matches itself); an alias may name several modules, all of
 * which are taken.  Each module brings its modules.dep closure and its
 * "pre:" soft dependencies (resolved as requests themselves; one that is
 * missing is only a comment, as it is only a hint for modprobe).
 *
 * Printed through rootpath: the module directory, the index files of the
 * list below that exist, then each module file (.ko, .ko.xz, .ko.zst,
 * .ko.gz, whatever modules.dep names) once, requests first, breadth first
 * over their dependencies.  A built-in module prints
 * "# <name>: built into the kernel".
 */

#include <stddef.h>

#include "lib/diag.h"
#include "rootpath.h"

/*
 * Print what the requests @names (@n of them) need from the module
 * directory /lib/modules/@kver inside the root @r.  Problems are reported
 * through @d (a request that is nothing, a module file missing); returns
 * -1 only when nothing more can be done (no memory).
 */
int kmods_resolve(struct root *r, const char *kver, char *const *names,
		  size_t n, struct diag *d);

#endif
