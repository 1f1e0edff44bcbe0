/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MICROCODE_H
#define MICROCODE_H

/*
 * microcode: the early member that carries CPU microcode.
 *
 * On x86 the kernel updates the CPU's microcode before it unpacks the
 * initramfs, from an uncompressed cpio archive at the very start of the
 * initrd: its early loader walks the newc headers there and looks, byte
 * for byte, for kernel/x86/microcode/GenuineIntel.bin or AuthenticAMD.bin
 * (Documentation/arch/x86/microcode.rst).  microcode_read() builds those
 * entries from a firmware tree in the usual layout (/lib/firmware):
 *
 *	intel-ucode/ (every file)	concatenated, in name order, into GenuineIntel.bin
 *	amd-ucode/ (the .bin files)	concatenated, in name order, into AuthenticAMD.bin
 *
 * with the directories kernel, kernel/x86 and kernel/x86/microcode before
 * them, and the Intel blob's data aligned to 16 bytes, as distribution
 * tools do.  microcode_check() refuses an image whose microcode the early
 * loader could not find.
 */

#include "lib/diag.h"
#include "image/cpio.h"
#include "depfile.h"
#include "entry.h"
#include "merge.h"

/*
 * Append the microcode entries for the firmware tree @dir to @out.  *@fd
 * receives the descriptor of the (unnamed, temporary) file the blobs were
 * concatenated into; the caller closes it after writing.  Returns 0, or -1
 * (reported).
 */
int microcode_read(const char *dir, struct entry_list *out,
		   struct deplist *deps, int *fd, struct diag *d);

/* Errors for microcode the early loader would not see. */
void microcode_check(const struct member *m, size_t n, struct diag *d);

#endif
