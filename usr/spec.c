// SPDX-License-Identifier: GPL-2.0
/*
 * spec.c: the spec list reader (see spec.h).
 *
 * The kernel's tool reads each line with fgets() into a fixed buffer and
 * picks fields with sscanf().  That silently splits an over-long line into
 * two entries, ignores extra fields, accepts "-1" as a uid and "0758" as a
 * mode (stopping at the 8), and skips unknown line types with exit status
 * 0.  Here a line is read whole (up to SPEC_LINE_MAX), split into fields at
 * spaces and tabs, and every field is parsed completely or rejected with a
 * message that quotes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"
#include "lib/buf.h"
#include "lib/escape.h"
#include "spec.h"

/* One line split into fields; the fields point into the line buffer. */
struct spec_line {
	struct srcloc loc;
	uint32_t source;	/* the list's (source_add()) */
	char **field;
	unsigned int nfields;
	size_t cap;
};

/* One line being parsed: its node, and its names once decoded. */
struct parse {
	struct srcloc loc;
	struct diag *d;
	struct node *node;
	char **names;		/* in_place, or a larger array */
	unsigned int nnames;
	unsigned int cap;
	char *in_place[4];	/* most lines have one name */
};

typedef int (*spec_parse_fn)(struct parse *p, char **f);

/*
 * The keyword table: the fields a type takes after its keyword and the
 * function that fills a node from them.  max_fields of 0 means no upper
 * bound (a file's hard links).
 */
struct spec_keyword {
	const char *word;
	enum entry_type type;
	unsigned int min_fields;
	unsigned int max_fields;
	spec_parse_fn parse;
	const char *usage;
};

