// SPDX-License-Identifier: GPL-2.0
/*
 * elfread.c: an executable's interpreter and dynamic section (see
 * elfread.h).
 *
 * The file is mapped, not read: a shared library is megabytes, of which
 * the headers and the dynamic strings are a few pages, and only the pages
 * touched are read from disk.  The fields are fetched byte by byte in the
 * file's own order, so the host's byte order and alignment do not matter.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfread.h"

/* The kernel reads no further than this for a "#!" line. */
#define SHEBANG_MAX 256

/* Where the fields this reader needs sit, for one ELF class. */
struct layout {
	unsigned int ehdr_size;
	unsigned int e_phoff;
	unsigned int e_phentsize;
	unsigned int e_phnum;
	unsigned int phdr_size;
	unsigned int p_offset;
	unsigned int p_vaddr;
	unsigned int p_filesz;
	unsigned int word;	/* an address, an offset, a d_tag or d_val */
};

static const struct layout layout32 = {
	.ehdr_size = 52, .e_phoff = 28, .e_phentsize = 42, .e_phnum = 44,
	.phdr_size = 32, .p_offset = 4, .p_vaddr = 8, .p_filesz = 16,
	.word = 4,
};

static const struct layout layout64 = {
	.ehdr_size = 64, .e_phoff = 32, .e_phentsize = 54, .e_phnum = 56,
	.phdr_size = 56, .p_offset = 8, .p_vaddr = 16, .p_filesz = 32,
	.word = 8,
};

/* The mapped file and how to read its fields. */
struct image {
	const unsigned char *p;
	uint64_t size;
	bool msb;
	const struct layout *l;
	const char *why;	/* what is wrong with it, for ELF_BAD */
};

/* A range of the file: offset and length, already checked. */
struct range {
	uint64_t off;
	uint64_t len;
};

static bool in_file(const struct image *im, uint64_t off, uint64_t len)
{
	return off <= im->size && len <= im->size - off;
}

/* An unsigned field of @width bytes at @off (checked by the caller). */
static uint64_t get(const struct image *im, uint64_t off, unsigned int width)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < width; i++)
		v = v << 8 | im->p[off + (im->msb ? i : width - 1 - i)];
	return v;
}

static uint64_t get_word(const struct image *im, uint64_t off)
{
	return get(im, off, im->l->word);
}

static int bad(struct image *im, const char *why)
{
	im->why = why;
	return ELF_BAD;
}

/* "#!interpreter arg": the interpreter, as the kernel takes it. */
static int read_shebang(const struct image *im, struct elf_info *e)
{
	size_t len = im->size < SHEBANG_MAX ? (size_t)im->size : SHEBANG_MAX;
	const char *s = (const char *)im->p + 2, *end = (const char *)im->p + len;
	const char *word;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	word = s;
	while (s < end && *s != ' ' && *s != '\t' && *s != '\n' && *s)
		s++;
	if (s == word)
		return ELF_NOT_ELF;
	e->shebang = strndup(word, (size_t)(s - word));
	return e->shebang ? ELF_SCRIPT : -ENOMEM;
}

/* A NUL-terminated string in @r at @off, copied; NULL with im->why set. */
static char *get_string(struct image *im, const struct range *r, uint64_t off,
			int *rc)
{
	const char *s, *nul;
	char *copy;

	if (off >= r->len) {
		*rc = bad(im, "a dynamic string lies beyond the string table");
		return NULL;
	}
	s = (const char *)im->p + r->off + off;
	nul = memchr(s, '\0', (size_t)(r->len - off));
	if (!nul) {
		*rc = bad(im, "a dynamic string is not terminated");
		return NULL;
	}
	copy = strndup(s, (size_t)(nul - s));
	if (!copy)
		*rc = -ENOMEM;
	return copy;
}

static uint64_t phdr_at(const struct image *im, uint64_t phoff, unsigned int i)
{
	return phoff + (uint64_t)i * im->l->phdr_size;
}

/*
 * The file bytes behind virtual address @vaddr: from there to the end of
 * the PT_LOAD segment's file part.  -1 when no segment holds it.
 */
