// SPDX-License-Identifier: GPL-2.0
/*
 * escape_test.c: the spec field escapes (usr/lib/escape.c), both ways.
 */
#include <stdlib.h>

#include "lib/escape.h"
#include "tap.h"

static void escaped(const char *in, const char *want, const char *what)
{
	char *got = escape_field(in);

	is_str(got, want, what);
	free(got);
}

static void test_escape(void)
{
	escaped("plain/name.txt", "plain/name.txt", "a plain name is itself");
	escaped("a b", "a\\040b", "a blank is \\040");
	escaped("tab\there", "tab\\011here", "a tab is \\011");
	escaped("new\nline", "new\\012line", "a newline is \\012");
	escaped("back\\slash", "back\\134slash", "a backslash is \\134");
	escaped("\x7f", "\\177", "DEL is \\177");
	escaped("\x01", "\\001", "a control byte is \\NNN");
	escaped("caf\xc3\xa9", "caf\xc3\xa9", "bytes beyond ASCII stay as they are");
	escaped("", "", "the empty name is empty");
}

static void decoded(const char *in, int want_len, char want_c,
		    const char *what)
{
	char c = 0;
	int len = escape_decode(in, &c);

	ok(len == want_len && (len <= 0 || c == want_c), "%s", what);
	if (len != want_len)
		printf("#   got %d, want %d\n", len, want_len);
}

static void test_decode(void)
{
	decoded("\\\\", 2, '\\', "\\\\ is a backslash, 2 bytes");
	decoded("\\040x", 4, ' ', "\\040 is a blank, 4 bytes");
	decoded("\\377", 4, '\xff', "\\377 is byte 255");
	decoded("\\000", ESCAPE_NUL, 0, "\\000 is a NUL: refused");
	decoded("\\400", ESCAPE_BAD, 0, "\\400 is beyond a byte: unknown");
	decoded("\\08", ESCAPE_BAD, 0, "\\08: not three octal digits");
	decoded("\\n", ESCAPE_BAD, 0, "\\n is not an escape here");
	decoded("\\", ESCAPE_BAD, 0, "a lone backslash at the end");
	decoded("\\12", ESCAPE_BAD, 0, "two digits and the end");
}

/* Every byte escape_field() writes reads back as the same byte. */
static void test_round_trip(void)
{
	char in[2] = "", *out, *p;
	int c, bad = 0;

	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		out = escape_field(in);
		p = out;
		if (p && *p == '\\') {
			char back = 0;

			if (escape_decode(p, &back) != (int)strlen(p) ||
			    back != in[0])
				bad++;
		} else if (!p || strcmp(p, in)) {
			bad++;
		}
		free(out);
	}
	ok(!bad, "bytes 1 to 255 come back from their escapes (%d did not)",
	   bad);
}

int main(void)
{
	test_escape();
	test_decode();
	test_round_trip();
	return tap_done();
}