static int parse_u32(const char *s, int base, uint32_t max, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	if (!*s)
		return -1;
	for (p = s; *p; p++) {
		unsigned int digit = (unsigned int)(*p - '0');

		if (*p < '0' || *p > '9' || digit >= (unsigned int)base)
			return -1;
		v = v * base + digit;
		if (v > max)
			return -2;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_mode(struct parse *p, const char *s)
{
	uint32_t mode;

	switch (parse_u32(s, 8, 07777, &mode)) {
	case -1:
		diag_error(p->d, &p->loc, "mode '%s' is not an octal number", s);
		return -1;
	case -2:
		diag_error(p->d, &p->loc,
			   "mode '%s' has bits beyond 07777 (the type comes from the keyword)",
			   s);
		return -1;
	}
	p->node->mode |= mode;
	return 0;
}

static int parse_id(struct parse *p, const char *what, const char *s,
		    uint32_t *out)
{
	switch (parse_u32(s, 10, UINT32_MAX, out)) {
	case -1:
		if (s[0] == '-' && s[1] >= '0' && s[1] <= '9')
			diag_error(p->d, &p->loc, "%s '%s' is negative", what, s);
		else
			diag_error(p->d, &p->loc, "%s '%s' is not a decimal number",
				   what, s);
		return -1;
	case -2:
		diag_error(p->d, &p->loc, "%s '%s' does not fit in 32 bits", what, s);
		return -1;
	}
	return 0;
}

static int parse_devnum(struct parse *p, const char *what, const char *s,
			uint32_t max, uint32_t *out)
{
	switch (parse_u32(s, 10, max, out)) {
	case -1:
		diag_error(p->d, &p->loc, "%s '%s' is not a decimal number", what, s);
		return -1;
	case -2:
		diag_error(p->d, &p->loc,
			   "%s '%s' is larger than %u (the kernel's dev_t has %u bits for it)",
			   what, s, max, max == 4095 ? 12 : 20);
		return -1;
	}
	return 0;
}

/* Append the value of the variable named by @f up to @end (unset: nothing). */
static int add_variable(struct buf *out, const char *f, const char *end)
{
	char *var = strndup(f, (size_t)(end - f));
	const char *val;

	if (!var)
		return -1;
	val = getenv(var);
	free(var);
	return val ? buf_addstr(out, val) : 0;
}

/* A bad escape at @f in field @s: reported. */
static void bad_escape(struct parse *p, const char *what, const char *s,
		       const char *f, int why)
{
	if (why == ESCAPE_NUL)
		diag_error(p->d, &p->loc,
			   "%s '%s': '\\000' (a NUL byte) cannot be part of it",
			   what, s);
	else
		diag_error(p->d, &p->loc,
			   "%s '%s': unknown escape '\\%.1s' (use \\\\ or \\NNN in octal)",
			   what, s, f + 1);
}

/*
 * Decode one field: "\\" is a backslash and "\NNN" (three octal digits)
 * the byte NNN, so that names with blanks, newlines or backslashes can be
 * written; with @env, ${VAR} is replaced by the variable's value (unset:
 * empty), inserted as is.  Returns a new string, or NULL after reporting.
 */
static char *decode_field(struct parse *p, const char *what, const char *s,
			  bool env)
{
	struct buf out = BUF_INIT;
	const char *f = s, *end;
	char c, *decoded;
	int len = 1;

	/* Most fields have nothing to decode. */
	if (!strpbrk(s, env ? "\\$" : "\\")) {
		decoded = strdup(s);
		if (!decoded)
			diag_oom(p->d, &p->loc);
		return decoded;
	}
	if (buf_grow(&out, strlen(s)))
		goto oom;
	while (*f) {
		end = env && f[0] == '$' && f[1] == '{' ? strchr(f + 2, '}') : NULL;
		if (end) {
			if (add_variable(&out, f + 2, end))
				goto oom;
			f = end + 1;
			continue;
		}
		c = *f;
		len = *f == '\\' ? escape_decode(f, &c) : 1;
		if (len <= 0) {
			bad_escape(p, what, s, f, len);
			buf_release(&out);
			return NULL;
		}
		if (buf_add(&out, &c, 1))
			goto oom;
		f += len;
	}
	decoded = buf_detach(&out, NULL);
	if (decoded)
		return decoded;
oom:
	buf_release(&out);
	diag_oom(p->d, &p->loc);
	return NULL;
}

static int grow_names(struct parse *p)
{
	char **names = malloc(2 * p->cap * sizeof(*names));

	if (!names)
		return -1;
	memcpy(names, p->names, p->nnames * sizeof(*names));
	if (p->names != p->in_place)
		free(p->names);
	p->names = names;
	p->cap *= 2;
	return 0;
}

static int add_name(struct parse *p, const char *field)
{
	char *name = decode_field(p, "name", field, false);

	if (!name)
		return -1;
	if (p->nnames == p->cap && grow_names(p)) {
		free(name);
		diag_oom(p->d, &p->loc);
		return -1;
	}
	/* The archive stores names relative to the root, as the kernel's tool. */
	if (name[0] == '/')
		memmove(name, name + 1, strlen(name));
	p->names[p->nnames++] = name;
	return 0;
}

/* Mode, uid and gid: the three fields every line type has. */
static int parse_mode_owner(struct parse *p, char **f)
{
	int rc = 0;

	rc |= parse_mode(p, f[0]);
	rc |= parse_id(p, "uid", f[1], &p->node->uid);
	rc |= parse_id(p, "gid", f[2], &p->node->gid);
	return rc;
}

/* Decode field @s into a string of the model, into *@handle. */
static int decode_into(struct parse *p, const char *what, const char *s,
		       bool env, uint32_t *handle)
{
	char *text = decode_field(p, what, s, env);

	if (!text)
		return -1;
	*handle = str_add(text);
	if (!*handle)
		diag_oom(p->d, &p->loc);
	free(text);
	return *handle ? 0 : -1;
}

static int parse_file(struct parse *p, char **f)
{
	int rc = parse_mode_owner(p, f + 2);
	unsigned int i;

	rc |= add_name(p, f[0]);
	/* Hard links follow the gid; the field list ends with a NULL. */
	for (i = 5; f[i]; i++)
		rc |= add_name(p, f[i]);
	if (decode_into(p, "location", f[1], true, &p->node->path))
		return -1;
	p->node->data = DATA_PATH;
	if (!node_path(p->node)[0]) {
		diag_error(p->d, &p->loc, "location '%s' is empty once expanded",
			   f[1]);
		rc = -1;
	}
	return rc;
}

static int parse_generic(struct parse *p, char **f)
{
	return parse_mode_owner(p, f + 1) | add_name(p, f[0]);
}

static int parse_nod(struct parse *p, char **f)
{
	int rc = parse_mode_owner(p, f + 1);

	if (strcmp(f[4], "b") && strcmp(f[4], "c")) {
		diag_error(p->d, &p->loc,
			   "device type '%s' is neither 'b' (block) nor 'c' (character)",
			   f[4]);
		rc = -1;
	}
	p->node->mode = (p->node->mode & 07777) | entry_type_bits(ENTRY_NOD, f[4][0]);
	rc |= parse_devnum(p, "major", f[5], 4095, &p->node->rmajor);
	rc |= parse_devnum(p, "minor", f[6], 1048575, &p->node->rminor);
	return rc | add_name(p, f[0]);
}

static int parse_slink(struct parse *p, char **f)
{
	int rc = parse_mode_owner(p, f + 2);

	if (decode_into(p, "target", f[1], false, &p->node->target))
		rc = -1;
	return rc | add_name(p, f[0]);
}

static const struct spec_keyword keywords[] = {
	{ "file", ENTRY_FILE, 5, 0, parse_file,
	  "file <name> <location> <mode> <uid> <gid> [<hard links>...]" },
	{ "dir", ENTRY_DIR, 4, 4, parse_generic,
	  "dir <name> <mode> <uid> <gid>" },
	{ "nod", ENTRY_NOD, 7, 7, parse_nod,
	  "nod <name> <mode> <uid> <gid> <b|c> <maj> <min>" },
	{ "slink", ENTRY_SLINK, 5, 5, parse_slink,
	  "slink <name> <target> <mode> <uid> <gid>" },
	{ "pipe", ENTRY_PIPE, 4, 4, parse_generic,
	  "pipe <name> <mode> <uid> <gid>" },
	{ "sock", ENTRY_SOCK, 4, 4, parse_generic,
	  "sock <name> <mode> <uid> <gid>" },
};

static const struct spec_keyword *find_keyword(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(keywords[i].word, word))
			return &keywords[i];
	return NULL;
}

/* Split @buf in place at runs of spaces and tabs; NULL-terminate the list. */
static int split_fields(struct spec_line *sl, char *buf)
{
	char *p = buf;

	sl->nfields = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (ARRAY_GROW(sl->field, sl->cap, sl->nfields + 2, 16))
			return -1;
		if (!*p)
			break;
		sl->field[sl->nfields++] = p;
		p += strcspn(p, " \t");	/* long paths: a vector scan */
		if (*p)
			*p++ = '\0';
	}
	sl->field[sl->nfields] = NULL;
	return 0;
}

