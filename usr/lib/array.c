// SPDX-License-Identifier: GPL-2.0
/*
 * array.c: growable arrays (see array.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

int array_grow(void *vp, size_t *cap, size_t need, size_t size,
	       size_t first)
{
	size_t want = *cap ? *cap : first ? first : 1;
	void *v, *bigger;

	if (need <= *cap)
		return 0;
	/* Through memcpy: *@vp is a pointer to some type, not a void *. */
	memcpy(&v, vp, sizeof(v));
	while (want < need) {
		if (want > SIZE_MAX / 2)
			return -1;
		want *= 2;
	}
	if (want > SIZE_MAX / size)
		return -1;
	bigger = realloc(v, want * size);
	if (!bigger)
		return -1;
	memcpy(vp, &bigger, sizeof(bigger));
	*cap = want;
	return 0;
}
