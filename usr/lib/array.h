/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARRAY_H
#define ARRAY_H

/*
 * array: growable arrays, written once.
 *
 * An array is three things its owner keeps together: a pointer to the
 * elements (NULL while empty), the number in use and the number there
 * is room for.  ARRAY_GROW() makes room for at least @need elements,
 * doubling (from @first) so that appending one at a time costs O(1)
 * each on average; the pointer and @cap change only when it succeeds,
 * so on failure the array is as it was and still the owner's to free.
 *
 *	struct thing *v = NULL;
 *	size_t len = 0, cap = 0;
 *
 *	if (ARRAY_GROW(v, cap, len + 1, 16))
 *		return -1;	(out of memory, or a count past SIZE_MAX)
 *	v[len++] = t;
 */

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Room for @need elements of @size bytes in the array that @vp points to
 * (a pointer to its pointer, of any element type; room now for *@cap):
 * 0, or -1 without memory (nothing changed).
 */
int array_grow(void *vp, size_t *cap, size_t need, size_t size,
	       size_t first);

/* The same for an array pointer @v and its size_t capacity @cap. */
#define ARRAY_GROW(v, cap, need, first) \
	array_grow(&(v), &(cap), (need), sizeof(*(v)), (first))

#endif