static int check_field_count(const struct spec_keyword *kw,
			     const struct spec_line *sl, struct diag *d)
{
	unsigned int n = sl->nfields - 1;

	if (n < kw->min_fields) {
		diag_error(d, &sl->loc, "'%s' needs %u fields, found %u: %s",
			   kw->word, kw->min_fields, n, kw->usage);
		return -1;
	}
	if (kw->max_fields && n > kw->max_fields) {
		diag_error(d, &sl->loc, "'%s' takes %u fields; extra field '%s': %s",
			   kw->word, kw->max_fields,
			   sl->field[kw->max_fields + 1], kw->usage);
		return -1;
	}
	return 0;
}

/* Add one entry per name of a parsed line; all or nothing. */
static int add_entries(struct parse *p, struct entry_list *out)
{
	size_t before = out->len;
	unsigned int i;

	for (i = 0; i < p->nnames; i++) {
		if (!entry_list_add(out, p->names[i], p->node, p->loc.line)) {
			while (out->len > before)
				entry_list_drop_last(out);
			diag_oom(p->d, &p->loc);
			return -1;
		}
	}
	return 0;
}

/* "segment [<method>]": the hook takes it from here. */
static int spec_segment(struct spec_line *sl, struct entry_list *out,
			const struct spec_hooks *hooks, struct diag *d)
{
	if (sl->nfields > 2) {
		diag_error(d, &sl->loc,
			   "'segment' takes at most 1 field; extra field '%s': segment [<method>[:<level>]]",
			   sl->field[2]);
		return 0;
	}
	if (!hooks || !hooks->segment) {
		diag_error(d, &sl->loc, "'segment' is not allowed here");
		return 0;
	}
	return hooks->segment(hooks->ctx, sl->field[1], &sl->loc, out);
}

/* Turn one non-blank, non-comment line into entries. */
static int spec_parse_line(struct spec_line *sl, struct entry_list *out,
			   const struct spec_hooks *hooks, struct diag *d)
{
	const struct spec_keyword *kw = find_keyword(sl->field[0]);
	struct parse p = { .loc = sl->loc, .d = d };
	size_t last = strlen(sl->field[sl->nfields - 1]);
	unsigned int i;
	int rc = 0;

	if (last && sl->field[sl->nfields - 1][last - 1] == '\r') {
		diag_error(d, &sl->loc,
			   "line ends with a carriage return (DOS line endings?)");
		return 0;
	}
	if (!kw && !strcmp(sl->field[0], "segment"))
		return spec_segment(sl, out, hooks, d);
	if (!kw) {
		diag_error(d, &sl->loc,
			   "unknown line type '%s' (expected file, dir, nod, slink, pipe or sock)",
			   sl->field[0]);
		return 0;
	}
	if (check_field_count(kw, sl, d))
		return 0;
	p.names = p.in_place;
	p.cap = ARRAY_SIZE(p.in_place);
	p.node = node_new(kw->type, sl->source);
	if (!p.node) {
		diag_oom(d, &sl->loc);
		return -1;
	}
	if (kw->parse(&p, sl->field + 1) == 0)
		rc = add_entries(&p, out);
	for (i = 0; i < p.nnames; i++)
		free(p.names[i]);
	if (p.names != p.in_place)
		free(p.names);
	node_put(p.node);
	return rc;
}

