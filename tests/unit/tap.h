/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TAP_H
#define TAP_H

/*
 * tap.h: test points for the unit tests of tests/unit/, in TAP.
 *
 * Each test program prints one "ok - ..." or "not ok - ..." line a check,
 * without numbers (TAP allows that), and exits 1 if any check failed;
 * tests/unit.t runs every program and prints the plan.  A failed string
 * comparison shows both strings, escaped, as TAP diagnostics.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_failed;

__attribute__((format(printf, 2, 3)))
static inline void ok(int good, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", good ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	tap_failed |= !good;
}

/* @s with control and non-ASCII bytes as \xNN, for diagnostics. */
static inline void tap_show(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("#   %s: \"", label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < ' ' || c >= 0x7f || c == '"')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

/* Compare @n bytes of @got with @want. */
static inline void is_mem(const char *got, const char *want, size_t n,
		   const char *what)
{
	int good = !memcmp(got, want, n);

	ok(good, "%s", what);
	if (!good) {
		tap_show("got ", got, n);
		tap_show("want", want, n);
	}
}

static inline void is_str(const char *got, const char *want, const char *what)
{
	if (!got || !want) {
		ok(got == want, "%s (NULL)", what);
		return;
	}
	if (strlen(got) != strlen(want)) {
		ok(0, "%s", what);
		tap_show("got ", got, strlen(got));
		tap_show("want", want, strlen(want));
		return;
	}
	is_mem(got, want, strlen(want), what);
}

static inline void is_long(long got, long want, const char *what)
{
	ok(got == want, "%s", what);
	if (got != want)
		printf("#   got %ld, want %ld\n", got, want);
}

static inline int tap_done(void)
{
	return tap_failed ? 1 : 0;
}

#endif