static int vaddr_range(const struct image *im, uint64_t phoff,
		       unsigned int phnum, uint64_t vaddr, struct range *out)
{
	const struct layout *l = im->l;
	unsigned int i;

	for (i = 0; i < phnum; i++) {
		uint64_t ph = phdr_at(im, phoff, i);
		uint64_t start = get_word(im, ph + l->p_vaddr);
		uint64_t filesz = get_word(im, ph + l->p_filesz);
		uint64_t off = get_word(im, ph + l->p_offset);

		if (get(im, ph, 4) != PT_LOAD || vaddr < start ||
		    vaddr - start >= filesz)
			continue;
		if (!in_file(im, off, filesz))
			return -1;
		out->off = off + (vaddr - start);
		out->len = filesz - (vaddr - start);
		return 0;
	}
	return -1;
}

/* What the dynamic section says, before its strings are looked up. */
struct dyn_tags {
	bool have_strtab;
	uint64_t strtab;	/* a virtual address */
	bool have_strsz;
	uint64_t strsz;
	bool have_soname, have_rpath, have_runpath;
	uint64_t soname, rpath, runpath;	/* string table offsets */
	size_t nneeded;
};

static void note_string(bool *have, uint64_t *where, uint64_t val)
{
	if (*have)
		return;		/* the first one counts, as for ld.so */
	*have = true;
	*where = val;
}

static void scan_dynamic(const struct image *im, const struct range *dyn,
			 struct dyn_tags *t, struct elf_info *e)
{
	uint64_t i, n = dyn->len / (2 * im->l->word);

	for (i = 0; i < n; i++) {
		uint64_t at = dyn->off + i * 2 * im->l->word;
		uint64_t tag = get_word(im, at);
		uint64_t val = get_word(im, at + im->l->word);

		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED)
			t->nneeded++;
		else if (tag == DT_STRTAB)
			note_string(&t->have_strtab, &t->strtab, val);
		else if (tag == DT_STRSZ)
			note_string(&t->have_strsz, &t->strsz, val);
		else if (tag == DT_SONAME)
			note_string(&t->have_soname, &t->soname, val);
		else if (tag == DT_RPATH)
			note_string(&t->have_rpath, &t->rpath, val);
		else if (tag == DT_RUNPATH)
			note_string(&t->have_runpath, &t->runpath, val);
		else if (tag == DT_FLAGS_1 && (val & DF_1_NODEFLIB))
			e->nodeflib = true;
	}
}

/* The DT_NEEDED strings, in order. */
static int read_needed(struct image *im, const struct range *dyn,
		       const struct range *strs, struct elf_info *e)
{
	uint64_t i, n = dyn->len / (2 * im->l->word);
	int rc = ELF_OK;

	for (i = 0; i < n; i++) {
		uint64_t at = dyn->off + i * 2 * im->l->word;
		uint64_t tag = get_word(im, at);

		if (tag == DT_NULL)
			break;
		if (tag != DT_NEEDED)
			continue;
		e->needed[e->nneeded] = get_string(im, strs,
						   get_word(im, at + im->l->word),
						   &rc);
		if (!e->needed[e->nneeded])
			return rc;
		e->nneeded++;
	}
	return ELF_OK;
}

static int read_dynamic(struct image *im, uint64_t phoff, unsigned int phnum,
			const struct range *dyn, struct elf_info *e)
{
	struct dyn_tags t = { .have_strtab = false };
	struct range strs;
	int rc = ELF_OK;

	scan_dynamic(im, dyn, &t, e);
	if (!t.nneeded && !t.have_soname && !t.have_rpath && !t.have_runpath)
		return ELF_OK;
	if (!t.have_strtab)
		return bad(im, "the dynamic section has no string table (DT_STRTAB)");
	if (vaddr_range(im, phoff, phnum, t.strtab, &strs))
		return bad(im, "the dynamic string table is outside the file's loaded segments");
	if (t.have_strsz && t.strsz < strs.len)
		strs.len = t.strsz;
	e->needed = calloc(t.nneeded + 1, sizeof(*e->needed));
	if (!e->needed)
		return -ENOMEM;
	if (t.have_soname && !(e->soname = get_string(im, &strs, t.soname, &rc)))
		return rc;
	if (t.have_rpath && !(e->rpath = get_string(im, &strs, t.rpath, &rc)))
		return rc;
	if (t.have_runpath &&
	    !(e->runpath = get_string(im, &strs, t.runpath, &rc)))
		return rc;
	return read_needed(im, dyn, &strs, e);
}

