/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ELFREAD_H
#define ELFREAD_H

/*
 * elfread: what an executable file asks of the system that runs it.
 *
 * For an ELF program or library that is its interpreter (PT_INTERP, the
 * dynamic loader the kernel starts first) and its dynamic section: the
 * libraries it needs (DT_NEEDED), its own name (DT_SONAME), where to look
 * for them (DT_RPATH, DT_RUNPATH) and whether the default directories are
 * out of bounds (DF_1_NODEFLIB).  For a script, the interpreter on its
 * "#!" line.
 *
 * The file is read, never run.  ELF32 and ELF64, either byte order.  The
 * dynamic section names its strings by virtual address, so the address
 * is turned into a file offset through the PT_LOAD segment holding it.
 * Files come from anywhere (a rootfs being assembled, a download), so
 * every offset, size and string is checked against the file before it is
 * used; a damaged file gives ELF_BAD and a reason, never a crash.
 */

#include <stdbool.h>
#include <stddef.h>

struct elf_info {
	unsigned int cls;	/* ELFCLASS32 or ELFCLASS64 */
	unsigned int data;	/* ELFDATA2LSB or ELFDATA2MSB */
	unsigned int type;	/* e_type: ET_EXEC, ET_DYN... */
	unsigned int machine;	/* e_machine: EM_X86_64... */
	char *interp;		/* PT_INTERP, NULL if none (static) */
	char *soname;		/* these three are NULL when absent */
	char *rpath;
	char *runpath;
	char **needed;		/* DT_NEEDED, in the order of the file */
	size_t nneeded;
	bool nodeflib;		/* DF_1_NODEFLIB */
	char *shebang;		/* ELF_SCRIPT: the interpreter of "#!" */
};

enum elf_result {
	ELF_OK = 0,
	ELF_SCRIPT,		/* a "#!" script: only shebang is set */
	ELF_NOT_ELF,		/* neither ELF nor a script */
	ELF_BAD,		/* ELF, but damaged: *why says how */
};

/*
 * Read @path into @e (cleared first; release it whatever the result).
 * Returns an elf_result, or a negative errno when the file could not be
 * read (-ENOMEM without memory).
 */
int elf_read(const char *path, struct elf_info *e, const char **why);
void elf_release(struct elf_info *e);

#endif
