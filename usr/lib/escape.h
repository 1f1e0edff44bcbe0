/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ESCAPE_H
#define ESCAPE_H

/*
 * escape: the byte escapes of a spec field, both ways.
 *
 * A spec line is split at blanks, so a name holding a blank or a control
 * character is written with escapes: "\\" is a backslash and "\NNN"
 * (three octal digits, 001 to 377) the byte NNN.
 * escape_field() writes them, escape_decode() reads one back; whatever
 * escape_field() prints, escape_decode() turns into the same bytes.
 */

#include <stddef.h>

/*
 * @s as a spec field: blanks, control characters, DEL and backslashes
 * written as \NNN (bytes beyond ASCII stay as they are).  Returns a new
 * string, or NULL without memory.
 */
char *escape_field(const char *s);

enum escape_result {
	ESCAPE_BAD = 0,		/* not "\\" nor "\NNN" */
	ESCAPE_NUL = -1,	/* "\000": a NUL cannot be part of a field */
};

/*
 * Decode the escape at @f (which starts with a backslash) into *@c.
 * Returns how many bytes of @f it took (2 or 4), or an escape_result.
 */
int escape_decode(const char *f, char *c);

#endif