/* PT_INTERP's path: the whole segment, NUL-terminated. */
static int read_interp(struct image *im, const struct range *r,
		       struct elf_info *e)
{
	const char *s = (const char *)im->p + r->off;

	if (!r->len || !memchr(s, '\0', (size_t)r->len))
		return bad(im, "the interpreter path (PT_INTERP) is not terminated");
	e->interp = strdup(s);
	return e->interp ? ELF_OK : -ENOMEM;
}

/* The program headers: PT_INTERP and PT_DYNAMIC, checked and read. */
static int read_segments(struct image *im, uint64_t phoff, unsigned int phnum,
			 struct elf_info *e)
{
	const struct layout *l = im->l;
	bool have_dyn = false;
	struct range dyn = { 0, 0 };
	unsigned int i;
	int rc;

	for (i = 0; i < phnum; i++) {
		uint64_t ph = phdr_at(im, phoff, i);
		uint32_t type = (uint32_t)get(im, ph, 4);
		struct range r = {
			.off = get_word(im, ph + l->p_offset),
			.len = get_word(im, ph + l->p_filesz),
		};

		if (type != PT_INTERP && type != PT_DYNAMIC)
			continue;
		if (!in_file(im, r.off, r.len))
			return bad(im, "a segment lies beyond the end of the file");
		if (type == PT_INTERP && !e->interp) {
			rc = read_interp(im, &r, e);
			if (rc)
				return rc;
		} else if (type == PT_DYNAMIC && !have_dyn) {
			have_dyn = true;
			dyn = r;
		}
	}
	return have_dyn ? read_dynamic(im, phoff, phnum, &dyn, e) : ELF_OK;
}

/* The ELF header: identification, then where the program headers are. */
static int read_elf(struct image *im, struct elf_info *e)
{
	const unsigned char *id = im->p;
	uint64_t phoff;
	unsigned int phentsize, phnum;

	if (im->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return ELF_NOT_ELF;
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64)
		return bad(im, "unknown ELF class");
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return bad(im, "unknown ELF byte order");
	if (id[EI_VERSION] != EV_CURRENT)
		return bad(im, "unknown ELF version");
	e->cls = id[EI_CLASS];
	e->data = id[EI_DATA];
	im->msb = e->data == ELFDATA2MSB;
	im->l = e->cls == ELFCLASS64 ? &layout64 : &layout32;
	if (im->size < im->l->ehdr_size)
		return bad(im, "the ELF header is cut short");
	e->type = (unsigned int)get(im, 16, 2);
	e->machine = (unsigned int)get(im, 18, 2);
	phoff = get_word(im, im->l->e_phoff);
	phentsize = (unsigned int)get(im, im->l->e_phentsize, 2);
	phnum = (unsigned int)get(im, im->l->e_phnum, 2);
	if (!phnum)
		return ELF_OK;
	if (phnum == PN_XNUM)
		return bad(im, "more program headers than the ELF header can count (PN_XNUM)");
	if (phentsize != im->l->phdr_size)
		return bad(im, "program headers of an unexpected size");
	if (!in_file(im, phoff, (uint64_t)phnum * phentsize))
		return bad(im, "the program headers lie beyond the end of the file");
	return read_segments(im, phoff, phnum, e);
}

int elf_read(const char *path, struct elf_info *e, const char **why)
{
	struct image im = { .why = NULL };
	struct stat st;
	void *map;
	int fd, rc;

	memset(e, 0, sizeof(*e));
	*why = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (st.st_size < 4) {
		close(fd);
		return ELF_NOT_ELF;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	rc = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	im.p = map;
	im.size = (uint64_t)st.st_size;
	if (im.p[0] == '#' && im.p[1] == '!')
		rc = read_shebang(&im, e);
	else
		rc = read_elf(&im, e);
	munmap(map, (size_t)st.st_size);
	*why = im.why;
	return rc;
}

void elf_release(struct elf_info *e)
{
	size_t i;

	for (i = 0; i < e->nneeded; i++)
		free(e->needed[i]);
	free(e->needed);
	free(e->interp);
	free(e->soname);
	free(e->rpath);
	free(e->runpath);
	free(e->shebang);
	memset(e, 0, sizeof(*e));
}
