// SPDX-License-Identifier: GPL-2.0
/*
 * select.c: --member ranges and name patterns (select.h).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"

/*
 * The next item of a range at *@s: "N", "N-" or "N-M", into *@lo, *@hi
 * (0: open); *@s moves past it and its comma.  0, or -1 if malformed.
 */
static int range_item(const char **s, unsigned long *lo, unsigned long *hi)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return -1;
	*lo = strtoul(*s, &end, 10);
	*hi = *lo;
	if (*end == '-') {
		end++;
		*hi = 0;
		if (isdigit((unsigned char)*end))
			*hi = strtoul(end, &end, 10);
	}
	if (!*lo || (*hi && *hi < *lo) || (*end && *end != ','))
		return -1;
	if (*end == ',' && !end[1])
		return -1;
	*s = *end ? end + 1 : end;
	return 0;
}

/* An unclosed '[' is taken literally by fnmatch: refuse it instead. */
static bool pattern_ok(const char *p)
{
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			const char *q = p + 1;

			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			q = strchr(q, ']');
			if (!q)
				return false;
			p = q;
		}
	}
	return true;
}

int sel_check(const struct read_opts *o, struct diag *d)
{
	const char *s = o->members;
	unsigned long lo, hi;
	unsigned int i;

	while (s && *s)
		if (range_item(&s, &lo, &hi)) {
			diag_error(d, NULL, "--member '%s': not a range of member numbers (2, 2-, 1,3, 2-4)",
				   o->members);
			return -1;
		}
	if (o->members && !*o->members) {
		diag_error(d, NULL, "--member: an empty range");
		return -1;
	}
	for (i = 0; i < o->npatterns; i++)
		if (!*sel_bare_name(o->patterns[i]) ||
		    !pattern_ok(o->patterns[i])) {
			diag_error(d, NULL, "'%s': not a usable pattern (%s)",
				   o->patterns[i],
				   *sel_bare_name(o->patterns[i]) ?
				   "a '[' without its ']'" : "it names no entry");
			return -1;
		}
	return 0;
}

bool sel_member(struct read_opts *o, unsigned int index)
{
	const char *s = o->members;
	unsigned long lo, hi;

	if (!s) {
		o->members_seen++;
		return true;
	}
	while (*s && !range_item(&s, &lo, &hi))
		if (index >= lo && (!hi || index <= hi)) {
			o->members_seen++;
			return true;
		}
	return false;
}

const char *sel_bare_name(const char *name)
{
	for (;;) {
		if (name[0] == '/')
			name++;
		else if (name[0] == '.' && name[1] == '/')
			name += 2;
		else
			return name;
	}
}

bool sel_name(struct read_opts *o, const char *name)
{
	const char *bare = sel_bare_name(name);
	unsigned int i;

	if (!o->npatterns)
		return true;
	for (i = 0; i < o->npatterns; i++)
		if (!fnmatch(sel_bare_name(o->patterns[i]), bare, 0)) {
			o->entries_matched++;
			return true;
		}
	return false;
}

int sel_report(const struct read_opts *o, const char *image,
	       struct diag *d)
{
	struct srcloc loc = { .file = image };

	if (o->members && !o->members_seen) {
		diag_error(d, &loc, "--member %s: no such member in the image",
			   o->members);
		return -1;
	}
	if (o->npatterns && !o->entries_matched) {
		diag_error(d, &loc, "no entry matches %s'%s'%s",
			   o->npatterns > 1 ? "any of " : "", o->patterns[0],
			   o->npatterns > 1 ? ", ..." : "");
		return -1;
	}
	return 0;
}
