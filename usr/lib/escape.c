// SPDX-License-Identifier: GPL-2.0
/*
 * escape.c: the byte escapes of a spec field (see escape.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

char *escape_field(const char *s)
{
	char *out = malloc(4 * strlen(s) + 1), *p = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c <= ' ' || c == '\\' || c == 0x7f)
			p += sprintf(p, "\\%03o", c);
		else
			*p++ = (char)c;
	}
	*p = '\0';
	return out;
}

static int is_octal(char c)
{
	return c >= '0' && c <= '7';
}

int escape_decode(const char *f, char *c)
{
	int v;

	if (f[1] == '\\') {
		*c = '\\';
		return 2;
	}
	if (f[1] < '0' || f[1] > '3' || !is_octal(f[2]) || !is_octal(f[3]))
		return ESCAPE_BAD;
	v = (f[1] - '0') * 64 + (f[2] - '0') * 8 + (f[3] - '0');
	if (!v)
		return ESCAPE_NUL;
	*c = (char)v;
	return 4;
}