/*
 * The spec text, read a chunk at a time and handed out line by line: a
 * memchr() per line instead of a getc() per byte.  A line is copied into
 * its own buffer, at most SPEC_LINE_MAX bytes of it.
 */
#define SPEC_CHUNK (64 * 1024)

struct line_reader {
	FILE *f;
	char *line;		/* SPEC_LINE_MAX + 1 bytes */
	char *chunk;		/* SPEC_CHUNK bytes */
	size_t pos, end;	/* what is left of the chunk */
};

/* Append @len bytes of a line to what it has so far (@n bytes). */
static size_t keep_line_part(struct line_reader *r, size_t n, const char *p,
			     size_t len, int *nul)
{
	size_t room = n < SPEC_LINE_MAX ? SPEC_LINE_MAX - n : 0;
	size_t take = len < room ? len : room;

	if (take) {
		if (memchr(p, '\0', take))
			*nul = 1;
		memcpy(r->line + n, p, take);
	}
	return n + len > SPEC_LINE_MAX ? SPEC_LINE_MAX + 1 : n + len;
}

/*
 * Read one line into r->line.  Returns its length, -1 at end of input, or
 * -2 when it was too long (the rest is consumed so that the next call
 * starts at the next line).  *@nul is set when the line contains a NUL
 * byte.
 */
static long read_line(struct line_reader *r, int *nul)
{
	bool any = false;
	size_t n = 0;

	*nul = 0;
	for (;;) {
		const char *p, *nl;
		size_t len;

		if (r->pos == r->end) {
			r->pos = 0;
			r->end = fread(r->chunk, 1, SPEC_CHUNK, r->f);
			if (!r->end)
				break;
		}
		any = true;
		p = r->chunk + r->pos;
		nl = memchr(p, '\n', r->end - r->pos);
		len = nl ? (size_t)(nl - p) : r->end - r->pos;
		r->pos += len + (nl != NULL);
		n = keep_line_part(r, n, p, len, nul);
		if (nl)
			break;
	}
	if (!any)
		return -1;
	if (n > SPEC_LINE_MAX)
		return -2;
	r->line[n] = '\0';
	return (long)n;
}

static int is_blank_or_comment(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0' || *s == '#';
}

int spec_read(FILE *f, const char *name, struct entry_list *out,
	      const struct spec_hooks *hooks, struct diag *d)
{
	struct spec_line sl = { .loc = { .file = name } };
	struct line_reader r = {
		.f = f,
		.line = malloc(SPEC_LINE_MAX + 1),
		.chunk = malloc(SPEC_CHUNK),
	};
	long n, source = source_add(name, AT_FDCWD);
	int rc = 0, nul;

	if (!r.line || !r.chunk || source < 0) {
		diag_oom(d, &sl.loc);
		rc = -1;
		goto out;
	}
	sl.source = (uint32_t)source;
	while ((n = read_line(&r, &nul)) != -1) {
		if (sl.loc.line == ENTRY_WHERE_MAX) {
			diag_error(d, &sl.loc, "more than %u lines",
				   ENTRY_WHERE_MAX);
			rc = -1;
			break;
		}
		sl.loc.line++;
		if (n == -2) {
			diag_error(d, &sl.loc,
				   "line is longer than %d bytes", SPEC_LINE_MAX);
			continue;
		}
		if (nul) {
			diag_error(d, &sl.loc, "line contains a NUL byte");
			continue;
		}
		if (is_blank_or_comment(r.line))
			continue;
		if (split_fields(&sl, r.line) ||
		    spec_parse_line(&sl, out, hooks, d)) {
			rc = -1;
			break;
		}
	}
	if (ferror(f)) {
		diag_error(d, &sl.loc, "read error: %s", strerror(errno));
		rc = -1;
	}
out:
	free(sl.field);
	free(r.chunk);
	free(r.line);
	return rc;
}
